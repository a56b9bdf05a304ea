"""Questions the FAQ could not answer: a staff member answers in the group, the bot relays it.

The steward who takes the enquiry card types the answer in the group; it reaches the resident in
their own chat and language, the ticket is resolved, and one button adds the question and answer
to the estate's FAQ so the next resident gets it at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from workflows.estate import Platform, Staff
from workflows.notify import push_to_resident
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.staff_actions import may_act
from workflows.ticket_views import ActionResult, refresh_cards
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketKind, TicketStatus

ANSWERABLE = frozenset({TicketKind.ENQUIRY})
LANGS = ("zh-Hans", "zh-Hant", "en")


def answerable(ticket: Ticket) -> bool:
    return ticket.kind in ANSWERABLE and ticket.status in (TicketStatus.NEW, TicketStatus.CLAIMED)


async def relay_answer(
    uow: UnitOfWork, *, ticket_id: int, staff: Staff, text: str, channel: Platform, now: datetime
) -> ActionResult:
    ticket = await uow.tickets.get(ticket_id, for_update=True)
    if ticket is None or not answerable(ticket):
        return ActionResult(False, "该咨询已答复或已关闭。")
    if not await may_act(uow, staff, ticket, "claim"):
        return ActionResult(False, say("no_permission"))
    answer = text.strip()[:2000]
    if len(answer) < 2:
        return ActionResult(False, "请直接回复答复内容。")
    estate = await uow.directory.estate(ticket.estate_id)
    assert estate is not None and ticket.id is not None
    resolved = replace(
        ticket,
        status=TicketStatus.RESOLVED,
        assignee_id=ticket.assignee_id or staff.id,
        milestones=replace(ticket.milestones, responded_at=ticket.milestones.responded_at or now,
                           resolved_at=now),
        details={**ticket.details, "answer": answer, "answered_by": staff.id},
    )  # fmt: skip
    saved = await uow.tickets.save(resolved)
    await uow.tickets.append_event(
        TicketEvent(ticket_id=ticket.id, at=now, action="answered", actor_kind=ActorKind.STAFF,
                    actor_id=staff.id, channel=channel, note=answer)
    )  # fmt: skip
    if ticket.reporter_id is not None:
        await push_to_resident(
            uow,
            resident_id=ticket.reporter_id,
            estate=estate,
            text_for={lang: say("enquiry_answer", lang, question=ticket.summary[:80],
                                answer=answer) for lang in LANGS},
            dedupe_key=f"enquiry:{ticket.id}:answer",
            now=now,
            urgent=True,
            ticket_id=ticket.id,
            prefer=ticket.channel,
        )  # fmt: skip
    await refresh_cards(uow, saved, estate=estate, now=now)
    return ActionResult(True, f"已转告住户：{saved.number}", saved)


async def add_to_faq(
    uow: UnitOfWork, *, ticket_id: int, staff: Staff, channel: Platform, now: datetime
) -> ActionResult:
    ticket = await uow.tickets.get(ticket_id)
    answer = ticket.details.get("answer") if ticket else None
    if ticket is None or not isinstance(answer, str) or ticket.estate_id != staff.estate_id:
        return ActionResult(False, say("stale_button"))
    if ticket.details.get("faq_added"):
        return ActionResult(False, "已加入常见问题，无需重复添加。")
    entry = await uow.faq.add(estate_id=ticket.estate_id, question=ticket.summary[:500],
                              answer=answer)  # fmt: skip
    saved = await uow.tickets.save(
        replace(ticket, details={**ticket.details, "faq_added": entry.id})
    )
    assert saved.id is not None
    await uow.tickets.append_event(
        TicketEvent(ticket_id=saved.id, at=now, action="faq_added", actor_kind=ActorKind.STAFF,
                    actor_id=staff.id, channel=channel)
    )  # fmt: skip
    return ActionResult(True, "已加入常见问题库，下次住户可直接得到答复。", saved)
