"""The aiogram router: a message handler and a button handler, each parse → core → render.

Why so thin: all decisions live in the conversation core behind ``handle`` (injected by the
dispatcher from its workflow data, never a global); replies go through the outbox. The only
thing rendered here is the answer to a button press, which Telegram needs right away to stop
the button's spinner — so it is sent even when the core fails.

Each handler returns ``Outcome.handled``; an update the translation ignores is skipped, so the
dispatcher reports it as not handled.
"""

from __future__ import annotations

import logging

import aiohttp
from aiogram import Bot, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, Update

from bot.adapters.aiogram_driver.errors import redact
from bot.adapters.aiogram_driver.translate import translate_callback, translate_message
from bot.adapters.telegram import Handle
from bot.core.inbound import Outcome

#: One logger for the package: the token redaction filter is attached to it by name.
log = logging.getLogger("bot.adapters.aiogram_driver")


def build_router() -> Router:
    """The feature router, assembled once per dispatcher."""
    router = Router(name="guanjia")
    router.message.register(on_message)
    router.callback_query.register(on_button)
    return router


async def on_message(message: Message, event_update: Update, handle: Handle) -> bool:
    inbound = translate_message(event_update.update_id, message)
    if inbound is None:
        raise SkipHandler  # a service message: the dispatcher reports "not handled"
    outcome = await handle(inbound)
    return outcome.handled


async def on_button(query: CallbackQuery, event_update: Update, handle: Handle, bot: Bot) -> bool:
    inbound = translate_callback(event_update.update_id, query)
    outcome: Outcome | None = None
    try:
        outcome = await handle(inbound)
    finally:
        # Always answer, even if the core raised: the user's spinner must stop.
        await answer_button(bot, query.id, outcome)
    return outcome.handled


async def answer_button(bot: Bot, callback_id: str, outcome: Outcome | None) -> None:
    """Acknowledge a button press with the core's toast/alert (or silently).

    A failed answer is logged and swallowed: the core has already acted on the press, and
    failing the update would make the caller replay it.
    """
    try:
        await bot.answer_callback_query(
            callback_query_id=callback_id,
            text=outcome.ack if outcome is not None else None,
            show_alert=outcome.alert if outcome is not None else False,
        )
    except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as exc:
        log.warning(
            "could not answer callback query %s: %s",
            callback_id,
            redact(f"{type(exc).__name__}: {exc}", bot.token),
        )
