"""Simplified → Traditional at send time, for residents who write Traditional.

Phrases are written once in Simplified; the outbox row carries the reader's language and the
dispatcher converts just before sending. The converter loads once, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from workflows.messaging import Button, OutboxMessage

_lock = threading.Lock()
_convert: Callable[[str], str] | None = None


def to_traditional(text: str) -> str:
    global _convert
    if _convert is None:
        with _lock:
            if _convert is None:
                from opencc import OpenCC

                converter = OpenCC("s2t")
                _convert = converter.convert
    assert _convert is not None
    return _convert(text)


def localise(message: OutboxMessage) -> OutboxMessage:
    """The message as its reader should see it; only zh-Hant needs converting."""
    if message.language != "zh-Hant":
        return message
    return replace(
        message,
        text=to_traditional(message.text),
        buttons=tuple(
            tuple(Button(to_traditional(b.text), b.data) for b in row) for row in message.buttons
        ),
        menu=tuple(to_traditional(option) for option in message.menu),
        request_contact=to_traditional(message.request_contact)
        if message.request_contact
        else None,
    )
