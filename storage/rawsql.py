"""Hand-written SQL for the statements every chat message runs, inside the unit of work's
transaction.

Building an ORM statement, computing its cache key and running it through the async session
costs 0.2–0.5 ms of Python per statement; the same query on the driver costs 0.02 ms on
SQLite. A message touches five or six rows (the update log, the dialogue state, who is
speaking, the reply), so those few statements are written out here once, in ``?`` style, and
run on the unit of work's own connection: on SQLite straight on the ``sqlite3`` connection
(see :mod:`storage.sqlite_inline`), on PostgreSQL on the asyncpg connection inside
SQLAlchemy's transaction (see :mod:`storage.pg_direct`). Everything else keeps using the ORM.

Values cross in each database's own representation, exactly as SQLAlchemy's column types
write them (UTC datetimes as ``YYYY-MM-DD HH:MM:SS.ffffff`` text on SQLite, JSON as text), so
rows written either way read the same either way — a contract test holds both paths to that.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from storage.pg_direct import PgDirect

Row = Sequence[Any]
_QMARK = re.compile(r"\?")
_PG_SQL: dict[str, str] = {}  # "?" placeholders → "$1"…, translated once per statement


class RawSql:
    """Runs ``?``-style SQL on one connection; ``before`` runs first (flushes ORM changes)."""

    def __init__(self, conn: AsyncConnection, before: Callable[[], Any] | None = None) -> None:
        self._conn = conn
        self._before = before
        self.sqlite = conn.dialect.name == "sqlite"
        self._raw: Any = None
        self._pg: PgDirect | None = None
        if self.sqlite:
            self._raw = conn.sync_connection.connection.driver_connection.raw  # type: ignore[union-attr]
        else:
            self._pg = PgDirect(conn)

    def settle(self, *, commit: bool) -> None:
        """End the driver's own transaction on SQLite, where hand-written statements run
        outside SQLAlchemy's bookkeeping (on PostgreSQL they are inside it: nothing to do)."""
        raw = self._raw
        if raw is not None and raw.in_transaction:
            if commit:
                raw.commit()
            else:
                raw.rollback()

    # -- values ---------------------------------------------------------------------------

    def dt(self, value: datetime | None) -> Any:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()} cannot be stored")
        value = value.astimezone(UTC)
        if not self.sqlite:
            return value
        # SQLAlchemy's format, "%Y-%m-%d %H:%M:%S.%f", four times faster than strftime:
        # isoformat leaves out the fraction when it is zero, and sorting needs it there.
        text = value.replace(tzinfo=None).isoformat(" ")
        return text if len(text) > 19 else text + ".000000"

    @staticmethod
    def read_dt(value: Any) -> datetime | None:
        if value is None:
            return None
        parsed: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)

    @staticmethod
    def read_date(value: Any) -> date:
        return date.fromisoformat(value) if isinstance(value, str) else value

    @staticmethod
    def js(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    @staticmethod
    def read_js(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str | bytes) else value

    # -- statements -----------------------------------------------------------------------

    async def one(self, sql: str, params: Sequence[Any]) -> Row | None:
        if self._before is not None:
            await self._before()
        if self._pg is not None:
            return await self._pg.one(_numbered(sql), params)
        row: Row | None = self._raw.execute(sql, params).fetchone()
        return row

    async def all(self, sql: str, params: Sequence[Any]) -> list[Row]:
        if self._before is not None:
            await self._before()
        if self._pg is not None:
            return await self._pg.all(_numbered(sql), params)
        return list(self._raw.execute(sql, params).fetchall())

    async def run(self, sql: str, params: Sequence[Any]) -> int:
        """Execute a statement without rows; the number of rows it touched."""
        if self._before is not None:
            await self._before()
        if self._pg is not None:
            return await self._pg.run(_numbered(sql), params)
        return int(self._raw.execute(sql, params).rowcount)


def _numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1``, ``$2``… (translated once per statement)."""
    translated = _PG_SQL.get(sql)
    if translated is None:
        counter = itertools.count(1)
        translated = _QMARK.sub(lambda _match: f"${next(counter)}", sql)
        _PG_SQL[sql] = translated
    return translated
