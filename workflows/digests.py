"""Recurring staff reports: steward digests, the night handover and monthly complaint numbers.

The manuals ask stewards to reconcile open requests twice a day (morning and afternoon), the
control room to hand the night's reports to customer service by 09:00, and monthly complaint
statistics (timeliness, handling, satisfaction) by the 5th. Each is a chained timer per estate:
firing schedules the next occurrence after the *slot* it was for, and ``ensure_recurring`` seeds
the next occurrence at or after now. Dedupe keys name the local slot, so seeding is idempotent,
a sweep after downtime catches up each missed slot of the last day once, in order (marked
补发; older slots are skipped rather than flooding the groups), and a clock moved back finds the
slot's row already done. Empty digests and handovers are not sent; the monthly report always is.
Staff groups ignore quiet hours. Times are the estate's zone.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.cards import mask_name
from workflows.clocks import MILESTONES, STOPPED, deadline_of, is_met, levels_of
from workflows.day_end import DAY_END, day_end_check
from workflows.estate import Estate, GroupPurpose, Platform
from workflows.fees import Rating
from workflows.messaging import Timer
from workflows.monthly_public import publish_to_residents
from workflows.notify import to_group, to_purpose_groups
from workflows.ports import UnitOfWork
from workflows.repair_stats import repair_stats
from workflows.satisfaction import report_lines, sample_households, satisfaction_report
from workflows.sla_phrases import MILESTONE_LABEL
from workflows.tickets import Ticket, TicketKind, TicketStatus

log = logging.getLogger("guanjia.digests")
STEWARD, NIGHT, MONTHLY = "digest.steward", "digest.night", "digest.monthly"
STEWARD_HOURS = (9, 14)
DUE_SOON = timedelta(hours=2)
LATE = timedelta(hours=1)
CATCH_UP = timedelta(days=1)
#: Kinds whose summary may carry amounts or internal notes: listed by number only in groups.
PRIVATE_SUMMARY = frozenset({TicketKind.FEE_DISPUTE, TicketKind.STAFF_TASK})
MAX_LINES = 20


def next_daily(after: datetime, hours: Sequence[int], tz: ZoneInfo, *, strictly: bool) -> datetime:
    """The first local ``hh:00`` among ``hours`` at (or strictly after) ``after``."""
    local = after.astimezone(tz)
    for days in range(0, 3):
        day = (local + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
        for hour in sorted(hours):
            slot = day.replace(hour=hour)
            if slot > local or (slot == local and not strictly):
                return slot
    raise AssertionError("unreachable")


def next_monthly(after: datetime, hour: int, tz: ZoneInfo, *, strictly: bool) -> datetime:
    local = after.astimezone(tz)
    slot = local.replace(day=1, hour=hour, minute=0, second=0, microsecond=0)
    if slot < local or (slot == local and strictly):
        slot = _add_month(slot)
    return slot


def _add_month(first: datetime) -> datetime:
    return first.replace(year=first.year + first.month // 12, month=first.month % 12 + 1)


def _slot_of(estate: Estate, kind: str, after: datetime, *, strictly: bool) -> datetime:
    tz = ZoneInfo(estate.timezone)
    hour = levels_of(estate).night_handover_hour
    if kind == STEWARD:
        return next_daily(after, STEWARD_HOURS, tz, strictly=strictly)
    if kind == NIGHT:
        return next_daily(after, (hour,), tz, strictly=strictly)
    if kind == DAY_END:
        return next_daily(after, (levels_of(estate).day_end_hour,), tz, strictly=strictly)
    return next_monthly(after, hour, tz, strictly=strictly)


async def _schedule(uow: UnitOfWork, estate: Estate, kind: str, slot: datetime) -> None:
    label = slot.astimezone(ZoneInfo(estate.timezone)).strftime("%Y%m%d%H")
    await uow.timers.schedule(
        Timer(
            kind=kind,
            due_at=slot,
            dedupe_key=f"{kind}:{estate.id}:{label}",
            subject_type="estate",
            subject_id=estate.id,
            payload={"estate_id": estate.id, "slot": slot.isoformat()},
        )
    )


async def ensure_recurring(uow: UnitOfWork, *, now: datetime) -> None:
    """Seed the next digest, handover and monthly report of every estate (idempotent)."""
    for estate in await uow.directory.estates():
        for kind in (STEWARD, NIGHT, MONTHLY, DAY_END):
            await _schedule(uow, estate, kind, _slot_of(estate, kind, now, strictly=False))


async def on_report_due(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """One handler for the three kinds: send the report for its slot, then chain the next."""
    estate_id = timer.payload.get("estate_id")
    estate = await uow.directory.estate(estate_id) if isinstance(estate_id, int) else None
    if estate is None:
        return  # estate removed: the chain ends quietly
    slot = datetime.fromisoformat(str(timer.payload["slot"]))
    late = now - slot > LATE
    if timer.kind == STEWARD:
        await steward_digest(uow, estate, slot, now=now, late=late)
    elif timer.kind == NIGHT:
        await night_handover(uow, estate, slot, now=now, late=late)
    elif timer.kind == DAY_END:
        await day_end_check(uow, estate, slot, now=now, late=late)
    else:
        await monthly_report(uow, estate, slot, now=now, late=late)
    following = _slot_of(estate, timer.kind, slot, strictly=True)
    if following < now - CATCH_UP:  # long downtime: resume with the last day's slots only
        following = _slot_of(estate, timer.kind, now - CATCH_UP, strictly=False)
    await _schedule(uow, estate, timer.kind, following)


async def _tickets(uow: UnitOfWork, estate: Estate, **filters: object) -> Sequence[Ticket]:
    return await uow.tickets.search(estate_id=estate.id, **filters)  # type: ignore[arg-type]


def open_deadlines(ticket: Ticket) -> list[tuple[datetime, str]]:
    """Unmet deadlines of a running ticket, earliest first (a paused ticket has none)."""
    if ticket.status in STOPPED:
        return []
    found = [(deadline_of(ticket, m), m) for m in MILESTONES if not is_met(ticket, m)]
    return sorted((d, m) for d, m in found if d is not None)


async def _line(
    uow: UnitOfWork, ticket: Ticket, tz: ZoneInfo, deadline: tuple[datetime, str] | None
) -> str:
    reporter = await uow.residents.get(ticket.reporter_id) if ticket.reporter_id else None
    unit = await uow.directory.unit(ticket.unit_id) if ticket.unit_id else None
    parts = [ticket.number or "", mask_name(reporter.name) if reporter else "—"]
    parts.append(unit.display if unit else ("公共区域" if ticket.location == "common" else ""))
    if deadline:
        parts.append(f"{MILESTONE_LABEL[deadline[1]]} {deadline[0].astimezone(tz):%m-%d %H:%M}")
    return html.escape(" ".join(p for p in parts if p))


async def steward_digest(
    uow: UnitOfWork, estate: Estate, slot: datetime, *, now: datetime, late: bool
) -> None:
    tz = ZoneInfo(estate.timezone)
    tickets = await _tickets(uow, estate, open_only=True)
    for group in await uow.directory.groups_with_purpose(
        estate.id, GroupPurpose.BUILDING, Platform.TELEGRAM
    ):
        mine = [t for t in tickets if t.building_id and group.id in await _group_ids(uow, t)]
        overdue, soon = [], []
        for ticket in mine:
            first = next(iter(open_deadlines(ticket)), None)
            if first and first[0] < now:
                overdue.append(await _line(uow, ticket, tz, first))
            elif first and first[0] <= now + DUE_SOON:
                soon.append(await _line(uow, ticket, tz, first))
        if not mine:
            continue  # nothing open for this group: no message
        title = f"📋 {html.escape(group.name)} 工单对账 {slot.astimezone(tz):%m-%d %H:%M}" + (
            "（补发）" if late else ""
        )
        lines = [title, f"未完成：{len(mine)} 单"]
        lines += _section("⚠️ 已超时", overdue) + _section("⏳ 2小时内到期", soon)
        lines.append("单号：" + "、".join(t.number or "" for t in mine[:MAX_LINES]))
        key = f"{STEWARD}:{estate.id}:{slot:%Y%m%d%H}:g{group.id}"
        await to_group(uow, group=group, text="\n".join(lines), dedupe_key=key, now=now)


async def _group_ids(uow: UnitOfWork, ticket: Ticket) -> set[int]:
    groups = await uow.directory.groups_for_building(ticket.building_id or 0, Platform.TELEGRAM)
    return {group.id for group in groups}


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return [f"{title}：0 单"]
    more = [f"……另有 {len(lines) - MAX_LINES} 单"] if len(lines) > MAX_LINES else []
    return [f"{title}：{len(lines)} 单", *(f"· {line}" for line in lines[:MAX_LINES]), *more]


async def night_handover(
    uow: UnitOfWork, estate: Estate, slot: datetime, *, now: datetime, late: bool
) -> None:
    """Tickets created 18:00 the day before until the handover hour, to supervisors/front desk."""
    tz = ZoneInfo(estate.timezone)
    start = (slot.astimezone(tz) - timedelta(days=1)).replace(hour=18)
    night = await _tickets(uow, estate, created_from=start, created_before=slot)
    if not night:
        return
    title = f"🌙 夜间交接 {start:%m-%d %H:%M} – {slot.astimezone(tz):%m-%d %H:%M}" + (
        "（补发）" if late else ""
    )
    lines = [title, f"夜间共受理 {len(night)} 单"]
    for ticket in night[:MAX_LINES]:
        status = "未完成" if ticket.is_open else "已处理"
        what = "" if ticket.kind in PRIVATE_SUMMARY else html.escape(ticket.summary[:30])
        lines.append(f"· {await _line(uow, ticket, tz, None)} {what}（{status}）")
    await to_purpose_groups(
        uow, estate_id=estate.id, purposes=(GroupPurpose.SUPERVISORS, GroupPurpose.FRONT_DESK),
        text="\n".join(lines), dedupe_key=f"{NIGHT}:{estate.id}:{slot:%Y%m%d%H}", now=now,
    )  # fmt: skip


@dataclass(frozen=True)
class ComplaintStats:
    total: int
    timely: int  # first reply within the 15-minute service level
    handled: int  # resolved or closed
    answered: int  # complaints with a survey answer (the latest round counts)
    satisfied: int


async def complaint_stats(
    uow: UnitOfWork, estate: Estate, start: datetime, end: datetime
) -> ComplaintStats:
    complaints = await _tickets(
        uow, estate, kinds=[TicketKind.COMPLAINT], created_from=start, created_before=end
    )
    limit = levels_of(estate).duration("complaint_first_reply")
    timely = sum(
        1
        for t in complaints
        if t.milestones.responded_at and t.milestones.responded_at - t.created_at <= limit
    )
    handled = sum(1 for t in complaints if t.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED))
    answered = satisfied = 0
    for ticket in complaints:
        answers = await uow.surveys.for_ticket(ticket.id or 0)
        if answers:
            answered += 1
            satisfied += max(answers, key=lambda a: a.round).rating is Rating.SATISFIED
    return ComplaintStats(len(complaints), timely, handled, answered, satisfied)


def _rate(part: int, whole: int) -> str:
    return f"{part}/{whole}（{100 * part / whole:.1f}%）" if whole else "—（本月无数据）"


async def monthly_report(
    uow: UnitOfWork, estate: Estate, slot: datetime, *, now: datetime, late: bool
) -> None:
    local = slot.astimezone(ZoneInfo(estate.timezone))
    end = local.replace(day=1, hour=0)
    start = (end - timedelta(days=1)).replace(day=1)
    stats = await complaint_stats(uow, estate, start, end)
    repairs = await repair_stats(uow, estate, start, end)
    lines = [
        f"📊 {html.escape(estate.name)} {start:%Y年%m月}投诉统计" + ("（补发）" if late else ""),
        f"投诉总数：{stats.total} 单",
        f"及时率（15分钟内首次回复）：{_rate(stats.timely, stats.total)}",
        f"处理率（已解决或已关闭）：{_rate(stats.handled, stats.total)}",
        f"满意率（回访满意）：{_rate(stats.satisfied, stats.answered)}",
        f"报修总数：{repairs.total} 单，已完成 {repairs.finished} 单",
        f"报修及时率（按时到场与修复）：{_rate(repairs.timely, repairs.finished)}",
        f"回访率：{_rate(repairs.callbacks_answered, repairs.finished)}；"
        f"回访满意率：{_rate(repairs.satisfied, repairs.callbacks_answered)}",
    ]
    lines += report_lines(await satisfaction_report(uow, estate, start, end), _rate)
    lines.append("请于5日前完成月度投诉分析并向住户公示。")
    await to_purpose_groups(
        uow, estate_id=estate.id, purposes=(GroupPurpose.SUPERVISORS, GroupPurpose.MANAGERS),
        text="\n".join(lines), dedupe_key=f"{MONTHLY}:{estate.id}:{start:%Y%m}", now=now,
    )  # fmt: skip
    await publish_to_residents(uow, estate, start, stats, repairs, now=now)
    await sample_households(uow, estate, now=now)
