"""The port through which the outbox dispatcher sends, and the failures it understands.

Adapters implement :class:`Sender` and translate their SDK's errors into these four, so the
dispatcher's retry policy is written once for every platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from workflows.messaging import OutboxMessage


@dataclass(frozen=True)
class Sent:
    message_id: str  # of the last part when a long text was split


class SendFailure(Exception):
    """Base of the failures a sender reports."""


class RateLimited(SendFailure):
    def __init__(self, retry_after: float, detail: str = "") -> None:
        super().__init__(f"rate limited, retry after {retry_after}s {detail}".strip())
        self.retry_after = retry_after


class Unreachable(SendFailure):
    """The user blocked the bot or left the chat: retrying will not help (Telegram 403)."""


class Transient(SendFailure):
    """Server error, timeout, network: retry with backoff."""


class Rejected(SendFailure):
    """The platform refused this message (400): retrying the same payload will not help."""


class Sender(Protocol):
    #: Whether the platform limits sending rates (Telegram does; our own web page does not):
    #: the dispatcher paces only rate-limited channels.
    rate_limited: bool

    async def send(self, message: OutboxMessage, *, edit_message_id: str | None) -> Sent:
        """Send ``message`` or, with ``edit_message_id``, edit that message in place."""
        ...
