"""Builders for realistic Telegram ``Update`` JSON dicts.

Why: driver tests must feed both aiogram and python-telegram-bot with updates that look
exactly like what Telegram sends, otherwise a test can pass against a shape the real API
never produces (or fail on a field the real API always sends). Every builder returns a plain
``dict`` that ``aiogram.types.Update.model_validate(d)`` and ``telegram.Update.de_json(d, bot)``
both accept (checked in ``test_fake_telegram_api.py``), and that can be handed to
``FakeTelegramAPI.push_update`` for long polling or POSTed to a webhook endpoint.

Field names follow the Bot API (``from``, not ``from_user``). Chats with a positive id are
private chats with the user; negative ids are supergroups, as on the real API. The bot that
"sent" messages referenced by callback queries defaults to the bot of the fake server's
default token ``123456:TEST``.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

JSONDict = dict[str, Any]

#: Bot identity used for messages "sent by the bot" (callback query messages). It matches the
#: bot id ``FakeTelegramAPI`` derives from its default token ``123456:TEST``.
DEFAULT_BOT_ID = 123456
DEFAULT_BOT_USERNAME = "guanjia_test_bot"
DEFAULT_BOT_FIRST_NAME = "Guanjia Test Bot"


def _now() -> int:
    return int(time.time())


def _unique_id(seed: str) -> str:
    """Stable short ``file_unique_id``/``chat_instance`` look-alike derived from ``seed``."""
    return hashlib.sha1(seed.encode()).hexdigest()[:16]


def user(
    user_id: int,
    first_name: str = "Test",
    username: str | None = "tester",
    *,
    last_name: str | None = None,
    language_code: str | None = "zh-hans",
    is_bot: bool = False,
) -> JSONDict:
    """A Bot API ``User`` object."""
    result: JSONDict = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name is not None:
        result["last_name"] = last_name
    if username is not None:
        result["username"] = username
    if language_code is not None and not is_bot:
        result["language_code"] = language_code
    return result


def bot_user(
    bot_id: int = DEFAULT_BOT_ID,
    username: str = DEFAULT_BOT_USERNAME,
    first_name: str = DEFAULT_BOT_FIRST_NAME,
) -> JSONDict:
    """The bot's own ``User`` object, as it appears in ``from`` of messages it sent."""
    return {"id": bot_id, "is_bot": True, "first_name": first_name, "username": username}


def chat(
    chat_id: int,
    first_name: str = "Test",
    username: str | None = "tester",
    *,
    title: str | None = None,
) -> JSONDict:
    """A ``Chat`` object: ``private`` for positive ids, ``supergroup`` for negative ones."""
    if chat_id > 0:
        result: JSONDict = {"id": chat_id, "type": "private", "first_name": first_name}
        if username is not None:
            result["username"] = username
        return result
    return {"id": chat_id, "type": "supergroup", "title": title or "Test Group"}


def _message(
    user_id: int,
    chat_id: int,
    message_id: int,
    first_name: str,
    username: str | None,
    date: int | None,
) -> JSONDict:
    return {
        "message_id": message_id,
        "from": user(user_id, first_name, username),
        "chat": chat(chat_id, first_name, username),
        "date": _now() if date is None else date,
    }


def _update(update_id: int, message: JSONDict, kind: str = "message") -> JSONDict:
    return {"update_id": update_id, kind: message}


def text_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    text: str,
    *,
    first_name: str = "Test",
    username: str | None = "tester",
    message_id: int | None = None,
    date: int | None = None,
    entities: list[JSONDict] | None = None,
    reply_to_message: JSONDict | None = None,
) -> JSONDict:
    """A plain text message. ``message_id`` defaults to ``update_id``."""
    msg = _message(
        user_id,
        chat_id,
        update_id if message_id is None else message_id,
        first_name,
        username,
        date,
    )
    msg["text"] = text
    if entities:
        msg["entities"] = entities
    if reply_to_message is not None:
        msg["reply_to_message"] = reply_to_message
    return _update(update_id, msg)


def command(
    update_id: int,
    user_id: int,
    chat_id: int,
    name: str = "/start",
    payload: str | None = None,
    *,
    first_name: str = "Test",
    username: str | None = "tester",
    message_id: int | None = None,
    date: int | None = None,
    bot_username: str | None = None,
) -> JSONDict:
    """A ``/command [payload]`` message with the ``bot_command`` entity Telegram attaches.

    ``name`` may be given with or without the leading slash. ``bot_username`` produces the
    ``/start@bot`` form used in groups (the entity then covers the ``@bot`` suffix too, as on
    the real API). Deep links (``t.me/bot?start=abc``) arrive as ``/start abc``: use
    ``payload="abc"``.
    """
    cmd = name if name.startswith("/") else f"/{name}"
    if bot_username:
        cmd = f"{cmd}@{bot_username}"
    text = cmd if payload is None else f"{cmd} {payload}"
    entity = {"type": "bot_command", "offset": 0, "length": len(cmd)}
    return text_message(
        update_id,
        user_id,
        chat_id,
        text,
        first_name=first_name,
        username=username,
        message_id=message_id,
        date=date,
        entities=[entity],
    )


def contact_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    phone: str,
    contact_user_id: int | None,
    *,
    first_name: str = "Test",
    username: str | None = "tester",
    contact_first_name: str | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> JSONDict:
    """A shared contact (the "share my phone number" reply-keyboard button).

    When users share their own number ``contact_user_id == user_id``; a forwarded third-party
    contact has another id or none (pass ``None``). Telegram sends the phone without a leading
    ``+`` for some clients, so tests should pass whatever form they want to exercise.
    """
    msg = _message(
        user_id,
        chat_id,
        update_id if message_id is None else message_id,
        first_name,
        username,
        date,
    )
    contact: JSONDict = {
        "phone_number": phone,
        "first_name": contact_first_name or first_name,
    }
    if contact_user_id is not None:
        contact["user_id"] = contact_user_id
    msg["contact"] = contact
    return _update(update_id, msg)


def callback_query(
    update_id: int,
    user_id: int,
    chat_id: int,
    message_id: int,
    data: str,
    *,
    first_name: str = "Test",
    username: str | None = "tester",
    message_text: str = "Please choose:",
    reply_markup: JSONDict | None = None,
    query_id: str | None = None,
    bot_id: int = DEFAULT_BOT_ID,
    bot_username: str = DEFAULT_BOT_USERNAME,
    date: int | None = None,
) -> JSONDict:
    """A press on an inline keyboard button of bot message ``message_id`` in ``chat_id``."""
    message: JSONDict = {
        "message_id": message_id,
        "from": bot_user(bot_id, bot_username),
        "chat": chat(chat_id, first_name, username),
        "date": _now() if date is None else date,
        "text": message_text,
    }
    if reply_markup is not None:
        message["reply_markup"] = reply_markup
    query: JSONDict = {
        "id": query_id or f"{user_id}{update_id:06d}",
        "from": user(user_id, first_name, username),
        "message": message,
        "chat_instance": str(int(_unique_id(f"{chat_id}"), 16) % 10**18),
        "data": data,
    }
    return {"update_id": update_id, "callback_query": query}


def photo_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    *,
    file_id: str | None = None,
    caption: str | None = None,
    first_name: str = "Test",
    username: str | None = "tester",
    message_id: int | None = None,
    date: int | None = None,
    width: int = 1280,
    height: int = 960,
) -> JSONDict:
    """A photo; Telegram sends several ``PhotoSize`` thumbnails, the largest last.

    ``file_id`` is the id of the largest size (the one bots normally download); register its
    bytes with ``FakeTelegramAPI.add_file(data, file_id=...)`` to make ``getFile`` work.
    """
    mid = update_id if message_id is None else message_id
    big_id = file_id or f"photo-{chat_id}-{mid}"
    msg = _message(user_id, chat_id, mid, first_name, username, date)
    sizes: list[JSONDict] = []
    for i, scale in enumerate((0.0703125, 0.25, 1.0)):
        fid = big_id if scale == 1.0 else f"{big_id}-s{i}"
        sizes.append(
            {
                "file_id": fid,
                "file_unique_id": _unique_id(fid),
                "file_size": max(1, int(200_000 * scale * scale)),
                "width": max(1, int(width * scale)),
                "height": max(1, int(height * scale)),
            }
        )
    msg["photo"] = sizes
    if caption is not None:
        msg["caption"] = caption
    return _update(update_id, msg)


def sticker_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    *,
    emoji: str = "👍",
    file_id: str | None = None,
    first_name: str = "Test",
    username: str | None = "tester",
    message_id: int | None = None,
    date: int | None = None,
) -> JSONDict:
    """A regular static sticker (bots usually have to answer "I can't read stickers")."""
    mid = update_id if message_id is None else message_id
    fid = file_id or f"sticker-{chat_id}-{mid}"
    msg = _message(user_id, chat_id, mid, first_name, username, date)
    msg["sticker"] = {
        "file_id": fid,
        "file_unique_id": _unique_id(fid),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "emoji": emoji,
        "set_name": "TestStickers",
        "file_size": 20_000,
    }
    return _update(update_id, msg)


def voice_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    *,
    duration: int = 3,
    file_id: str | None = None,
    first_name: str = "Test",
    username: str | None = "tester",
    message_id: int | None = None,
    date: int | None = None,
) -> JSONDict:
    """A voice note (OGG/Opus), which a text-only bot has to decline politely."""
    mid = update_id if message_id is None else message_id
    fid = file_id or f"voice-{chat_id}-{mid}"
    msg = _message(user_id, chat_id, mid, first_name, username, date)
    msg["voice"] = {
        "file_id": fid,
        "file_unique_id": _unique_id(fid),
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": 4_000 * duration,
    }
    return _update(update_id, msg)


def document_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    *,
    file_name: str = "invoice.pdf",
    mime_type: str = "application/pdf",
    file_id: str | None = None,
    caption: str | None = None,
    first_name: str = "Test",
    username: str | None = "tester",
    message_id: int | None = None,
    date: int | None = None,
) -> JSONDict:
    """A file sent as a document (e.g. a PDF or an uncompressed photo)."""
    mid = update_id if message_id is None else message_id
    fid = file_id or f"document-{chat_id}-{mid}"
    msg = _message(user_id, chat_id, mid, first_name, username, date)
    msg["document"] = {
        "file_id": fid,
        "file_unique_id": _unique_id(fid),
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": 50_000,
    }
    if caption is not None:
        msg["caption"] = caption
    return _update(update_id, msg)


def location_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    *,
    latitude: float = 31.2304,
    longitude: float = 121.4737,
    first_name: str = "Test",
    username: str | None = "tester",
    message_id: int | None = None,
    date: int | None = None,
) -> JSONDict:
    """A shared location (defaults to Shanghai)."""
    mid = update_id if message_id is None else message_id
    msg = _message(user_id, chat_id, mid, first_name, username, date)
    msg["location"] = {"latitude": latitude, "longitude": longitude}
    return _update(update_id, msg)


def edited_text_message(
    update_id: int,
    user_id: int,
    chat_id: int,
    message_id: int,
    text: str,
    *,
    first_name: str = "Test",
    username: str | None = "tester",
    date: int | None = None,
) -> JSONDict:
    """An ``edited_message`` update: the user edited an earlier text message."""
    msg = _message(user_id, chat_id, message_id, first_name, username, date)
    msg["text"] = text
    msg["edit_date"] = msg["date"] + 1
    return _update(update_id, msg, kind="edited_message")


def my_chat_member_blocked(
    update_id: int,
    user_id: int,
    *,
    first_name: str = "Test",
    username: str | None = "tester",
    bot_id: int = DEFAULT_BOT_ID,
    bot_username: str = DEFAULT_BOT_USERNAME,
    date: int | None = None,
) -> JSONDict:
    """``my_chat_member`` update Telegram sends when a user blocks the bot in a private chat."""
    bot = bot_user(bot_id, bot_username)
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": chat(user_id, first_name, username),
            "from": user(user_id, first_name, username),
            "date": _now() if date is None else date,
            "old_chat_member": {"user": bot, "status": "member"},
            "new_chat_member": {"user": bot, "status": "kicked", "until_date": 0},
        },
    }
