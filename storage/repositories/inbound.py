"""Inbound updates recorded on receipt: a replayed ``update_id`` is recognised and skipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.rawsql import RawSql
from storage.schema import InboundUpdateRow
from workflows.estate import Platform
from workflows.messaging import InboundUpdate


class SqlInboundLog:
    """The receipt log. Recording and marking are hand-written: every update runs them."""

    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        self._session = session
        self._raw = raw

    async def record(self, update_: InboundUpdate) -> bool:
        return bool(await self.record_many([update_]))

    async def record_many(self, updates: Sequence[InboundUpdate]) -> set[tuple[str, str]]:
        """Record a batch in one statement; the (channel, update_id) pairs that were new."""
        if not updates:
            return set()
        raw = self._raw
        rows = ", ".join(["(?, ?, ?, ?)"] * len(updates))
        params: list[object] = []
        for item in updates:
            params += [
                item.channel.value,
                item.update_id,
                item.payload_json if item.payload_json is not None else raw.js(dict(item.payload)),
                raw.dt(item.received_at),
            ]
        fresh = await raw.all(
            "INSERT INTO inbound_updates (channel, update_id, payload, received_at) "
            f"VALUES {rows} ON CONFLICT (channel, update_id) DO NOTHING "
            "RETURNING channel, update_id",
            params,
        )
        return {(str(channel), str(update_id)) for channel, update_id in fresh}

    async def mark_processed(self, channel: Platform, update_id: str, *, at: datetime) -> None:
        await self._raw.run(
            "UPDATE inbound_updates SET processed_at = ? WHERE channel = ? AND update_id = ?",
            [self._raw.dt(at), channel.value, update_id],
        )

    async def start_processing(self, channel: Platform, update_id: str, *, at: datetime) -> bool:
        """Mark the update processed inside the caller's transaction; False if it already was.

        One statement on the hot path: the mark commits with the work, or rolls back with it.
        Updates never recorded (tests, direct calls) count as not processed yet.
        """
        claimed = await self._raw.one(
            "UPDATE inbound_updates SET processed_at = ? "
            "WHERE channel = ? AND update_id = ? AND processed_at IS NULL RETURNING id",
            [self._raw.dt(at), channel.value, update_id],
        )
        if claimed is not None:
            return True
        return not await self.is_processed(channel, update_id)

    async def is_processed(self, channel: Platform, update_id: str) -> bool:
        """Locks the row (PostgreSQL) so two processors of one update run one after the other."""
        lock = "" if self._raw.sqlite else " FOR UPDATE"
        row = await self._raw.one(
            "SELECT processed_at FROM inbound_updates WHERE channel = ? AND update_id = ?" + lock,
            [channel.value, update_id],
        )
        return row is not None and row[0] is not None

    async def unprocessed(
        self, *, limit: int, received_before: datetime | None = None
    ) -> Sequence[InboundUpdate]:
        stmt = (
            select(InboundUpdateRow)
            .where(InboundUpdateRow.processed_at.is_(None))
            .order_by(InboundUpdateRow.received_at, InboundUpdateRow.id)
            .limit(limit)
        )
        if received_before is not None:
            stmt = stmt.where(InboundUpdateRow.received_at < received_before)
        return [
            InboundUpdate(
                id=row.id,
                channel=Platform(row.channel),
                update_id=row.update_id,
                payload=dict(row.payload),
                received_at=row.received_at,
                processed_at=row.processed_at,
            )
            for row in await self._session.scalars(stmt)
        ]
