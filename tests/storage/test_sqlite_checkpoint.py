"""WAL checkpoints run on their own thread: commits on the loop never pay for one."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy import text

from storage.engine import create_engine
from storage.sqlite_checkpoint import Checkpointer, is_file_database


def test_only_databases_on_disk_get_a_checkpointer():
    assert is_file_database("/tmp/x.db") and is_file_database("file:/tmp/x.db?mode=rw")
    assert not is_file_database(":memory:") and not is_file_database("")
    assert not is_file_database("file:shared?mode=memory&cache=shared")


async def test_commits_leave_checkpoints_to_the_thread_which_copies_every_frame(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    async with engine.connect() as conn:
        inline = (await conn.get_raw_connection()).driver_connection
        checkpointer = inline.checkpointer
        assert isinstance(checkpointer, Checkpointer) and checkpointer.alive
        automatic = (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one()
        assert automatic == 0  # the loop's connection never checkpoints by itself
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)"))
        for _ in range(200):
            await conn.execute(text("INSERT INTO t (body) VALUES (:b)"), {"b": "x" * 2000})
            await conn.commit()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            last = checkpointer.last
            if last is not None and last[1] > 0 and last[1] == last[2]:
                break
            await asyncio.sleep(0.05)
        busy, frames, copied = checkpointer.last or (1, 0, 0)
        assert (busy, frames == copied, frames > 100) == (0, True, True)
    await engine.dispose()
    await asyncio.to_thread(checkpointer.join, 5)
    assert not checkpointer.alive  # closing the connection stops its thread
