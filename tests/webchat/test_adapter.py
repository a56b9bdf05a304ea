"""The web adapter without HTTP: JSON → Inbound, and the sender publishing to open tabs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.web import BadInput, WebHub, WebSender, chat_topic, parse_post, to_inbound
from bot.adapters.web.hub import QUEUE_SIZE
from bot.core.inbound import InboundKind
from workflows.estate import Platform
from workflows.messaging import Button, OutboxMessage

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def inbound_of(body: bytes):
    return to_inbound(parse_post(body), chat_id="demo-1", user_id="demo-1", update_id="demo-1:x")


def test_text_command_and_button_bodies_become_neutral_inbounds():
    text = inbound_of('{"text": " 卫生间漏水了 "}'.encode())
    assert text.channel is Platform.WEB and text.kind is InboundKind.TEXT
    assert text.text == "卫生间漏水了" and not text.is_group
    command = inbound_of(b'{"text": "/start lt-b1-7f3a9c2e"}')
    assert command.kind is InboundKind.COMMAND
    assert (command.command, command.command_args) == ("start", "lt-b1-7f3a9c2e")
    button = inbound_of(b'{"button": "loc:home", "message_id": 7, "label": "\\u5ba4\\u5185"}')
    assert button.kind is InboundKind.BUTTON and button.button_data == "loc:home"
    assert button.button_message_id == "7"
    assert parse_post('{"button": "loc:home", "label": "室内"}'.encode()).shown == "室内"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"[1]", 400),
        (b"\xff\xfe", 400),
        (b'{"text": 5}', 400),
        (b'{"text": "hi", "id": "<script>"}', 400),
        (b'{"button": "' + b"x" * 65 + b'"}', 400),
        ('{"text": "' + "漏" * 2001 + '"}', 413),
        (b'{"text": "' + b"a" * 20_000 + b'"}', 413),
    ],
)
def test_bad_bodies_are_refused_with_a_status_and_a_chinese_reason(body, status):
    raw = body.encode() if isinstance(body, str) else body
    with pytest.raises(BadInput) as refused:
        parse_post(raw)
    assert refused.value.status == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in refused.value.message)


def message(**values: object) -> OutboxMessage:
    fields: dict[str, object] = {
        "channel": Platform.WEB,
        "chat_id": "demo-1",
        "text": "已为您登记，单号 <b>BX-20261124-0001</b>",
        "dedupe_key": "k",
        "created_at": NOW,
        "not_before": NOW,
        "id": 41,
        "buttons": ((Button("跳过", "skip:photo"),),),
    }
    fields.update(values)
    return OutboxMessage(**fields)  # type: ignore[arg-type]


async def test_sending_publishes_to_every_tab_and_edits_name_their_target():
    hub = WebHub()
    sender = WebSender(hub)
    with hub.subscribe(chat_topic("demo-1")) as a, hub.subscribe(chat_topic("demo-1")) as b:
        sent = await sender.send(message(), edit_message_id=None)
        assert sent.message_id == "41"
        for tab in (a, b):
            event = await tab.next(1.0)
            assert event is not None and event["key"] == "b41" and event["replaces"] is None
            assert event["buttons"] == [[{"text": "跳过", "data": "skip:photo"}]]
        edited = await sender.send(message(id=42), edit_message_id="41")
        assert edited.message_id == "41"
        assert (await a.next(1.0) or {})["replaces"] == 41
    assert hub.subscribers(chat_topic("demo-1")) == 0
    alone = await sender.send(message(id=43), edit_message_id=None)  # no tab open: still sent
    assert alone.message_id == "43"


async def test_a_tab_that_stops_reading_is_told_to_reload_not_buffered_forever():
    hub = WebHub()
    with hub.subscribe("chat:x") as slow:
        for n in range(QUEUE_SIZE + 5):
            hub.publish("chat:x", {"n": n})
        assert slow.overflowed and slow.queue.qsize() == QUEUE_SIZE
        hub.close()
        assert slow.closed
