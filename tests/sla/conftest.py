"""SLA scenario fixtures: the demo estate, the bot harness, and helpers to file and sweep."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from storage.schema import OutboxRow
from tests.bot.conftest import (  # noqa: F401  (fixtures)
    RESIDENT_PHONE,
    TUESDAY_10AM,
    clock,
    core,
    resident,
    steward,
    supervisor,
)
from workflows.clock import SHANGHAI
from workflows.intake import Filed, Report, file_or_link
from workflows.tickets import Ticket, TicketKind, TicketLevel

GRID_1_2 = "-1001000000101"
SUPERVISORS = "-1001000000201"
MANAGERS = "-1001000000301"
GM_TG = "700000031"
RESIDENT_TG = "800000001"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """A Shanghai wall time in 2026 as an aware UTC instant (Tue 24 Nov 10:00 = at(24, 10))."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


async def file(
    uow: Any,
    estate_id: int,
    *,
    kind: TicketKind = TicketKind.REPAIR,
    level: TicketLevel | None = TicketLevel.NORMAL,
    summary: str = "厨房水龙头漏水",
    room: tuple[str, str, str] = ("1", "1", "1502"),
    phone: str = RESIDENT_PHONE,
    wanted: datetime | None = None,
    location: str | None = "home",
    now: datetime,
) -> Filed:
    async with uow() as tx:
        estate = await tx.directory.estate(estate_id)
        unit = await tx.directory.find_unit(
            estate_id=estate_id, building=room[0], entrance=room[1], room=room[2]
        )
        (reporter,) = await tx.residents.by_phone(phone, estate_id=estate_id)
        filed = await file_or_link(
            tx,
            Report(
                estate=estate, kind=kind, summary=summary, channel=None, level=level,
                reporter=reporter, unit=unit, location=location, wanted_time=wanted,
            ),
            now=now,
        )  # fmt: skip
        await tx.commit()
        return filed


async def change(uow: Any, ticket_id: int, **values: Any) -> Ticket:
    """Set ticket fields directly (fixture set-up, not a workflow step)."""
    async with uow() as tx:
        ticket = await tx.tickets.get(ticket_id)
        milestones = values.pop("milestones", {})
        ticket = replace(ticket, milestones=replace(ticket.milestones, **milestones), **values)
        saved = await tx.tickets.save(ticket)
        await tx.commit()
        return saved  # type: ignore[no-any-return]


async def sweep(uow: Any, now: datetime, worker: str = "test") -> Any:
    """Exactly what ``guanjia timers run-due --at`` does: seed recurring timers, then fire."""
    from workflows.sweep import run_due
    from workflows.timer_kinds import all_handlers, ensure_recurring

    async with uow() as tx:
        await ensure_recurring(tx, now=now)
        await tx.commit()
    return await run_due(uow, all_handlers(), now=now, worker=worker)


async def texts(uow: Any, chat_id: str) -> list[str]:
    async with uow() as tx:
        rows = await tx.session.scalars(
            select(OutboxRow).where(OutboxRow.chat_id == chat_id).order_by(OutboxRow.id)
        )
        return [row.text for row in rows]


async def rows_to(uow: Any, chat_id: str) -> list[OutboxRow]:
    async with uow() as tx:
        rows = list(
            await tx.session.scalars(
                select(OutboxRow).where(OutboxRow.chat_id == chat_id).order_by(OutboxRow.id)
            )
        )
        tx.session.expunge_all()
        return rows


async def trail(uow: Any, ticket_id: int) -> list[tuple[str, dict[str, object]]]:
    async with uow() as tx:
        return [(e.action, e.data) for e in await tx.tickets.events(ticket_id)]


async def get(uow: Any, ticket_id: int) -> Ticket:
    async with uow() as tx:
        return await tx.tickets.get(ticket_id)  # type: ignore[no-any-return]


async def staff(uow: Any, telegram_id: str) -> Any:
    from workflows.estate import Platform

    async with uow() as tx:
        return await tx.directory.staff_by_identity(Platform.TELEGRAM, telegram_id)


async def tickets_count(uow: Any) -> int:
    from sqlalchemy import func

    from storage.schema import TicketRow

    async with uow() as tx:
        return int(await tx.session.scalar(select(func.count()).select_from(TicketRow)) or 0)
