"""The page's JSON → a neutral :class:`Inbound`, with the limits a public endpoint needs.

A body is ``{"text": "..."}`` (a leading slash makes it a command, as on Telegram) or
``{"button": "<data>", "message_id": 12, "label": "接单"}``, optionally with ``"id"``: a client
id that makes a resent request a replay rather than a second message. Anything else is a
:class:`BadInput` carrying the HTTP status and the sentence the page shows.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, replace

from bot.core.inbound import Inbound, InboundKind
from workflows.estate import Platform
from workflows.messaging import MAX_BUTTON_DATA_BYTES

MAX_TEXT_CHARS = 2000
MAX_BODY_BYTES = 16 * 1024
CLIENT_ID = re.compile(r"^[A-Za-z0-9-]{8,32}$")
COMMAND = re.compile(r"^/([A-Za-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.DOTALL)
TOO_LONG = f"消息太长了，请控制在 {MAX_TEXT_CHARS} 字以内，分几次发送。"


class BadInput(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class WebPost:
    text: str = ""
    button: str | None = None
    button_message_id: str | None = None
    label: str = ""
    client_id: str = ""

    @property
    def shown(self) -> str:
        """What the chat shows as the person's own line."""
        return self.label if self.button is not None else self.text


def parse_post(body: bytes) -> WebPost:
    if len(body) > MAX_BODY_BYTES:
        raise BadInput(413, TOO_LONG)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadInput(400, "消息格式有误，请刷新页面后重试。") from None
    if not isinstance(data, dict):
        raise BadInput(400, "消息格式有误，请刷新页面后重试。")
    client_id = data.get("id")
    if client_id is None:
        client_id = uuid.uuid4().hex
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise BadInput(400, "消息编号有误，请刷新页面后重试。")
    button = data.get("button")
    if button is not None:
        return _button(data, button, client_id)
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise BadInput(400, "请输入要发送的内容。")
    if len(text) > MAX_TEXT_CHARS:
        raise BadInput(413, TOO_LONG)
    return WebPost(text=text.strip(), client_id=client_id)


def _button(data: dict[str, object], button: object, client_id: str) -> WebPost:
    if not isinstance(button, str) or not button:
        raise BadInput(400, "按钮已失效，请刷新页面后重试。")
    if len(button.encode("utf-8")) > MAX_BUTTON_DATA_BYTES:
        raise BadInput(400, "按钮已失效，请刷新页面后重试。")
    message_id = data.get("message_id")
    label = data.get("label")
    return WebPost(
        button=button,
        button_message_id=str(message_id) if isinstance(message_id, int) else None,
        label=label[:64] if isinstance(label, str) else "",
        client_id=client_id,
    )


def to_inbound(
    post: WebPost,
    *,
    chat_id: str,
    user_id: str,
    update_id: str,
    is_group: bool = False,
    user_name: str = "",
) -> Inbound:
    base = Inbound(
        channel=Platform.WEB,
        update_id=update_id,
        chat_id=chat_id,
        user_id=user_id,
        kind=InboundKind.TEXT,
        is_group=is_group,
        user_name=user_name,
        language_code="zh-Hans",
    )
    if post.button is not None:
        return replace(
            base,
            kind=InboundKind.BUTTON,
            button_data=post.button,
            callback_id=update_id,
            button_message_id=post.button_message_id,
        )
    command = COMMAND.match(post.text)
    if command:
        return replace(
            base,
            kind=InboundKind.COMMAND,
            text=post.text,
            command=command[1].lower(),
            command_args=(command[2] or "").strip(),
        )
    return replace(base, text=post.text, message_id=update_id)
