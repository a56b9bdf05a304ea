"""The complaint workflow: grading, the GM alert, daily progress, cause and corrective action.

Levels follow the manual: loss or injury → major; the same problem raised again while an earlier
complaint is unresolved (or reopened) → major; a fault in the company's own service →
important; otherwise general. A major complaint reaches the managers' group (GM) the same day.
Until resolved the resident hears progress every day; closing records the cause and the
corrective action.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.callbacks import on_done
from workflows.clocks import levels_of
from workflows.estate import Estate, GroupPurpose, Platform, Staff
from workflows.messaging import Timer
from workflows.notify import push_to_resident, to_group
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.sweep import TimerHandler
from workflows.ticket_views import ActionResult, refresh_cards, tell_resident
from workflows.tickets import (
    OPEN_STATUSES,
    ActorKind,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketLevel,
    TicketStatus,
)

PROGRESS = "complaint.progress"
MAJOR_ANSWER = "complaint.major_answer"
MONTH_UNRESOLVED = "complaint.month_unresolved"
UNRESOLVED_DAYS = 30
LANGS = ("zh-Hans", "zh-Hant", "en")


async def grade(
    uow: UnitOfWork, *, reporter_id: int | None, proposed: TicketLevel
) -> tuple[TicketLevel, str]:
    """The intake level and why: an unresolved or reopened earlier complaint makes it major."""
    if proposed is TicketLevel.MAJOR:
        return proposed, "loss_or_injury"
    if reporter_id is not None:
        for earlier in await uow.tickets.for_reporter(reporter_id, limit=50):
            if earlier.kind is not TicketKind.COMPLAINT:
                continue
            if earlier.status in OPEN_STATUSES or earlier.details.get("reopened"):
                return TicketLevel.MAJOR, "repeat_unresolved"
    return proposed, "intake"


async def on_filed(uow: UnitOfWork, ticket: Ticket, *, estate: Estate, now: datetime) -> None:
    """Start daily progress; a major complaint goes to the managers (GM) the same day."""
    assert ticket.id is not None
    await schedule_progress(uow, ticket, after=now)
    if ticket.level is not TicketLevel.MAJOR:
        month = now + timedelta(days=UNRESOLVED_DAYS)
        await uow.timers.schedule(
            Timer(
                kind=MONTH_UNRESOLVED, due_at=month, dedupe_key=f"{MONTH_UNRESOLVED}:{ticket.id}",
                subject_type="ticket", subject_id=ticket.id,
            )
        )  # fmt: skip
    if ticket.level is TicketLevel.MAJOR:
        await alert_major(uow, ticket, estate=estate, now=now)


async def alert_major(uow: UnitOfWork, ticket: Ticket, *, estate: Estate, now: datetime) -> None:
    """The GM hears of a major complaint the same day; a clear answer is checked at 2 days."""
    assert ticket.id is not None
    due = now + levels_of(estate).duration("complaint_major_answer")
    await uow.timers.schedule(
        Timer(
            kind=MAJOR_ANSWER, due_at=due, dedupe_key=f"{MAJOR_ANSWER}:{ticket.id}",
            subject_type="ticket", subject_id=ticket.id,
        )
    )  # fmt: skip
    for group in await uow.directory.groups_with_purpose(
        estate.id, GroupPurpose.MANAGERS, Platform.TELEGRAM
    ):
        await to_group(
            uow,
            group=group,
            text=(
                f"🔴 重大投诉 <b>{ticket.number}</b>：请总经理今日知悉。"
                f"2 天内给住户明确答复，7 天内解决。\n内容：{_escape(ticket.summary[:200])}"
            ),
            dedupe_key=f"complaint:{ticket.id}:gm",
            now=now,
            ticket_id=ticket.id,
        )


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


async def schedule_progress(uow: UnitOfWork, ticket: Ticket, *, after: datetime) -> None:
    assert ticket.id is not None
    due = after + timedelta(days=1)
    await uow.timers.schedule(
        Timer(
            kind=PROGRESS, due_at=due, dedupe_key=f"{PROGRESS}:{ticket.id}:{due.isoformat()}",
            subject_type="ticket", subject_id=ticket.id,
        )
    )  # fmt: skip


async def progress(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """The daily message until resolved; it stops by itself once the complaint is settled."""
    ticket = await uow.tickets.get(timer.subject_id or 0)
    if ticket is None or ticket.kind is not TicketKind.COMPLAINT:
        return
    if ticket.status not in OPEN_STATUSES or ticket.status is TicketStatus.DONE:
        return
    estate = await uow.directory.estate(ticket.estate_id)
    if estate is None or ticket.reporter_id is None:
        return
    handler = await uow.directory.staff(ticket.assignee_id) if ticket.assignee_id else None
    deadline = _local(ticket.milestones.resolve_by, estate)
    await push_to_resident(
        uow,
        resident_id=ticket.reporter_id,
        estate=estate,
        text_for={
            lang: say("complaint_progress", lang, number=ticket.number,
                      handler=handler.name if handler else "客服中心", deadline=deadline)
            for lang in LANGS
        },
        dedupe_key=f"{timer.dedupe_key}:push",
        now=now,
        ticket_id=ticket.id,
        prefer=ticket.channel,
    )  # fmt: skip
    assert ticket.id is not None
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action="progress_sent",
                    actor_kind=ActorKind.SYSTEM)
    )  # fmt: skip
    await schedule_progress(uow, ticket, after=now)


def _local(instant: datetime | None, estate: Estate) -> str:
    if instant is None:
        return "—"
    return instant.astimezone(ZoneInfo(estate.timezone)).strftime("%m-%d %H:%M")


async def record_cause(
    uow: UnitOfWork, *, ticket_id: int, staff: Staff, text: str, channel: Platform, now: datetime
) -> ActionResult:
    """Closing a complaint needs the cause and the corrective action, in the handler's words."""
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or ticket.kind is not TicketKind.COMPLAINT:
        return ActionResult(False, say("stale_button"))
    if ticket.status not in (TicketStatus.CLAIMED, TicketStatus.ON_SITE):
        return ActionResult(False, "该投诉状态已更新，无需再次填写。")
    cause = text.strip()[:1000]
    if len(cause) < 4:
        return ActionResult(False, "请写明原因和整改措施（例如：原因……；整改……）。")
    saved = await uow.tickets.save(
        replace(ticket.moved_to(TicketStatus.DONE),
                details={**ticket.details, "cause_and_action": cause})
    )  # fmt: skip
    assert saved.id is not None
    await uow.tickets.append_event(
        TicketEvent(ticket_id=saved.id, at=now, action="cause_recorded",
                    actor_kind=ActorKind.STAFF, actor_id=staff.id, channel=channel, note=cause)
    )  # fmt: skip
    await uow.tickets.append_event(
        TicketEvent(ticket_id=saved.id, at=now, action="done", actor_kind=ActorKind.STAFF,
                    actor_id=staff.id, channel=channel)
    )  # fmt: skip
    estate = await uow.directory.estate(saved.estate_id)
    assert estate is not None
    await refresh_cards(uow, saved, estate=estate, now=now)
    await tell_resident(uow, saved, "done", estate=estate, staff=staff, now=now)
    await on_done(uow, saved, now=now)
    return ActionResult(True, f"已记录原因与整改措施，{saved.number} 等待住户确认。", saved)


async def major_answer_due(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Two days after a major complaint: unless settled, the managers must confirm the answer."""
    ticket = await uow.tickets.get(timer.subject_id or 0)
    if ticket is None or ticket.status not in OPEN_STATUSES or ticket.status is TicketStatus.DONE:
        return
    estate = await uow.directory.estate(ticket.estate_id)
    if estate is None or ticket.id is None:
        return
    for purpose in (GroupPurpose.MANAGERS, GroupPurpose.SUPERVISORS):
        for group in await uow.directory.groups_with_purpose(estate.id, purpose, Platform.TELEGRAM):
            await to_group(
                uow,
                group=group,
                text=(
                    f"⏰ 重大投诉 <b>{ticket.number}</b> 已满 2 天：请确认已给住户明确答复，"
                    f"并在 {_local(ticket.milestones.resolve_by, estate)} 前解决。"
                ),
                dedupe_key=f"{MAJOR_ANSWER}:{ticket.id}:{group.id}",
                now=now,
                ticket_id=ticket.id,
            )
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action="major_answer_due",
                    actor_kind=ActorKind.SYSTEM)
    )  # fmt: skip


async def month_unresolved(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """A valid complaint unresolved for a month becomes major (manual), and the GM hears of it."""
    ticket = await uow.tickets.get(timer.subject_id or 0, for_update=True)
    if ticket is None or ticket.status not in OPEN_STATUSES or ticket.level is TicketLevel.MAJOR:
        return
    estate = await uow.directory.estate(ticket.estate_id)
    if estate is None:
        return
    major = await uow.tickets.save(
        replace(ticket, level=TicketLevel.MAJOR,
                details={**ticket.details, "level_reason": "unresolved_a_month"})
    )  # fmt: skip
    assert major.id is not None
    await uow.tickets.append_event(
        TicketEvent(ticket_id=major.id, at=now, action="raised_to_major",
                    actor_kind=ActorKind.SYSTEM, data={"reason": "unresolved_a_month"})
    )  # fmt: skip
    await alert_major(uow, major, estate=estate, now=now)
    await refresh_cards(uow, major, estate=estate, now=now)


HANDLERS: dict[str, TimerHandler] = {
    PROGRESS: progress,
    MAJOR_ANSWER: major_answer_due,
    MONTH_UNRESOLVED: month_unresolved,
}
