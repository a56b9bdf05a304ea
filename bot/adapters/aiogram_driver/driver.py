"""The aiogram 3 implementation of :class:`~bot.adapters.telegram.TelegramDriver`.

Why this shape: one ``Bot`` (one aiohttp connection pool) and one ``Dispatcher`` with one
``Router`` are built in :meth:`AiogramDriver.start` and reused for every update, webhook or
polling alike, so the hot path allocates no bots, sessions or dispatchers and imports
nothing. The dispatcher runs without FSM storage: dialogue state lives in the database,
behind the core. The composition root owns settings, signals and the choice of driver; this
class never reads the environment.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Update
from aiogram.types.update import UpdateTypeLookupError
from pydantic import ValidationError

from bot.adapters.aiogram_driver.errors import to_failure
from bot.adapters.aiogram_driver.handlers import build_router
from bot.adapters.aiogram_driver.redaction import TokenRedactor
from bot.adapters.aiogram_driver.sender import AiogramSender
from bot.adapters.telegram import ALLOWED_UPDATES, Handle
from bot.core.sending import Sender, Sent
from workflows.messaging import OutboxMessage

#: Per-request timeout (seconds) for Bot API calls; long polls get the poll time on top.
DEFAULT_REQUEST_TIMEOUT = 20.0
#: How long one ``getUpdates`` waits on the server for news.
DEFAULT_POLLING_TIMEOUT = 25


class MalformedUpdate(ValueError):
    """The dict is not a Telegram update (wrong shape or types): retrying will not help."""


class DriverNotStarted(RuntimeError):
    """A driver method that needs the bot was called before :meth:`AiogramDriver.start`."""


class _NotStartedSender:
    """Stands in for ``sender`` until ``start()``, with an error that says what is wrong."""

    rate_limited = True

    async def send(self, message: OutboxMessage, *, edit_message_id: str | None) -> Sent:
        raise DriverNotStarted("AiogramDriver.start() must be awaited before sending")


class AiogramDriver:
    """Telegram through aiogram: translate updates for the core, send what the outbox holds.

    ``api_url`` is the Bot API base (``https://api.telegram.org`` or a local/fake server).
    ``sender`` is usable after :meth:`start` and shares the driver's bot and session.
    """

    def __init__(
        self,
        token: str,
        api_url: str,
        handle: Handle,
        *,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        polling_timeout: int = DEFAULT_POLLING_TIMEOUT,
    ) -> None:
        self._token = token
        self._api_url = api_url
        self._handle = handle
        self._request_timeout = request_timeout
        self._polling_timeout = polling_timeout
        self._bot: Bot | None = None
        self._dispatcher: Dispatcher | None = None
        self._redactor = TokenRedactor(token)
        self.sender: Sender = _NotStartedSender()

    def __repr__(self) -> str:  # never show the token
        return f"AiogramDriver(api_url={self._api_url!r}, started={self._bot is not None})"

    async def start(self) -> None:
        """Build the bot, its HTTP session and the dispatcher; a second call does nothing."""
        if self._bot is not None:
            return
        self._redactor.install()
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(self._api_url), timeout=self._request_timeout
        )
        bot = Bot(self._token, session=session)
        dispatcher = Dispatcher(disable_fsm=True, name="guanjia", handle=self._handle)
        dispatcher.include_router(build_router())
        self._bot, self._dispatcher = bot, dispatcher
        self.sender = AiogramSender(bot)

    async def close(self) -> None:
        """Close the HTTP session (idempotent). The driver is not restartable afterwards."""
        if self._bot is not None:
            await self._bot.session.close()
        self._redactor.uninstall()

    async def process_update(self, update: dict[str, Any]) -> bool:
        """Validate ``update``, run it through the dispatcher, report whether it was handled.

        Raises :class:`MalformedUpdate` for a dict that is not an update; exceptions of the core
        propagate so the caller can retry the update.
        """
        bot, dispatcher = self._started()
        parsed = _parse(update, bot)
        try:
            parsed.event_type  # noqa: B018 - an update type newer than this aiogram: ignore it
        except UpdateTypeLookupError:
            return False
        result = await dispatcher.feed_update(bot, parsed)
        return result is True

    async def set_webhook(self, url: str, *, secret: str) -> None:
        """Register the webhook (keeping pending updates); errors as ``SendFailure``s."""
        bot, _ = self._started()
        await _mapped(
            bot,
            bot.set_webhook(
                url=url,
                secret_token=secret,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=False,
            ),
        )

    async def delete_webhook(self) -> None:
        """Remove the webhook (keeping pending updates), e.g. before long polling."""
        bot, _ = self._started()
        await _mapped(bot, bot.delete_webhook(drop_pending_updates=False))

    async def run_polling(self) -> None:
        """Long-poll ``getUpdates`` until this task is cancelled.

        Updates are processed one at a time, in order (a chat's messages must reach the core
        in the order they were written). aiogram installs no signal handlers here and does not
        close the session: the composition root owns both. Delete any webhook first: Telegram
        refuses ``getUpdates`` while one is set.

        A failing start-up call (``getMe``) raises a ``SendFailure``; later network errors are
        retried by aiogram with backoff. An update whose processing raises is logged by aiogram
        and not retried (the composition root waits out a database that is away before it
        lets an update fail), and the last batch, processed but not yet confirmed by a further
        ``getUpdates``, comes again after a restart: de-duplicate on ``update_id``.
        """
        bot, dispatcher = self._started()
        polling = asyncio.create_task(
            dispatcher.start_polling(
                bot,
                polling_timeout=self._polling_timeout,
                handle_as_tasks=False,
                allowed_updates=list(ALLOWED_UPDATES),
                handle_signals=False,
                close_bot_session=False,
            ),
            name="aiogram-polling",
        )
        try:
            await asyncio.shield(polling)
        except asyncio.CancelledError:
            await _stop_polling(dispatcher, polling)
            raise
        except Exception as exc:
            # Only start-up can fail here (``getMe``); later errors aiogram retries itself.
            failure = to_failure(exc, bot.token)
            if failure is None:
                raise
            raise failure from None

    def _started(self) -> tuple[Bot, Dispatcher]:
        if self._bot is None or self._dispatcher is None:
            raise DriverNotStarted("AiogramDriver.start() must be awaited first")
        return self._bot, self._dispatcher


def _parse(update: dict[str, Any], bot: Bot) -> Update:
    """The aiogram ``Update`` bound to ``bot`` (so the dispatcher need not re-validate it)."""
    if not isinstance(update, dict):
        raise MalformedUpdate(f"an update must be a JSON object, got {type(update).__name__}")
    try:
        return Update.model_validate(update, context={"bot": bot})
    except ValidationError as exc:
        # Name the bad fields, not their values: those are users' messages.
        where = "; ".join(
            f"{'.'.join(map(str, error['loc'])) or '<root>'}: {error['msg']}"
            for error in exc.errors(include_input=False, include_url=False)[:5]
        )
        count = exc.error_count()
        raise MalformedUpdate(f"not a Telegram update ({count} errors): {where}") from None


async def _mapped(bot: Bot, call: Any) -> Any:
    """Await a Bot API call, turning aiogram/aiohttp errors into ``SendFailure``s."""
    try:
        return await call
    except Exception as exc:
        failure = to_failure(exc, bot.token)
        if failure is None:
            raise
        raise failure from None


async def _stop_polling(dispatcher: Dispatcher, polling: asyncio.Task[None]) -> None:
    """Stop aiogram's polling so that its inner tasks end too.

    Cancelling ``start_polling`` alone would leave its per-bot polling task running, so the
    dispatcher is asked to stop (which cancels and awaits that task); if polling had not got
    as far as taking its lock, the task is simply cancelled.
    """
    try:
        await dispatcher.stop_polling()
    except RuntimeError:  # "Polling is not started" yet
        polling.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await polling
