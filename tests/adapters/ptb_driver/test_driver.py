"""PtbDriver over the fake Bot API: dispatch to the core, button answers, webhook, polling.

Why: the driver is where PTB's dispatcher, the core and the Bot API meet; these tests run
PTB's real parsing, dispatch and HTTP stack against the loopback fake.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.adapters.ptb_driver import MalformedUpdate, PtbDriver, build_driver, polling
from bot.adapters.telegram import ALLOWED_UPDATES, TelegramDriver
from bot.core.inbound import InboundKind, Outcome
from tests.adapters.ptb_driver.support import RecordingCore
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeTelegramAPI

USER = 1001


class CoreDown(Exception):
    """What a database outage looks like from the driver."""


def test_build_driver_satisfies_the_protocol() -> None:
    async def handle(_: Any) -> Outcome:
        return Outcome()

    driver: TelegramDriver = build_driver("123456:TEST", "http://127.0.0.1:9", handle)
    assert isinstance(driver, PtbDriver)


async def test_text(driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI) -> None:
    assert await driver.process_update(tu.text_message(1, USER, USER, "停水了吗")) is True
    [inbound] = core.seen
    assert (inbound.kind, inbound.text, inbound.update_id) == (InboundKind.TEXT, "停水了吗", "1")
    assert api.calls == []  # a message is answered through the outbox, not here


async def test_start_with_payload(driver: PtbDriver, core: RecordingCore) -> None:
    assert await driver.process_update(tu.command(2, USER, USER, "/start", "lt-b1-7f3a"))
    [inbound] = core.seen
    assert (inbound.kind, inbound.command, inbound.command_args) == (
        InboundKind.COMMAND,
        "start",
        "lt-b1-7f3a",
    )


async def test_contact(driver: PtbDriver, core: RecordingCore) -> None:
    assert await driver.process_update(tu.contact_message(3, USER, USER, "8613905710218", USER))
    [inbound] = core.seen
    assert inbound.kind is InboundKind.CONTACT
    assert inbound.contact is not None
    assert (inbound.contact.phone, inbound.contact.user_id) == ("8613905710218", "1001")


async def test_button_is_answered_with_the_outcome(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI
) -> None:
    core.outcome = Outcome(ack="已收到，师傅马上联系您", alert=True)
    update = tu.callback_query(4, USER, USER, 77, "rate:5", query_id="cb-4")
    assert await driver.process_update(update) is True
    [inbound] = core.seen
    assert (inbound.kind, inbound.button_data, inbound.callback_id) == (
        InboundKind.BUTTON,
        "rate:5",
        "cb-4",
    )
    [answer] = api.calls_of("answerCallbackQuery")
    assert answer.params["callback_query_id"] == "cb-4"
    assert answer.params["text"] == "已收到，师傅马上联系您"
    assert answer.params["show_alert"] is True


async def test_button_without_ack_is_still_answered(
    driver: PtbDriver, api: FakeTelegramAPI
) -> None:
    await driver.process_update(tu.callback_query(5, USER, USER, 77, "x", query_id="cb-5"))
    [answer] = api.calls_of("answerCallbackQuery")
    assert answer.params["callback_query_id"] == "cb-5"
    assert "text" not in answer.params
    assert not answer.params.get("show_alert")


async def test_button_is_answered_when_the_core_fails_and_the_failure_propagates(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI
) -> None:
    core.fail(CoreDown("database unavailable"))
    with pytest.raises(CoreDown):
        await driver.process_update(tu.callback_query(6, USER, USER, 77, "x", query_id="cb-6"))
    assert [c.params["callback_query_id"] for c in api.calls_of("answerCallbackQuery")] == ["cb-6"]


async def test_a_failed_answer_does_not_fail_the_update(
    driver: PtbDriver, api: FakeTelegramAPI
) -> None:
    api.fail_next("answerCallbackQuery", 400, description="Bad Request: query is too old")
    assert await driver.process_update(tu.callback_query(7, USER, USER, 77, "x")) is True


async def test_message_failure_propagates_so_the_caller_retries(
    driver: PtbDriver, core: RecordingCore
) -> None:
    core.fail(CoreDown("database unavailable"))
    with pytest.raises(CoreDown):
        await driver.process_update(tu.text_message(8, USER, USER, "hi"))
    # the next update is not affected by the previous failure
    assert await driver.process_update(tu.text_message(9, USER, USER, "hi")) is True


async def test_outcome_not_handled_is_reported(driver: PtbDriver, core: RecordingCore) -> None:
    core.outcome = Outcome(handled=False)
    assert await driver.process_update(tu.text_message(10, USER, USER, "hi")) is False


async def test_unsupported_sticker(driver: PtbDriver, core: RecordingCore) -> None:
    assert await driver.process_update(tu.sticker_message(11, USER, USER)) is True
    [inbound] = core.seen
    assert (inbound.kind, inbound.unsupported_what) == (InboundKind.UNSUPPORTED, "sticker")


@pytest.mark.parametrize(
    "update",
    [
        tu.edited_text_message(12, USER, USER, 3, "改了"),
        tu.my_chat_member_blocked(13, USER),
        {"update_id": 14},
    ],
    ids=["edited", "my_chat_member", "unknown"],
)
async def test_ignored_updates_are_not_handled(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI, update: dict[str, Any]
) -> None:
    assert await driver.process_update(update) is False
    assert core.seen == []
    assert api.calls == []


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"message": {"text": "no update id"}},
        {"update_id": "seven"},
        {"update_id": 15, "message": 5},
        {"update_id": 16, "message": {"message_id": 1}},
        {"update_id": 17, "callback_query": {"id": "x"}},
    ],
)
async def test_malformed_update(
    driver: PtbDriver, core: RecordingCore, data: dict[str, Any]
) -> None:
    with pytest.raises(MalformedUpdate):
        await driver.process_update(data)
    assert core.seen == []


def test_malformed_update_is_a_value_error() -> None:
    assert issubclass(MalformedUpdate, ValueError)


async def test_set_and_delete_webhook(driver: PtbDriver, api: FakeTelegramAPI) -> None:
    await driver.set_webhook("https://guanjia.example/webhooks/telegram", secret="s3cr3t-Token")
    assert api.webhook is not None
    assert api.webhook["url"] == "https://guanjia.example/webhooks/telegram"
    assert api.webhook["secret_token"] == "s3cr3t-Token"
    assert api.webhook["allowed_updates"] == list(ALLOWED_UPDATES)
    await driver.delete_webhook()
    assert api.webhook is None


async def test_sender_shares_the_drivers_bot(driver: PtbDriver, api: FakeTelegramAPI) -> None:
    from tests.adapters.ptb_driver.support import outbox

    sent = await driver.sender.send(outbox("您好"), edit_message_id=None)
    assert api.sent_texts("1001") == ["您好"]
    assert sent.message_id == str(api.calls_of("sendMessage")[0].result["message_id"])


async def test_start_checks_the_token_and_close_is_idempotent(
    api: FakeTelegramAPI, core: RecordingCore
) -> None:
    drv = PtbDriver(api.token, api.base_url, core)
    await drv.start()
    assert [c.method for c in api.calls] == ["getMe"]
    await drv.close()
    await drv.close()


# ------------------------------------------------------------------------------ polling


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def _polling_from(api: FakeTelegramAPI, offset: int) -> None:
    """Wait until a getUpdates call with ``offset`` arrived (the fake signals answers only)."""
    for _ in range(500):
        if any(c.params.get("offset") == offset for c in api.calls_of("getUpdates")):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no getUpdates with offset {offset}")


async def test_polling_feeds_updates_until_cancelled(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI
) -> None:
    api.push_update(tu.text_message(20, USER, USER, "第一条"))
    task = asyncio.create_task(driver.run_polling())
    await core.wait_for(1)
    api.push_update(tu.callback_query(21, USER, USER, 5, "x", query_id="cb-21"))
    await core.wait_for(2)
    await _polling_from(api, 22)  # back in getUpdates: both updates are done
    await _stop(task)

    assert [i.update_id for i in core.seen] == ["20", "21"]
    polls = api.calls_of("getUpdates")
    assert all(c.params["allowed_updates"] == list(ALLOWED_UPDATES) for c in polls)
    assert api.pending_updates == []  # processed updates were confirmed


async def test_cancelling_confirms_what_was_processed(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI
) -> None:
    api.push_update(tu.text_message(25, USER, USER, "hi"))
    task = asyncio.create_task(driver.run_polling())
    await core.wait_for(1)
    await _stop(task)
    assert api.pending_updates == []


async def test_polling_retries_a_failed_update_then_moves_on(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "_backoff", lambda attempt: 0.0)
    core.fail(CoreDown("database unavailable"), times=1)
    api.push_update(tu.text_message(30, USER, USER, "一"))
    api.push_update(tu.text_message(31, USER, USER, "二"))
    task = asyncio.create_task(driver.run_polling())
    await core.wait_for(3)
    await _stop(task)
    assert [i.update_id for i in core.seen] == ["30", "30", "31"]


async def test_polling_skips_a_poisonous_update(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "_backoff", lambda attempt: 0.0)
    core.fail(CoreDown("bug"), times=polling.MAX_ATTEMPTS)
    api.push_update(tu.text_message(40, USER, USER, "一"))
    api.push_update(tu.text_message(41, USER, USER, "二"))
    task = asyncio.create_task(driver.run_polling())
    await core.wait_for(polling.MAX_ATTEMPTS + 1)
    await _stop(task)
    assert [i.update_id for i in core.seen] == ["40"] * polling.MAX_ATTEMPTS + ["41"]


async def test_polling_survives_api_errors(
    driver: PtbDriver, core: RecordingCore, api: FakeTelegramAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(polling, "_backoff", lambda attempt: 0.0)
    api.fail_next("getUpdates", 502)
    api.fail_next("getUpdates", 409)
    api.push_update(tu.text_message(50, USER, USER, "hi"))
    task = asyncio.create_task(driver.run_polling())
    await core.wait_for(1)
    await _stop(task)
    assert [i.update_id for i in core.seen] == ["50"]
