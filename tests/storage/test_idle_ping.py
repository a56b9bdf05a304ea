"""Pooled PostgreSQL connections are pinged only after sitting idle (storage.idle_ping).

Each test kills the server side of the pool's connection with pg_terminate_backend, as a
PostgreSQL restart or a firewall would, and looks at what the next unit of work meets.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from storage.engine import create_engine
from storage.idle_ping import RETURNED_AT
from tests.storage.pg_faults import terminate


async def _backend_pid(engine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT pg_backend_pid()")))


def _age_on_return(engine, seconds: float) -> None:
    """Every connection handed back looks as if it had been back for ``seconds`` already
    (runs after the listener under test, which stamps the time of return)."""

    def older(_dbapi_connection: object, record) -> None:
        record.info[RETURNED_AT] -= seconds

    event.listen(engine.sync_engine.pool, "checkin", older)


async def test_a_connection_idle_past_the_limit_is_pinged_and_replaced(postgres_migrated):
    engine = create_engine(postgres_migrated)
    _age_on_return(engine, 60)
    try:
        dead = await _backend_pid(engine)
        await terminate(postgres_migrated, dead)
        assert await _backend_pid(engine) != dead  # no error: the ping found it dead
    finally:
        await engine.dispose()


async def test_a_connection_back_a_moment_ago_is_not_pinged(postgres_migrated):
    engine = create_engine(postgres_migrated)
    try:
        await _backend_pid(engine)
        pings: list[object] = []
        dialect = engine.sync_engine.dialect
        real_ping = dialect.do_ping
        dialect.do_ping = lambda conn: pings.append(conn) or real_ping(conn)  # type: ignore[method-assign]
        for _ in range(5):
            await _backend_pid(engine)
        assert pings == []
    finally:
        await engine.dispose()


async def test_a_fresh_dead_connection_fails_once_and_the_pool_recovers(postgres_migrated):
    """The price of skipping the ping: one unit of work fails (and is retried by its caller:
    Telegram redelivers on 503, the recovery sweep reruns a turn); the next one works."""
    engine = create_engine(postgres_migrated)
    try:
        dead = await _backend_pid(engine)
        await terminate(postgres_migrated, dead)
        with pytest.raises(Exception, match=r"(?i)connection|terminat|closed"):
            await _backend_pid(engine)
        assert await _backend_pid(engine) != dead
    finally:
        await engine.dispose()
