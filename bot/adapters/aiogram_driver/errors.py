"""aiogram/aiohttp exceptions → the four failures the outbox dispatcher understands.

Why one mapping: the dispatcher's retry policy (wait, retry with backoff, give up, mark the
recipient unreachable) is written once for every platform, so each SDK error must land in
exactly one of :class:`RateLimited`, :class:`Unreachable`, :class:`Rejected` and
:class:`Transient`. Failure texts end up in ``outbox.last_error`` and in logs, so the bot
token is scrubbed from them (an aiohttp error can quote the request URL, which contains it).
"""

from __future__ import annotations

import aiohttp
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.core.sending import RateLimited, Rejected, SendFailure, Transient, Unreachable

#: Substring of Telegram's answer to an edit that changes nothing; the edit counts as done.
NOT_MODIFIED = "message is not modified"


def is_not_modified(exc: BaseException) -> bool:
    """Whether ``exc`` is Telegram's "message is not modified" answer to a no-op edit."""
    return isinstance(exc, TelegramBadRequest) and NOT_MODIFIED in exc.message.lower()


def redact(text: str, token: str) -> str:
    """``text`` with the bot token (and its secret half on its own) replaced by ``***``."""
    if not token:
        return text
    text = text.replace(token, "***")
    secret = token.partition(":")[2]
    return text.replace(secret, "***") if secret else text


def to_failure(exc: BaseException, token: str) -> SendFailure | None:
    """The :class:`SendFailure` for ``exc``, or ``None`` if it is not an I/O error we map.

    Order matters: aiogram's exception classes nest (``TelegramRetryAfter`` and
    ``TelegramNetworkError`` are both ``TelegramAPIError``).
    """
    detail = redact(f"{type(exc).__name__}: {exc}", token)
    if isinstance(exc, TelegramRetryAfter):
        return RateLimited(float(exc.retry_after), detail)
    if isinstance(exc, TelegramForbiddenError):
        return Unreachable(detail)  # blocked by the user, kicked from the group
    if isinstance(exc, TelegramMigrateToChat):
        # The group became a supergroup: the same payload to the old id keeps failing.
        return Rejected(f"{detail} (migrate_to_chat_id={exc.migrate_to_chat_id})")
    if isinstance(exc, TelegramBadRequest | TelegramEntityTooLarge):
        return Rejected(detail)  # includes "message to edit not found", "chat not found"
    if isinstance(exc, TelegramServerError | TelegramNetworkError | ClientDecodeError):
        return Transient(detail)  # 5xx, timeouts, connection errors, an HTML 502 page
    if isinstance(exc, TimeoutError | aiohttp.ClientError | OSError):
        return Transient(detail)
    if isinstance(exc, TelegramAPIError):
        # 401 (revoked token), 404 (wrong API URL), 409: configuration problems an operator
        # fixes; keep the message alive and let the dispatcher's attempt limit decide.
        return Transient(detail)
    return None
