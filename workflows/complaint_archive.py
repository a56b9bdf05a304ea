"""A complaint is archived only when the estate manager approves it.

The manual's order after a complaint's callback: satisfied → the manager approves → archived;
not satisfied → improve or explain (the callback workflow reopens it). So a complaint rated
满意 or 一般 stays *resolved* with ``archive = awaiting`` and the managers' group gets a card
with the cause, the corrective action and a 批准归档 button. Only a manager or the general
manager of the same estate may press it; the press is re-authorised like every other.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime

from workflows.estate import Estate, GroupPurpose, Platform, Staff
from workflows.fees import Rating
from workflows.messaging import Button
from workflows.notify import to_purpose_groups
from workflows.ports import ConcurrentUpdate, UnitOfWork
from workflows.ticket_views import ActionResult, may_approve, refresh_cards
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketKind, TicketStatus

AWAITING, APPROVED = "awaiting", "approved"
RATING_WORDS = {Rating.SATISFIED: "满意", Rating.NEUTRAL: "一般", Rating.UNSATISFIED: "不满意"}


def needs_approval(ticket: Ticket) -> bool:
    return ticket.kind is TicketKind.COMPLAINT


async def request_approval(
    uow: UnitOfWork, ticket: Ticket, *, estate: Estate, rating: Rating, now: datetime
) -> Ticket:
    """The callback went well: hold the complaint for the managers' approval."""
    assert ticket.id is not None
    saved = await uow.tickets.save(replace(ticket, details={**ticket.details, "archive": AWAITING}))
    cause = str(ticket.details.get("cause_and_action") or "（未填写）")
    text = (
        f"🗂 投诉 {ticket.number} 回访结果：{RATING_WORDS[rating]}\n"
        f"内容：{html.escape(ticket.summary[:200])}\n"
        f"原因与整改：{html.escape(cause[:500])}\n"
        "请经理审核后批准归档。"
    )
    await to_purpose_groups(
        uow, estate_id=estate.id, purposes=(GroupPurpose.MANAGERS,), text=text,
        dedupe_key=f"archive:{ticket.id}", now=now, ticket_id=ticket.id,
        buttons=((Button("批准归档", f"ar:{ticket.id}"),),),
    )  # fmt: skip
    return saved


async def approve_archive(
    uow: UnitOfWork, *, ticket_id: int, staff: Staff, channel: Platform, now: datetime
) -> ActionResult:
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or not may_approve(staff, ticket):
        return ActionResult(False, "只有本项目经理可以批准归档。")
    if ticket.status is not TicketStatus.RESOLVED or ticket.details.get("archive") != AWAITING:
        return ActionResult(False, "该投诉状态已更新，无需重复审批。")
    try:
        saved = await uow.tickets.save(
            replace(
                ticket.moved_to(TicketStatus.CLOSED),
                details={**ticket.details, "archive": APPROVED},
            )
        )
    except ConcurrentUpdate:
        return ActionResult(False, "该投诉状态已更新，无需重复审批。")
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket_id, at=now, action="archived", actor_kind=ActorKind.STAFF,
                    actor_id=staff.id, channel=channel, note="经理批准归档")
    )  # fmt: skip
    estate = await uow.directory.estate(saved.estate_id)
    assert estate is not None
    await refresh_cards(uow, saved, estate=estate, now=now)
    return ActionResult(True, f"已批准，{saved.number} 归档。", saved)
