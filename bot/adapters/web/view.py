"""The JSON a browser receives for one message, live or from history.

Bot text stays Telegram-HTML (only <b>, <i>, <a>, <code> from our templates, user text escaped);
the page renders it through an allow-list, never as raw HTML. Keys are unique across bot and
user messages so a tab can merge a live push with a history reload without duplicates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from workflows.messaging import OutboxMessage


def _at(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant else None


def bot_view(message: OutboxMessage, *, replaces: int | None = None) -> dict[str, Any]:
    """A bot message; ``replaces`` names the message an edit changes in place."""
    return {
        "type": "bot",
        "key": f"b{message.id}",
        "id": message.id,
        "replaces": replaces,
        "text": message.text,
        "photo": bool(message.photo),
        "buttons": [[{"text": b.text, "data": b.data} for b in row] for row in message.buttons],
        "menu": list(message.menu),
        "remove_menu": message.remove_menu,
        "request_contact": message.request_contact,
        "ticket_id": message.ticket_id,
        "at": _at(message.sent_at or message.created_at),
    }


def user_view(key: str, text: str, at: datetime | None) -> dict[str, Any]:
    """What the person typed or pressed, echoed to every tab of the chat."""
    return {"type": "user", "key": f"u{key}", "text": text, "at": _at(at)}
