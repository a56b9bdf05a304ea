"""AiogramSender over the real aiogram HTTP stack against the fake Bot API.

Why the fake server rather than a mocked ``Bot``: what breaks in production is the request
encoding (reply markup JSON, parse mode, thread ids) and the error mapping of real responses
(429 with ``retry_after``, 403, "message is not modified", timeouts).
"""

from __future__ import annotations

import socket
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.adapters.aiogram_driver import AiogramSender
from bot.adapters.telegram import CAPTION_LIMIT
from bot.core.sending import RateLimited, Rejected, Sent, Transient, Unreachable
from tests.adapters.aiogram_driver.conftest import TOKEN
from tests.fakes.telegram_api import FakeTelegramAPI
from workflows.estate import Platform
from workflows.messaging import Button, OutboxMessage

CHAT = 1001
GROUP = -1002003004005
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def outbox(text: str = "您好", **fields: Any) -> OutboxMessage:
    return OutboxMessage(
        channel=Platform.TELEGRAM,
        chat_id=str(fields.pop("chat_id", CHAT)),
        text=text,
        dedupe_key="k",
        created_at=NOW,
        not_before=NOW,
        **fields,
    )


BUTTONS = (
    (Button("受理", "t:1:accept"), Button("转派", "t:1:move")),
    (Button("关闭", "t:1:close"),),
)
INLINE = {
    "inline_keyboard": [
        [
            {"text": "受理", "callback_data": "t:1:accept"},
            {"text": "转派", "callback_data": "t:1:move"},
        ],
        [{"text": "关闭", "callback_data": "t:1:close"}],
    ]
}


async def test_plain_text_html_no_preview(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    sent = await sender.send(outbox("报修已受理 https://example.org"), edit_message_id=None)
    (params,) = api.sent_messages(CHAT)
    assert sent == Sent(message_id="1")
    assert params["text"] == "报修已受理 https://example.org"
    assert params["parse_mode"] == "HTML"
    assert params["link_preview_options"] == {"is_disabled": True}
    assert "reply_markup" not in params
    assert "message_thread_id" not in params


async def test_html_is_sent_as_is_never_escaped_again(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    text = "<b>工单 #12</b> 住户写道: &lt;b&gt;急&lt;/b&gt;"
    await sender.send(outbox(text), edit_message_id=None)
    (params,) = api.sent_messages(CHAT)
    assert params["text"] == text
    assert api.message(CHAT, 1)["text"] == "工单 #12 住户写道: <b>急</b>"  # type: ignore[index]


async def test_long_text_split_with_buttons_only_on_last_part(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    lines = [f"第{i:04d}行 " + "物业通知" * 20 for i in range(110)]
    text = "\n".join(lines)
    assert len(text) > 9000
    sent = await sender.send(outbox(text, buttons=BUTTONS), edit_message_id=None)
    parts = api.sent_messages(CHAT)
    assert len(parts) == 3
    assert all(len(p["text"]) <= 4096 for p in parts)
    assert "\n".join(p["text"] for p in parts) == text
    assert [p.get("reply_markup") for p in parts] == [None, None, INLINE]
    assert sent == Sent(message_id="3")


async def test_inline_buttons_rows_as_given(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    await sender.send(outbox("请选择", buttons=BUTTONS), edit_message_id=None)
    (params,) = api.sent_messages(CHAT)
    assert params["reply_markup"] == INLINE


async def test_menu_with_contact_button_first(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    message = outbox(
        "请选择",
        menu=("报修", "缴费", "投诉", "咨询"),
        request_contact="📱 共享手机号",
    )
    await sender.send(message, edit_message_id=None)
    markup = api.sent_messages(CHAT)[0]["reply_markup"]
    assert markup["keyboard"] == [
        [{"text": "📱 共享手机号", "request_contact": True}],
        [{"text": "报修"}, {"text": "缴费"}, {"text": "投诉"}],
        [{"text": "咨询"}],
    ]
    assert markup["resize_keyboard"] is True
    assert not markup.get("one_time_keyboard")


async def test_contact_button_alone_is_one_time(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    await sender.send(outbox("请共享手机号", request_contact="共享"), edit_message_id=None)
    markup = api.sent_messages(CHAT)[0]["reply_markup"]
    assert markup["keyboard"] == [[{"text": "共享", "request_contact": True}]]
    assert markup["one_time_keyboard"] is True
    assert markup["resize_keyboard"] is True


async def test_remove_menu(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    await sender.send(outbox("已绑定", remove_menu=True), edit_message_id=None)
    assert api.sent_messages(CHAT)[0]["reply_markup"] == {"remove_keyboard": True}


async def test_thread_id_is_passed(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    await sender.send(outbox("新工单", chat_id=GROUP, thread_id=555), edit_message_id=None)
    (params,) = api.sent_messages(GROUP)
    assert params["message_thread_id"] == 555
    assert params["chat_id"] == GROUP


async def test_photo_with_caption(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    message = outbox("<b>现场照片</b>", photo="AgAC-photo-1", buttons=BUTTONS)
    sent = await sender.send(message, edit_message_id=None)
    (call,) = api.calls_of("sendPhoto")
    assert call.params["photo"] == "AgAC-photo-1"
    assert call.params["caption"] == "<b>现场照片</b>"
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"] == INLINE
    assert api.calls_of("sendMessage") == []
    assert sent == Sent(message_id="1")


async def test_photo_with_long_text_sends_text_after(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    text = "说明" * (CAPTION_LIMIT // 2 + 1)
    sent = await sender.send(outbox(text, photo="AgAC-2", buttons=BUTTONS), edit_message_id=None)
    photo, follow = api.sent_messages(CHAT)
    assert "caption" not in photo and "reply_markup" not in photo
    assert follow["text"] == text and follow["reply_markup"] == INLINE
    assert sent == Sent(message_id="2")


async def test_edit_in_place_keeps_inline_buttons(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    first = await sender.send(outbox("工单 #1: 待受理", buttons=BUTTONS), edit_message_id=None)
    sent = await sender.send(
        outbox("工单 #1: <b>已受理</b>", buttons=BUTTONS), edit_message_id=first.message_id
    )
    assert sent == first
    (call,) = api.calls_of("editMessageText")
    assert call.ok
    assert call.params["message_id"] == 1 and call.params["parse_mode"] == "HTML"
    state = api.message(CHAT, 1)
    assert state is not None
    assert state["text"] == "工单 #1: 已受理"
    assert state["reply_markup"] == INLINE


async def test_edit_without_buttons_removes_them(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    first = await sender.send(outbox("请选择", buttons=BUTTONS), edit_message_id=None)
    await sender.send(outbox("已选择"), edit_message_id=first.message_id)
    state = api.message(CHAT, 1)
    assert state is not None and "reply_markup" not in state


async def test_edit_not_modified_is_success(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    first = await sender.send(outbox("同样", buttons=BUTTONS), edit_message_id=None)
    again = await sender.send(outbox("同样", buttons=BUTTONS), edit_message_id=first.message_id)
    assert again == Sent(message_id=first.message_id)
    (call,) = api.calls_of("editMessageText")
    assert call.status == 400 and "not modified" in call.response["description"]  # type: ignore[index]


async def test_edit_of_unknown_message_is_rejected(sender: AiogramSender) -> None:
    with pytest.raises(Rejected, match="message to edit not found"):
        await sender.send(outbox("x"), edit_message_id="999")


async def test_edit_with_non_numeric_id_is_rejected(sender: AiogramSender) -> None:
    with pytest.raises(Rejected):
        await sender.send(outbox("x"), edit_message_id="abc")


async def test_edit_photo_caption(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    first = await sender.send(outbox("旧说明", photo="AgAC-3"), edit_message_id=None)
    await sender.send(outbox("新说明", photo="AgAC-3"), edit_message_id=first.message_id)
    (call,) = api.calls_of("editMessageCaption")
    assert call.ok and call.params["caption"] == "新说明"


# ------------------------------------------------------------------------- error mapping


async def test_429_is_rate_limited_with_retry_after(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    api.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RateLimited) as caught:
        await sender.send(outbox(), edit_message_id=None)
    assert caught.value.retry_after == 3


async def test_403_is_unreachable(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    api.fail_next("sendMessage", 403)
    with pytest.raises(Unreachable, match="blocked"):
        await sender.send(outbox(), edit_message_id=None)


async def test_400_is_rejected(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    api.fail_next("sendMessage", 400)
    with pytest.raises(Rejected, match="chat not found"):
        await sender.send(outbox(), edit_message_id=None)


async def test_bad_html_is_rejected(sender: AiogramSender) -> None:
    with pytest.raises(Rejected, match="can't parse entities"):
        await sender.send(outbox("<b>未闭合"), edit_message_id=None)


async def test_migrated_group_is_rejected_with_new_id(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    api.fail_next(
        "sendMessage",
        400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": -1009},
    )
    with pytest.raises(Rejected, match="-1009"):
        await sender.send(outbox(), edit_message_id=None)


@pytest.mark.parametrize("status", [500, 502])
async def test_5xx_is_transient(api: FakeTelegramAPI, sender: AiogramSender, status: int) -> None:
    api.fail_next("sendMessage", status)
    with pytest.raises(Transient):
        await sender.send(outbox(), edit_message_id=None)


@pytest.mark.parametrize("status", [401, 404, 409])
async def test_configuration_errors_are_transient(
    api: FakeTelegramAPI, sender: AiogramSender, status: int
) -> None:
    # A revoked token or a wrong API URL is fixed by an operator: keep the row, let the
    # dispatcher's attempt limit decide.
    api.fail_next("sendMessage", status)
    with pytest.raises(Transient):
        await sender.send(outbox(), edit_message_id=None)


async def test_html_error_page_is_transient(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    api.fail_next("sendMessage", 502, body="<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(Transient):
        await sender.send(outbox(), edit_message_id=None)


async def test_timeout_is_transient(api: FakeTelegramAPI, sender: AiogramSender) -> None:
    api.fail_next("sendMessage", delay=3.0)  # the bot fixture times out after 0.5 s
    with pytest.raises(Transient, match="timeout"):
        await sender.send(outbox(), edit_message_id=None)


async def test_connection_refused_is_transient() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = TelegramAPIServer.from_base(f"http://127.0.0.1:{port}")
    bot = Bot(TOKEN, session=AiohttpSession(api=server, timeout=2.0))
    try:
        with pytest.raises(Transient):
            await AiogramSender(bot).send(outbox(), edit_message_id=None)
    finally:
        await bot.session.close()


async def test_split_text_failing_after_first_part_is_not_atomic(
    api: FakeTelegramAPI, sender: AiogramSender
) -> None:
    api.fail_next("sendMessage", delay=0.01)  # the first part goes through (slowly)
    api.fail_next("sendMessage", 500)  # the second part fails
    with pytest.raises(Transient):
        await sender.send(outbox("段落 " * 3000), edit_message_id=None)
    assert len(api.sent_messages(CHAT)) == 1  # documented: a retry resends the first part
