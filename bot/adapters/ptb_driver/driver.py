"""The python-telegram-bot implementation of :class:`bot.adapters.telegram.TelegramDriver`.

Why it is shaped this way:

* One PTB ``Application`` per process, built once, with two handlers registered once: a
  ``MessageHandler`` for new messages and a ``CallbackQueryHandler`` for button presses. Each is
  a few lines: translate, call the core, render (for a button: answer the callback query).
* No ``Updater`` and no ``Application.start()``: the webhook layer (or :meth:`run_polling`) hands
  each update to :meth:`process_update`, which parses it and awaits PTB's dispatch directly.
  Handlers are blocking, so the core runs in the caller's task: the caller's per-chat ordering
  and back-pressure hold, and ``concurrent_updates`` (which only governs PTB's own update
  queue, unused here) is irrelevant.
* PTB swallows handler exceptions (it passes them to error handlers), but the caller must see
  infrastructure failures to retry the update later. Handlers therefore catch the core's
  exception and leave it, or whether the update was handled, in a context variable of the
  caller's task; :meth:`process_update` reads it after the dispatch and re-raises.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.adapters.ptb_driver.logs import guard_token
from bot.adapters.ptb_driver.polling import poll_updates
from bot.adapters.ptb_driver.sender import PtbSender
from bot.adapters.ptb_driver.translate import translate_callback, translate_message
from bot.adapters.telegram import ALLOWED_UPDATES, Handle
from bot.core.sending import Sender

log = logging.getLogger(__name__)

#: What the handler of the update being processed left for ``process_update``: whether the
#: core handled it, or the exception the core raised. Set and read within the caller's task.
_RESULT: ContextVar[bool | Exception] = ContextVar("ptb_driver_result", default=False)

_ALLOWED_UPDATES = list(ALLOWED_UPDATES)


class MalformedUpdate(ValueError):
    """The payload is not a Telegram update PTB can parse; retrying it will not help."""


class PtbDriver:
    """A Telegram driver on python-telegram-bot 22.

    The ``Application`` (and with it ``sender``) exists from construction, which does no I/O,
    so the outbox dispatcher can be wired before :meth:`start`; :meth:`start` opens the HTTP
    session and checks the token with ``getMe``.
    """

    def __init__(
        self,
        token: str,
        api_url: str,
        handle: Handle,
        *,
        request_timeout: float = 10.0,
        poll_timeout: int = 30,
    ) -> None:
        guard_token(token)  # before the bot exists: building it logs its URL at DEBUG
        self._handle = handle
        self._poll_timeout = poll_timeout
        base = api_url.rstrip("/")
        self._app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(token)
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .updater(None)
            .job_queue(None)
            .connect_timeout(request_timeout)
            .read_timeout(request_timeout)
            .write_timeout(request_timeout)
            .get_updates_connect_timeout(request_timeout)
            .get_updates_read_timeout(request_timeout)
            .build()
        )
        self._app.add_handlers(
            [
                MessageHandler(filters.UpdateType.MESSAGE, self._on_message, block=True),
                CallbackQueryHandler(self._on_button, block=True),
            ]
        )
        self._app.add_error_handler(self._on_error)
        self._bot = self._app.bot
        # Typed as the port: the Protocol's attribute is invariant, and callers need no more.
        self.sender: Sender = PtbSender(self._bot)

    async def start(self) -> None:
        await self._app.initialize()

    async def close(self) -> None:
        await self._app.shutdown()

    async def process_update(self, update: dict[str, Any]) -> bool:
        """Parse ``update``, dispatch it, return whether the core handled it.

        Raises :class:`MalformedUpdate` for a payload that is not an update, and re-raises
        whatever the core raised (the caller retries the update later).
        """
        return await self._dispatch(self._parse(update))

    async def set_webhook(self, url: str, *, secret: str) -> None:
        await self._bot.set_webhook(url=url, secret_token=secret, allowed_updates=_ALLOWED_UPDATES)

    async def delete_webhook(self) -> None:
        await self._bot.delete_webhook()

    async def run_polling(self) -> None:
        """Long-poll ``getUpdates`` until cancelled (delete the webhook first: 409 otherwise)."""
        await poll_updates(
            self._bot,
            self._dispatch,
            allowed_updates=_ALLOWED_UPDATES,
            long_poll=self._poll_timeout,
        )

    # ------------------------------------------------------------------ dispatch

    def _parse(self, data: dict[str, Any]) -> Update:
        try:
            update = Update.de_json(data, self._bot)
        except Exception as exc:
            raise MalformedUpdate(f"not a Telegram update: {type(exc).__name__}: {exc}") from exc
        if type(update.update_id) is not int:
            raise MalformedUpdate(f"update_id is not an integer: {update.update_id!r}")
        return update

    async def _dispatch(self, update: Update) -> bool:
        _RESULT.set(False)
        await self._app.process_update(update)
        result = _RESULT.get()
        if isinstance(result, Exception):
            _RESULT.set(False)  # do not keep the traceback alive in the caller's context
            raise result
        return result

    async def _on_message(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        inbound = None if message is None else translate_message(update, message)
        if inbound is None:
            return  # a service message: nothing for the core
        try:
            outcome = await self._handle(inbound)
        except Exception as exc:
            _RESULT.set(exc)
        else:
            _RESULT.set(outcome.handled)

    async def _on_button(self, update: Update, _: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            outcome = await self._handle(translate_callback(update, query))
        except Exception as exc:
            _RESULT.set(exc)
            await _answer(query, None, False)  # stop the spinner even when the core failed
        else:
            _RESULT.set(outcome.handled)
            await _answer(query, outcome.ack, outcome.alert)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Errors of PTB's own machinery around a handler (handlers catch the core's)."""
        error = context.error
        if isinstance(error, Exception):
            _RESULT.set(error)


async def _answer(query: CallbackQuery, text: str | None, alert: bool) -> None:
    """Answer a button press; a failure is logged, not raised: the core's work is done, and
    retrying the update for a lost toast would repeat it."""
    try:
        await query.answer(text=text, show_alert=alert)
    except TelegramError as exc:
        log.warning("answerCallbackQuery %s failed: %s", query.id, exc)


def build_driver(token: str, api_url: str, handle: Handle) -> PtbDriver:
    """The composition root's entry point: a driver ready for :meth:`PtbDriver.start`."""
    return PtbDriver(token, api_url, handle)
