"""Inbound updates recorded on receipt: a replayed ``update_id`` is recognised and skipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_for, table_of
from storage.schema import InboundUpdateRow
from workflows.estate import Platform
from workflows.messaging import InboundUpdate


class SqlInboundLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, update_: InboundUpdate) -> bool:
        table = table_of(InboundUpdateRow)
        stmt = (
            insert_for(self._session, table)
            .values(
                channel=update_.channel.value,
                update_id=update_.update_id,
                payload=dict(update_.payload),
                received_at=update_.received_at,
            )
            .on_conflict_do_nothing(index_elements=["channel", "update_id"])
            .returning(table.c.id)
        )
        return (await self._session.execute(stmt)).scalar_one_or_none() is not None

    async def mark_processed(self, channel: Platform, update_id: str, *, at: datetime) -> None:
        await self._session.execute(
            update(InboundUpdateRow)
            .where(
                InboundUpdateRow.channel == channel.value,
                InboundUpdateRow.update_id == update_id,
            )
            .values(processed_at=at)
        )

    async def start_processing(self, channel: Platform, update_id: str, *, at: datetime) -> bool:
        """Mark the update processed inside the caller's transaction; False if it already was.

        One statement on the hot path: the mark commits with the work, or rolls back with it.
        Updates never recorded (tests, direct calls) count as not processed yet.
        """
        claimed = await self._session.execute(
            update(InboundUpdateRow)
            .where(
                InboundUpdateRow.channel == channel.value,
                InboundUpdateRow.update_id == update_id,
                InboundUpdateRow.processed_at.is_(None),
            )
            .values(processed_at=at)
            .returning(InboundUpdateRow.id)
        )
        if claimed.scalar_one_or_none() is not None:
            return True
        return not await self.is_processed(channel, update_id)

    async def is_processed(self, channel: Platform, update_id: str) -> bool:
        """Locks the row (PostgreSQL) so two processors of one update run one after the other."""
        stmt = (
            select(InboundUpdateRow.processed_at)
            .where(
                InboundUpdateRow.channel == channel.value,
                InboundUpdateRow.update_id == update_id,
            )
            .with_for_update()
        )
        return (await self._session.execute(stmt)).scalar_one_or_none() is not None

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
