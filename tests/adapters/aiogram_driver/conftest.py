"""Fixtures for the aiogram driver: a fake Bot API, a started driver, a recording core.

Why a distinctive token: the log tests search captured output for its secret half, so the
secret must not be a word that could appear for other reasons.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from bot.adapters.aiogram_driver import AiogramDriver, AiogramSender
from bot.core.inbound import Inbound, Outcome
from tests.fakes.clients import aiogram_bot
from tests.fakes.telegram_api import FakeTelegramAPI

TOKEN = "123456:AAH-secret-Tok3n_for_tests"
SECRET = TOKEN.partition(":")[2]


class Recorder:
    """The core's entry point as a test double: records every Inbound, answers ``outcome``."""

    def __init__(self) -> None:
        self.seen: list[Inbound] = []
        self.outcome = Outcome()
        self.error: Exception | None = None
        self._changed = asyncio.Event()

    async def __call__(self, inbound: Inbound) -> Outcome:
        self.seen.append(inbound)
        self._changed.set()
        self._changed = asyncio.Event()
        if self.error is not None:
            raise self.error
        return self.outcome

    async def wait_for(self, count: int, seconds: float = 5.0) -> list[Inbound]:
        """Wait until the core has seen ``count`` inbounds (polling runs in another task)."""
        async with asyncio.timeout(seconds):
            while len(self.seen) < count:
                await self._changed.wait()
        return self.seen


@pytest.fixture
async def api() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(token=TOKEN) as server:
        yield server


@pytest.fixture
def core() -> Recorder:
    return Recorder()


@pytest.fixture
async def driver(api: FakeTelegramAPI, core: Recorder) -> AsyncIterator[AiogramDriver]:
    drv = AiogramDriver(TOKEN, api.base_url, core, request_timeout=5.0, polling_timeout=1)
    await drv.start()
    try:
        yield drv
    finally:
        await drv.close()


@pytest.fixture
async def bot(api: FakeTelegramAPI) -> AsyncIterator[Bot]:
    async with aiogram_bot(api, request_timeout=0.5) as client:
        yield client


@pytest.fixture
def sender(bot: Bot) -> AiogramSender:
    return AiogramSender(bot)
