"""The few statements that differ between SQLite and PostgreSQL, chosen in one place.

Both support ``INSERT … ON CONFLICT`` and ``RETURNING``; SQLAlchemy spells the insert per dialect.
``FOR UPDATE SKIP LOCKED`` is rendered on PostgreSQL and omitted on SQLite, where the single
writer lock and a re-checked ``WHERE`` give the same once-only claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def table_of(model: type[DeclarativeBase]) -> Table:
    """A mapped class's Table, typed as one (``__table__`` is typed as a FromClause)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def insert_for(session: AsyncSession, table: Table) -> Any:
    """A dialect-specific INSERT that offers ``on_conflict_do_nothing/do_update``."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported dialect {name}")


async def claim(
    session: AsyncSession,
    table: Table,
    *,
    ready: ColumnElement[bool],
    order_by: Sequence[Any],
    running_state: str,
    worker: str,
    now: datetime,
    lease_seconds: int,
    limit: int,
) -> Sequence[Any]:
    """Mark up to ``limit`` ready rows as taken by ``worker`` and return them.

    The ``ready`` condition is checked again in the UPDATE itself, so a row another worker took
    between our SELECT and UPDATE is simply not returned: each row is claimed exactly once.
    """
    candidates = (
        select(table.c.id)
        .where(ready)
        .order_by(*order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list((await session.execute(candidates)).scalars())
    if not ids:
        return []
    claimed = (
        update(table)
        .where(table.c.id.in_(ids), ready)
        .values(
            state=running_state,
            claimed_by=worker,
            lease_until=now + timedelta(seconds=lease_seconds),
            attempts=table.c.attempts + 1,
        )
        .returning(*table.c)
    )
    rows = list((await session.execute(claimed)).mappings())
    order = {row_id: index for index, row_id in enumerate(ids)}
    return sorted(rows, key=lambda row: order[row["id"]])
