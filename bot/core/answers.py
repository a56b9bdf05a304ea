"""Everything that is not a repair, complaint or emergency: questions, requests, thanks, fees.

Questions are answered from the estate's FAQ when the match is confident; otherwise the manual's
wording is used and the question becomes a staff task, so nobody is ever told "no".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core import fees_chat
from bot.core.inbound import Outcome
from bot.core.turn import Turn
from intents.model import Classification, Intent
from workflows.estate import Unit
from workflows.intake import Report, file_ticket
from workflows.tickets import TicketKind
from workflows.visitors import register_visitor

if TYPE_CHECKING:
    from bot.core.engine import ConversationCore

REQUEST_KINDS = {
    Intent.DECORATION: TicketKind.DECORATION,
    Intent.RELEASE: TicketKind.RELEASE,
    Intent.VISITOR: TicketKind.VISITOR,
    Intent.SERVICE: TicketKind.SERVICE,
}
QUESTION = re.compile(
    r"[?？]|怎么|如何|什么|哪里|哪儿|多少|几点|几号|是否|能否|可以.*吗|吗$|吗[。!！]?$|么$|"
    r"^(how|what|where|when|can|is|are|do|does)\b",
    re.IGNORECASE,
)
THANKS = re.compile(r"谢|thank|thx|感恩", re.IGNORECASE)


async def respond(
    core: ConversationCore,
    turn: Turn,
    result: Classification,
    body: str,
    *,
    force_enquiry: bool = False,
) -> Outcome:
    intent = result.intent
    if force_enquiry and intent is Intent.OTHER:
        intent = Intent.ENQUIRY
    if intent is Intent.OTHER:
        key = "thanks_reply" if THANKS.search(body) else "greeting"
        await turn.answer(turn.t(key), menu=turn.menu())
        return Outcome()
    if intent is Intent.FEE:
        return await fees_chat.on_fee_message(core, turn, result, body)
    if intent is Intent.PRAISE:
        await record(turn, TicketKind.PRAISE, body)
        await turn.answer(turn.t("praise_thanks"), menu=turn.menu())
        return Outcome()
    if intent is Intent.SUGGESTION:
        number = await record(turn, TicketKind.SUGGESTION, body)
        await turn.answer(turn.t("suggestion_thanks", number=number), menu=turn.menu())
        return Outcome()
    if intent is Intent.ENQUIRY or QUESTION.search(body.strip()):
        index = await core.faq_index(turn)
        match = index.search(body) if index else None
        if match is not None and match.confident:
            await turn.answer(turn.t("faq_answer", answer=match.entry.answer), menu=turn.menu())
            return Outcome()
        if intent is Intent.ENQUIRY:
            number = await record(turn, TicketKind.ENQUIRY, body)
            await turn.answer(turn.t("deep_question", number=number), menu=turn.menu())
            return Outcome()
    if intent is Intent.VISITOR and turn.estate is not None:
        return await visitor(turn, result, body)
    kind = REQUEST_KINDS.get(intent, TicketKind.ENQUIRY)
    number = await record(turn, kind, body)
    await turn.answer(turn.t("request_filed", number=number), menu=turn.menu())
    return Outcome()


async def visitor(turn: Turn, result: Classification, body: str) -> Outcome:
    """A guest announced: a numbered temporary pass, and the gate gets the card."""
    assert turn.estate is not None
    issued = await register_visitor(
        turn.uow,
        estate=turn.estate,
        text=body,
        channel=turn.inbound.channel,
        resident=turn.resident,
        unit=await first_unit(turn),
        visit_at=result.entities.time,
        plate=result.entities.plate,
        now=turn.now,
        details={"chat_id": turn.inbound.chat_id, "user_id": turn.inbound.user_id},
    )
    tz = ZoneInfo(turn.estate.timezone)
    await turn.answer(
        turn.t(
            "visitor_pass",
            number=issued.ticket.number or "—",
            start=f"{issued.valid_from.astimezone(tz):%m-%d %H:%M}",
            until=f"{issued.valid_until.astimezone(tz):%m-%d %H:%M}",
            days=(issued.valid_until - issued.valid_from).days,
        ),
        menu=turn.menu(),
        ticket_id=issued.ticket.id,
    )
    return Outcome()


async def first_unit(turn: Turn) -> Unit | None:
    if turn.resident is None:
        return None
    links = await turn.uow.residents.units_of(turn.resident.id)
    return await turn.uow.directory.unit(links[0].unit_id) if links else None


async def record(turn: Turn, kind: TicketKind, body: str) -> str:
    """File a staff-facing ticket for this message; returns its quotable number."""
    if turn.estate is None:
        return "—"
    unit = await first_unit(turn)
    ticket = await file_ticket(
        turn.uow,
        Report(
            estate=turn.estate,
            kind=kind,
            summary=body[:1000],
            channel=turn.inbound.channel,
            reporter=turn.resident,
            unit=unit,
            details={"chat_id": turn.inbound.chat_id, "user_id": turn.inbound.user_id},
        ),
        now=turn.now,
    )
    return ticket.number or "—"
