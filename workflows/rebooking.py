"""Visits: the day-before notice, "nobody home" (无人在家) and rebooking a new time.

The manuals: scheduled (重大/预约) work is announced to the resident one day ahead; we do the same
for every repair whose agreed visit is at least ``scheduled_notice`` (24 h) away. When the
technician finds nobody home the ticket is PAUSED — its clocks stop, so nothing escalates — and
the resident is asked for a new time with slot buttons ``rb:<ticket>:<asap|tpm|mam|mpm>``.
Rebooking moves it back to CLAIMED with the new visit, fresh on-site/resolve deadlines and a
new SLA round (so fresh timers, and the old ones fall silent).

Slots follow the intake dialogue: today 14:00 (or an hour from now once past), tomorrow 09:00,
tomorrow 14:00; "as soon as possible" means one hour from now.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.clocks import is_urgent, levels_of, sla_round
from workflows.escalation import AckResult, schedule_sla_timers
from workflows.estate import Estate, Platform, Resident, Staff
from workflows.messaging import Button, Timer
from workflows.notify import push_to_resident
from workflows.phrases import say
from workflows.ports import ConcurrentUpdate, UnitOfWork
from workflows.sla_phrases import both, sla_say
from workflows.tickets import (
    ActorKind,
    InvalidTransition,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketLevel,
    TicketStatus,
)

NOTICE = "visit.notice"
SLOTS = ("asap", "tpm", "mam", "mpm")
VISIT_KINDS = frozenset({TicketKind.REPAIR, TicketKind.EMERGENCY})


def slot_time(slot: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    local = now.astimezone(tz)
    hour = local.replace(minute=0, second=0, microsecond=0)
    if slot == "asap":
        return now + timedelta(hours=1)
    if slot == "tpm":
        start = hour.replace(hour=14)
        return start if start > local else local + timedelta(hours=1)
    if slot in ("mam", "mpm"):
        return (hour + timedelta(days=1)).replace(hour=9 if slot == "mam" else 14)
    return None


def _local(instant: datetime, estate: Estate) -> str:
    return instant.astimezone(ZoneInfo(estate.timezone)).strftime("%m-%d %H:%M")


async def schedule_visit_notice(
    uow: UnitOfWork, ticket: Ticket, *, estate: Estate, now: datetime
) -> Timer | None:
    """A reminder to the resident a day before a visit that is at least a day away."""
    visit = ticket.wanted_time
    if ticket.id is None or visit is None or ticket.kind not in VISIT_KINDS:
        return None
    notice = levels_of(estate).duration("scheduled_notice")
    if visit - now < notice:
        return None
    stamp = visit.astimezone(UTC).isoformat()
    return await uow.timers.schedule(
        Timer(
            kind=NOTICE,
            due_at=visit - notice,
            subject_type="ticket",
            subject_id=ticket.id,
            dedupe_key=f"visit:{ticket.id}:{sla_round(ticket)}:{stamp}:notice",
            payload={"ticket_id": ticket.id, "visit": stamp},
        )
    )


async def on_visit_notice(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    ticket_id = timer.payload.get("ticket_id")
    ticket = await uow.tickets.get(ticket_id) if isinstance(ticket_id, int) else None
    if ticket is None or ticket.id is None or ticket.reporter_id is None:
        return
    if ticket.status not in (TicketStatus.NEW, TicketStatus.CLAIMED) or ticket.wanted_time is None:
        return
    if ticket.wanted_time != datetime.fromisoformat(str(timer.payload.get("visit"))):
        return  # rebooked since: the new visit has its own notice
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    await push_to_resident(
        uow,
        resident_id=ticket.reporter_id,
        estate=estate,
        now=now,
        ticket_id=ticket.id,
        text_for=both(
            "visit_tomorrow", number=ticket.number or "", time=_local(ticket.wanted_time, estate)
        ),
        dedupe_key=f"{timer.dedupe_key}:push",
        prefer=ticket.channel,
    )
    await _event(uow, ticket, "visit_notice", now, data={"visit": timer.payload.get("visit")})


async def nobody_home(
    uow: UnitOfWork, *, ticket_id: int, staff: Staff, channel: Platform, now: datetime
) -> AckResult:
    """无人在家 (``t:<id>:away``): pause the clocks and ask the resident for a new time."""
    from workflows.staff_actions import may_act  # late: staff_actions imports intake → here

    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or ticket.kind not in VISIT_KINDS:
        return AckResult(False, say("stale_button"))
    if not await may_act(uow, staff, ticket, "away"):
        return AckResult(False, say("no_permission"))
    if ticket.status not in (TicketStatus.CLAIMED, TicketStatus.ON_SITE):
        return AckResult(False, "该工单状态已更新，请以最新卡片为准。")
    details = {**ticket.details, "paused_reason": "nobody_home", "paused_at": now.isoformat()}
    try:
        saved = await uow.tickets.save(
            replace(ticket.moved_to(TicketStatus.PAUSED), details=details)
        )
    except (ConcurrentUpdate, InvalidTransition):
        return AckResult(False, "该工单刚被其他同事处理，请以最新卡片为准。")
    await _event(uow, saved, "nobody_home", now, actor=staff, channel=channel)
    estate = await _refresh(uow, saved, now)
    if saved.reporter_id is not None:
        await _ask_new_time(uow, saved, estate, now)
    return AckResult(
        True, f"已记录无人在家，工单 {saved.number} 暂停计时，已请住户改约时间。", saved
    )


async def _ask_new_time(uow: UnitOfWork, ticket: Ticket, estate: Estate, now: datetime) -> None:
    assert ticket.id is not None and ticket.reporter_id is not None
    resident = await uow.residents.get(ticket.reporter_id)
    lang = resident.language if resident else "zh-Hans"
    row = [Button(sla_say(f"slot_{slot}", lang), f"rb:{ticket.id}:{slot}") for slot in SLOTS]
    await push_to_resident(
        uow,
        resident_id=ticket.reporter_id,
        estate=estate,
        now=now,
        ticket_id=ticket.id,
        text_for=both("nobody_home", number=ticket.number or "", time=_local(now, estate)),
        buttons=(tuple(row[:2]), tuple(row[2:])),
        urgent=True,
        prefer=ticket.channel,
        dedupe_key=f"ticket:{ticket.id}:nobody_home:v{ticket.version}",
    )


async def rebook(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    resident: Resident,
    slot_or_time: str | datetime,
    now: datetime,
    language: str = "zh-Hans",
) -> AckResult:
    """The resident picked a new time: back to CLAIMED with fresh deadlines and timers."""
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or ticket.reporter_id != resident.id:
        return AckResult(False, sla_say("rebook_not_yours", language))
    if ticket.status is not TicketStatus.PAUSED:
        return AckResult(False, sla_say("rebook_stale", language))
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    tz = ZoneInfo(estate.timezone)
    visit = slot_or_time if isinstance(slot_or_time, datetime) else slot_time(slot_or_time, now, tz)
    if visit is None or visit <= now:
        return AckResult(False, sla_say("rebook_stale", language))
    levels = levels_of(estate)
    if ticket.level is TicketLevel.SCHEDULED:
        resolve_by = None
    elif is_urgent(ticket):
        resolve_by = visit + levels.duration("emergency_resolve")
    else:
        resolve_by = visit + levels.duration("general_resolve_after_visit")
    milestones = replace(
        ticket.milestones, on_site_by=visit, on_site_at=None, resolve_by=resolve_by
    )
    details = {k: v for k, v in ticket.details.items() if k not in ("paused_reason", "paused_at")}
    details["sla_round"] = sla_round(ticket) + 1
    changed = replace(
        ticket.moved_to(TicketStatus.CLAIMED),
        wanted_time=visit,
        milestones=milestones,
        details=details,
    )
    try:
        saved = await uow.tickets.save(changed)
    except ConcurrentUpdate:
        return AckResult(False, sla_say("rebook_stale", language))
    await _event(
        uow,
        saved,
        "rebooked",
        now,
        resident=resident,
        data={"wanted_time": visit.astimezone(UTC).isoformat()},
    )
    await schedule_sla_timers(uow, saved, now=now)
    await schedule_visit_notice(uow, saved, estate=estate, now=now)
    await _refresh(uow, saved, now)
    time = _local(visit, estate)
    return AckResult(
        True, sla_say("rebooked", language, number=saved.number or "", time=time), saved
    )


async def _refresh(uow: UnitOfWork, ticket: Ticket, now: datetime) -> Estate:
    from workflows.ticket_views import refresh_cards  # late: it imports intake → here

    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    await refresh_cards(uow, ticket, estate=estate, now=now)
    return estate


async def _event(
    uow: UnitOfWork,
    ticket: Ticket,
    action: str,
    now: datetime,
    *,
    actor: Staff | None = None,
    resident: Resident | None = None,
    channel: Platform | None = None,
    data: dict[str, object] | None = None,
) -> None:
    assert ticket.id is not None
    kind = ActorKind.STAFF if actor else ActorKind.RESIDENT if resident else ActorKind.SYSTEM
    who = actor.id if actor else resident.id if resident else None
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            action=action,
            actor_kind=kind,
            actor_id=who,
            channel=channel,
            data=data or {},
        )
    )
