"""Where each kind of inbound message goes. A few lines per branch; the work is elsewhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core import account, buttons, fees_chat, reporting, staff_replies
from bot.core.inbound import InboundKind, Outcome
from bot.core.turn import MENU_KEYS, Turn
from intents.textlibs import to_simplified
from workflows.phrases import PHRASES, Raw

if TYPE_CHECKING:
    from bot.core.engine import ConversationCore

#: Menu button texts in every language → the flow they start.
MENU_TEXTS = {text: key for key in MENU_KEYS for text in (PHRASES[key][0], PHRASES[key][1].lower())}
COMMANDS = {"start", "help", "cancel", "my", "unbind", "menu", "fees"}


async def route(core: ConversationCore, turn: Turn) -> Outcome:
    inbound = turn.inbound
    if inbound.kind is InboundKind.BUTTON:
        return await buttons.pressed(core, turn)
    if inbound.is_group:
        if inbound.kind is InboundKind.COMMAND and inbound.command == "rain":
            return await staff_replies.rain(turn)
        if inbound.kind is InboundKind.COMMAND and inbound.command == "reason":
            return await staff_replies.reason(turn)
        if inbound.kind is InboundKind.COMMAND:
            return await fees_chat.group_command(turn)
        if inbound.kind is InboundKind.TEXT:
            return await staff_replies.group_text(turn)
        return Outcome(handled=False)  # staff chatter in groups is not for the bot
    if inbound.kind is InboundKind.COMMAND:
        return await command(core, turn)
    if inbound.kind is InboundKind.CONTACT:
        return await account.contact(turn)
    if inbound.kind is InboundKind.UNSUPPORTED:
        await turn.answer(turn.t("unsupported", help=Raw(turn.t("help"))), menu=turn.menu())
        return Outcome()
    if inbound.kind is InboundKind.PHOTO:
        return await reporting.photo(core, turn)
    if inbound.kind is InboundKind.LOCATION:
        await turn.answer(turn.t("help"), menu=turn.menu())
        return Outcome()
    return await text(core, turn)


async def command(core: ConversationCore, turn: Turn) -> Outcome:
    name = turn.inbound.command or ""
    if name == "start":
        return await account.start(turn)
    if name == "unbind":
        return await account.unbind(turn)
    if name == "cancel":
        turn.move("idle")
        await turn.answer(turn.t("cancelled"), menu=turn.menu())
        return Outcome()
    if name == "my":
        return await account.my_tickets(turn)
    if name == "fees":
        return await fees_chat.fees(turn)
    await turn.answer(turn.t("help"), menu=turn.menu())
    return Outcome()


async def text(core: ConversationCore, turn: Turn) -> Outcome:
    body = turn.inbound.text.strip()
    if turn.conversation.data.get("truncated"):
        turn.remember("truncated", False)
        await turn.answer(turn.t("too_long"))
    simplified = to_simplified(body)
    menu_key = MENU_TEXTS.get(simplified) or MENU_TEXTS.get(body.lower())
    if menu_key:
        return await menu(core, turn, menu_key)
    if turn.state == "await_comment":
        return await reporting.callback_comment(core, turn, body)
    if turn.state.startswith("await_"):
        return await reporting.continue_draft(core, turn, body)
    return await reporting.understand_and_route(core, turn, body)


async def menu(core: ConversationCore, turn: Turn, key: str) -> Outcome:
    if key == "menu_my":
        return await account.my_tickets(turn)
    if key == "menu_fees":
        return await fees_chat.fees(turn)
    if key == "menu_enquiry":
        turn.move("await_question")
        await turn.answer(turn.t("ask_what_enquiry"))
        return Outcome()
    kind = "repair" if key == "menu_repair" else "complaint"
    turn.move("await_description", {"kind": kind})
    await turn.answer(turn.t("ask_what_repair" if kind == "repair" else "ask_what_complaint"))
    return Outcome()
