"""A general complaint past its deadline needs the estate director's approval.

The manual: a general complaint is resolved within 2 days, or by the resident's own deadline
when they named one; going past it needs the estate director's (管理处主任, the ``manager``
role) approval. The handler presses 申请延期 on the card; the managers' group gets a card with
批准延期; an approval moves the resolve deadline by the estate's general-complaint window from
now (or from the old deadline, if that is later), schedules fresh escalation timers (the old
ones no longer match the deadline and are ignored) and tells the resident the new date.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.clocks import levels_of
from workflows.escalation import schedule_sla_timers
from workflows.estate import GroupPurpose, Platform, Staff
from workflows.messaging import Button
from workflows.notify import push_to_resident, to_purpose_groups
from workflows.phrases import say
from workflows.ports import ConcurrentUpdate, UnitOfWork
from workflows.staff_actions import may_act
from workflows.ticket_views import ActionResult, may_approve, refresh_cards
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketKind, TicketLevel

REQUESTED, APPROVED = "requested", "approved"


def may_extend(ticket: Ticket) -> bool:
    return (
        ticket.kind is TicketKind.COMPLAINT
        and ticket.level is TicketLevel.GENERAL
        and ticket.is_open
        and ticket.milestones.resolve_by is not None
    )


async def request_extension(
    uow: UnitOfWork, *, ticket_id: int, staff: Staff, channel: Platform, now: datetime
) -> ActionResult:
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or not may_extend(ticket) or not await may_act(uow, staff, ticket, "extend"):
        return ActionResult(False, "您无权为此工单申请延期，或该工单无需延期。")
    if ticket.details.get("extension") == REQUESTED:
        return ActionResult(False, "延期申请已提交，正在等待管理处主任审批。")
    assert ticket.id is not None and ticket.milestones.resolve_by is not None
    saved = await uow.tickets.save(
        replace(ticket, details={**ticket.details, "extension": REQUESTED})
    )
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    tz = ZoneInfo(estate.timezone)
    count = int(str(ticket.details.get("extensions", 0)))
    text = (
        f"⏳ 一般投诉 {ticket.number} 申请延期（处理人：{html.escape(staff.name)}）\n"
        f"内容：{html.escape(ticket.summary[:200])}\n"
        f"原处理期限：{ticket.milestones.resolve_by.astimezone(tz):%m-%d %H:%M}\n"
        "超过期限需管理处主任批准。"
    )
    await to_purpose_groups(
        uow, estate_id=estate.id, purposes=(GroupPurpose.MANAGERS,), text=text,
        dedupe_key=f"extend:{ticket.id}:{count}", now=now, ticket_id=ticket.id,
        buttons=((Button("批准延期", f"xa:{ticket.id}"),),),
    )  # fmt: skip
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action="extension_requested",
                    actor_kind=ActorKind.STAFF, actor_id=staff.id, channel=channel)
    )  # fmt: skip
    await refresh_cards(uow, saved, estate=estate, now=now)
    return ActionResult(True, "已提交延期申请，等待管理处主任审批。", saved)


async def approve_extension(
    uow: UnitOfWork, *, ticket_id: int, staff: Staff, channel: Platform, now: datetime
) -> ActionResult:
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or not may_approve(staff, ticket):
        return ActionResult(False, "只有管理处主任（项目经理）可以批准延期。")
    if not may_extend(ticket) or ticket.details.get("extension") != REQUESTED:
        return ActionResult(False, "该延期申请已处理，无需重复审批。")
    assert ticket.id is not None and ticket.milestones.resolve_by is not None
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    new_deadline = max(now, ticket.milestones.resolve_by) + levels_of(estate).duration(
        "complaint_general_resolve"
    )
    count = int(str(ticket.details.get("extensions", 0))) + 1
    try:
        saved = await uow.tickets.save(
            replace(
                ticket,
                milestones=replace(ticket.milestones, resolve_by=new_deadline),
                details={**ticket.details, "extension": APPROVED, "extensions": count},
            )
        )
    except ConcurrentUpdate:
        return ActionResult(False, "该延期申请已处理，无需重复审批。")
    await schedule_sla_timers(uow, saved, now=now, only=("resolve",))
    local = new_deadline.astimezone(ZoneInfo(estate.timezone))
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action="extension_approved",
                    actor_kind=ActorKind.STAFF, actor_id=staff.id, channel=channel,
                    data={"resolve_by": new_deadline.isoformat()})
    )  # fmt: skip
    if saved.reporter_id is not None:
        await push_to_resident(
            uow, resident_id=saved.reporter_id, estate=estate,
            text_for={
                lang: say("complaint_extended", lang, number=saved.number,
                          when=f"{local:%m-%d %H:%M}")
                for lang in ("zh-Hans", "en")
            },
            dedupe_key=f"extend:{ticket.id}:{count}:resident", now=now, ticket_id=ticket.id,
        )  # fmt: skip
    await refresh_cards(uow, saved, estate=estate, now=now)
    return ActionResult(True, f"已批准，{saved.number} 期限延至 {local:%m-%d %H:%M}。", saved)
