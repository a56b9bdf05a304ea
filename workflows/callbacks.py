"""Callbacks (回访) for 100 % of repairs, and the resident's confirmation window.

After staff press 已完成 the resident has ``CONFIRM_HOURS`` to answer; silence counts as
resolved. Every resolved repair gets a callback due by the manual's table; the resident rates
with buttons (满意 / 一般 / 不满意); no answer → one reminder, then a phone task for the steward.
不满意 reopens the ticket, sends it back to dispatch and alerts the supervisors.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.callback_rules import CallbackRule, after_rain, due_after, rule_for
from workflows.complaint_archive import needs_approval, request_approval
from workflows.estate import Estate, GroupPurpose, Platform, Resident
from workflows.fees import Rating, SurveyAnswer
from workflows.intake import Report, file_ticket, levels_of
from workflows.messaging import Button, Timer
from workflows.notify import push_to_resident, to_group
from workflows.phrases import say
from workflows.ports import ConcurrentUpdate, UnitOfWork
from workflows.sweep import TimerHandler
from workflows.ticket_views import ActionResult, refresh_cards
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketKind, TicketStatus

ASK, REMIND, PHONE, CONFIRM = "callback.ask", "callback.remind", "callback.phone", "confirm.timeout"
CONFIRM_HOURS = 48
RATINGS = {"s": Rating.SATISFIED, "n": Rating.NEUTRAL, "u": Rating.UNSATISFIED}
LANGS = ("zh-Hans", "zh-Hant", "en")
CALLBACK_KINDS = (TicketKind.REPAIR, TicketKind.EMERGENCY, TicketKind.COMPLAINT)


def round_of(ticket: Ticket) -> int:
    value = ticket.details.get("callback_round", 1)
    return value if isinstance(value, int) else 1


def _timer(kind: str, ticket: Ticket, due: datetime, **payload: object) -> Timer:
    assert ticket.id is not None
    key = f"{kind}:{ticket.id}:r{round_of(ticket)}:{due.isoformat()}"
    return Timer(
        kind=kind, due_at=due, dedupe_key=key, subject_type="ticket", subject_id=ticket.id,
        payload={"round": round_of(ticket), **payload},
    )  # fmt: skip


async def on_done(uow: UnitOfWork, ticket: Ticket, *, now: datetime) -> None:
    """Staff said done: start the resident's confirmation window."""
    await uow.timers.schedule(_timer(CONFIRM, ticket, now + timedelta(hours=CONFIRM_HOURS)))


async def on_resolved(uow: UnitOfWork, ticket: Ticket, *, estate: Estate, now: datetime) -> Ticket:
    """Resolved (confirmed or timed out): schedule the callback by the manual's table."""
    if ticket.kind not in CALLBACK_KINDS or ticket.id is None:
        return ticket
    rule = rule_for(ticket)
    due = due_after(rule, ticket.milestones.resolved_at or now, levels_of(estate))
    await uow.timers.schedule(_timer(ASK, ticket, due, rule=rule.value))
    saved = await uow.tickets.save(
        replace(
            ticket,
            milestones=replace(ticket.milestones, callback_due=due),
            details={**ticket.details, "callback_rule": rule.value},
        )
    )
    if ticket.kind is TicketKind.COMPLAINT:
        await file_ticket(
            uow,
            Report(
                estate=estate,
                kind=TicketKind.STAFF_TASK,
                summary=f"投诉回访：{ticket.number} {ticket.summary[:80]}",
                channel=None,
                unit=await uow.directory.unit(ticket.unit_id) if ticket.unit_id else None,
                details={"task": "complaint_callback", "ticket_id": ticket.id},
                route_to_supervisors=True,
            ),
            now=now,
        )
    return saved


async def _event(
    uow: UnitOfWork, ticket: Ticket, action: str, now: datetime, **data: object
) -> None:
    assert ticket.id is not None
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action=action, actor_kind=ActorKind.SYSTEM,
                    data=dict(data))
    )  # fmt: skip


async def _current(uow: UnitOfWork, timer: Timer) -> tuple[Ticket, Estate] | None:
    """The timer's ticket if it still waits for this callback round."""
    ticket = await uow.tickets.get(timer.subject_id or 0)
    if ticket is None or timer.payload.get("round") != round_of(ticket):
        return None
    estate = await uow.directory.estate(ticket.estate_id)
    return (ticket, estate) if estate else None


async def confirm_timeout(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    found = await _current(uow, timer)
    if found is None or found[0].status is not TicketStatus.DONE:
        return
    ticket, estate = found
    resolved = await uow.tickets.save(
        replace(
            ticket.moved_to(TicketStatus.RESOLVED),
            milestones=replace(ticket.milestones, resolved_at=now),
        )
    )
    await _event(uow, resolved, "auto_resolved", now, hours=CONFIRM_HOURS)
    await refresh_cards(uow, resolved, estate=estate, now=now)
    await on_resolved(uow, resolved, estate=estate, now=now)


def rating_buttons(ticket: Ticket, language: str) -> tuple[tuple[Button, ...], ...]:
    r = round_of(ticket)
    return (
        tuple(
            Button(say(f"rate_{code}", language), f"cb:{ticket.id}:{r}:{code}")
            for code in ("s", "n", "u")
        ),
    )


async def ask(uow: UnitOfWork, timer: Timer, now: datetime, *, reminder: bool = False) -> None:
    found = await _current(uow, timer)
    if found is None or found[0].status is not TicketStatus.RESOLVED:
        return
    ticket, estate = found
    if ticket.reporter_id is None:
        return
    if await _answered(uow, ticket):
        return
    resident = await uow.residents.get(ticket.reporter_id)
    language = resident.language if resident else "zh-Hans"
    key = "callback_reminder" if reminder else "callback_ask"
    await push_to_resident(
        uow,
        resident_id=ticket.reporter_id,
        estate=estate,
        text_for={lang: say(key, lang, number=ticket.number, summary=ticket.summary[:40])
                  for lang in LANGS},
        dedupe_key=f"{timer.dedupe_key}:push",
        now=now,
        buttons=rating_buttons(ticket, language),
        ticket_id=ticket.id,
        prefer=ticket.channel,
    )  # fmt: skip
    await _event(uow, ticket, "callback_reminded" if reminder else "callback_asked", now)
    await uow.timers.schedule(
        _timer(PHONE if reminder else REMIND, ticket, now + timedelta(days=1))
    )


async def remind(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    await ask(uow, timer, now, reminder=True)


async def phone(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    found = await _current(uow, timer)
    if found is None or found[0].status is not TicketStatus.RESOLVED:
        return
    ticket, estate = found
    if await _answered(uow, ticket):
        return
    reporter = await uow.residents.get(ticket.reporter_id) if ticket.reporter_id else None
    await file_ticket(
        uow,
        Report(
            estate=estate,
            kind=TicketKind.STAFF_TASK,
            summary=f"电话回访：{ticket.number}（住户未在聊天中回复回访）",
            channel=None,
            reporter=reporter,
            unit=await uow.directory.unit(ticket.unit_id) if ticket.unit_id else None,
            details={"task": "phone_callback", "ticket_id": ticket.id},
        ),
        now=now,
    )
    await _event(uow, ticket, "callback_phone_task", now)


async def _answered(uow: UnitOfWork, ticket: Ticket) -> bool:
    assert ticket.id is not None
    return any(a.round == round_of(ticket) for a in await uow.surveys.for_ticket(ticket.id))


async def record_rating(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    round_no: int,
    code: str,
    resident: Resident,
    channel: Platform,
    now: datetime,
    language: str,
) -> ActionResult:
    """A resident's 满意 / 一般 / 不满意; stale or repeated presses change nothing."""
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or ticket.reporter_id != resident.id or code not in RATINGS:
        return ActionResult(False, say("no_permission", language))
    if round_no != round_of(ticket):
        return ActionResult(False, say("callback_stale", language))
    answer = SurveyAnswer(
        ticket_id=ticket_id, resident_id=resident.id, rating=RATINGS[code], answered_at=now,
        round=round_no,
    )  # fmt: skip
    if ticket.status is not TicketStatus.RESOLVED or await uow.surveys.add(answer) is None:
        already = await _answered(uow, ticket)
        return ActionResult(
            False, say("callback_already" if already else "callback_stale", language)
        )
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    rating = RATINGS[code]
    try:
        if rating is Rating.UNSATISFIED:
            saved = await _reopen(uow, ticket, estate=estate, now=now)
            message = say("callback_reopened", language, number=ticket.number)
        elif needs_approval(ticket):  # a complaint: archived once a manager approves
            answered = replace(ticket, milestones=replace(ticket.milestones, callback_at=now))
            saved = await request_approval(uow, answered, estate=estate, rating=rating, now=now)
            message = say("callback_thanks", language)
        else:
            saved = await uow.tickets.save(
                replace(
                    ticket.moved_to(TicketStatus.CLOSED),
                    milestones=replace(ticket.milestones, callback_at=now),
                )
            )
            message = say("callback_thanks", language)
    except ConcurrentUpdate:
        return ActionResult(False, say("stale_button", language))
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket_id, at=now, action="callback", actor_kind=ActorKind.RESIDENT,
                    actor_id=resident.id, channel=channel, data={"rating": rating.value})
    )  # fmt: skip
    await refresh_cards(uow, saved, estate=estate, now=now)
    return ActionResult(True, message, saved)


async def _reopen(uow: UnitOfWork, ticket: Ticket, *, estate: Estate, now: datetime) -> Ticket:
    reopened_count = int(str(ticket.details.get("reopened", 0))) + 1
    saved = await uow.tickets.save(
        replace(
            ticket.moved_to(TicketStatus.NEW),
            milestones=replace(ticket.milestones, resolved_at=None, responded_at=None),
            details={**ticket.details, "callback_round": round_of(ticket) + 1,
                     "reopened": reopened_count},
        )
    )  # fmt: skip
    for group in await uow.directory.groups_with_purpose(
        estate.id, GroupPurpose.SUPERVISORS, Platform.TELEGRAM
    ):
        text = f"⚠️ 回访不满意：{ticket.number} 已退回重新派单（第{reopened_count}次）"
        await to_group(
            uow, group=group, text=text, dedupe_key=f"reopen:{ticket.id}:{reopened_count}",
            now=now, ticket_id=ticket.id,
        )  # fmt: skip
    await _event(uow, saved, "reopened", now, by="callback", count=reopened_count)
    return saved


async def record_rain(uow: UnitOfWork, *, estate: Estate, now: datetime) -> int:
    """A steward's 下雨: leak callbacks waiting for rain fall due the morning after."""
    moved = 0
    target = after_rain(now, ZoneInfo(estate.timezone))
    for timer in await uow.timers.pending_of_kind(ASK):
        if timer.payload.get("rule") != CallbackRule.LEAK.value or timer.due_at <= target:
            continue
        ticket = await uow.tickets.get(timer.subject_id or 0)
        if ticket is None or ticket.estate_id != estate.id or timer.id is None:
            continue
        await uow.timers.cancel_one(timer.id)
        await uow.timers.schedule(_timer(ASK, ticket, target, rule=CallbackRule.LEAK.value))
        moved += 1
    return moved


HANDLERS: dict[str, TimerHandler] = {
    ASK: ask,
    REMIND: remind,
    PHONE: phone,
    CONFIRM: confirm_timeout,
}
