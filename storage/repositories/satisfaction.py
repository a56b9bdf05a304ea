"""Satisfaction surveys: households to ask, surveys sent, and the ratings that came back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_for, table_of
from storage.schema import (
    ResidentIdentityRow,
    ResidentUnitRow,
    SatisfactionSurveyRow,
    UnitRow,
)
from storage.schema.estate import BuildingRow
from workflows.satisfaction_ports import HouseholdContact, SatisfactionSurvey


def to_survey(row: SatisfactionSurveyRow) -> SatisfactionSurvey:
    return SatisfactionSurvey(
        id=row.id,
        estate_id=row.estate_id,
        period=row.period,
        unit_id=row.unit_id,
        building_id=row.building_id,
        resident_id=row.resident_id,
        sent_at=row.sent_at,
        ratings={str(k): str(v) for k, v in (row.ratings or {}).items()},
        answered_at=row.answered_at,
    )


class SqlSatisfactionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def households(self, estate_id: int) -> Sequence[HouseholdContact]:
        """Every unit with a resident; the lowest-numbered resident bound to a chat, if any."""
        bound = select(ResidentIdentityRow.resident_id)
        stmt = (
            select(UnitRow.id, UnitRow.building_id, ResidentUnitRow.resident_id,
                   ResidentUnitRow.resident_id.in_(bound))
            .join(ResidentUnitRow, ResidentUnitRow.unit_id == UnitRow.id)
            .join(BuildingRow, BuildingRow.id == UnitRow.building_id)
            .where(BuildingRow.estate_id == estate_id)
            .order_by(UnitRow.id, ResidentUnitRow.resident_id)
        )  # fmt: skip
        found: dict[int, HouseholdContact] = {}
        for unit_id, building_id, resident_id, reachable in await self._session.execute(stmt):
            known = found.get(unit_id)
            if known is None or (known.resident_id is None and reachable):
                found[unit_id] = HouseholdContact(
                    unit_id, building_id, resident_id if reachable else None
                )
        return list(found.values())

    async def add(self, survey: SatisfactionSurvey) -> SatisfactionSurvey | None:
        table = table_of(SatisfactionSurveyRow)
        stmt = (
            insert_for(self._session, table)
            .values(
                estate_id=survey.estate_id, period=survey.period, unit_id=survey.unit_id,
                building_id=survey.building_id, resident_id=survey.resident_id,
                sent_at=survey.sent_at, ratings={},
            )
            .on_conflict_do_nothing(index_elements=["estate_id", "period", "unit_id"])
            .returning(table.c.id)
        )  # fmt: skip
        new_id = (await self._session.execute(stmt)).scalar_one_or_none()
        return None if new_id is None else await self.get(new_id)

    async def get(self, survey_id: int) -> SatisfactionSurvey | None:
        row = await self._session.get(SatisfactionSurveyRow, survey_id, populate_existing=True)
        return to_survey(row) if row else None

    async def rate(self, survey_id: int, item: str, rating: str, *, at: datetime) -> bool:
        row = await self._session.get(
            SatisfactionSurveyRow, survey_id, with_for_update=True, populate_existing=True
        )
        if row is None or item in (row.ratings or {}):
            return False
        row.ratings = {**(row.ratings or {}), item: rating}
        row.answered_at = row.answered_at or at
        await self._session.flush()
        return True

    async def sent_since(self, estate_id: int, since: datetime) -> Sequence[SatisfactionSurvey]:
        stmt = (
            select(SatisfactionSurveyRow)
            .where(
                SatisfactionSurveyRow.estate_id == estate_id,
                SatisfactionSurveyRow.sent_at >= since,
            )
            .order_by(SatisfactionSurveyRow.id)
        )
        return [to_survey(row) for row in await self._session.scalars(stmt)]
