"""Bills keyed by unit, item and period; a changed amount becomes a recorded adjustment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.schema import BillAdjustmentRow, BillRow
from workflows.fees import Bill, BillAdjustment, FeeItem


def to_bill(row: BillRow) -> Bill:
    return Bill(
        id=row.id,
        unit_id=row.unit_id,
        item=FeeItem(row.item),
        period=row.period,
        amount_fen=row.amount_fen,
        due_date=row.due_date,
        paid_at=row.paid_at,
    )


class SqlBillRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find(self, *, unit_id: int, item: str, period: str) -> Bill | None:
        stmt = select(BillRow).where(
            BillRow.unit_id == unit_id, BillRow.item == item, BillRow.period == period
        )
        row = await self._session.scalar(stmt.execution_options(populate_existing=True))
        return to_bill(row) if row else None

    async def add(self, bill: Bill) -> Bill:
        row = BillRow(
            unit_id=bill.unit_id,
            item=bill.item.value,
            period=bill.period,
            amount_fen=bill.amount_fen,
            due_date=bill.due_date,
            paid_at=bill.paid_at,
        )
        self._session.add(row)
        await self._session.flush()
        return to_bill(row)

    async def adjust(self, bill: Bill, *, new_fen: int, at: datetime, reason: str) -> Bill:
        if bill.id is None:
            raise ValueError("adjust() needs a stored bill")
        self._session.add(
            BillAdjustmentRow(
                bill_id=bill.id, old_fen=bill.amount_fen, new_fen=new_fen, at=at, reason=reason
            )
        )
        await self._session.execute(
            update(BillRow).where(BillRow.id == bill.id).values(amount_fen=new_fen)
        )
        await self._session.flush()
        stored = await self._session.get(BillRow, bill.id, populate_existing=True)
        assert stored is not None
        return to_bill(stored)

    async def mark_paid(self, bill_id: int, *, at: datetime) -> None:
        await self._session.execute(
            update(BillRow)
            .where(BillRow.id == bill_id, BillRow.paid_at.is_(None))
            .values(paid_at=at)
        )

    async def for_units(
        self, unit_ids: Sequence[int], *, open_only: bool = False
    ) -> Sequence[Bill]:
        if not unit_ids:
            return []
        stmt = select(BillRow).where(BillRow.unit_id.in_(list(unit_ids)))
        if open_only:
            stmt = stmt.where(BillRow.paid_at.is_(None))
        stmt = stmt.order_by(BillRow.unit_id, BillRow.period, BillRow.item)
        return [to_bill(row) for row in await self._session.scalars(stmt)]

    async def adjustments(self, bill_id: int) -> Sequence[BillAdjustment]:
        stmt = (
            select(BillAdjustmentRow)
            .where(BillAdjustmentRow.bill_id == bill_id)
            .order_by(BillAdjustmentRow.at, BillAdjustmentRow.id)
        )
        return [
            BillAdjustment(
                bill_id=row.bill_id,
                old_fen=row.old_fen,
                new_fen=row.new_fen,
                at=row.at,
                reason=row.reason,
            )
            for row in await self._session.scalars(stmt)
        ]
