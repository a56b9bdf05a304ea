"""What staff and residents see change when a ticket moves: refreshed cards, progress pushes.

Shared by every workflow that changes a ticket (staff buttons, callbacks, complaints, enquiries),
so a card always shows the ticket's current state and the reporter hears about each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.cards import card_buttons, card_text
from workflows.estate import Estate, GroupPurpose, Platform, Staff, StaffRole
from workflows.incidents import reporters_of
from workflows.intake import card_key
from workflows.messaging import Button
from workflows.notify import push_to_resident, to_group
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketKind


@dataclass(frozen=True)
class ActionResult:
    ok: bool
    message: str  # shown to the presser as the button acknowledgement
    ticket: Ticket | None = None
    follow_up: str | None = None  # what the presser is asked for next (await_cause, await_reply)


async def record_change(
    uow: UnitOfWork,
    ticket: Ticket,
    *,
    action: str,
    actor_kind: ActorKind,
    actor_id: int | None,
    channel: Platform | None,
    now: datetime,
) -> Estate:
    """After a ticket moved: the trail line, and every card showing the new state."""
    assert ticket.id is not None
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action=action, actor_kind=actor_kind,
                    actor_id=actor_id, channel=channel)
    )  # fmt: skip
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None
    await refresh_cards(uow, ticket, estate=estate, now=now)
    return estate


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
    if action == "claim" and ticket.kind is TicketKind.COMPLAINT:
        deadline = (
            ticket.milestones.resolve_by.astimezone(ZoneInfo(estate.timezone)).strftime(
                "%m-%d %H:%M"
            )
            if ticket.milestones.resolve_by
            else "—"
        )
        name = staff.name if staff else "客服中心"
        texts = {
            lang: say("complaint_ack", lang, number=number, handler=name, deadline=deadline)
            for lang in LANGS
        }
    elif action == "claim":
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
    for resident_id in await reporters_of(uow, ticket):
        # Only the original reporter confirms completion; linked reporters are kept informed.
        first = resident_id == ticket.reporter_id
        await push_to_resident(
            uow,
            resident_id=resident_id,
            estate=estate,
            text_for=texts,
            dedupe_key=key if first else f"{key}:{resident_id}",
            now=now,
            urgent=ticket.kind in (TicketKind.EMERGENCY,) or action != "done",
            buttons=buttons if first else (),
            ticket_id=ticket.id,
            prefer=ticket.channel,
        )


LANGS = ("zh-Hans", "zh-Hant", "en")


APPROVER_ROLES = frozenset({StaffRole.MANAGER, StaffRole.GM})


def may_approve(staff: Staff, ticket: Ticket) -> bool:
    """Approvals the manuals reserve for the estate's manager (管理处主任) or its GM."""
    return ticket.estate_id == staff.estate_id and staff.role in APPROVER_ROLES
