"""PTB's exceptions → the four failures the outbox dispatcher understands.

Why: the dispatcher's retry policy is written once for every platform (bot.core.sending); this
module is the only place that knows how python-telegram-bot spells "blocked", "too fast" or
"bad payload".
"""

from __future__ import annotations

from datetime import timedelta

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.core.sending import RateLimited, Rejected, SendFailure, Transient, Unreachable

_NOT_MODIFIED = "message is not modified"


def is_not_modified(exc: TelegramError) -> bool:
    """Telegram's answer to an edit that changes nothing: the message already says it."""
    return isinstance(exc, BadRequest) and _NOT_MODIFIED in exc.message.lower()


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whether PTB gives an int or a timedelta.

    PTB 22 returns an int (with a deprecation warning) unless ``PTB_TIMEDELTA=1`` is set, in
    which case it returns a timedelta; the next major version will always return a timedelta.
    """
    value = exc.retry_after
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(value)


def to_send_failure(exc: TelegramError) -> SendFailure:
    """The dispatcher-facing failure for a PTB error (subclasses are tested before bases)."""
    if isinstance(exc, RetryAfter):
        return RateLimited(retry_seconds(exc), exc.message)
    if isinstance(exc, Forbidden):
        return Unreachable(exc.message)
    if isinstance(exc, BadRequest):
        return Rejected(exc.message)
    if isinstance(exc, ChatMigrated):
        # A group became a supergroup: this chat id is dead, the new one must be stored first.
        return Rejected(f"group migrated to supergroup {exc.new_chat_id}")
    if isinstance(exc, NetworkError):  # TimedOut, connection errors, 5xx
        return Transient(exc.message)
    # InvalidToken, Conflict, unparsable answers: not the message's fault, so retrying is right.
    return Transient(f"{type(exc).__name__}: {exc.message}")
