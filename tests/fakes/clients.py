"""Real aiogram / python-telegram-bot clients wired to a running :class:`FakeTelegramAPI`.

Why: every driver test needs the same few lines to point a library at the fake, and getting
them subtly wrong (PTB appends the token to ``base_url`` itself; aiogram needs a
``TelegramAPIServer`` on its session) silently sends traffic to api.telegram.org instead.
Library imports are local so importing :mod:`tests.fakes.telegram_api` stays framework-free.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from tests.fakes.telegram_api import FakeTelegramAPI

if TYPE_CHECKING:
    import aiogram
    import telegram
    from aiogram.client.telegram import TelegramAPIServer
    from telegram.ext import ApplicationBuilder


def aiogram_api_server(api: FakeTelegramAPI) -> TelegramAPIServer:
    """``TelegramAPIServer`` for aiogram: ``{base}/bot{token}/{method}`` + file URLs."""
    from aiogram.client.telegram import TelegramAPIServer

    return TelegramAPIServer.from_base(api.base_url)


@asynccontextmanager
async def aiogram_bot(
    api: FakeTelegramAPI, *, request_timeout: float = 10.0, **bot_kwargs: Any
) -> AsyncIterator[aiogram.Bot]:
    """A real ``aiogram.Bot`` on an ``AiohttpSession`` targeting ``api``; session closed after.

    ``request_timeout`` is the session's per-request timeout (lower it to test slow-API
    handling with ``api.fail_next(method, delay=...)``).
    """
    import aiogram
    from aiogram.client.session.aiohttp import AiohttpSession

    session = AiohttpSession(api=aiogram_api_server(api), timeout=request_timeout)
    bot = aiogram.Bot(api.token, session=session, **bot_kwargs)
    try:
        yield bot
    finally:
        await bot.session.close()


@asynccontextmanager
async def ptb_bot(api: FakeTelegramAPI, **bot_kwargs: Any) -> AsyncIterator[telegram.Bot]:
    """A real, initialized ``telegram.Bot`` targeting ``api`` (``getMe`` already called)."""
    import telegram

    async with telegram.Bot(api.token, **api.ptb_urls(), **bot_kwargs) as bot:
        yield bot


def ptb_application_builder(
    api: FakeTelegramAPI,
) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """``Application.builder()`` preset with the token and both fake URLs."""
    from telegram.ext import Application

    urls = api.ptb_urls()
    return (
        Application.builder()
        .token(api.token)
        .base_url(urls["base_url"])
        .base_file_url(urls["base_file_url"])
    )
