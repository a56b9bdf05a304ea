"""The fee workflows' storage port (bills, adjustments); ``storage`` implements it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from workflows.fees import Bill, BillAdjustment


class BillRepository(Protocol):
    async def find(self, *, unit_id: int, item: str, period: str) -> Bill | None: ...
    async def add(self, bill: Bill) -> Bill: ...
    async def adjust(self, bill: Bill, *, new_fen: int, at: datetime, reason: str) -> Bill: ...
    async def mark_paid(self, bill_id: int, *, at: datetime) -> None: ...
    async def for_units(
        self, unit_ids: Sequence[int], *, open_only: bool = False
    ) -> Sequence[Bill]: ...
    async def adjustments(self, bill_id: int) -> Sequence[BillAdjustment]: ...
