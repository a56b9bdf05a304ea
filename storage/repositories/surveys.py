"""Callback (回访) answers; one per ticket and round, so a double tap is not a second vote."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_for, table_of
from storage.schema import SurveyAnswerRow
from workflows.fees import Rating, SurveyAnswer


class SqlSurveyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, answer: SurveyAnswer) -> SurveyAnswer | None:
        table = table_of(SurveyAnswerRow)
        stmt = (
            insert_for(self._session, table)
            .values(
                ticket_id=answer.ticket_id,
                resident_id=answer.resident_id,
                rating=answer.rating.value,
                comment=answer.comment,
                answered_at=answer.answered_at,
                round=answer.round,
            )
            .on_conflict_do_nothing(index_elements=["ticket_id", "round"])
            .returning(table.c.id)
        )
        new_id = (await self._session.execute(stmt)).scalar_one_or_none()
        if new_id is None:
            return None
        return SurveyAnswer(
            id=new_id,
            ticket_id=answer.ticket_id,
            resident_id=answer.resident_id,
            rating=answer.rating,
            comment=answer.comment,
            answered_at=answer.answered_at,
            round=answer.round,
        )

    async def for_ticket(self, ticket_id: int) -> Sequence[SurveyAnswer]:
        stmt = (
            select(SurveyAnswerRow)
            .where(SurveyAnswerRow.ticket_id == ticket_id)
            .order_by(SurveyAnswerRow.round)
        )
        return [
            SurveyAnswer(
                id=row.id,
                ticket_id=row.ticket_id,
                resident_id=row.resident_id,
                rating=Rating(row.rating),
                comment=row.comment,
                answered_at=row.answered_at,
                round=row.round,
            )
            for row in await self._session.scalars(stmt)
        ]
