"""Proves the fake Bot API is faithful enough for both real Telegram client libraries.

Why: the driver tests trust this fake; if it answered in a shape the libraries reject, or
mapped errors differently from Telegram, every driver test built on it would be wrong. So each
behaviour is exercised through the *real* aiogram and python-telegram-bot HTTP stacks.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import time
from collections.abc import Callable
from typing import Any

import aiogram
import httpx
import pytest
import telegram
from aiogram import Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web
from telegram import error as ptb_error
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from tests.fakes import telegram_updates as updates
from tests.fakes.clients import aiogram_bot, ptb_application_builder, ptb_bot
from tests.fakes.network_guard import (
    NetworkAccessBlocked,
    install_network_guard,
    is_loopback_host,
    is_network_guard_installed,
    network_guard,
    uninstall_network_guard,
)
from tests.fakes.telegram_api import NOT_MODIFIED, FakeTelegramAPI, render_markup

USER = 1001
CHAT = 1001
GROUP = -1002003004005


def _seconds(value: int | dt.timedelta) -> float:
    """PTB 22 returns ``retry_after`` as int or timedelta depending on a deprecation flag."""
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


# ------------------------------------------------------------------ update builders


BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "text": lambda: updates.text_message(1, USER, CHAT, "你好 hello", first_name="张三"),
    "text_group": lambda: updates.text_message(2, USER, GROUP, "hi group", username=None),
    "command": lambda: updates.command(3, USER, CHAT, "/start"),
    "command_payload": lambda: updates.command(4, USER, CHAT, "start", payload="ref_42"),
    "command_group": lambda: updates.command(5, USER, GROUP, "/help", bot_username="bot"),
    "contact": lambda: updates.contact_message(6, USER, CHAT, "+8613800138000", USER),
    "contact_foreign": lambda: updates.contact_message(7, USER, CHAT, "8613900000000", None),
    "callback": lambda: updates.callback_query(8, USER, CHAT, 5, "menu:repair"),
    "photo": lambda: updates.photo_message(9, USER, CHAT, caption="漏水"),
    "sticker": lambda: updates.sticker_message(10, USER, CHAT),
    "voice": lambda: updates.voice_message(11, USER, CHAT),
    "document": lambda: updates.document_message(12, USER, CHAT),
    "location": lambda: updates.location_message(13, USER, CHAT),
    "edited": lambda: updates.edited_text_message(14, USER, CHAT, 3, "fixed"),
    "blocked": lambda: updates.my_chat_member_blocked(15, USER),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
async def test_update_builders_parse_with_both_libraries(name: str) -> None:
    data = BUILDERS[name]()
    parsed = aiogram.types.Update.model_validate(data)
    assert parsed.update_id == data["update_id"]
    assert parsed.event_type == next(k for k in data if k != "update_id")

    bot = telegram.Bot("123456:TEST")
    ptb_update = telegram.Update.de_json(data, bot)
    assert ptb_update is not None
    assert ptb_update.update_id == data["update_id"]
    if "message" in data:
        assert ptb_update.effective_chat is not None
        assert ptb_update.effective_chat.id == data["message"]["chat"]["id"]
        assert ptb_update.effective_user is not None
        assert ptb_update.effective_user.id == USER


def test_update_builder_details() -> None:
    cmd = updates.command(1, USER, CHAT, "/start", payload="abc")["message"]
    assert cmd["text"] == "/start abc"
    assert cmd["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert updates.chat(-5)["type"] == "supergroup"
    photo = updates.photo_message(2, USER, CHAT, file_id="big")["message"]["photo"]
    assert photo[-1]["file_id"] == "big"
    assert photo[-1]["width"] > photo[0]["width"]
    contact = updates.contact_message(3, USER, CHAT, "+86138", USER)["message"]["contact"]
    assert contact["user_id"] == USER


# ------------------------------------------------------------------ aiogram basics


async def test_aiogram_send_edit_answer() -> None:
    async with FakeTelegramAPI() as api, aiogram_bot(api) as bot:
        me = await bot.get_me()
        assert (me.id, me.username, me.is_bot) == (123456, "guanjia_test_bot", True)

        kb = InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text="报修", callback_data="repair")]]
        )
        first = await bot.send_message(CHAT, "<b>你好</b>", parse_mode="HTML", reply_markup=kb)
        second = await bot.send_message(CHAT, "second")
        other_chat = await bot.send_message(GROUP, "group hello")
        assert (first.message_id, second.message_id, other_chat.message_id) == (1, 2, 1)
        assert first.text == "你好"
        assert first.chat.type == "private"
        assert other_chat.chat.type == "supergroup"
        assert first.from_user is not None and first.from_user.id == api.bot_id
        assert first.reply_markup is not None
        assert first.reply_markup.model_dump() == kb.model_dump()

        edited = await bot.edit_message_text("已处理", chat_id=CHAT, message_id=first.message_id)
        assert isinstance(edited, aiogram.types.Message)
        assert edited.text == "已处理" and edited.edit_date is not None
        assert edited.reply_markup is None  # no markup in the edit removes the keyboard

        again = await bot.edit_message_reply_markup(
            chat_id=CHAT, message_id=first.message_id, reply_markup=kb
        )
        assert isinstance(again, aiogram.types.Message) and again.reply_markup is not None
        assert again.reply_markup.model_dump() == kb.model_dump()
        assert await bot.answer_callback_query("cq-1", text="收到") is True
        assert await bot.delete_message(CHAT, second.message_id) is True

        sent = api.sent_messages(chat_id=CHAT)
        assert [p["text"] for p in sent] == ["<b>你好</b>", "second"]
        assert sent[0]["reply_markup"] == {
            "inline_keyboard": [[{"text": "报修", "callback_data": "repair"}]]
        }
        assert api.sent_texts(GROUP) == ["group hello"]
        assert [c.params["text"] for c in api.calls_of("editMessageText")] == ["已处理"]
        assert api.calls_of("answerCallbackQuery")[0].params == {
            "callback_query_id": "cq-1",
            "text": "收到",
        }
        state = api.message(CHAT, first.message_id)
        assert state is not None and state["text"] == "已处理"
        assert api.message(CHAT, second.message_id) is None


async def test_aiogram_photo_upload_getfile_download_commands_chat() -> None:
    async with FakeTelegramAPI() as api, aiogram_bot(api) as bot:
        photo = await bot.send_photo(
            CHAT, BufferedInputFile(b"\x89PNG...", "bill.png"), caption="账单"
        )
        assert photo.photo is not None and photo.caption == "账单"
        upload = api.calls_of("sendPhoto")[0].params["photo"]
        assert upload.data == b"\x89PNG..." and upload.filename == "bill.png"

        file = await bot.get_file(photo.photo[-1].file_id)
        assert file.file_path is not None
        downloaded = await bot.download_file(file.file_path)
        assert downloaded is not None and downloaded.read() == b"\x89PNG..."

        fid = api.add_file(b"user photo", file_id="user-photo-1")
        user_file = await bot.get_file(fid)
        assert user_file.file_path is not None
        data = await bot.download_file(user_file.file_path)
        assert data is not None and data.read() == b"user photo"

        doc = await bot.send_document(CHAT, BufferedInputFile(b"%PDF", "a.pdf"))
        assert doc.document is not None and doc.document.file_name == "a.pdf"

        cmds = [aiogram.types.BotCommand(command="start", description="开始")]
        assert await bot.set_my_commands(cmds) is True
        assert [c.command for c in await bot.get_my_commands()] == ["start"]
        chat = await bot.get_chat(CHAT)
        assert chat.id == CHAT and chat.type == "private"


# ------------------------------------------------------------------ PTB basics


async def test_ptb_send_edit_answer() -> None:
    async with FakeTelegramAPI() as api, ptb_bot(api) as bot:
        assert bot.username == "guanjia_test_bot"  # initialize() called getMe
        kb = telegram.InlineKeyboardMarkup(
            [[telegram.InlineKeyboardButton("缴费", callback_data="pay")]]
        )
        msg = await bot.send_message(CHAT, "请选择", reply_markup=kb)
        assert msg.message_id == 1 and msg.text == "请选择"
        assert msg.reply_markup == kb
        assert msg.from_user is not None and msg.from_user.id == api.bot_id

        edited = await bot.edit_message_text("已选择: 缴费", chat_id=CHAT, message_id=1)
        assert isinstance(edited, telegram.Message) and edited.text == "已选择: 缴费"
        markup = await bot.edit_message_reply_markup(chat_id=CHAT, message_id=1, reply_markup=kb)
        assert isinstance(markup, telegram.Message) and markup.reply_markup == kb
        assert await bot.answer_callback_query("cq-9", text="好的", show_alert=True) is True
        assert await bot.delete_message(CHAT, 1) is True

        group_msg = await bot.send_message(GROUP, "公告")
        assert group_msg.chat.type == telegram.constants.ChatType.SUPERGROUP

        assert api.sent_texts() == ["请选择", "公告"]
        answer = api.calls_of("answerCallbackQuery")[0].params
        assert answer == {"callback_query_id": "cq-9", "text": "好的", "show_alert": True}
        assert api.calls_of("sendMessage")[0].params["chat_id"] == CHAT


async def test_ptb_photo_upload_getfile_download_commands_chat() -> None:
    async with FakeTelegramAPI() as api, ptb_bot(api) as bot:
        photo = await bot.send_photo(GROUP, b"jpegbytes", caption="现场照片")
        assert photo.photo and photo.caption == "现场照片"
        tg_file = await photo.photo[-1].get_file()
        assert await tg_file.download_as_bytearray() == bytearray(b"jpegbytes")

        api.add_file(b"voice-bytes", file_id="voice-1", file_path="voice/file_9.oga")
        voice_file = await bot.get_file("voice-1")
        assert voice_file.file_path == api.file_url("voice/file_9.oga")
        assert await voice_file.download_as_bytearray() == bytearray(b"voice-bytes")

        doc = await bot.send_document(CHAT, b"%PDF", filename="bill.pdf")
        assert doc.document is not None and doc.document.file_name == "bill.pdf"

        assert await bot.set_my_commands([("start", "开始"), ("help", "帮助")]) is True
        assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
        chat = await bot.get_chat(GROUP)
        assert chat.id == GROUP and chat.type == telegram.constants.ChatType.SUPERGROUP
        info = await bot.get_webhook_info()
        assert info.url == "" and info.pending_update_count == 0


# ------------------------------------------------------------------ polling


async def test_aiogram_dispatcher_polling_receives_pushed_updates() -> None:
    router = Router()
    seen: list[str] = []

    @router.message(CommandStart())
    async def on_start(message: aiogram.types.Message) -> None:
        seen.append(message.text or "")
        await message.answer("欢迎")

    @router.callback_query(F.data == "repair")
    async def on_repair(query: aiogram.types.CallbackQuery) -> None:
        seen.append(query.data or "")
        await query.answer("ok")
        assert isinstance(query.message, aiogram.types.Message)
        await query.message.edit_text("报修已登记")

    dp = Dispatcher()
    dp.include_router(router)
    async with FakeTelegramAPI() as api, aiogram_bot(api) as bot:
        api.push_update(updates.command(1, USER, CHAT, "/start", payload="x"))
        polling = asyncio.create_task(
            dp.start_polling(bot, polling_timeout=1, handle_signals=False, close_bot_session=False)
        )
        try:
            await api.wait_for("sendMessage")
            # Pushed while a long poll is waiting: must be delivered without waiting for timeout.
            await asyncio.sleep(0.1)
            api.push_update(updates.callback_query(2, USER, CHAT, 1, "repair"))
            await api.wait_for("editMessageText", timeout=3)
        finally:
            await dp.stop_polling()
            await asyncio.wait_for(polling, 5)

        assert seen == ["/start x", "repair"]
        assert api.sent_texts(CHAT) == ["欢迎"]
        assert api.calls_of("answerCallbackQuery")[0].params["text"] == "ok"
        polls = api.calls_of("getUpdates")
        assert polls[0].params["timeout"] == 1
        assert set(polls[0].params["allowed_updates"]) == {"message", "callback_query"}
        assert any(c.params.get("offset") == 3 for c in polls)  # both updates confirmed


async def test_ptb_application_polling_receives_pushed_updates() -> None:
    seen: list[str] = []

    async def on_start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(" ".join(context.args or []))
        await update.effective_message.reply_text("欢迎")

    async def on_button(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        seen.append(str(query.data))
        await query.answer("ok")
        await query.edit_message_text("报修已登记")

    async with FakeTelegramAPI() as api:
        app = ptb_application_builder(api).build()
        app.add_handler(CommandHandler("start", on_start))
        app.add_handler(CallbackQueryHandler(on_button))
        api.push_update(updates.command(1, USER, CHAT, "/start", payload="ref_7"))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=1)
            try:
                await api.wait_for("sendMessage")
                await asyncio.sleep(0.1)
                api.push_update(updates.callback_query(2, USER, CHAT, 1, "repair"))
                await api.wait_for("editMessageText", timeout=3)
            finally:
                await app.updater.stop()
                await app.stop()

        assert seen == ["ref_7", "repair"]
        assert api.sent_texts(CHAT) == ["欢迎"]
        assert api.calls_of("deleteWebhook")  # PTB's bootstrap
        assert api.pending_updates == []  # the final offset call confirmed everything


async def test_get_updates_long_poll_semantics_raw_http() -> None:
    async with FakeTelegramAPI() as api, httpx.AsyncClient() as client:
        url = api.api_url("getUpdates")
        started = time.monotonic()
        empty = (await client.post(url, json={"timeout": 1})).json()
        assert empty == {"ok": True, "result": []}
        assert 0.9 <= time.monotonic() - started < 3

        waiter = asyncio.create_task(client.post(url, json={"timeout": 5}))
        await asyncio.sleep(0.2)
        pushed = api.push_update(updates.text_message(10, USER, CHAT, "hi"))
        started = time.monotonic()
        first = (await waiter).json()["result"]
        assert time.monotonic() - started < 1
        assert [u["update_id"] for u in first] == [pushed]

        api.push_update(updates.text_message(11, USER, CHAT, "again"))
        assert (
            api.push_update({"message": updates.text_message(0, USER, CHAT, "x")["message"]}) == 12
        )
        # Not confirmed yet: the same updates are served again.
        again = (await client.post(url, data={"offset": "10", "limit": "2"})).json()["result"]
        assert [u["update_id"] for u in again] == [10, 11]
        rest = (await client.post(url, data={"offset": "11"})).json()["result"]
        assert [u["update_id"] for u in rest] == [11, 12]
        assert [u["update_id"] for u in api.pending_updates] == [11, 12]
        await client.post(url, json={"offset": 13})
        assert api.pending_updates == []


async def test_newer_get_updates_terminates_older_one_with_409() -> None:
    async with FakeTelegramAPI() as api, httpx.AsyncClient() as client:
        older = asyncio.create_task(client.post(api.api_url("getUpdates"), json={"timeout": 5}))
        await asyncio.sleep(0.2)
        newer = await client.post(api.api_url("getUpdates"), json={"timeout": 0})
        assert newer.json() == {"ok": True, "result": []}
        conflict = await asyncio.wait_for(older, 2)
        assert conflict.status_code == 409
        assert "terminated by other getUpdates request" in conflict.json()["description"]


async def test_close_releases_pending_long_poll() -> None:
    api = FakeTelegramAPI()
    await api.start()
    async with httpx.AsyncClient() as client:
        poll = asyncio.create_task(client.post(api.api_url("getUpdates"), json={"timeout": 30}))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await api.close()
        response = await asyncio.wait_for(poll, 5)
        assert response.json() == {"ok": True, "result": []}
        assert time.monotonic() - started < 3


# ------------------------------------------------------------------ faults


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_429_maps_to_retry_after_in_both_libraries() -> None:
    async with FakeTelegramAPI() as api:
        api.fail_next("sendMessage", status=429, retry_after=3)
        async with aiogram_bot(api) as bot:
            with pytest.raises(TelegramRetryAfter) as aio_exc:
                await bot.send_message(CHAT, "spam")
            assert aio_exc.value.retry_after == 3
            assert "Too Many Requests: retry after 3" in str(aio_exc.value)
            # The fault was consumed: the retry goes through.
            await bot.send_message(CHAT, "spam")

        failed = api.calls_of("sendMessage")[0]
        assert failed.status == 429 and failed.response == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 3",
            "parameters": {"retry_after": 3},
        }
        assert api.sent_texts() == ["spam"]  # only the delivered one

        api.fail_next("sendMessage", status=429, retry_after=3)
        async with ptb_bot(api) as ptb:
            with pytest.raises(ptb_error.RetryAfter) as ptb_exc:
                await ptb.send_message(CHAT, "spam")
            assert _seconds(ptb_exc.value.retry_after) == 3


async def test_403_blocked_maps_to_forbidden_in_both_libraries() -> None:
    async with FakeTelegramAPI() as api:
        api.fail_next("sendMessage", status=403, times=2)
        async with aiogram_bot(api) as bot:
            with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
                await bot.send_message(CHAT, "hi")
        async with ptb_bot(api) as ptb:
            with pytest.raises(ptb_error.Forbidden, match="bot was blocked by the user"):
                await ptb.send_message(CHAT, "hi")


async def test_real_not_modified_edit_and_injected_400() -> None:
    async with FakeTelegramAPI() as api:
        async with aiogram_bot(api) as bot:
            msg = await bot.send_message(CHAT, "same")
            with pytest.raises(TelegramBadRequest, match="message is not modified"):
                await bot.edit_message_text("same", chat_id=CHAT, message_id=msg.message_id)
            with pytest.raises(TelegramBadRequest, match="message to edit not found"):
                await bot.edit_message_text("x", chat_id=CHAT, message_id=999)
            api.fail_next("editMessageText", status=400)
            with pytest.raises(TelegramBadRequest) as exc:
                await bot.edit_message_text("new", chat_id=CHAT, message_id=msg.message_id)
            assert exc.value.message == NOT_MODIFIED
        async with ptb_bot(api) as ptb:
            with pytest.raises(ptb_error.BadRequest, match=r"(?i)message is not modified"):
                await ptb.edit_message_text("same", chat_id=CHAT, message_id=msg.message_id)
            api.fail_next(
                "answerCallbackQuery", status=400, description="Bad Request: query is too old"
            )
            with pytest.raises(ptb_error.BadRequest, match=r"(?i)query is too old"):
                await ptb.answer_callback_query("old")


async def test_5xx_unauthorized_and_conflict_errors() -> None:
    async with FakeTelegramAPI() as api:
        api.fail_next("sendMessage", status=500)
        api.fail_next("sendMessage", status=502, body="<html><h1>502 Bad Gateway</h1></html>")
        api.fail_next("sendMessage", status=502)
        async with aiogram_bot(api) as bot:
            with pytest.raises(TelegramServerError):
                await bot.send_message(CHAT, "a")
            with pytest.raises(ClientDecodeError):  # nginx HTML page, like the real 502
                await bot.send_message(CHAT, "b")
        async with ptb_bot(api) as ptb:
            with pytest.raises(ptb_error.NetworkError, match="Bad Gateway"):
                await ptb.send_message(CHAT, "c")

            assert await ptb.set_webhook("https://example.invalid/hook", secret_token="s3") is True
            with pytest.raises(ptb_error.Conflict, match="webhook is active"):
                await ptb.get_updates()
            assert (await ptb.get_webhook_info()).url == "https://example.invalid/hook"
            assert await ptb.delete_webhook() is True
            assert await ptb.get_updates() == ()

        server = TelegramAPIServer.from_base(api.base_url)
        bad_bot = aiogram.Bot("999:WRONG", session=AiohttpSession(api=server))
        try:
            with pytest.raises(TelegramUnauthorizedError):
                await bad_bot.get_me()
        finally:
            await bad_bot.session.close()
        with pytest.raises(ptb_error.InvalidToken):
            async with telegram.Bot("999:WRONG", **api.ptb_urls()):
                pass
        assert {c.status for c in api.calls_of("getMe")} >= {401}


async def test_delay_fault_times_out_clients_and_plain_delay_succeeds() -> None:
    async with FakeTelegramAPI() as api:
        api.fail_next("sendMessage", delay=2.0)
        async with aiogram_bot(api, request_timeout=0.3) as bot:
            started = time.monotonic()
            with pytest.raises(TelegramNetworkError):
                await bot.send_message(CHAT, "slow")
            assert time.monotonic() - started < 1.5
        api.fail_next("sendMessage", delay=2.0)
        async with ptb_bot(api) as ptb:
            with pytest.raises(ptb_error.TimedOut):
                await ptb.send_message(CHAT, "slow", read_timeout=0.3)

        api.fail_next("sendMessage", delay=0.3)
        async with aiogram_bot(api) as bot:
            started = time.monotonic()
            await bot.send_message(CHAT, "eventually")
            assert time.monotonic() - started >= 0.3
        assert "eventually" in api.sent_texts()


async def test_faults_queue_in_order_and_filter_by_chat() -> None:
    async with FakeTelegramAPI() as api, aiogram_bot(api) as bot:
        api.fail_next("sendMessage", status=403, chat_id=GROUP)
        api.fail_next("sendMessage", status=429, retry_after=1)
        api.fail_next("sendMessage", status=429, retry_after=2)

        with pytest.raises(TelegramRetryAfter) as first:
            await bot.send_message(CHAT, "1")
        with pytest.raises(TelegramRetryAfter) as second:
            await bot.send_message(CHAT, "2")
        await bot.send_message(CHAT, "3")  # the group fault does not apply here
        with pytest.raises(TelegramForbiddenError):
            await bot.send_message(GROUP, "4")
        await bot.send_message(GROUP, "5")

        assert (first.value.retry_after, second.value.retry_after) == (1, 2)
        assert api.sent_texts() == ["3", "5"]
        assert [c.status for c in api.calls_of("sendMessage")] == [429, 429, 200, 403, 200]


async def test_markup_is_checked_like_telegram() -> None:
    async with FakeTelegramAPI() as api, aiogram_bot(api) as bot:
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(CHAT, "<b>unclosed", parse_mode="HTML")
        with pytest.raises(TelegramBadRequest, match="Unsupported start tag"):
            await bot.send_message(CHAT, "1 <div>x</div>", parse_mode="HTML")
        with pytest.raises(TelegramBadRequest, match=r"Character '\.' is reserved"):
            await bot.send_message(CHAT, "费用 12.5 元", parse_mode="MarkdownV2")
        ok = await bot.send_message(
            CHAT, r"费用 *12\.5* 元 [链接](https://a.b/c.d)", parse_mode="MarkdownV2"
        )
        assert ok.text is not None and "12.5" in ok.text
        with pytest.raises(TelegramBadRequest, match="message text is empty"):
            await bot.send_message(CHAT, " ")
    assert render_markup("a &lt; b <i>c</i>", "HTML") == "a < b c"
    assert render_markup("> quote\n`x.y`", "MarkdownV2") == "> quote\n`x.y`"


async def test_webhook_delivery_sends_secret_header() -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/tg", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with FakeTelegramAPI() as api, aiogram_bot(api) as bot:
            await bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token="s3cr3t")
            update = updates.text_message(5, USER, CHAT, "via webhook")
            status, body = await api.deliver_webhook(update)
            assert (status, body) == (200, b"ok")
            with pytest.raises(TelegramConflictError):
                await bot.get_updates()
    finally:
        await runner.cleanup()
    assert received == [("s3cr3t", update)]


async def test_custom_handler_and_unknown_method() -> None:
    async with FakeTelegramAPI() as api, httpx.AsyncClient() as client:
        api.set_handler("getMyName", lambda params: {"name": "管家"})
        got = (await client.post(api.api_url("getMyName"), json={})).json()
        assert got == {"ok": True, "result": {"name": "管家"}}
        missing = await client.post(api.api_url("noSuchMethod"), json={})
        assert missing.status_code == 404
        assert missing.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        assert [c.method for c in api.calls] == ["getMyName", "noSuchMethod"]
        with pytest.raises(AssertionError, match="expected 1 answered sendMessage"):
            await api.wait_for("sendMessage", timeout=0.2)


# ------------------------------------------------------------------ network guard


def test_loopback_classification() -> None:
    for host in ("127.0.0.1", "127.5.6.7", "::1", "[::1]", "::ffff:127.0.0.1", "localhost"):
        assert is_loopback_host(host), host
    for host in ("1.1.1.1", "api.telegram.org", "10.0.0.1", "::ffff:1.1.1.1", "0.0.0.0"):
        assert not is_loopback_host(host), host


async def test_network_guard_blocks_outside_and_allows_loopback() -> None:
    # tests/conftest.py may already have installed the guard for the whole session; this test
    # must leave that state exactly as it found it.
    was_installed = is_network_guard_installed()
    with network_guard():
        assert is_network_guard_installed()
        started = time.monotonic()
        with pytest.raises(NetworkAccessBlocked):
            socket.create_connection(("1.1.1.1", 443), timeout=5)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            with pytest.raises(NetworkAccessBlocked):
                sock.connect(("1.1.1.1", 443))
            with pytest.raises(NetworkAccessBlocked):
                sock.connect_ex(("api.telegram.org", 443))
        finally:
            sock.close()
        with pytest.raises(NetworkAccessBlocked):
            socket.getaddrinfo("api.telegram.org", 443)
        async with httpx.AsyncClient() as client:
            with pytest.raises(httpx.ConnectError):
                await client.get("https://1.1.1.1/")
        async with aiogram.Bot("123456:TEST") as real_default_bot:  # api.telegram.org
            with pytest.raises(TelegramNetworkError):
                await real_default_bot.get_me()
        assert time.monotonic() - started < 2

        # Loopback still works: the fake server and both libraries run under the guard.
        async with FakeTelegramAPI() as api, aiogram_bot(api) as bot:
            assert (await bot.get_me()).id == api.bot_id
            async with ptb_bot(api) as ptb:
                assert (await ptb.send_message(CHAT, "guarded")).text == "guarded"
        # Unix sockets are let through and fail only on the missing path.
        with (
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix_sock,
            pytest.raises(FileNotFoundError),
        ):
            unix_sock.connect("/nonexistent/guanjia.sock")

    assert is_network_guard_installed() == was_installed


def test_network_guard_uninstall_restores_socket_functions() -> None:
    # If tests/conftest.py installed the guard session-wide, lift it for this synchronous test
    # (nothing else runs meanwhile) and put it back afterwards.
    was_installed = is_network_guard_installed()
    uninstall_network_guard()
    try:
        original = (socket.socket.connect, socket.getaddrinfo, socket.create_connection)
        uninstall = install_network_guard()
        assert install_network_guard() is uninstall  # idempotent
        assert socket.socket.connect is not original[0]
        with pytest.raises(NetworkAccessBlocked):
            socket.getaddrinfo("example.com", 80)
        uninstall()
        assert (socket.socket.connect, socket.getaddrinfo, socket.create_connection) == original
    finally:
        if was_installed:
            install_network_guard()
