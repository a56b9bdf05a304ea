"""The token never reaches the logs; PTB's errors map the same whatever PTB_TIMEDELTA says.

Why: the token is in every Bot API URL and httpx/PTB log URLs at INFO/DEBUG; a debugging
session with the level lowered must not leak it. ``RetryAfter.retry_after`` changes type with
PTB's ``PTB_TIMEDELTA`` switch (and will change for good in PTB 23).
"""

from __future__ import annotations

import logging

import pytest
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.warnings import PTBDeprecationWarning

from bot.adapters.ptb_driver import PtbDriver
from bot.adapters.ptb_driver.errors import is_not_modified, retry_seconds, to_send_failure
from bot.core.sending import RateLimited, Rejected, Transient
from tests.adapters.ptb_driver.support import RecordingCore, outbox
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegramAPI

TOKEN = "987654:AAH-secret_Token-Value"


async def test_token_is_not_logged_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeTelegramAPI(token=TOKEN) as api:
        driver = PtbDriver(TOKEN, api.base_url, RecordingCore())
        await driver.start()
        await driver.sender.send(outbox("hi"), edit_message_id=None)
        api.fail_next("sendMessage", 500)
        with pytest.raises(Transient):
            await driver.sender.send(outbox("hi"), edit_message_id=None)
        await driver.process_update(tu.callback_query(1, 1001, 1001, 1, "x"))
        await driver.close()
    assert any("sendMessage" in r.getMessage() for r in caplog.records)  # DEBUG was on
    assert any("<token>" in r.getMessage() for r in caplog.records)  # redacted, not dropped
    assert TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


def test_a_stricter_httpx_level_is_kept() -> None:
    httpx_logger = logging.getLogger("httpx")
    before = httpx_logger.level
    httpx_logger.setLevel(logging.ERROR)
    try:
        PtbDriver("1:x", "http://127.0.0.1:9", RecordingCore())
        assert httpx_logger.level == logging.ERROR
    finally:
        httpx_logger.setLevel(before)


def test_retry_after_with_timedelta_periods() -> None:
    error = RetryAfter(3)
    assert retry_seconds(error) == 3.0
    failure = to_send_failure(error)
    assert isinstance(failure, RateLimited)
    assert failure.retry_after == 3.0


def test_retry_after_with_legacy_int_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTB_TIMEDELTA")
    with pytest.warns(PTBDeprecationWarning):
        error = RetryAfter(7)
        assert retry_seconds(error) == 7.0


def test_not_modified_is_recognised_only_on_bad_requests() -> None:
    assert is_not_modified(BadRequest("Message is not modified: specified new message content"))
    assert not is_not_modified(BadRequest("Message to edit not found"))
    assert not is_not_modified(TimedOut("message is not modified"))


def test_mapping_of_plain_errors() -> None:
    assert isinstance(to_send_failure(BadRequest("Chat not found")), Rejected)
    assert isinstance(to_send_failure(TimedOut()), Transient)
