"""PTB ``Update`` → ``Inbound``: every kind the core understands, and what it ignores.

Why: these rules are shared with the aiogram driver; the core must receive exactly the same
Inbound whichever SDK runs, so each field is checked exactly, from real update JSON.
"""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.adapters.ptb_driver import translate
from bot.core.inbound import Contact, Inbound, InboundKind
from tests.fakes import telegram_updates as tu
from workflows.estate import Platform

USER = 1001
GROUP = -1002003004005
TG = Platform.TELEGRAM


def parse(data: dict[str, Any]) -> Update:
    return Update.de_json(data, None)


def test_plain_text() -> None:
    data = tu.text_message(7, USER, USER, "水管漏水了 <b>", first_name="张伟")
    assert translate(parse(data)) == Inbound(
        channel=TG,
        update_id="7",
        chat_id="1001",
        user_id="1001",
        kind=InboundKind.TEXT,
        is_group=False,
        message_id="7",
        text="水管漏水了 <b>",
        user_name="张伟",
        language_code="zh-hans",
    )


def test_full_name_joins_first_and_last_name() -> None:
    data = tu.text_message(7, USER, USER, "hi", first_name="Wei")
    data["message"]["from"]["last_name"] = "Zhang"
    inbound = translate(parse(data))
    assert inbound is not None
    assert inbound.user_name == "Wei Zhang"


def test_start_with_deep_link_payload() -> None:
    data = tu.command(8, USER, USER, "/start", "lt-b1-7f3a")
    assert translate(parse(data)) == Inbound(
        channel=TG,
        update_id="8",
        chat_id="1001",
        user_id="1001",
        kind=InboundKind.COMMAND,
        message_id="8",
        text="/start lt-b1-7f3a",
        command="start",
        command_args="lt-b1-7f3a",
        user_name="Test",
        language_code="zh-hans",
    )


def test_command_addressed_to_the_bot_in_a_group_is_lower_cased_and_stripped() -> None:
    data = tu.command(9, USER, GROUP, "/My", "  a  b ", bot_username="guanjia_test_bot")
    inbound = translate(parse(data))
    assert inbound is not None
    assert inbound.kind is InboundKind.COMMAND
    assert (inbound.command, inbound.command_args) == ("my", "a  b")
    assert inbound.is_group is True
    assert inbound.chat_id == str(GROUP)


def test_command_payload_with_emoji() -> None:
    data = tu.command(15, USER, USER, "/start", "🏠 3-101")
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.command, inbound.command_args) == ("start", "🏠 3-101")


def test_a_slash_without_a_command_entity_is_text() -> None:
    data = tu.text_message(10, USER, USER, "/ 不是命令")
    inbound = translate(parse(data))
    assert inbound is not None
    assert inbound.kind is InboundKind.TEXT


def test_a_command_entity_not_at_the_start_is_text() -> None:
    entity = {"type": "bot_command", "offset": 3, "length": 6}
    data = tu.text_message(11, USER, USER, "请用 /start", entities=[entity])
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.kind, inbound.command) == (InboundKind.TEXT, None)


def test_topic_message_in_a_supergroup_carries_the_thread_id() -> None:
    data = tu.text_message(12, USER, GROUP, "3号楼电梯坏了")
    data["message"]["is_topic_message"] = True
    data["message"]["message_thread_id"] = 42
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.is_group, inbound.thread_id) == (True, 42)


def test_a_reply_in_a_forum_without_topic_flag_has_no_thread() -> None:
    data = tu.text_message(13, USER, GROUP, "ok")
    data["message"]["message_thread_id"] = 42  # set on replies too, without is_topic_message
    inbound = translate(parse(data))
    assert inbound is not None
    assert inbound.thread_id is None


def test_basic_group_is_a_group() -> None:
    data = tu.text_message(14, USER, -4001, "hi")
    data["message"]["chat"] = {"id": -4001, "type": "group", "title": "物业群"}
    inbound = translate(parse(data))
    assert inbound is not None
    assert inbound.is_group is True


@pytest.mark.parametrize(
    ("phone", "owner", "expected_owner"),
    [("8613905710218", USER, "1001"), ("+8613905710218", 777, "777"), ("13905710218", None, None)],
)
def test_contact(phone: str, owner: int | None, expected_owner: str | None) -> None:
    data = tu.contact_message(15, USER, USER, phone, owner)
    assert translate(parse(data)) == Inbound(
        channel=TG,
        update_id="15",
        chat_id="1001",
        user_id="1001",
        kind=InboundKind.CONTACT,
        message_id="15",
        contact=Contact(phone=phone, user_id=expected_owner),
        user_name="Test",
        language_code="zh-hans",
    )


def test_photo_takes_the_largest_size_and_the_caption() -> None:
    data = tu.photo_message(16, USER, USER, file_id="big-one", caption="漏水照片")
    sizes = data["message"]["photo"]
    data["message"]["photo"] = [sizes[2], sizes[0], sizes[1]]  # order is not relied upon
    assert translate(parse(data)) == Inbound(
        channel=TG,
        update_id="16",
        chat_id="1001",
        user_id="1001",
        kind=InboundKind.PHOTO,
        message_id="16",
        text="漏水照片",
        photo_ref="big-one",
        user_name="Test",
        language_code="zh-hans",
    )


def test_photo_without_caption_has_empty_text() -> None:
    inbound = translate(parse(tu.photo_message(17, USER, USER)))
    assert inbound is not None
    assert (inbound.kind, inbound.text) == (InboundKind.PHOTO, "")


def test_location() -> None:
    data = tu.location_message(18, USER, USER, latitude=30.25, longitude=120.125)
    assert translate(parse(data)) == Inbound(
        channel=TG,
        update_id="18",
        chat_id="1001",
        user_id="1001",
        kind=InboundKind.LOCATION,
        message_id="18",
        latitude=30.25,
        longitude=120.125,
        user_name="Test",
        language_code="zh-hans",
    )


def test_button_press() -> None:
    data = tu.callback_query(19, USER, USER, 55, "rate:5", query_id="q-19")
    assert translate(parse(data)) == Inbound(
        channel=TG,
        update_id="19",
        chat_id="1001",
        user_id="1001",
        kind=InboundKind.BUTTON,
        is_group=False,
        message_id=None,
        button_data="rate:5",
        callback_id="q-19",
        button_message_id="55",
        user_name="Test",
        language_code="zh-hans",
    )


def test_button_press_in_a_group_topic() -> None:
    data = tu.callback_query(20, USER, GROUP, 56, "take:12")
    data["callback_query"]["message"]["is_topic_message"] = True
    data["callback_query"]["message"]["message_thread_id"] = 9
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.chat_id, inbound.is_group, inbound.thread_id) == (str(GROUP), True, 9)
    assert inbound.button_message_id == "56"


def test_button_press_without_message_is_attributed_to_the_users_chat() -> None:
    data = tu.callback_query(21, USER, GROUP, 57, "x")
    del data["callback_query"]["message"]
    data["callback_query"]["inline_message_id"] = "inline-1"
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.chat_id, inbound.is_group, inbound.button_message_id) == ("1001", False, None)
    assert (inbound.kind, inbound.button_data) == (InboundKind.BUTTON, "x")


def test_button_press_on_an_inaccessible_message_is_attributed_to_the_users_chat() -> None:
    data = tu.callback_query(22, USER, GROUP, 58, "x")
    data["callback_query"]["message"] = {"chat": tu.chat(GROUP), "message_id": 58, "date": 0}
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.chat_id, inbound.is_group, inbound.button_message_id) == ("1001", False, None)


def _file(kind: str) -> dict[str, Any]:
    return {"file_id": f"{kind}-1", "file_unique_id": f"u-{kind}"}


_MEDIA: dict[str, dict[str, Any]] = {
    "video": {**_file("video"), "width": 640, "height": 480, "duration": 3},
    "video_note": {**_file("vn"), "length": 240, "duration": 3},
    "audio": {**_file("audio"), "duration": 30},
    "poll": {
        "id": "p1",
        "question": "?",
        # PTB 22.8 requires each option's persistent_id (Bot API 9.6)
        "options": [
            {"text": "a", "voter_count": 0, "persistent_id": "o1"},
            {"text": "b", "voter_count": 0, "persistent_id": "o2"},
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,  # required by PTB 22.8 (Bot API 9.6 / 10.0)
        "members_only": False,
    },
    "dice": {"emoji": "🎲", "value": 3},
    "game": {
        "title": "g",
        "description": "d",
        "photo": [{**_file("game"), "width": 10, "height": 10}],
    },
}


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (lambda: tu.sticker_message(30, USER, USER), "sticker"),
        (lambda: tu.voice_message(31, USER, USER), "voice"),
        (lambda: tu.document_message(32, USER, USER, caption="发票"), "document"),
        *[
            (lambda kind=kind, body=body: _with(33, kind, body), kind)
            for kind, body in _MEDIA.items()
        ],
        (
            lambda: _with(
                34,
                "animation",
                {**_file("gif"), "width": 1, "height": 1, "duration": 1},
                document=_file("gif"),  # Telegram sets both on a GIF
            ),
            "animation",
        ),
        (
            lambda: _with(
                35,
                "venue",
                {"location": {"latitude": 1.0, "longitude": 2.0}, "title": "t", "address": "a"},
                location={"latitude": 1.0, "longitude": 2.0},  # a venue carries a location too
            ),
            "venue",
        ),
    ],
)
def test_unsupported_kinds(build: Any, what: str) -> None:
    data = build()
    inbound = translate(parse(data))
    assert inbound is not None
    assert (inbound.kind, inbound.unsupported_what) == (InboundKind.UNSUPPORTED, what)
    assert (inbound.chat_id, inbound.user_id) == ("1001", "1001")
    assert inbound.message_id == str(data["message"]["message_id"])
    assert inbound.text == data["message"].get("caption", "")


def _with(update_id: int, kind: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = tu.location_message(update_id, USER, USER)
    del data["message"]["location"]
    data["message"][kind] = body
    data["message"].update(extra)
    return data


@pytest.mark.parametrize(
    "data",
    [
        tu.edited_text_message(40, USER, USER, 3, "改一下"),
        tu.my_chat_member_blocked(41, USER),
        {
            "update_id": 42,
            "channel_post": {
                "message_id": 1,
                "chat": {"id": -100777, "type": "channel", "title": "公告"},
                "date": 1,
                "text": "停水通知",
            },
        },
        {"update_id": 43},
    ],
    ids=["edited", "my_chat_member", "channel_post", "empty"],
)
def test_ignored_updates(data: dict[str, Any]) -> None:
    assert translate(parse(data)) is None


def test_service_message_is_ignored() -> None:
    data = tu.location_message(44, USER, GROUP)
    del data["message"]["location"]
    data["message"]["new_chat_members"] = [tu.user(2002, "新人")]
    assert translate(parse(data)) is None
