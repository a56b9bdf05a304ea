"""Service-level timers and the escalation ladder (提醒 → 主管 → 管理层), with acknowledgement.

Each deadline of a ticket (respond / on site / resolve) gets a durable warning timer and a
"missed" timer when the ticket is filed or rebooked. Their dedupe keys carry the ticket's SLA
round and the deadline itself, so a rebooked deadline gets fresh timers and an old timer whose
deadline no longer matches the ticket is ignored. Every handler re-reads the ticket and does
nothing if the milestone was met or the clock is stopped (paused, done, resolved, closed,
cancelled) or the ticket is gone. DONE counts as stopped: the work is finished and the
resident's confirmation is the callback workflow's business.

The ladder on a missed deadline: step 1 reminds the assignee in the building group at once;
step 2 alerts the supervisors (with an 已知悉 button ``a:<ticket>:<r|o|s>``) one interval later;
step 3 alerts the managers (and the GM for emergencies) and repeats every interval until a
supervisor, manager or GM acknowledges. A warning only ever runs step 1. Intervals: 10 minutes
for urgent/emergency tickets, 30 otherwise, overridable per estate via
``config["escalation"] = {"urgent_minutes": 10, "normal_minutes": 30}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from workflows.clocks import (
    BY_LETTER,
    MILESTONES,
    SLA_KINDS,
    STOPPED,
    deadline_of,
    is_met,
    is_urgent,
    sla_round,
    warning_at,
)
from workflows.estate import Estate, GroupPurpose, Platform, Staff, StaffGroup, StaffRole
from workflows.messaging import OutboxMessage, RecipientKind, Timer
from workflows.notify import Buttons, to_group
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.sla_phrases import ack_button, step_text
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketLevel

WARN, MISS, STEP = "sla.warn", "sla.miss", "sla.escalate"
URGENT_MINUTES, NORMAL_MINUTES = 10, 30
LADDER_ROLES = (StaffRole.SUPERVISOR, StaffRole.MANAGER, StaffRole.GM)


@dataclass(frozen=True)
class AckResult:
    """Like ``staff_actions.ActionResult``: ``message`` is the presser's button acknowledgement."""

    ok: bool
    message: str
    ticket: Ticket | None = None


def interval(ticket: Ticket, estate: Estate) -> timedelta:
    config = estate.config.get("escalation")
    settings = config if isinstance(config, dict) else {}
    key, default = (
        ("urgent_minutes", URGENT_MINUTES)
        if is_urgent(ticket)
        else ("normal_minutes", NORMAL_MINUTES)
    )
    return timedelta(minutes=int(settings.get(key, default)))


def _stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _key(ticket: Ticket, milestone: str, deadline: datetime, suffix: str) -> str:
    return f"sla:{ticket.id}:{sla_round(ticket)}:{milestone}:{_stamp(deadline)}:{suffix}"


async def schedule_sla_timers(
    uow: UnitOfWork, ticket: Ticket, *, now: datetime, only: tuple[str, ...] = ()
) -> list[Timer]:
    """Warning and missed timers for every open deadline of ``ticket`` (idempotent)."""
    if ticket.id is None or ticket.kind not in SLA_KINDS:
        return []
    scheduled: list[Timer] = []
    for milestone in only or tuple(MILESTONES):
        deadline = deadline_of(ticket, milestone)
        if deadline is None or is_met(ticket, milestone):
            continue
        payload: dict[str, object] = {
            "ticket_id": ticket.id,
            "milestone": milestone,
            "deadline": deadline.astimezone(UTC).isoformat(),
            "round": sla_round(ticket),
        }
        warn = warning_at(now, deadline)
        plan = [(MISS, deadline, "miss")] + ([(WARN, warn, "warn")] if warn else [])
        for kind, due, suffix in plan:
            timer = Timer(
                kind=kind,
                due_at=due,
                dedupe_key=_key(ticket, milestone, deadline, suffix),
                subject_type="ticket",
                subject_id=ticket.id,
                payload=payload,
            )
            scheduled.append(await uow.timers.schedule(timer))
    return scheduled


async def _live(uow: UnitOfWork, timer: Timer) -> tuple[Ticket, str, datetime] | None:
    """The ticket, milestone and deadline if the timer still matters, else None."""
    ticket_id, milestone = timer.payload.get("ticket_id"), str(timer.payload.get("milestone"))
    if not isinstance(ticket_id, int) or milestone not in MILESTONES:
        return None
    ticket = await uow.tickets.get(ticket_id)
    if ticket is None or ticket.status in STOPPED or is_met(ticket, milestone):
        return None
    deadline = deadline_of(ticket, milestone)
    expected = datetime.fromisoformat(str(timer.payload.get("deadline")))
    if deadline is None or deadline != expected or timer.payload.get("round") != sla_round(ticket):
        return None
    return ticket, milestone, deadline


async def on_warn(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    live = await _live(uow, timer)
    if live is not None:
        await _step(uow, *live, step=1, stage="warning", repeat=0, now=now)


async def on_miss(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    live = await _live(uow, timer)
    if live is None:
        return
    ticket, milestone, deadline = live
    await _step(uow, ticket, milestone, deadline, step=1, stage="missed", repeat=0, now=now)
    await _schedule_rung(uow, ticket, timer, rung=2, now=now)


async def on_rung(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Ladder rung 2, 3, 4, …: rung 2 is step 2; rung 3 and every later rung are step 3."""
    live = await _live(uow, timer)
    if live is None:
        return
    ticket, milestone, deadline = live
    if await acknowledged_by(uow, ticket, milestone, deadline) is not None:
        return
    rung = int(str(timer.payload.get("rung", 2)))
    step = min(rung, 3)
    await _step(uow, ticket, milestone, deadline, step=step, stage="missed", repeat=rung, now=now)
    await _schedule_rung(uow, ticket, timer, rung=rung + 1, now=now)


async def _schedule_rung(
    uow: UnitOfWork, ticket: Ticket, timer: Timer, *, rung: int, now: datetime
) -> None:
    """Next rung one interval after *now*: after downtime the ladder resumes, it does not burst."""
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None and ticket.id is not None
    milestone = str(timer.payload["milestone"])
    deadline = datetime.fromisoformat(str(timer.payload["deadline"]))
    await uow.timers.schedule(
        Timer(
            kind=STEP,
            due_at=now + interval(ticket, estate),
            dedupe_key=_key(ticket, milestone, deadline, f"rung{rung}"),
            subject_type="ticket",
            subject_id=ticket.id,
            payload={**timer.payload, "rung": rung},
        )
    )


async def _step(
    uow: UnitOfWork,
    ticket: Ticket,
    milestone: str,
    deadline: datetime,
    *,
    step: int,
    stage: str,
    repeat: int,
    now: datetime,
) -> None:
    assert ticket.id is not None
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    assignee = await uow.directory.staff(ticket.assignee_id) if ticket.assignee_id else None
    reporter = await uow.residents.get(ticket.reporter_id) if ticket.reporter_id else None
    unit = await uow.directory.unit(ticket.unit_id) if ticket.unit_id else None
    text = step_text(
        ticket,
        milestone,
        deadline,
        step=step,
        stage=stage,
        estate=estate,
        assignee=assignee,
        reporter=reporter,
        unit=unit,
        now=now,
    )
    buttons = ack_button(ticket, MILESTONES[milestone][2]) if step >= 2 else ()
    base = _key(ticket, milestone, deadline, f"{stage}:{repeat}")
    for group in await _groups(uow, ticket, estate, step):
        await to_group(
            uow,
            group=group,
            text=text,
            buttons=buttons,
            dedupe_key=f"{base}:g{group.id}",
            now=now,
            ticket_id=ticket.id,
        )
    if step == 3 and (is_urgent(ticket) or ticket.level is TicketLevel.MAJOR):
        for gm in await uow.directory.staff_with_role(estate.id, StaffRole.GM):
            await _to_staff(uow, gm, text, f"{base}:s{gm.id}", ticket, buttons, now)
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            action="escalated",
            actor_kind=ActorKind.SYSTEM,
            data={
                "milestone": milestone,
                "step": step,
                "stage": stage,
                "deadline": deadline.astimezone(UTC).isoformat(),
            },
        )
    )


async def _groups(uow: UnitOfWork, ticket: Ticket, estate: Estate, step: int) -> list[StaffGroup]:
    """Step 1: the building group; 2: supervisors; 3: managers. Never nowhere: fall back upward."""
    tg = Platform.TELEGRAM
    order = [GroupPurpose.SUPERVISORS, GroupPurpose.MANAGERS]
    groups: list[StaffGroup] = []
    if step == 1 and ticket.building_id:
        groups += await uow.directory.groups_for_building(ticket.building_id, tg)
    if step == 3:
        groups += await uow.directory.groups_with_purpose(estate.id, GroupPurpose.MANAGERS, tg)
    purposes = order if step <= 2 else list(reversed(order))
    for purpose in purposes:
        if groups:
            break
        groups += await uow.directory.groups_with_purpose(estate.id, purpose, tg)
    return list({group.id: group for group in groups}.values())


async def _to_staff(
    uow: UnitOfWork,
    staff: Staff,
    text: str,
    key: str,
    ticket: Ticket,
    buttons: Buttons,
    now: datetime,
) -> None:
    chat_id = await uow.directory.staff_identity(staff.id, Platform.TELEGRAM)
    if chat_id is None:
        return
    await uow.outbox.enqueue(
        OutboxMessage(
            channel=Platform.TELEGRAM,
            chat_id=chat_id,
            text=text,
            dedupe_key=key,
            created_at=now,
            not_before=now,
            buttons=buttons,
            recipient_kind=RecipientKind.STAFF,
            recipient_id=staff.id,
            ticket_id=ticket.id,
            urgent=True,
        )
    )


async def acknowledged_by(
    uow: UnitOfWork, ticket: Ticket, milestone: str, deadline: datetime
) -> TicketEvent | None:
    assert ticket.id is not None
    stamp = deadline.astimezone(UTC).isoformat()
    for event in await uow.tickets.events(ticket.id):
        if (
            event.action == "acknowledged"
            and event.data.get("milestone") == milestone
            and event.data.get("deadline") == stamp
        ):
            return event
    return None


async def acknowledge(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    milestone: str,
    staff: Staff,
    channel: Platform,
    now: datetime,
) -> AckResult:
    """已知悉 on an escalation (``a:<ticket>:<r|o|s>``): stops that milestone's ladder."""
    name = BY_LETTER.get(milestone, milestone)
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or name not in MILESTONES:
        return AckResult(False, say("stale_button"))
    if staff.estate_id != ticket.estate_id or staff.role not in LADDER_ROLES:
        return AckResult(False, say("no_permission"))
    deadline = deadline_of(ticket, name)
    if deadline is None:
        return AckResult(False, say("stale_button"))
    earlier = await acknowledged_by(uow, ticket, name, deadline)
    if earlier is not None:
        who = await uow.directory.staff(earlier.actor_id) if earlier.actor_id else None
        return AckResult(
            False, f"该提醒已由{who.name if who else '同事'}确认跟进，无需重复操作。", ticket
        )
    assert ticket.id is not None
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            action="acknowledged",
            actor_kind=ActorKind.STAFF,
            actor_id=staff.id,
            channel=channel,
            data={"milestone": name, "deadline": deadline.astimezone(UTC).isoformat()},
        )
    )
    return AckResult(True, f"已确认跟进：{ticket.number}，升级提醒已停止。", ticket)
