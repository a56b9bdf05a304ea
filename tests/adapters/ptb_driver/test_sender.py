"""PtbSender against the fake Bot API: rendering of every OutboxMessage feature, error mapping.

Why: the outbox dispatcher's retry policy relies on exactly four failures; a wrong mapping
either drops messages (Rejected for a transient error) or retries forever (Transient for a
blocked user). Rendering mistakes (escaped HTML, a keyboard on the wrong part) are what users
see. Everything here goes through PTB's real HTTP stack.
"""

from __future__ import annotations

import traceback

import pytest
from telegram.request import HTTPXRequest

from bot.adapters.ptb_driver import PtbSender
from bot.core.sending import RateLimited, Rejected, Sent, Transient, Unreachable
from tests.adapters.ptb_driver.support import outbox
from tests.fakes.clients import ptb_bot
from tests.fakes.telegram_api import FakeTelegramAPI
from workflows.messaging import Button

CHAT = "1001"
GROUP = "-1002003004005"
BUTTONS = ((Button("满意", "rate:5"), Button("不满意", "rate:1")), (Button("转人工", "human"),))
INLINE = {
    "inline_keyboard": [
        [
            {"text": "满意", "callback_data": "rate:5"},
            {"text": "不满意", "callback_data": "rate:1"},
        ],
        [{"text": "转人工", "callback_data": "human"}],
    ]
}


async def test_plain_text(sender: PtbSender, api: FakeTelegramAPI) -> None:
    sent = await sender.send(outbox("您的报修已受理"), edit_message_id=None)
    [call] = api.calls_of("sendMessage")
    assert call.params["chat_id"] == 1001
    assert call.params["text"] == "您的报修已受理"
    assert call.params["parse_mode"] == "HTML"
    assert call.params["link_preview_options"] == {"is_disabled": True}
    assert "reply_markup" not in call.params
    assert "message_thread_id" not in call.params
    assert sent == Sent(message_id=str(call.result["message_id"]))


async def test_html_is_sent_as_is(sender: PtbSender, api: FakeTelegramAPI) -> None:
    text = "<b>工单 #12</b> 已派给李师傅 &lt;水电&gt;"
    sent = await sender.send(outbox(text), edit_message_id=None)
    assert api.sent_texts(CHAT) == [text]  # not escaped a second time
    message = api.message(1001, int(sent.message_id))
    assert message is not None
    assert message["text"] == "工单 #12 已派给李师傅 <水电>"  # Telegram rendered it


async def test_long_text_is_split_with_the_keyboard_on_the_last_part(
    sender: PtbSender, api: FakeTelegramAPI
) -> None:
    text = "\n".join(f"第{i:03d}行 " + "物业通知" * 20 for i in range(100))
    assert 8000 < len(text) < 12000
    text = text[:9000]
    sent = await sender.send(outbox(text, buttons=BUTTONS), edit_message_id=None)
    calls = api.calls_of("sendMessage")
    assert len(calls) == 3
    assert all(len(c.params["text"]) <= 4096 for c in calls)
    assert [("reply_markup" in c.params) for c in calls] == [False, False, True]
    assert calls[-1].params["reply_markup"] == INLINE
    assert "".join(c.params["text"] for c in calls).replace("\n", "") == text.replace("\n", "")
    assert sent.message_id == str(calls[-1].result["message_id"])


async def test_9000_characters_without_line_breaks(sender: PtbSender, api: FakeTelegramAPI) -> None:
    text = "报修" * 4500
    await sender.send(outbox(text, buttons=BUTTONS), edit_message_id=None)
    calls = api.calls_of("sendMessage")
    assert [len(c.params["text"]) for c in calls] == [4096, 4096, 808]
    assert "".join(c.params["text"] for c in calls) == text
    assert [("reply_markup" in c.params) for c in calls] == [False, False, True]


async def test_inline_buttons(sender: PtbSender, api: FakeTelegramAPI) -> None:
    sent = await sender.send(outbox("请评价", buttons=BUTTONS), edit_message_id=None)
    [call] = api.calls_of("sendMessage")
    assert call.params["reply_markup"] == INLINE
    message = api.message(1001, int(sent.message_id))
    assert message is not None
    assert message["reply_markup"] == INLINE


async def test_menu_with_contact_button(sender: PtbSender, api: FakeTelegramAPI) -> None:
    menu = ("报修", "缴费", "投诉", "我的工单")
    await sender.send(
        outbox("请选择", menu=menu, request_contact="📱 分享手机号"), edit_message_id=None
    )
    markup = api.calls_of("sendMessage")[0].params["reply_markup"]
    assert markup["keyboard"] == [
        [{"text": "📱 分享手机号", "request_contact": True}],
        [{"text": "报修"}, {"text": "缴费"}, {"text": "投诉"}],
        [{"text": "我的工单"}],
    ]
    assert markup["resize_keyboard"] is True
    assert not markup.get("one_time_keyboard")


async def test_contact_button_alone_is_one_time(sender: PtbSender, api: FakeTelegramAPI) -> None:
    await sender.send(outbox("请验证手机号", request_contact="分享手机号"), edit_message_id=None)
    markup = api.calls_of("sendMessage")[0].params["reply_markup"]
    assert markup == {
        "keyboard": [[{"text": "分享手机号", "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }


async def test_menu_without_contact(sender: PtbSender, api: FakeTelegramAPI) -> None:
    await sender.send(outbox("菜单", menu=("报修",)), edit_message_id=None)
    markup = api.calls_of("sendMessage")[0].params["reply_markup"]
    assert markup["keyboard"] == [[{"text": "报修"}]]


async def test_remove_menu(sender: PtbSender, api: FakeTelegramAPI) -> None:
    await sender.send(outbox("已验证", remove_menu=True), edit_message_id=None)
    assert api.calls_of("sendMessage")[0].params["reply_markup"] == {"remove_keyboard": True}


async def test_inline_buttons_win_over_a_menu(sender: PtbSender, api: FakeTelegramAPI) -> None:
    await sender.send(outbox("x", buttons=BUTTONS, menu=("报修",)), edit_message_id=None)
    assert api.calls_of("sendMessage")[0].params["reply_markup"] == INLINE


async def test_photo_with_caption(sender: PtbSender, api: FakeTelegramAPI) -> None:
    sent = await sender.send(
        outbox("<b>维修完成</b>", photo="AgACfile-123", buttons=BUTTONS, thread_id=7),
        edit_message_id=None,
    )
    [call] = api.calls_of("sendPhoto")
    assert call.params["photo"] == "AgACfile-123"
    assert call.params["caption"] == "<b>维修完成</b>"
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"] == INLINE
    assert call.params["message_thread_id"] == 7
    assert api.calls_of("sendMessage") == []
    assert sent.message_id == str(call.result["message_id"])


async def test_photo_with_long_text_sends_the_text_after(
    sender: PtbSender, api: FakeTelegramAPI
) -> None:
    text = "说明" * 600  # 1200 characters: over the caption limit
    sent = await sender.send(
        outbox(text, photo="AgACfile-9", buttons=BUTTONS), edit_message_id=None
    )
    [photo] = api.calls_of("sendPhoto")
    assert "caption" not in photo.params
    assert "reply_markup" not in photo.params
    [message] = api.calls_of("sendMessage")
    assert message.params["text"] == text
    assert message.params["reply_markup"] == INLINE
    assert sent.message_id == str(message.result["message_id"])


async def test_photo_without_text(sender: PtbSender, api: FakeTelegramAPI) -> None:
    await sender.send(outbox("", photo="AgACfile-0"), edit_message_id=None)
    [photo] = api.calls_of("sendPhoto")
    assert "caption" not in photo.params


async def test_thread_id_is_passed(sender: PtbSender, api: FakeTelegramAPI) -> None:
    await sender.send(outbox("新工单", chat_id=GROUP, thread_id=42), edit_message_id=None)
    [call] = api.calls_of("sendMessage")
    assert call.params["message_thread_id"] == 42
    assert str(call.params["chat_id"]) == GROUP


async def test_edit_in_place(sender: PtbSender, api: FakeTelegramAPI) -> None:
    first = await sender.send(outbox("请评价", buttons=BUTTONS), edit_message_id=None)
    kept = ((Button("撤销", "undo"),),)
    sent = await sender.send(
        outbox("<i>感谢评价</i>", buttons=kept), edit_message_id=first.message_id
    )
    assert sent == first
    [edit] = api.calls_of("editMessageText")
    assert edit.params["message_id"] == int(first.message_id)
    assert edit.params["parse_mode"] == "HTML"
    message = api.message(1001, int(first.message_id))
    assert message is not None
    assert message["text"] == "感谢评价"
    assert message["reply_markup"] == {
        "inline_keyboard": [[{"text": "撤销", "callback_data": "undo"}]]
    }
    assert len(api.calls_of("sendMessage")) == 1


async def test_edit_of_a_photo_edits_its_caption(sender: PtbSender, api: FakeTelegramAPI) -> None:
    first = await sender.send(outbox("维修前", photo="AgACfile-5"), edit_message_id=None)
    sent = await sender.send(
        outbox("<b>已修好</b>", photo="AgACfile-5", buttons=BUTTONS),
        edit_message_id=first.message_id,
    )
    assert sent == first
    [edit] = api.calls_of("editMessageCaption")
    assert edit.params["caption"] == "<b>已修好</b>"
    assert edit.params["reply_markup"] == INLINE
    assert api.calls_of("editMessageText") == []


async def test_edit_not_modified_is_success(sender: PtbSender, api: FakeTelegramAPI) -> None:
    first = await sender.send(outbox("请评价", buttons=BUTTONS), edit_message_id=None)
    again = await sender.send(outbox("请评价", buttons=BUTTONS), edit_message_id=first.message_id)
    assert again == first
    [edit] = api.calls_of("editMessageText")
    assert edit.status == 400  # Telegram refused the no-op edit; the sender counts it done


async def test_edit_of_a_long_text_sends_the_rest(sender: PtbSender, api: FakeTelegramAPI) -> None:
    first = await sender.send(outbox("短"), edit_message_id=None)
    text = "长" * 5000
    sent = await sender.send(outbox(text, buttons=BUTTONS), edit_message_id=first.message_id)
    [edit] = api.calls_of("editMessageText")
    assert edit.params["text"] == "长" * 4096
    assert "reply_markup" not in edit.params
    rest = api.calls_of("sendMessage")[-1]
    assert rest.params["text"] == "长" * 904
    assert rest.params["reply_markup"] == INLINE
    assert sent.message_id == str(rest.result["message_id"])


async def test_edit_of_an_unknown_message_is_rejected(sender: PtbSender) -> None:
    with pytest.raises(Rejected, match="not found"):
        await sender.send(outbox("x"), edit_message_id="999")


async def test_edit_with_a_bad_id_is_rejected(sender: PtbSender) -> None:
    with pytest.raises(Rejected):
        await sender.send(outbox("x"), edit_message_id="web-17")


async def test_rate_limited(sender: PtbSender, api: FakeTelegramAPI) -> None:
    api.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RateLimited) as caught:
        await sender.send(outbox("x"), edit_message_id=None)
    assert caught.value.retry_after == 3.0
    assert isinstance(caught.value.retry_after, float)


async def test_rate_limited_while_editing(sender: PtbSender, api: FakeTelegramAPI) -> None:
    first = await sender.send(outbox("a"), edit_message_id=None)
    api.fail_next("editMessageText", 429, retry_after=5)
    with pytest.raises(RateLimited) as caught:
        await sender.send(outbox("b"), edit_message_id=first.message_id)
    assert caught.value.retry_after == 5.0


async def test_blocked_user_is_unreachable(sender: PtbSender, api: FakeTelegramAPI) -> None:
    api.fail_next("sendMessage", 403)
    with pytest.raises(Unreachable, match="blocked"):
        await sender.send(outbox("x"), edit_message_id=None)


async def test_bad_request_is_rejected(sender: PtbSender, api: FakeTelegramAPI) -> None:
    api.fail_next("sendMessage", 400)
    with pytest.raises(Rejected, match=r"(?i)chat not found"):
        await sender.send(outbox("x"), edit_message_id=None)


async def test_unparsable_html_is_rejected(sender: PtbSender) -> None:
    with pytest.raises(Rejected, match=r"(?i)can't parse entities"):
        await sender.send(outbox("<b>unclosed"), edit_message_id=None)


async def test_migrated_group_is_rejected(sender: PtbSender, api: FakeTelegramAPI) -> None:
    api.fail_next(
        "sendMessage",
        400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        parameters={"migrate_to_chat_id": -1009998887776},
    )
    with pytest.raises(Rejected, match="-1009998887776"):
        await sender.send(outbox("x", chat_id="-4001"), edit_message_id=None)


@pytest.mark.parametrize("status", [500, 502, 401])
async def test_server_errors_are_transient(
    sender: PtbSender, api: FakeTelegramAPI, status: int
) -> None:
    api.fail_next("sendMessage", status)
    with pytest.raises(Transient):
        await sender.send(outbox("x"), edit_message_id=None)


async def test_bad_gateway_html_page_is_transient(sender: PtbSender, api: FakeTelegramAPI) -> None:
    api.fail_next("sendMessage", 502, body="<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(Transient):
        await sender.send(outbox("x"), edit_message_id=None)


async def test_timeout_is_transient(api: FakeTelegramAPI) -> None:
    api.fail_next("sendMessage", delay=2.0)
    async with ptb_bot(api, request=HTTPXRequest(read_timeout=0.2)) as bot:
        with pytest.raises(Transient):
            await PtbSender(bot).send(outbox("x"), edit_message_id=None)


async def test_unreachable_server_is_transient(api: FakeTelegramAPI) -> None:
    async with ptb_bot(api) as bot:
        await api.close()
        with pytest.raises(Transient) as caught:
            await PtbSender(bot).send(outbox("x"), edit_message_id=None)
    # what a dispatcher would log: the whole chain, tracebacks included, without the token
    logged = "".join(traceback.format_exception(caught.value))
    assert "ConnectError" in logged
    assert api.token not in logged
