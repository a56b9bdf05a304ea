"""What staff do to a ticket from its card (接单 / 已到场 / 已完成) and residents' confirmation.

Every press is re-authorised against the database: a steward acts only in their grid, a
technician only on tickets assigned to them, supervisors and managers anywhere in their estate.
A press that lost a race or that the status no longer allows changes nothing and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.cards import card_buttons, card_text
from workflows.estate import Estate, GroupPurpose, Platform, Resident, Staff, StaffRole
from workflows.intake import card_key
from workflows.messaging import Button
from workflows.notify import push_to_resident, to_group
from workflows.phrases import say
from workflows.ports import ConcurrentUpdate, UnitOfWork
from workflows.tickets import (
    ActorKind,
    InvalidTransition,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
)

STAFF_ACTIONS = {"claim", "arrive", "done"}
RESIDENT_ACTIONS = {"ok", "no"}


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    message: str  # shown to the presser as the button acknowledgement
    ticket: Ticket | None = None


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
    assert saved.id is not None
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=saved.id,
            at=now,
            action=action,
            actor_kind=ActorKind.STAFF,
            actor_id=staff.id,
            channel=channel,
        )
    )
    estate = await uow.directory.estate(saved.estate_id)
    assert estate is not None
    await refresh_cards(uow, saved, estate=estate, now=now)
    await tell_resident(uow, saved, action, estate=estate, staff=staff, now=now)
    labels = {"claim": "已接单", "arrive": "已记录到场", "done": "已标记完成，等待住户确认"}
    return ActionResult(True, f"{labels[action]}：{saved.number}", saved)


async def refresh_cards(uow: UnitOfWork, ticket: Ticket, *, estate: Estate, now: datetime) -> None:
    """Edit every card of the ticket in place so groups always show the current state."""
    assert ticket.id is not None
    tz = ZoneInfo(estate.timezone)
    unit = await uow.directory.unit(ticket.unit_id) if ticket.unit_id else None
    reporter = await uow.residents.get(ticket.reporter_id) if ticket.reporter_id else None
    assignee = await uow.directory.staff(ticket.assignee_id) if ticket.assignee_id else None
    text = card_text(ticket, unit=unit, reporter=reporter, assignee=assignee, tz=tz)
    groups = [*await uow.directory.groups_for_building(ticket.building_id or 0, Platform.TELEGRAM)]
    groups += await uow.directory.groups_with_purpose(
        estate.id, GroupPurpose.SUPERVISORS, Platform.TELEGRAM
    )
    groups += await uow.directory.groups_with_purpose(
        estate.id, GroupPurpose.FRONT_DESK, Platform.TELEGRAM
    )
    for group in groups:
        original = await uow.outbox.by_dedupe_key(card_key(ticket.id, group.id))
        if original is None or original.id is None:
            continue
        await to_group(
            uow,
            group=group,
            text=text,
            buttons=card_buttons(ticket),
            dedupe_key=f"{card_key(ticket.id, group.id)}:v{ticket.version}",
            now=now,
            ticket_id=ticket.id,
            edit_of=original.id,
        )


async def tell_resident(
    uow: UnitOfWork,
    ticket: Ticket,
    action: str,
    *,
    estate: Estate,
    staff: Staff | None,
    now: datetime,
) -> None:
    if ticket.reporter_id is None or ticket.id is None:
        return
    number = ticket.number or ""
    key = f"ticket:{ticket.id}:resident:{action}:v{ticket.version}"
    buttons: tuple[tuple[Button, ...], ...] = ()
    if action == "claim":
        name = staff.name if staff else ""
        texts = {lang: say("progress_claimed", lang, number=number, staff=name) for lang in LANGS}
    elif action == "arrive":
        texts = {lang: say("progress_on_site", lang, number=number) for lang in LANGS}
    else:
        texts = {lang: say("progress_done", lang, number=number) for lang in LANGS}
        buttons = (
            (
                Button(say("confirm_ok"), f"r:{ticket.id}:ok"),
                Button(say("confirm_not_yet"), f"r:{ticket.id}:no"),
            ),
        )
    await push_to_resident(
        uow,
        resident_id=ticket.reporter_id,
        estate=estate,
        text_for=texts,
        dedupe_key=key,
        now=now,
        urgent=ticket.kind in (TicketKind.EMERGENCY,) or action != "done",
        buttons=buttons,
        ticket_id=ticket.id,
        prefer=ticket.channel,
    )


LANGS = ("zh-Hans", "zh-Hant", "en")


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
    assert saved.id is not None
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=saved.id,
            at=now,
            action=action,
            actor_kind=ActorKind.RESIDENT,
            actor_id=resident.id,
            channel=channel,
        )
    )
    estate = await uow.directory.estate(saved.estate_id)
    assert estate is not None
    await refresh_cards(uow, saved, estate=estate, now=now)
    return ActionResult(True, message, saved)
