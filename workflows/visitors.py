"""Visitor registration: a numbered temporary pass the gate can check, valid for three days.

The manuals register guests, cars, couriers and helpers and issue temporary passes valid for
``visitor_pass_days`` (3 by default, overridable per estate). The pass is the ticket itself:
its number is what the resident gives the visitor, and the front desk / gate group gets the
card with the plate and the window, so nobody at the gate has to ask the resident again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.clocks import levels_of
from workflows.estate import Estate, Platform, Resident, Unit
from workflows.intake import Report, file_ticket
from workflows.ports import UnitOfWork
from workflows.tickets import Ticket, TicketKind


@dataclass(frozen=True)
class VisitorPass:
    ticket: Ticket
    valid_from: datetime
    valid_until: datetime
    plate: str | None


def pass_window(
    estate: Estate, *, now: datetime, visit_at: datetime | None
) -> tuple[datetime, datetime]:
    """From the announced visit (or now, if none or already past) for the estate's pass days."""
    start = visit_at if visit_at is not None and visit_at > now else now
    days = levels_of(estate).visitor_pass_days
    return start, start + timedelta(days=days)


async def register_visitor(
    uow: UnitOfWork,
    *,
    estate: Estate,
    text: str,
    channel: Platform | None,
    resident: Resident | None,
    unit: Unit | None,
    visit_at: datetime | None,
    plate: str | None,
    now: datetime,
    details: dict[str, object] | None = None,
) -> VisitorPass:
    valid_from, valid_until = pass_window(estate, now=now, visit_at=visit_at)
    tz = ZoneInfo(estate.timezone)
    window = f"{valid_from.astimezone(tz):%m-%d %H:%M} ~ {valid_until.astimezone(tz):%m-%d %H:%M}"
    ticket = await file_ticket(
        uow,
        Report(
            estate=estate,
            kind=TicketKind.VISITOR,
            summary=f"{text[:900]}（通行证有效：{window}"
            + (f"，车牌 {plate}）" if plate else "）"),
            channel=channel,
            reporter=resident,
            unit=unit,
            details={
                **(details or {}),
                "pass_valid_from": valid_from.isoformat(),
                "pass_valid_until": valid_until.isoformat(),
                **({"plate": plate} if plate else {}),
            },
        ),
        now=now,
    )
    return VisitorPass(ticket, valid_from, valid_until, plate)
