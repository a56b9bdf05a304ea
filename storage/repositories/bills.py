"""Bills keyed by unit, item and period; a changed amount becomes a recorded adjustment.

The same repository keeps the fee reminders sent and the dunning ladder, so the fee workflows
reach all their data through ``uow.bills``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.rawsql import RawSql
from storage.schema import (
    BillAdjustmentRow,
    BillRow,
    BuildingRow,
    EntranceRow,
    ResidentUnitRow,
    UnitRow,
)
from storage.schema.fees import DunningCaseRow, DunningStepRow, FeeReminderRow
from workflows.fees import (
    Bill,
    BillAdjustment,
    DunningCase,
    DunningStep,
    DunningStepKind,
    FeeItem,
    FeeReminder,
    PlacedBill,
)


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


def to_case(row: DunningCaseRow) -> DunningCase:
    return DunningCase(
        id=row.id,
        unit_id=row.unit_id,
        opened_at=row.opened_at,
        amount_fen=row.amount_fen,
        bill_ids=tuple(int(i) for i in row.bill_ids),
        step=DunningStepKind(row.step),
        closed_at=row.closed_at,
        close_reason=row.close_reason,
    )


class SqlBillRepository:
    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        self._session = session
        self._raw = raw

    async def find(self, *, unit_id: int, item: str, period: str) -> Bill | None:
        stmt = select(BillRow).where(
            BillRow.unit_id == unit_id, BillRow.item == item, BillRow.period == period
        )
        row = await self._session.scalar(stmt.execution_options(populate_existing=True))
        return to_bill(row) if row else None

    async def get(self, bill_id: int) -> Bill | None:
        row = await self._session.get(BillRow, bill_id, populate_existing=True)
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
        """Every fee question reads these: written by hand (storage.rawsql)."""
        if not unit_ids:
            return []
        raw = self._raw
        rows = await raw.all(
            "SELECT id, unit_id, item, period, amount_fen, due_date, paid_at FROM bills "
            f"WHERE unit_id IN ({', '.join('?' * len(unit_ids))})"
            + (" AND paid_at IS NULL" if open_only else "")
            + " ORDER BY unit_id, period, item",
            [int(unit_id) for unit_id in unit_ids],
        )
        return [
            Bill(
                id=int(bill_id),
                unit_id=int(unit_id),
                item=FeeItem(item),
                period=str(period),
                amount_fen=int(amount_fen),
                due_date=raw.read_date(due_date),
                paid_at=raw.read_dt(paid_at),
            )
            for bill_id, unit_id, item, period, amount_fen, due_date, paid_at in rows
        ]

    async def for_estate(self, estate_id: int) -> Sequence[PlacedBill]:
        stmt = (
            select(BillRow, BuildingRow.code, EntranceRow.code, UnitRow.room)
            .join(UnitRow, UnitRow.id == BillRow.unit_id)
            .join(EntranceRow, EntranceRow.id == UnitRow.entrance_id)
            .join(BuildingRow, BuildingRow.id == UnitRow.building_id)
            .where(BuildingRow.estate_id == estate_id)
            .order_by(BillRow.id)
        )
        return [
            PlacedBill(bill=to_bill(row), building_code=b, unit_label=f"{b}-{e}-{room}")
            for row, b, e, room in await self._session.execute(stmt)
        ]

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

    async def household(self, unit_id: int) -> Sequence[int]:
        stmt = (
            select(ResidentUnitRow.resident_id)
            .where(ResidentUnitRow.unit_id == unit_id)
            .order_by(ResidentUnitRow.resident_id)
        )
        return [int(i) for i in await self._session.scalars(stmt)]

    async def record_reminder(self, reminder: FeeReminder) -> FeeReminder:
        row = FeeReminderRow(
            unit_id=reminder.unit_id,
            sent_at=reminder.sent_at,
            total_fen=reminder.total_fen,
            bill_ids=list(reminder.bill_ids),
        )
        self._session.add(row)
        await self._session.flush()
        return FeeReminder(
            id=row.id,
            unit_id=row.unit_id,
            sent_at=reminder.sent_at,
            total_fen=row.total_fen,
            bill_ids=reminder.bill_ids,
        )

    async def reminders(
        self, unit_id: int, *, since: datetime | None = None
    ) -> Sequence[FeeReminder]:
        stmt = select(FeeReminderRow).where(FeeReminderRow.unit_id == unit_id)
        if since is not None:
            stmt = stmt.where(FeeReminderRow.sent_at > since)
        stmt = stmt.order_by(FeeReminderRow.sent_at, FeeReminderRow.id)
        return [
            FeeReminder(
                id=row.id,
                unit_id=row.unit_id,
                sent_at=row.sent_at,
                total_fen=row.total_fen,
                bill_ids=tuple(int(i) for i in row.bill_ids),
            )
            for row in await self._session.scalars(stmt)
        ]

    async def open_case(self, unit_id: int) -> DunningCase | None:
        stmt = (
            select(DunningCaseRow)
            .where(DunningCaseRow.unit_id == unit_id, DunningCaseRow.closed_at.is_(None))
            .order_by(DunningCaseRow.id.desc())
            .limit(1)
        )
        row = await self._session.scalar(stmt.execution_options(populate_existing=True))
        return to_case(row) if row else None

    async def case(self, case_id: int) -> DunningCase | None:
        row = await self._session.get(DunningCaseRow, case_id, populate_existing=True)
        return to_case(row) if row else None

    async def start_case(self, case: DunningCase) -> DunningCase:
        row = DunningCaseRow(
            unit_id=case.unit_id,
            opened_at=case.opened_at,
            step=int(case.step),
            amount_fen=case.amount_fen,
            bill_ids=list(case.bill_ids),
            closed_at=None,
            close_reason="",
        )
        self._session.add(row)
        await self._session.flush()
        return to_case(row)

    async def advance_case(self, case_id: int, step: DunningStep) -> None:
        if await self.has_step(case_id, step.step):
            return
        self._session.add(
            DunningStepRow(
                case_id=case_id,
                step=int(step.step),
                at=step.at,
                amount_fen=step.amount_fen,
                ticket_id=step.ticket_id,
                note=step.note,
            )
        )
        await self._session.execute(
            update(DunningCaseRow).where(DunningCaseRow.id == case_id).values(step=int(step.step))
        )
        await self._session.flush()

    async def close_case(self, case_id: int, *, at: datetime, reason: str) -> None:
        await self._session.execute(
            update(DunningCaseRow)
            .where(DunningCaseRow.id == case_id, DunningCaseRow.closed_at.is_(None))
            .values(closed_at=at, close_reason=reason[:32])
        )

    async def steps(self, case_id: int) -> Sequence[DunningStep]:
        stmt = (
            select(DunningStepRow)
            .where(DunningStepRow.case_id == case_id)
            .order_by(DunningStepRow.step)
        )
        return [
            DunningStep(
                case_id=row.case_id,
                step=DunningStepKind(row.step),
                at=row.at,
                amount_fen=row.amount_fen,
                ticket_id=row.ticket_id,
                note=row.note,
            )
            for row in await self._session.scalars(stmt)
        ]

    async def has_step(self, case_id: int, step: DunningStepKind) -> bool:
        stmt = select(DunningStepRow.id).where(
            DunningStepRow.case_id == case_id, DunningStepRow.step == int(step)
        )
        return (await self._session.scalar(stmt)) is not None
