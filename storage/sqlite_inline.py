"""SQLite on the event loop's own thread, behind SQLAlchemy's aiosqlite dialect.

aiosqlite runs every call on a helper thread: each statement costs two thread hops, a
self-pipe wake-up and a trip through the event loop — measured here at 0.45 ms for a one-row
``SELECT`` against 0.02 ms for the same query on the ``sqlite3`` connection itself. A local
SQLite statement is shorter than the hop, so this module hands SQLAlchemy an object that looks
like an aiosqlite connection but runs each call at once, on the calling thread.

Blocking the loop is safe only while no other connection of this process can hold SQLite's
write lock, or a busy wait would stall the very coroutine that holds it. The engine therefore
keeps exactly one SQLite connection per process (see :mod:`storage.engine`): units of work
queue for it asynchronously in the pool instead of inside SQLite. Several processes on one
SQLite file still work (the busy timeout applies), but scale-out is PostgreSQL's job.

WAL checkpoints are the one slow thing left in a commit: every thousand pages SQLite copies
the log back into the database and syncs both, ~10 ms in the middle of somebody's update (1 %
of commits, measured here, but 60 % of all commit time). A file database therefore turns the
automatic checkpoint off and a :class:`~storage.sqlite_checkpoint.Checkpointer` thread does it
with its own connection; ``sqlite3`` releases the GIL while SQLite works.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from storage.sqlite_checkpoint import Checkpointer, is_file_database


class InlineCursor:
    """An aiosqlite-shaped cursor whose coroutines finish without ever suspending."""

    __slots__ = ("_cursor",)
    arraysize = 1

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        self._cursor.execute(sql, () if parameters is None else parameters)
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> InlineCursor:
        self._cursor.executemany(sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """An aiosqlite-shaped connection over a ``sqlite3`` connection used on the loop thread.

    ``raw`` is the ``sqlite3`` connection itself, for the few hot statements that skip
    SQLAlchemy altogether (see :mod:`storage.fastpath`).
    """

    def __init__(self, raw: sqlite3.Connection, checkpointer: Checkpointer | None = None) -> None:
        self.raw = raw
        self.checkpointer = checkpointer
        # The names SQLAlchemy's aiosqlite adapter looks at.
        self._conn = raw
        self._connection: sqlite3.Connection | None = raw

    @property
    def isolation_level(self) -> str | None:
        return self.raw.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self.raw.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return InlineCursor(self.raw.execute(sql, () if parameters is None else parameters))

    async def commit(self) -> None:
        self.raw.commit()

    async def rollback(self) -> None:
        self.raw.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self.raw.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            if self.checkpointer is not None:
                self.checkpointer.stop()
            self.raw.close()


def inline_connector(database: str, *, busy_timeout: float) -> Callable[[], Awaitable[Any]]:
    """The ``async_creator`` for :func:`sqlalchemy.ext.asyncio.create_async_engine`."""

    async def connect() -> InlineConnection:
        uri = database.startswith("file:")
        raw = sqlite3.connect(database, timeout=busy_timeout, check_same_thread=False, uri=uri)
        if not is_file_database(database):
            return InlineConnection(raw)
        raw.execute("PRAGMA wal_autocheckpoint=0")
        checkpointer = Checkpointer(database, uri=uri)
        checkpointer.start()
        return InlineConnection(raw, checkpointer)

    return connect
