"""Durable timers: rows with a due time, claimed once by whichever process sweeps first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import claim, table_of
from storage.rawsql import RawSql
from storage.schema import TimerRow
from workflows.messaging import Timer, TimerState


def to_timer(row: Mapping[str, Any] | TimerRow) -> Timer:
    get = row.__getitem__ if isinstance(row, Mapping) else lambda key: getattr(row, key)
    return Timer(
        id=get("id"),
        kind=get("kind"),
        due_at=get("due_at"),
        dedupe_key=get("dedupe_key"),
        subject_type=get("subject_type"),
        subject_id=get("subject_id"),
        payload=dict(get("payload") or {}),
        state=TimerState(get("state")),
        attempts=get("attempts"),
        last_error=get("last_error"),
    )


_SCHEDULE = (
    "INSERT INTO timers (kind, due_at, dedupe_key, subject_type, subject_id, payload, state, "
    "attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
)


class SqlTimerRepository:
    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        self._session = session
        self._raw = raw

    async def schedule(self, timer: Timer) -> Timer:
        """Every ticket schedules several: written by hand (storage.rawsql). A dedupe key
        seen before returns the timer already scheduled."""
        raw = self._raw
        inserted = await raw.one(
            _SCHEDULE,
            [
                timer.kind,
                raw.dt(timer.due_at),
                timer.dedupe_key,
                timer.subject_type,
                timer.subject_id,
                raw.js(dict(timer.payload)),
                timer.state.value,
            ],
        )
        if inserted is not None:
            return replace(timer, id=int(inserted[0]), attempts=0, last_error=None)
        row = await self._session.scalar(
            select(TimerRow)
            .where(TimerRow.dedupe_key == timer.dedupe_key)
            .execution_options(populate_existing=True)
        )
        assert row is not None
        return to_timer(row)

    async def claim_due(
        self,
        *,
        now: datetime,
        worker: str,
        limit: int,
        lease_seconds: int,
        kinds: Sequence[str] | None = None,
    ) -> Sequence[Timer]:
        table = table_of(TimerRow)
        ready = or_(
            and_(table.c.state == TimerState.PENDING.value, table.c.due_at <= now),
            and_(table.c.state == TimerState.RUNNING.value, table.c.lease_until < now),
        )
        if kinds is not None:
            ready = and_(ready, table.c.kind.in_(list(kinds)))
        rows = await claim(
            self._session,
            table,
            ready=ready,
            order_by=[table.c.due_at, table.c.id],
            running_state=TimerState.RUNNING.value,
            worker=worker,
            now=now,
            lease_seconds=lease_seconds,
            limit=limit,
        )
        return [to_timer(row) for row in rows]

    async def complete(self, timer_id: int, *, at: datetime) -> None:
        await self._session.execute(
            update(TimerRow)
            .where(TimerRow.id == timer_id)
            .values(state=TimerState.DONE.value, fired_at=at, lease_until=None)
        )

    async def fail(self, timer_id: int, *, error: str, retry_at: datetime | None) -> None:
        values: dict[str, Any] = {"last_error": error[:2000], "lease_until": None}
        if retry_at is None:
            values["state"] = TimerState.FAILED.value
        else:
            values.update(state=TimerState.PENDING.value, due_at=retry_at)
        await self._session.execute(update(TimerRow).where(TimerRow.id == timer_id).values(values))

    async def cancel(self, *, subject_type: str, subject_id: int, kind: str | None = None) -> int:
        stmt = update(TimerRow).where(
            TimerRow.subject_type == subject_type,
            TimerRow.subject_id == subject_id,
            TimerRow.state == TimerState.PENDING.value,
        )
        if kind is not None:
            stmt = stmt.where(TimerRow.kind == kind)
        result = await self._session.execute(stmt.values(state=TimerState.CANCELLED.value))
        return int(getattr(result, "rowcount", 0))

    async def pending_for(self, *, subject_type: str, subject_id: int) -> Sequence[Timer]:
        stmt = (
            select(TimerRow)
            .where(
                TimerRow.subject_type == subject_type,
                TimerRow.subject_id == subject_id,
                TimerRow.state == TimerState.PENDING.value,
            )
            .order_by(TimerRow.due_at, TimerRow.id)
        )
        return [to_timer(row) for row in await self._session.scalars(stmt)]

    async def pending_of_kind(self, kind: str, *, limit: int = 500) -> Sequence[Timer]:
        stmt = (
            select(TimerRow)
            .where(TimerRow.kind == kind, TimerRow.state == TimerState.PENDING.value)
            .order_by(TimerRow.due_at, TimerRow.id)
            .limit(limit)
        )
        return [to_timer(row) for row in await self._session.scalars(stmt)]

    async def cancel_one(self, timer_id: int) -> None:
        await self._session.execute(
            update(TimerRow)
            .where(TimerRow.id == timer_id, TimerRow.state == TimerState.PENDING.value)
            .values(state=TimerState.CANCELLED.value)
        )
