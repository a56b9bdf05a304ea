"""Fixtures for the python-telegram-bot driver: the fake Bot API, a recording core, a driver.

``PTB_TIMEDELTA=1`` opts into PTB's future ``timedelta`` time periods, so reading
``RetryAfter.retry_after`` does not warn; the driver reads it correctly either way (tested).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.adapters.ptb_driver import PtbDriver, PtbSender
from tests.adapters.ptb_driver.support import RecordingCore
from tests.fakes.clients import ptb_bot
from tests.fakes.telegram_api import FakeTelegramAPI


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI() as fake:
        yield fake


@pytest.fixture
def core() -> RecordingCore:
    return RecordingCore()


@pytest.fixture
async def driver(api: FakeTelegramAPI, core: RecordingCore) -> AsyncIterator[PtbDriver]:
    drv = PtbDriver(api.token, api.base_url, core, request_timeout=2.0, poll_timeout=1)
    await drv.start()
    api.reset_calls()
    yield drv
    await drv.close()


@pytest.fixture
async def sender(api: FakeTelegramAPI) -> AsyncIterator[PtbSender]:
    async with ptb_bot(api) as bot:
        api.reset_calls()
        yield PtbSender(bot)
