"""What staff do to a ticket from its card (接单 / 已到场 / 已完成) and residents' confirmation.

Every press is re-authorised against the database: a steward acts only in their grid, a
technician only on tickets assigned to them, supervisors and managers anywhere in their estate.
A press that lost a race or that the status no longer allows changes nothing and says why.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from workflows import callbacks
from workflows.estate import Platform, Resident, Staff, StaffRole
from workflows.phrases import say
from workflows.ports import ConcurrentUpdate, UnitOfWork
from workflows.ticket_views import ActionResult, record_change, tell_resident
from workflows.tickets import (
    ActorKind,
    InvalidTransition,
    Ticket,
    TicketKind,
    TicketStatus,
)

STAFF_ACTIONS = {"claim", "arrive", "done"}
RESIDENT_ACTIONS = {"ok", "no"}


async def may_act(uow: UnitOfWork, staff: Staff, ticket: Ticket, action: str) -> bool:
    if staff.estate_id != ticket.estate_id:
        return False
    if staff.role in (StaffRole.SUPERVISOR, StaffRole.MANAGER, StaffRole.GM):
        return True
    if staff.role is StaffRole.TECHNICIAN:
        return ticket.assignee_id == staff.id and action != "claim"
    if staff.role is StaffRole.FRONT_DESK:
        return action == "claim"
    if action != "claim" and ticket.assignee_id not in (None, staff.id):
        return False  # 已完成 on a ticket someone else took
    grid = await uow.directory.grid_of(staff.id)
    return ticket.assignee_id == staff.id or (
        ticket.building_id is not None and ticket.building_id in grid
    )


async def staff_action(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    action: str,
    staff: Staff,
    channel: Platform,
    now: datetime,
) -> ActionResult:
    if action not in STAFF_ACTIONS:
        return ActionResult(False, say("stale_button"))
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None:
        return ActionResult(False, say("stale_button"))
    if not await may_act(uow, staff, ticket, action):
        return ActionResult(False, say("no_permission"))
    if action == "done" and ticket.kind is TicketKind.COMPLAINT:
        if ticket.status not in (TicketStatus.CLAIMED, TicketStatus.ON_SITE):
            return ActionResult(False, "该投诉状态已更新，请以最新卡片为准。")
        prompt = f"请 {staff.name} 在本群直接回复：投诉原因；整改措施（记录后通知住户确认）。"
        return ActionResult(True, prompt, ticket, follow_up="await_cause")
    target = {
        "claim": TicketStatus.CLAIMED,
        "arrive": TicketStatus.ON_SITE,
        "done": TicketStatus.DONE,
    }[action]
    try:
        changed = ticket.moved_to(target)
    except InvalidTransition:
        return ActionResult(False, "该工单状态已更新，请以最新卡片为准。")
    m = changed.milestones
    if action == "claim":
        changed = replace(changed, assignee_id=staff.id, milestones=replace(m, responded_at=now))
    elif action == "arrive":
        changed = replace(changed, milestones=replace(m, on_site_at=now))
    try:
        saved = await uow.tickets.save(changed)
    except ConcurrentUpdate:
        return ActionResult(False, "该工单刚被其他同事处理，请以最新卡片为准。")
    estate = await record_change(
        uow, saved, action=action, actor_kind=ActorKind.STAFF, actor_id=staff.id,
        channel=channel, now=now,
    )  # fmt: skip
    await tell_resident(uow, saved, action, estate=estate, staff=staff, now=now)
    if action == "done":
        await callbacks.on_done(uow, saved, now=now)
    labels = {"claim": "已接单", "arrive": "已记录到场", "done": "已标记完成，等待住户确认"}
    if action == "claim" and saved.kind is TicketKind.ENQUIRY:
        prompt = f"已接单：{saved.number}。请 {staff.name} 在本群直接回复答案，我会转告住户。"
        return ActionResult(True, prompt, saved, follow_up="await_reply")
    return ActionResult(True, f"{labels[action]}：{saved.number}", saved)


async def resident_confirm(
    uow: UnitOfWork,
    *,
    ticket_id: int,
    answer: str,
    resident: Resident,
    channel: Platform,
    now: datetime,
    language: str,
) -> ActionResult:
    """已解决 closes the repair's work; 还没好 sends it back to dispatch."""
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or ticket.reporter_id != resident.id or answer not in RESIDENT_ACTIONS:
        return ActionResult(False, say("no_permission", language))
    if ticket.status is not TicketStatus.DONE:
        return ActionResult(False, say("stale_button", language))
    if answer == "ok":
        changed = replace(
            ticket.moved_to(TicketStatus.RESOLVED),
            milestones=replace(ticket.milestones, resolved_at=now),
        )
        action, message = "confirmed", say("resident_confirmed", language, number=ticket.number)
    else:
        changed = ticket.moved_to(TicketStatus.NEW)
        action, message = "reopened", say("resident_reopened", language, number=ticket.number)
    try:
        saved = await uow.tickets.save(changed)
    except ConcurrentUpdate:
        return ActionResult(False, say("stale_button", language))
    estate = await record_change(
        uow, saved, action=action, actor_kind=ActorKind.RESIDENT, actor_id=resident.id,
        channel=channel, now=now,
    )  # fmt: skip
    if saved.status is TicketStatus.RESOLVED:
        saved = await callbacks.on_resolved(uow, saved, estate=estate, now=now)
    return ActionResult(True, message, saved)
