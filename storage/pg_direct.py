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

A connection that dies under a statement here is still found out by SQLAlchemy: leaving the
unit of work rolls back through the adapter, which fails as a disconnect and invalidates the
connection (and the pool's older ones), exactly as for its own statements.
"""

from __future__ import annotations

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
            await adapter._start_transaction()
        return adapter.driver_connection

    async def one(self, sql: str, params: Sequence[Any]) -> Row | None:
        row: Row | None = await (await self._driver()).fetchrow(sql, *params)
        return row

    async def all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        rows: list[Row] = await (await self._driver()).fetch(sql, *params)
        return rows

    async def run(self, sql: str, params: Sequence[Any]) -> int:
        status: str = await (await self._driver()).execute(sql, *params)
        return _rowcount(status)
