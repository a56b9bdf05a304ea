"""Ping a pooled PostgreSQL connection only when it has sat idle, not on every checkout.

SQLAlchemy's ``pool_pre_ping`` on asyncpg costs three round trips per checkout (BEGIN, an
empty query, ROLLBACK — the explicit transaction is for pgbouncer), and every chat message
checks out a connection at least twice: under load that was about a third of all the
statements the server sent. A connection handed back a moment ago is as good as the ping
would say, so only one idle for longer than ``idle_seconds`` is pinged (a server restart or
a firewall that drops quiet connections happens while connections wait).

What a restart under load costs instead: the connections in use fail either way; one more
checkout may meet a dead connection, which fails its unit of work (503 to Telegram, which
redelivers, or the recovery sweep retries the turn) and makes SQLAlchemy invalidate every
connection opened before it, so the pool recovers at once.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine

RETURNED_AT = "guanjia_returned_at"


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = 5.0) -> None:
    """Install the checkin/checkout listeners on ``engine``'s pool."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[RETURNED_AT] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned_at = record.info.get(RETURNED_AT)
        if returned_at is None or time.monotonic() - returned_at <= idle_seconds:
            return  # new, or back in the pool only a moment ago
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out (or opens) another.
            raise exc.DisconnectionError(f"idle connection failed its ping: {error}") from error

    event.listen(pool, "checkin", returned)
    event.listen(pool, "checkout", checked_out)
