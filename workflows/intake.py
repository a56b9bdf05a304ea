"""Filing a ticket: number, level, clocks, assignee, trail, staff card and group alerts.

One function for every kind, so a repair filed from Telegram, the web chat or the front desk
goes through the same rules. Everything is written in the caller's transaction, including the
service-level timers (``escalation``), the day-before visit notice (``rebooking``) and incident
linking (``incidents``): a second report of the same open problem joins the first ticket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.assignment import assign_for_building
from workflows.cards import card_buttons, card_text
from workflows.clock import local_day
from workflows.clocks import levels_of, milestones_for
from workflows.escalation import schedule_sla_timers
from workflows.estate import Estate, GroupPurpose, Platform, Resident, Staff, StaffGroup, Unit
from workflows.incidents import find_incident, link_report
from workflows.notify import to_group
from workflows.ports import UnitOfWork
from workflows.rebooking import schedule_visit_notice
from workflows.tickets import (
    ActorKind,
    Attachment,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketLevel,
    TicketStatus,
)
from workflows.workdays import calendar_from

#: Kinds whose card also goes to the supervisors' group at once.
SUPERVISOR_ALERTS = frozenset({TicketKind.EMERGENCY})
GATE_KINDS = frozenset({TicketKind.VISITOR, TicketKind.RELEASE})  # the front desk runs the gate


@dataclass(frozen=True)
class Report:
    estate: Estate
    kind: TicketKind
    summary: str
    channel: Platform | None
    level: TicketLevel | None = None
    reporter: Resident | None = None
    unit: Unit | None = None
    building_id: int | None = None
    location: str | None = None
    wanted_time: datetime | None = None
    photo: str | None = None
    details: dict[str, object] = field(default_factory=dict)
    route_to_supervisors: bool = False  # e.g. a complaint about the building's own steward


__all__ = [
    "SUPERVISOR_ALERTS",
    "Filed",
    "Report",
    "card_key",
    "file_or_link",
    "file_ticket",
    "groups_for",
    "levels_of",
]


@dataclass(frozen=True)
class Filed:
    """What intake did: a new ticket, or (``linked``) the open ticket this report joined."""

    ticket: Ticket
    linked: bool = False


def card_key(ticket_id: int, group_id: int) -> str:
    return f"ticket:{ticket_id}:card:{group_id}"


async def file_ticket(uow: UnitOfWork, report: Report, *, now: datetime) -> Ticket:
    """The ticket now handling the report (the main ticket when it was linked to one)."""
    return (await file_or_link(uow, report, now=now)).ticket


async def file_or_link(uow: UnitOfWork, report: Report, *, now: datetime) -> Filed:
    """File ``report``, or link it to the open ticket already handling the same problem."""
    estate = report.estate
    building_id = report.building_id or (report.unit.building_id if report.unit else None)
    main = await find_incident(
        uow, estate_id=estate.id, building_id=building_id, kind=report.kind,
        summary=report.summary, location=report.location, now=now,
    )  # fmt: skip
    if main is not None:
        linked = await link_report(
            uow, main, reporter=report.reporter, unit=report.unit, summary=report.summary,
            photo=report.photo, channel=report.channel, now=now,
        )  # fmt: skip
        if linked is not None:
            return Filed(linked, linked=True)
    return Filed(await _new_ticket(uow, report, building_id, now=now))


async def _new_ticket(
    uow: UnitOfWork, report: Report, building_id: int | None, *, now: datetime
) -> Ticket:
    estate = report.estate
    tz = ZoneInfo(estate.timezone)
    assignee: Staff | None = None
    if not report.route_to_supervisors and report.kind not in (
        TicketKind.PRAISE,
        TicketKind.SUGGESTION,
    ):
        assignee = await assign_for_building(
            uow, estate_id=estate.id, building_id=building_id, at=now, tz=tz
        )
    ticket = await uow.tickets.add(
        Ticket(
            id=None,
            estate_id=estate.id,
            kind=report.kind,
            status=TicketStatus.NEW,
            level=report.level,
            summary=report.summary,
            created_at=now,
            unit_id=report.unit.id if report.unit else None,
            building_id=building_id,
            reporter_id=report.reporter.id if report.reporter else None,
            assignee_id=assignee.id if assignee else None,
            channel=report.channel,
            location=report.location,
            wanted_time=report.wanted_time,
            milestones=milestones_for(
                report.kind,
                report.level,
                created_at=now,
                wanted_time=report.wanted_time,
                levels=levels_of(estate),
                tz=tz,
                calendar=calendar_from(estate.config),
            ),
            attachments=(Attachment("photo", report.photo),) if report.photo else (),
            details=dict(report.details),
        ),
        number_day=local_day(now, tz),
    )
    assert ticket.id is not None
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            action="created",
            actor_kind=ActorKind.RESIDENT if report.reporter else ActorKind.SYSTEM,
            actor_id=report.reporter.id if report.reporter else None,
            channel=report.channel,
            data={"assignee_id": assignee.id if assignee else None},
        )
    )
    for group in await groups_for(uow, report, building_id):
        await to_group(
            uow,
            group=group,
            text=card_text(
                ticket, unit=report.unit, reporter=report.reporter, assignee=assignee, tz=tz
            ),
            buttons=card_buttons(ticket),
            dedupe_key=card_key(ticket.id, group.id),
            now=now,
            ticket_id=ticket.id,
        )
    await schedule_sla_timers(uow, ticket, now=now)
    await schedule_visit_notice(uow, ticket, estate=estate, now=now)
    return ticket


async def groups_for(uow: UnitOfWork, report: Report, building_id: int | None) -> list[StaffGroup]:
    """The building's staff group, plus supervisors for emergencies or sensitive routing.

    A ticket never goes nowhere: without a building group it goes to the front desk or the
    supervisors.
    """
    platform = Platform.TELEGRAM
    estate_id = report.estate.id
    groups: list[StaffGroup] = []
    if building_id and not report.route_to_supervisors:
        groups += await uow.directory.groups_for_building(building_id, platform)
    if report.route_to_supervisors or report.kind in SUPERVISOR_ALERTS or not groups:
        groups += await uow.directory.groups_with_purpose(
            estate_id, GroupPurpose.SUPERVISORS, platform
        )
    if not groups or report.kind in GATE_KINDS:
        groups += await uow.directory.groups_with_purpose(
            estate_id, GroupPurpose.FRONT_DESK, platform
        )
    unique: dict[int, StaffGroup] = {group.id: group for group in groups}
    return list(unique.values())
