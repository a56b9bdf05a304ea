"""Long polling of ``getUpdates`` for development and for hosts without a public URL.

Why our own loop instead of PTB's ``Updater``: the driver's contract is "feed each update to
the same dispatch the webhook uses, until cancelled", and the offset policy matters for
correctness. An update is confirmed (the offset moves past it) only after it was processed; a
failure is retried a few times, then logged and skipped so one poisonous update cannot stall
the bot. Cancelling the task stops the loop; it first confirms what was processed, so a restart
does not fetch those updates again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import InvalidToken

log = logging.getLogger(__name__)

#: Attempts at one update before it is skipped (logged with its id, so it can be replayed).
MAX_ATTEMPTS = 3
_MAX_BACKOFF = 30.0


async def poll_updates(
    bot: Bot,
    dispatch: Callable[[Update], Awaitable[bool]],
    *,
    allowed_updates: Sequence[str],
    long_poll: int,
) -> None:
    """Fetch updates with ``getUpdates`` and ``dispatch`` each, in order, until cancelled.

    ``long_poll`` is how many seconds Telegram may hold each request open waiting for updates.
    Raises only :class:`telegram.error.InvalidToken` (polling can never work); network errors,
    a webhook still set (409) and failing updates are logged and retried with backoff.
    """
    allowed = list(allowed_updates)
    offset: int | None = None
    errors = 0
    failed_id: int | None = None
    attempts = 0
    try:
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset, timeout=long_poll, allowed_updates=allowed
                )
            except InvalidToken:
                raise
            except Exception as exc:
                errors += 1
                delay = _backoff(errors)
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            errors = 0
            for update in updates:
                try:
                    await dispatch(update)
                except Exception:
                    if failed_id != update.update_id:
                        failed_id, attempts = update.update_id, 0
                    attempts += 1
                    if attempts < MAX_ATTEMPTS:
                        log.exception(
                            "update %s failed (attempt %d); fetching it again",
                            update.update_id,
                            attempts,
                        )
                        await asyncio.sleep(_backoff(attempts))
                        break
                    log.exception("update %s failed %d times; skipped", update.update_id, attempts)
                offset = update.update_id + 1
    except asyncio.CancelledError:
        if offset is not None:
            # Confirm what was processed; a short call, bounded so cancelling stays prompt.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(
                    bot.get_updates(offset=offset, limit=1, timeout=0, allowed_updates=allowed),
                    timeout=2.0,
                )
        raise


def _backoff(attempt: int) -> float:
    """1, 2, 4 ... seconds, capped."""
    return min(_MAX_BACKOFF, 2.0 ** (attempt - 1))
