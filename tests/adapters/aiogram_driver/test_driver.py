"""AiogramDriver end to end: raw update dicts in, the recording core called, Bot API calls out.

Why through the fake server: the button acknowledgement, the webhook registration and long
polling are HTTP conversations with Telegram; only the real aiogram stack against a faithful
fake shows they are encoded right and shut down cleanly.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from bot.adapters.aiogram_driver import (
    AiogramDriver,
    AiogramSender,
    DriverNotStarted,
    MalformedUpdate,
    build_driver,
)
from bot.adapters.telegram import ALLOWED_UPDATES, TelegramDriver
from bot.core.inbound import Contact, InboundKind, Outcome
from bot.core.sending import Rejected, Transient
from tests.adapters.aiogram_driver.conftest import SECRET, TOKEN, Recorder
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegramAPI
from workflows.estate import Platform
from workflows.messaging import OutboxMessage

USER = 1001


def _is_driver(driver: TelegramDriver) -> TelegramDriver:
    """Static check (mypy) that AiogramDriver satisfies the shared Protocol."""
    return driver


async def test_build_driver_satisfies_protocol(api: FakeTelegramAPI, core: Recorder) -> None:
    driver = build_driver(TOKEN, api.base_url, core)
    assert isinstance(driver, AiogramDriver)
    _is_driver(driver)
    assert TOKEN not in repr(driver)
    await driver.start()
    await driver.start()  # idempotent
    assert isinstance(driver.sender, AiogramSender)
    await driver.close()
    await driver.close()


async def test_methods_before_start_say_so(api: FakeTelegramAPI, core: Recorder) -> None:
    driver = build_driver(TOKEN, api.base_url, core)
    with pytest.raises(DriverNotStarted):
        await driver.process_update(tu.text_message(1, USER, USER, "hi"))
    with pytest.raises(DriverNotStarted):
        await driver.sender.send(_any_outbox(), edit_message_id=None)


async def test_text(driver: AiogramDriver, core: Recorder) -> None:
    handled = await driver.process_update(tu.text_message(5, USER, USER, "电梯坏了"))
    assert handled is True
    (inbound,) = core.seen
    assert (inbound.kind, inbound.text, inbound.update_id) == (InboundKind.TEXT, "电梯坏了", "5")
    assert inbound.channel is Platform.TELEGRAM


async def test_core_may_report_not_handled(driver: AiogramDriver, core: Recorder) -> None:
    core.outcome = Outcome(handled=False)
    assert await driver.process_update(tu.text_message(6, USER, USER, "…")) is False
    assert len(core.seen) == 1


async def test_start_with_payload(driver: AiogramDriver, core: Recorder) -> None:
    assert await driver.process_update(tu.command(7, USER, USER, "/start", "lt-b1-7f3a"))
    (inbound,) = core.seen
    assert (inbound.kind, inbound.command, inbound.command_args) == (
        InboundKind.COMMAND,
        "start",
        "lt-b1-7f3a",
    )


async def test_contact(driver: AiogramDriver, core: Recorder) -> None:
    assert await driver.process_update(tu.contact_message(8, USER, USER, "13905710218", USER))
    (inbound,) = core.seen
    assert inbound.kind is InboundKind.CONTACT
    assert inbound.contact == Contact(phone="13905710218", user_id=str(USER))


async def test_callback_is_answered_with_ack_and_alert(
    api: FakeTelegramAPI, driver: AiogramDriver, core: Recorder
) -> None:
    core.outcome = Outcome(ack="已受理", alert=True)
    data = tu.callback_query(9, USER, USER, 77, "t:1:accept", query_id="cbq-9")
    assert await driver.process_update(data) is True
    (inbound,) = core.seen
    assert (inbound.kind, inbound.button_data, inbound.callback_id) == (
        InboundKind.BUTTON,
        "t:1:accept",
        "cbq-9",
    )
    (answer,) = api.calls_of("answerCallbackQuery")
    assert answer.ok
    assert answer.params["callback_query_id"] == "cbq-9"
    assert answer.params["text"] == "已受理"
    assert answer.params["show_alert"] is True


async def test_callback_without_ack_is_answered_silently(
    api: FakeTelegramAPI, driver: AiogramDriver, core: Recorder
) -> None:
    await driver.process_update(tu.callback_query(10, USER, USER, 77, "x", query_id="cbq-10"))
    (answer,) = api.calls_of("answerCallbackQuery")
    assert "text" not in answer.params
    assert answer.params.get("show_alert") in (False, None)


async def test_callback_is_answered_even_when_the_core_fails(
    api: FakeTelegramAPI, driver: AiogramDriver, core: Recorder
) -> None:
    core.error = RuntimeError("database down")
    with pytest.raises(RuntimeError, match="database down"):
        await driver.process_update(tu.callback_query(11, USER, USER, 77, "x", query_id="q"))
    (answer,) = api.calls_of("answerCallbackQuery")
    assert answer.ok and answer.params["callback_query_id"] == "q"


async def test_failed_answer_does_not_fail_the_update(
    api: FakeTelegramAPI, driver: AiogramDriver, core: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    api.fail_next(
        "answerCallbackQuery",
        400,
        description="Bad Request: query is too old and response timeout expired",
    )
    with caplog.at_level(logging.WARNING, logger="bot.adapters.aiogram_driver"):
        assert await driver.process_update(tu.callback_query(12, USER, USER, 77, "x"))
    assert "query is too old" in caplog.text
    assert len(core.seen) == 1


async def test_unsupported_sticker(driver: AiogramDriver, core: Recorder) -> None:
    assert await driver.process_update(tu.sticker_message(13, USER, USER)) is True
    (inbound,) = core.seen
    assert (inbound.kind, inbound.unsupported_what) == (InboundKind.UNSUPPORTED, "sticker")


@pytest.mark.parametrize(
    "data",
    [
        tu.edited_text_message(14, USER, USER, 3, "改了"),
        tu.my_chat_member_blocked(15, USER),
        {"update_id": 16},  # no event at all (or one newer than this aiogram)
        {
            "update_id": 17,
            "message": {
                "message_id": 2,
                "date": 1,
                "chat": tu.chat(-100200),
                "from": tu.user(USER),
                "left_chat_member": tu.user(USER),
            },
        },
    ],
    ids=["edited_message", "my_chat_member", "empty", "service_message"],
)
async def test_ignored_updates_are_not_handled(
    driver: AiogramDriver, core: Recorder, data: dict[str, Any]
) -> None:
    assert await driver.process_update(data) is False
    assert core.seen == []


@pytest.mark.parametrize(
    "data",
    [
        {"message": {"text": "no update id"}},
        {"update_id": "not-a-number"},
        {"update_id": 18, "message": {"message_id": 1, "text": "no chat, no date"}},
        ["not", "a", "dict"],
    ],
)
async def test_malformed_update(driver: AiogramDriver, core: Recorder, data: Any) -> None:
    with pytest.raises(MalformedUpdate) as caught:
        await driver.process_update(data)
    assert isinstance(caught.value, ValueError)
    assert core.seen == []


async def test_malformed_update_error_does_not_quote_user_text(driver: AiogramDriver) -> None:
    data = {"update_id": 19, "message": {"message_id": 1, "text": "我的身份证号 330106..."}}
    with pytest.raises(MalformedUpdate) as caught:
        await driver.process_update(data)
    assert "身份证" not in str(caught.value)
    assert "message.chat" in str(caught.value)


async def test_set_webhook_records_allowed_updates_and_secret(
    api: FakeTelegramAPI, driver: AiogramDriver
) -> None:
    await driver.set_webhook("https://guanjia.example/webhooks/telegram", secret="s3cr3t-hdr")
    assert api.webhook is not None
    assert api.webhook["url"] == "https://guanjia.example/webhooks/telegram"
    assert api.webhook["secret_token"] == "s3cr3t-hdr"
    assert api.webhook["allowed_updates"] == list(ALLOWED_UPDATES)
    assert not api.webhook.get("drop_pending_updates")
    await driver.delete_webhook()
    assert api.webhook is None
    (call,) = api.calls_of("deleteWebhook")
    assert not call.params.get("drop_pending_updates")


async def test_set_webhook_refused_is_a_failure(driver: AiogramDriver) -> None:
    with pytest.raises(Rejected, match="HTTPS"):
        await driver.set_webhook("http://guanjia.example/hook", secret="x")


async def test_driver_sender_uses_the_same_bot(api: FakeTelegramAPI, driver: AiogramDriver) -> None:
    sent = await driver.sender.send(_any_outbox(), edit_message_id=None)
    assert sent.message_id == "1"
    assert api.sent_texts(USER) == ["您好"]


# ------------------------------------------------------------------------------ polling


def _polling_tasks() -> list[asyncio.Task[Any]]:
    names = {"start_polling", "_polling", "_listen_updates"}
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and getattr(t.get_coro(), "__name__", "") in names
    ]


async def test_polling_feeds_updates_in_order_and_cancels_cleanly(
    api: FakeTelegramAPI, driver: AiogramDriver, core: Recorder
) -> None:
    api.push_update(tu.text_message(101, USER, USER, "第一"))
    api.push_update(tu.command(102, USER, USER, "/my"))
    task = asyncio.create_task(driver.run_polling())
    await core.wait_for(2)
    assert [i.update_id for i in core.seen] == ["101", "102"]
    api.push_update(tu.callback_query(103, USER, USER, 5, "later", query_id="poll-q"))
    await core.wait_for(3)
    await api.wait_for("answerCallbackQuery")

    (first_poll, *_) = api.calls_of("getUpdates")
    assert first_poll.params["allowed_updates"] == list(ALLOWED_UPDATES)

    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert _polling_tasks() == []
    polls = len(api.calls_of("getUpdates"))
    await asyncio.sleep(0.2)
    assert len(api.calls_of("getUpdates")) == polls  # nothing polls any more
    # The session is still usable: the composition root closes it, not polling.
    await driver.sender.send(_any_outbox(), edit_message_id=None)


async def test_polling_cancelled_before_it_started(driver: AiogramDriver) -> None:
    task = asyncio.create_task(driver.run_polling())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert _polling_tasks() == []


async def test_polling_can_run_again_after_cancel(
    api: FakeTelegramAPI, driver: AiogramDriver, core: Recorder
) -> None:
    for round_, update_id in enumerate((201, 202)):
        api.push_update(tu.text_message(update_id, USER, USER, f"round {round_}"))
        task = asyncio.create_task(driver.run_polling())
        await core.wait_for(round_ + 1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [i.update_id for i in core.seen] == ["201", "202"]


async def test_polling_start_up_failure_is_a_send_failure(
    api: FakeTelegramAPI, driver: AiogramDriver
) -> None:
    api.fail_next("getMe", 500)
    with pytest.raises(Transient):
        await asyncio.wait_for(driver.run_polling(), 5)
    assert _polling_tasks() == []


# -------------------------------------------------------------------------- token in logs


async def test_token_never_logged(
    api: FakeTelegramAPI, driver: AiogramDriver, core: Recorder, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("aiogram", "aiohttp", "bot.adapters.aiogram_driver", "asyncio"):
        caplog.set_level(logging.DEBUG, logger=name)
    await driver.sender.send(_any_outbox(), edit_message_id=None)
    api.fail_next("sendMessage", 500)
    with pytest.raises(Transient):
        await driver.sender.send(_any_outbox(), edit_message_id=None)
    await driver.process_update(tu.text_message(301, USER, USER, "hi"))
    api.fail_next("answerCallbackQuery", 500)
    await driver.process_update(tu.callback_query(302, USER, USER, 5, "x"))
    api.fail_next("getUpdates", 502)
    api.push_update(tu.text_message(303, USER, USER, "polled"))
    task = asyncio.create_task(driver.run_polling())
    await core.wait_for(3, seconds=10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert caplog.records, "expected aiogram to log something at DEBUG/INFO"
    assert "Failed to fetch updates" in caplog.text
    assert SECRET not in caplog.text
    for record in caplog.records:
        assert SECRET not in record.getMessage()
        assert SECRET not in (record.exc_text or "")


async def test_a_logged_url_is_redacted(
    driver: AiogramDriver, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"http://127.0.0.1/bot{TOKEN}/getUpdates"
    caplog.set_level(logging.DEBUG, logger="aiogram")
    try:
        raise OSError(f"connection reset for {url}")
    except OSError:
        logging.getLogger("aiogram.dispatcher").exception("Failed to fetch updates - %s", url)
    assert "Failed to fetch updates - http://127.0.0.1/bot***/getUpdates" in caplog.text
    assert SECRET not in caplog.text


def _any_outbox() -> OutboxMessage:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, tzinfo=UTC)
    return OutboxMessage(
        channel=Platform.TELEGRAM,
        chat_id=str(USER),
        text="您好",
        dedupe_key="d",
        created_at=now,
        not_before=now,
    )
