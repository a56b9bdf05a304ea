"""Hand-written statements on asyncpg itself, inside SQLAlchemy's transaction.

Through ``exec_driver_sql`` a statement costs ~0.2 ms of client CPU (SQLAlchemy's execution
context, its asyncpg adapter, a greenlet hop each way); on the asyncpg connection underneath,
~0.07 ms. A chat message runs five to eight of them, so on PostgreSQL this was the larger
part of the server's work per update.

The one thing to get right is the transaction. SQLAlchemy's asyncpg adapter begins the
database transaction lazily, on its first statement, and commits or rolls back only one it
began. So before the first statement here, the SQLAlchemy connection is begun (so the unit
of work's commit reaches the driver) and the adapter's transaction is started — the same
step its own first statement would take. Every statement here then runs in the transaction
that ``commit()`` commits and leaving the unit of work rolls back, shared with any ORM work
in the same unit of work; tests/storage/test_pg_direct.py holds that to account.

A connection that died (a PostgreSQL restart, a dropped socket) must be found out as
SQLAlchemy finds it out for its own statements: that connection invalidated and, since the
others in the pool are likely dead too, every connection opened before it. asyncpg raises
past SQLAlchemy here, so on a failure with the connection closed one statement is sent the
ordinary way: it fails at once on the closed connection, and SQLAlchemy's own disconnect
handling does the rest. Without it a dead connection would go back to the pool and fail
every unit of work that drew it until it sat idle long enough to be pinged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

Row = Sequence[Any]


def _rowcount(status: str) -> int:
    """asyncpg's command tag ("UPDATE 3", "INSERT 0 1", "DELETE 0") as a row count."""
    last = status.rpartition(" ")[2]
    return int(last) if last.isdigit() else 0


class PgDirect:
    """Runs ``$n``-style SQL on the asyncpg connection under one SQLAlchemy connection."""

    __slots__ = ("_conn",)

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _driver(self) -> Any:
        """The asyncpg connection, with the unit of work's transaction begun on it."""
        conn = self._conn
        if not conn.sync_connection.in_transaction():  # type: ignore[union-attr]
            await conn.begin()
        adapter: Any = conn.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
        if adapter._transaction is None:
            try:
                await adapter._start_transaction()
            except Exception:
                await self._after_failure(adapter.driver_connection)
                raise
        return adapter.driver_connection

    async def one(self, sql: str, params: Sequence[Any]) -> Row | None:
        row: Row | None = await self._call("fetchrow", sql, params)
        return row

    async def all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        rows: list[Row] = await self._call("fetch", sql, params)
        return rows

    async def run(self, sql: str, params: Sequence[Any]) -> int:
        return _rowcount(await self._call("execute", sql, params))

    async def _call(self, method: str, sql: str, params: Sequence[Any]) -> Any:
        driver = await self._driver()
        try:
            return await getattr(driver, method)(sql, *params)
        except Exception:
            await self._after_failure(driver)
            raise

    async def _after_failure(self, driver: Any) -> None:
        """If the connection is gone, let SQLAlchemy see it fail (see the module's docstring)."""
        if driver.is_closed():
            with contextlib.suppress(Exception):
                await self._conn.exec_driver_sql("SELECT 1")
