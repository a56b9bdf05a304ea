"""`guanjia poll` as an operator runs it: a separate process long-polling the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_api import FakeTelegramAPI

TOKEN = "123456:POLL-test-token-abcdefghijklmnop"
ROOT = Path(__file__).resolve().parents[2]
RESIDENT = 800000001


async def wait_until(predicate, seconds: float = 30.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if predicate():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


async def start_poll(
    db_url: str, api: FakeTelegramAPI, driver: str, **settings: str
) -> asyncio.subprocess.Process:
    """`guanjia poll` in a process of its own against the fake Bot API (output piped)."""
    env = {
        **os.environ,
        "GUANJIA_DATABASE_URL": db_url,
        "GUANJIA_TELEGRAM_TOKEN": TOKEN,
        "GUANJIA_TELEGRAM_API_URL": api.base_url,
        "GUANJIA_TELEGRAM_DRIVER": driver,
        "GUANJIA_RUN_SCHEDULER": "false",
        **settings,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "webhooks.cli", "poll", env=env, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


@pytest.mark.parametrize("driver", ["aiogram", "ptb"])
async def test_poll_answers_and_stops_cleanly_on_sigterm(db_url, demo_estate, driver):
    async with FakeTelegramAPI(token=TOKEN) as api:
        process = await start_poll(db_url, api, driver, GUANJIA_LOG_LEVEL="DEBUG")
        try:
            api.push_update(tg.text_message(1, RESIDENT, RESIDENT, "厨房水管爆了"))
            await wait_until(lambda: bool(api.sent_texts(RESIDENT)))
            api.push_update(tg.text_message(2, RESIDENT, RESIDENT, "跳过"))
            await wait_until(lambda: any("BX-" in t for t in api.sent_texts(RESIDENT)))
            await wait_until(lambda: bool(api.sent_texts(-1001000000101)))
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, output.decode()[-2000:]
        assert "polling stopped" in output.decode()
        assert TOKEN not in output.decode()  # not even at DEBUG
        assert api.calls_of("deleteWebhook")  # polling and a webhook cannot coexist
