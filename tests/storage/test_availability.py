"""database_away tells a database that is away from a fault in the work, on real errors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from storage.availability import database_away
from storage.engine import create_engine
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.pg_faults import terminate

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def raised(coro) -> BaseException:
    with pytest.raises(Exception) as caught:
        await coro
    return caught.value


async def test_an_unreachable_server_is_away():
    engine = create_engine("postgresql://postgres@127.0.0.1:9/nowhere")
    try:

        async def connect() -> None:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        assert database_away(await raised(connect()))
    finally:
        await engine.dispose()


async def test_faults_in_the_work_are_not_away(uow):
    async def bad_sql() -> None:
        async with uow() as tx:
            await tx.raw.one("SELEC 1", [])

    async def duplicate() -> None:
        async with uow() as tx:
            insert = (
                "INSERT INTO inbound_updates (channel, update_id, payload, received_at)"
                " VALUES (?, ?, ?, ?)"
            )
            for _ in range(2):
                await tx.raw.run(insert, ["test", "1", "{}", tx.raw.dt(NOW)])

    assert not database_away(await raised(bad_sql()))
    duplicated = await raised(duplicate())
    assert "unique" in str(duplicated).lower() and not database_away(duplicated)
    assert not database_away(ValueError("a bug"))


def test_a_locked_sqlite_file_is_away_and_a_missing_table_is_not(tmp_path):
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(sqlite3.OperationalError) as missing:
        other.execute("SELECT * FROM nowhere")
    holder.close()
    other.close()
    assert database_away(locked.value)
    assert not database_away(missing.value)


async def test_a_terminated_connection_is_away(postgres_migrated):
    engine = create_engine(postgres_migrated)
    uow = SqlUnitOfWorkFactory(engine)
    try:

        async def killed() -> None:
            async with uow() as tx:
                pid = (await tx.raw.one("SELECT pg_backend_pid()", []))[0]
                await terminate(postgres_migrated, pid)
                await tx.raw.one("SELECT 1", [])

        assert database_away(await raised(killed()))
    finally:
        await engine.dispose()
