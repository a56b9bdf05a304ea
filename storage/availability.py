"""Is this error the database being away, or a fault in the work itself?

The difference decides what to do with an update: when the database cannot be reached, the
update is good and must wait for it (long polling holds it; the webhook answers 503 so
Telegram redelivers); when the work itself fails, waiting would block the chat for ever.
Errors arrive in three shapes — SQLAlchemy's wrappers, asyncpg's and sqlite3's own (from the
hand-written statements, see storage.rawsql) and plain socket errors — so the cause chain is
searched for any of them.
"""

from __future__ import annotations

import sqlite3

from storage.engine import DatabaseUnavailable

# sqlite3.OperationalError covers syntax errors and missing tables too: only these are waits.
_SQLITE_AWAY = ("database is locked", "unable to open", "disk i/o error", "disk is full")


def database_away(error: BaseException) -> bool:
    """True if ``error`` (or anything in its cause chain) says the database is unreachable,
    dropped the connection, is shutting down or is locked — worth retrying later."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_away(current):
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


def _is_away(error: BaseException) -> bool:
    from sqlalchemy import exc as sa

    if isinstance(error, DatabaseUnavailable | OSError | sa.TimeoutError):
        return True  # refused, reset, timed out (TimeoutError is an OSError), pool exhausted
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sqlite3.OperationalError):
        message = str(error).lower()
        return any(text in message for text in _SQLITE_AWAY)
    return _asyncpg_away(error)


def _asyncpg_away(error: BaseException) -> bool:
    module = type(error).__module__
    if not module.startswith("asyncpg"):
        return False  # asyncpg is imported only when it raised
    import asyncpg.exceptions as pg

    if isinstance(
        error,
        pg.PostgresConnectionError
        | pg.AdminShutdownError
        | pg.CrashShutdownError
        | pg.CannotConnectNowError,
    ):
        return True
    return isinstance(error, pg.InterfaceError) and "closed" in str(error)
