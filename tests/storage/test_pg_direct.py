"""Hand-written statements share the unit of work's one transaction with the ORM.

On PostgreSQL they run on asyncpg underneath SQLAlchemy (storage.pg_direct) and on SQLite on
the sqlite3 connection (storage.sqlite_inline): either way, what the unit of work commits is
kept, what it leaves uncommitted is gone, and ORM and hand-written writes stand or fall
together. The same suite runs on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.engine import create_engine
from storage.schema.messaging import InboundUpdateRow
from storage.uow import SqlUnitOfWorkFactory
from tests.storage.pg_faults import terminate

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
INSERT = (
    "INSERT INTO inbound_updates (channel, update_id, payload, received_at) VALUES (?, ?, ?, ?)"
)


async def write_raw(tx, update_id: str) -> int:
    return await tx.raw.run(
        INSERT, ["test", update_id, tx.raw.js({"n": update_id}), tx.raw.dt(NOW)]
    )


def orm_row(update_id: str) -> InboundUpdateRow:
    return InboundUpdateRow(channel="test", update_id=update_id, payload={}, received_at=NOW)


async def stored(uow) -> list[str]:
    async with uow() as tx:
        rows = await tx.raw.all(
            "SELECT update_id FROM inbound_updates WHERE channel = ? ORDER BY update_id", ["test"]
        )
    return [row[0] for row in rows]


async def test_committed_writes_stay_and_uncommitted_ones_are_gone(uow):
    async with uow() as tx:
        assert await write_raw(tx, "kept") == 1
        await tx.commit()
    async with uow() as tx:
        await write_raw(tx, "dropped")
    async with uow() as tx:
        await write_raw(tx, "rolled-back")
        await tx.rollback()
    assert await stored(uow) == ["kept"]


async def test_orm_and_hand_written_writes_share_one_transaction(uow):
    async with uow() as tx:
        tx.session.add(orm_row("orm-1"))
        await write_raw(tx, "raw-1")
        # The hand-written read sees the ORM's unflushed row: one transaction, flushed first.
        seen = await tx.raw.all("SELECT update_id FROM inbound_updates WHERE channel = ?", ["test"])
        assert sorted(row[0] for row in seen) == ["orm-1", "raw-1"]
    assert await stored(uow) == []
    async with uow() as tx:
        await write_raw(tx, "raw-2")
        tx.session.add(orm_row("orm-2"))
        await tx.commit()
    assert await stored(uow) == ["orm-2", "raw-2"]


async def test_a_unit_of_work_goes_on_after_a_commit_in_a_new_transaction(uow):
    async with uow() as tx:
        await write_raw(tx, "first")
        await tx.commit()
        await write_raw(tx, "second")  # not committed: rolled back on leaving
    assert await stored(uow) == ["first"]


async def test_a_failed_statement_fails_the_unit_of_work_and_leaves_the_next_one_clean(uow):
    async with uow() as tx:
        await write_raw(tx, "dup")
        await tx.commit()
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        async with uow() as tx:
            await write_raw(tx, "lost")
            await write_raw(tx, "dup")
            await tx.commit()
    async with uow() as tx:
        await write_raw(tx, "after")
        await tx.commit()
    assert await stored(uow) == ["after", "dup"]


async def test_a_connection_killed_under_a_unit_of_work_is_not_handed_out_again(
    postgres_migrated,
):
    engine = create_engine(postgres_migrated)
    uow = SqlUnitOfWorkFactory(engine)
    try:
        async with uow() as tx:
            await tx.raw.run("DELETE FROM inbound_updates WHERE channel = ?", ["test"])
            await tx.commit()
        with pytest.raises(Exception, match=r"(?i)connection|terminat|closed"):
            async with uow() as tx:
                pid = (await tx.raw.one("SELECT pg_backend_pid()", []))[0]
                await terminate(postgres_migrated, pid)
                await write_raw(tx, "in-flight")
        async with uow() as tx:
            assert (await tx.raw.one("SELECT pg_backend_pid()", []))[0] != pid
            await write_raw(tx, "next")
            await tx.commit()
        assert await stored(uow) == ["next"]
    finally:
        await engine.dispose()


async def test_after_a_restart_one_unit_of_work_fails_and_the_whole_pool_is_renewed(
    postgres_migrated,
):
    """Every pooled connection dies at once, as in a PostgreSQL restart: the first unit of
    work to meet a dead one fails (its caller retries), and none after it does."""
    engine = create_engine(postgres_migrated)
    uow = SqlUnitOfWorkFactory(engine)
    try:
        async with uow() as a, uow() as b, uow() as c:  # three connections, back in the pool
            pids = [(await tx.raw.one("SELECT pg_backend_pid()", []))[0] for tx in (a, b, c)]
        await terminate(postgres_migrated, *pids)
        with pytest.raises(Exception, match=r"(?i)connection|terminat|closed"):
            async with uow() as tx:
                await write_raw(tx, "lost")
        for n in range(3):
            async with uow() as tx:
                assert (await tx.raw.one("SELECT pg_backend_pid()", []))[0] not in pids
                await write_raw(tx, f"after-{n}")
                await tx.commit()
    finally:
        await engine.dispose()
