"""The translation rules, update kind by update kind, checked field by field.

Why exact ``Inbound`` equality: these rules are shared with the python-telegram-bot driver;
any drift (a missing thread id, a command with its ``@bot`` suffix) changes what the core sees.
Updates are built as Telegram JSON and validated into aiogram types, as in production.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import Update

from bot.adapters.aiogram_driver.translate import translate
from bot.core.inbound import Contact, Inbound, InboundKind
from tests.fakes import telegram_updates as tu
from workflows.estate import Platform

USER = 1001
GROUP = -1002003004005


def parse(data: dict[str, Any]) -> Update:
    return Update.model_validate(data)


def expected(update_id: int, kind: InboundKind, **fields: Any) -> Inbound:
    base: dict[str, Any] = {
        "channel": Platform.TELEGRAM,
        "update_id": str(update_id),
        "chat_id": str(USER),
        "user_id": str(USER),
        "kind": kind,
        "message_id": str(update_id),
        "user_name": "Test",
        "language_code": "zh-hans",
    }
    base.update(fields)
    return Inbound(**base)


def with_content(update_id: int, **content: Any) -> dict[str, Any]:
    """A message update from USER in the private chat carrying ``content`` fields."""
    data = tu.text_message(update_id, USER, USER, "x")
    del data["message"]["text"]
    data["message"].update(content)
    return data


def test_plain_text() -> None:
    inbound = translate(parse(tu.text_message(7, USER, USER, "我家水管漏水了")))
    assert inbound == expected(7, InboundKind.TEXT, text="我家水管漏水了")


def test_start_with_deep_link_payload() -> None:
    inbound = translate(parse(tu.command(8, USER, USER, "/start", "lt-b1-7f3a")))
    assert inbound == expected(
        8,
        InboundKind.COMMAND,
        text="/start lt-b1-7f3a",
        command="start",
        command_args="lt-b1-7f3a",
    )


def test_group_command_with_bot_suffix_is_lower_cased_and_bare() -> None:
    data = tu.command(9, USER, GROUP, "/My", "  a  b ", bot_username="guanjia_test_bot")
    inbound = translate(parse(data))
    assert inbound is not None
    assert inbound.kind is InboundKind.COMMAND
    assert (inbound.command, inbound.command_args) == ("my", "a  b")
    assert inbound.chat_id == str(GROUP)
    assert inbound.is_group is True


def test_command_not_at_offset_zero_is_text() -> None:
    entity = {"type": "bot_command", "offset": 4, "length": 6}
    data = tu.text_message(10, USER, USER, "see /start", entities=[entity])
    inbound = translate(parse(data))
    assert inbound == expected(10, InboundKind.TEXT, text="see /start")


def test_text_whose_first_entity_is_not_a_command_is_text() -> None:
    entities = [
        {"type": "bold", "offset": 0, "length": 2},
        {"type": "bot_command", "offset": 0, "length": 6},
    ]
    inbound = translate(parse(tu.text_message(11, USER, USER, "/start", entities=entities)))
    assert inbound is not None and inbound.kind is InboundKind.TEXT


def test_command_after_astral_emoji_offsets_are_utf16() -> None:
    # "/start" then an emoji payload: the entity length counts UTF-16 units.
    inbound = translate(parse(tu.command(12, USER, USER, "/start", "😀 房号")))
    assert inbound is not None
    assert (inbound.command, inbound.command_args) == ("start", "😀 房号")


def test_own_contact() -> None:
    data = tu.contact_message(13, USER, USER, "8613905710218", USER)
    inbound = translate(parse(data))
    assert inbound == expected(
        13, InboundKind.CONTACT, contact=Contact(phone="8613905710218", user_id=str(USER))
    )


def test_forwarded_contact_without_user_id_keeps_phone_as_given() -> None:
    data = tu.contact_message(14, USER, USER, "+86 139 0571 0218", None)
    inbound = translate(parse(data))
    assert inbound is not None
    assert inbound.contact == Contact(phone="+86 139 0571 0218", user_id=None)


def test_photo_uses_largest_size_and_caption() -> None:
    data = tu.photo_message(15, USER, USER, file_id="big-one", caption="厨房漏水")
    inbound = translate(parse(data))
    assert inbound == expected(15, InboundKind.PHOTO, text="厨房漏水", photo_ref="big-one")


def test_photo_largest_by_area_even_if_not_last() -> None:
    data = tu.photo_message(16, USER, USER, file_id="big-one")
    data["message"]["photo"].reverse()
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.photo_ref, inbound.text) == ("big-one", "")


def test_location() -> None:
    data = tu.location_message(17, USER, USER, latitude=30.25, longitude=120.16)
    inbound = translate(parse(data))
    assert inbound == expected(17, InboundKind.LOCATION, latitude=30.25, longitude=120.16)


def _file(kind: str, **extra: Any) -> dict[str, Any]:
    return {"file_id": f"{kind}-id", "file_unique_id": f"{kind}-uid", **extra}


_POLL = {
    "id": "5001",
    "question": "几点?",
    "options": [
        {"persistent_id": "a", "text": "8", "voter_count": 0},
        {"persistent_id": "b", "text": "9", "voter_count": 0},
    ],
    "total_voter_count": 0,
    "is_closed": False,
    "is_anonymous": True,
    "type": "regular",
    "allows_multiple_answers": False,
    "allows_revoting": False,
    "members_only": False,
}

UNSUPPORTED: dict[str, dict[str, Any]] = {
    "video": {"video": _file("video", width=640, height=480, duration=3)},
    "video_note": {"video_note": _file("vn", length=240, duration=3)},
    "audio": {"audio": _file("audio", duration=30)},
    "document": {"document": _file("doc", file_name="a.pdf"), "caption": "账单"},
    # A GIF arrives with both ``animation`` and ``document``: it is an animation.
    "animation": {
        "animation": _file("gif", width=320, height=240, duration=2),
        "document": _file("gif", file_name="a.gif.mp4"),
    },
    "poll": {"poll": _POLL},
    "dice": {"dice": {"emoji": "🎲", "value": 4}},
    # A venue carries a location too: it is a venue, not a LOCATION.
    "venue": {
        "venue": {
            "location": {"latitude": 30.0, "longitude": 120.0},
            "title": "物业中心",
            "address": "1号楼",
        },
        "location": {"latitude": 30.0, "longitude": 120.0},
    },
    "game": {
        "game": {
            "title": "g",
            "description": "d",
            "photo": [_file("gp", width=10, height=10)],
        }
    },
}


@pytest.mark.parametrize("what", sorted(UNSUPPORTED))
def test_unsupported_kinds(what: str) -> None:
    inbound = translate(parse(with_content(20, **UNSUPPORTED[what])))
    caption = UNSUPPORTED[what].get("caption", "")
    assert inbound == expected(20, InboundKind.UNSUPPORTED, text=caption, unsupported_what=what)


def test_sticker_and_voice_from_builders() -> None:
    sticker = translate(parse(tu.sticker_message(21, USER, USER)))
    voice = translate(parse(tu.voice_message(22, USER, USER)))
    document = translate(parse(tu.document_message(23, USER, USER, caption="见附件")))
    assert sticker == expected(21, InboundKind.UNSUPPORTED, unsupported_what="sticker")
    assert voice == expected(22, InboundKind.UNSUPPORTED, unsupported_what="voice")
    assert document == expected(
        23, InboundKind.UNSUPPORTED, text="见附件", unsupported_what="document"
    )


def test_button_press() -> None:
    data = tu.callback_query(30, USER, USER, 77, "t:12:accept", query_id="cb-1")
    inbound = translate(parse(data))
    assert inbound == expected(
        30,
        InboundKind.BUTTON,
        message_id=None,
        button_data="t:12:accept",
        callback_id="cb-1",
        button_message_id="77",
    )


def test_button_in_group_takes_chat_from_message() -> None:
    data = tu.callback_query(31, USER, GROUP, 78, "claim", query_id="cb-2")
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.chat_id, inbound.user_id, inbound.is_group) == (str(GROUP), str(USER), True)


def test_button_on_inaccessible_message_answers_in_private() -> None:
    data = tu.callback_query(32, USER, GROUP, 79, "old", query_id="cb-3")
    data["callback_query"]["message"] = {
        "chat": tu.chat(GROUP),
        "message_id": 79,
        "date": 0,
    }
    inbound = translate(parse(data))
    assert inbound == Inbound(
        channel=Platform.TELEGRAM,
        update_id="32",
        chat_id=str(USER),
        user_id=str(USER),
        kind=InboundKind.BUTTON,
        is_group=False,
        message_id=None,
        button_data="old",
        callback_id="cb-3",
        button_message_id=None,
        user_name="Test",
        language_code="zh-hans",
    )


def test_button_without_message_inline_mode() -> None:
    data = tu.callback_query(33, USER, USER, 80, "x", query_id="cb-4")
    del data["callback_query"]["message"]
    data["callback_query"]["inline_message_id"] = "inl-1"
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.chat_id, inbound.is_group, inbound.button_message_id) == (
        str(USER),
        False,
        None,
    )


def test_topic_message_sets_thread_id() -> None:
    data = tu.text_message(40, USER, GROUP, "在话题里")
    data["message"]["message_thread_id"] = 555
    data["message"]["is_topic_message"] = True
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.thread_id, inbound.is_group) == (555, True)


def test_reply_thread_id_without_topic_is_ignored() -> None:
    # Replies in non-forum groups carry message_thread_id too, but is_topic_message is unset.
    data = tu.text_message(41, USER, GROUP, "reply")
    data["message"]["message_thread_id"] = 9
    inbound = translate(parse(data))
    assert inbound is not None and inbound.thread_id is None


def test_plain_group_chat_type_is_group() -> None:
    data = tu.text_message(42, USER, -4242, "hi")
    data["message"]["chat"] = {"id": -4242, "type": "group", "title": "Old group"}
    inbound = translate(parse(data))
    assert inbound is not None and inbound.is_group is True


def test_full_name_and_missing_language() -> None:
    data = tu.text_message(43, USER, USER, "hi")
    data["message"]["from"] = tu.user(USER, "伟", None, last_name="张", language_code=None)
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.user_name, inbound.language_code) == ("伟 张", None)


@pytest.mark.parametrize(
    "data",
    [
        tu.edited_text_message(50, USER, USER, 3, "edited"),
        tu.my_chat_member_blocked(51, USER),
        {
            "update_id": 52,
            "channel_post": {
                "message_id": 1,
                "date": 1,
                "chat": {"id": -100777, "type": "channel", "title": "News"},
                "text": "hello",
            },
        },
        # A service message: someone joined the group.
        {
            "update_id": 53,
            "message": {
                "message_id": 2,
                "date": 1,
                "chat": tu.chat(GROUP),
                "from": tu.user(USER),
                "new_chat_members": [tu.user(USER)],
            },
        },
    ],
    ids=["edited_message", "my_chat_member", "channel_post", "service_message"],
)
def test_ignored_updates(data: dict[str, Any]) -> None:
    assert translate(parse(data)) is None
