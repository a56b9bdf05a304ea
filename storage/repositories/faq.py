"""FAQ entries written from chat: a staff answer added to the estate's FAQ with one button."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.schema import FaqRow
from workflows.estate import FaqEntry


class SqlFaqRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self, *, estate_id: int, question: str, answer: str, category: str = "other"
    ) -> FaqEntry:
        """Insert, or replace the answer of an entry with the same question."""
        row = await self._session.scalar(
            select(FaqRow).where(FaqRow.estate_id == estate_id, FaqRow.question == question)
        )
        if row is None:
            row = FaqRow(
                estate_id=estate_id, question=question, answer=answer, keywords=[],
                category=category,
            )  # fmt: skip
            self._session.add(row)
        else:
            row.answer = answer
        await self._session.flush()
        return FaqEntry(
            id=row.id,
            estate_id=row.estate_id,
            question=row.question,
            answer=row.answer,
            keywords=tuple(str(k) for k in row.keywords),
            category=row.category,
        )
