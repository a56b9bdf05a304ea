"""End of the working day: every repair not finished today gets a recorded reason.

The manual: stewards reconcile open requests twice a day (the 09:00 and 14:00 digests) and
"anything not finished that day gets a recorded reason". At ``day_end_hour`` (17:00 by default)
each building group gets the list of its repairs still open — new, claimed or on site; paused
ones already carry their reason — and the steward answers ``/reason <单号> <原因>`` in the group,
which goes on the ticket's trail. Repairs that already have today's reason are not listed.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.estate import Estate, Platform, Staff, StaffGroup
from workflows.notify import to_group
from workflows.ports import UnitOfWork
from workflows.staff_actions import may_act
from workflows.ticket_views import ActionResult
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketKind, TicketStatus

DAY_END = "digest.day_end"
REASON = "unfinished_reason"
UNFINISHED = frozenset({TicketStatus.NEW, TicketStatus.CLAIMED, TicketStatus.ON_SITE})
REPAIRS = (TicketKind.REPAIR, TicketKind.EMERGENCY)


async def _has_reason_today(uow: UnitOfWork, ticket: Ticket, tz: ZoneInfo, today: str) -> bool:
    return any(
        event.action == REASON and f"{event.at.astimezone(tz):%Y-%m-%d}" == today
        for event in await uow.tickets.events(ticket.id or 0)
    )


async def day_end_check(
    uow: UnitOfWork, estate: Estate, slot: datetime, *, now: datetime, late: bool
) -> int:
    """Post each building group's unfinished repairs; the number of tickets listed."""
    tz = ZoneInfo(estate.timezone)
    local = slot.astimezone(tz)
    today = f"{local:%Y-%m-%d}"
    open_repairs = [
        t
        for t in await uow.tickets.search(estate_id=estate.id, kinds=REPAIRS, open_only=True)
        if t.status in UNFINISHED and t.created_at <= slot
    ]
    by_group: dict[int, list[str]] = {}
    groups: dict[int, StaffGroup] = {}
    for ticket in open_repairs:
        if await _has_reason_today(uow, ticket, tz, today):
            continue
        for group in await uow.directory.groups_for_building(
            ticket.building_id or 0, Platform.TELEGRAM
        ):
            groups[group.id] = group
            line = f"• {ticket.number} {html.escape(ticket.summary[:40])}"
            by_group.setdefault(group.id, []).append(line)
    for group_id, lines in by_group.items():
        example = lines[0].split()[1]
        text = "\n".join(
            [f"🌆 {local:%m-%d} 今日未完成的维修（{len(lines)} 单）" + ("（补发）" if late else ""),
             *lines, f"请逐单回复：/reason 单号 未完成原因（例如：/reason {example} 配件明天到货）"]
        )  # fmt: skip
        key = f"{DAY_END}:{estate.id}:{local:%Y%m%d}:g{group_id}"
        await to_group(uow, group=groups[group_id], text=text, dedupe_key=key, now=now)
    listed = len({line for lines in by_group.values() for line in lines})
    return listed


async def record_reason(
    uow: UnitOfWork, *, args: str, staff: Staff, channel: Platform, now: datetime
) -> ActionResult:
    """``/reason <单号> <原因>`` typed in a staff group."""
    number, _, reason = args.strip().partition(" ")
    reason = reason.strip()[:500]
    if not number or len(reason) < 2:
        return ActionResult(
            False, "格式：/reason 单号 未完成原因（例如：/reason 单号 配件明天到货）"
        )
    ticket = await uow.tickets.by_number(number.upper())
    if ticket is None or not await may_act(uow, staff, ticket, "reason"):
        return ActionResult(False, f"没有找到您可处理的工单 {html.escape(number)}。")
    assert ticket.id is not None
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action=REASON, actor_kind=ActorKind.STAFF,
                    actor_id=staff.id, channel=channel, note=reason)
    )  # fmt: skip
    return ActionResult(True, f"已记录 {ticket.number} 的未完成原因：{html.escape(reason)}", ticket)
