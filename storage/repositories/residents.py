"""Residents and the chat identities that bind them to their units."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_for, table_of
from storage.schema import ResidentIdentityRow, ResidentRow, ResidentUnitRow
from workflows.estate import Platform, Resident, ResidentRole, ResidentUnit


def to_resident(row: ResidentRow) -> Resident:
    return Resident(
        id=row.id,
        estate_id=row.estate_id,
        name=row.name,
        phone=row.phone,
        consent_at=row.consent_at,
        household_size=row.household_size,
        notes=row.notes,
        unreachable_at=row.unreachable_at,
        language=row.language,
    )


class SqlResidentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, resident_id: int) -> Resident | None:
        row = await self._session.get(ResidentRow, resident_id)
        return to_resident(row) if row else None

    async def by_phone(self, phone: str, *, estate_id: int | None = None) -> Sequence[Resident]:
        stmt = select(ResidentRow).where(ResidentRow.phone == phone).order_by(ResidentRow.id)
        if estate_id is not None:
            stmt = stmt.where(ResidentRow.estate_id == estate_id)
        return [to_resident(row) for row in await self._session.scalars(stmt)]

    async def by_identity(self, platform: Platform, external_id: str) -> Resident | None:
        stmt = (
            select(ResidentRow)
            .join(ResidentIdentityRow, ResidentIdentityRow.resident_id == ResidentRow.id)
            .where(
                ResidentIdentityRow.platform == platform.value,
                ResidentIdentityRow.external_id == external_id,
            )
        )
        row = await self._session.scalar(stmt)
        return to_resident(row) if row else None

    async def units_of(self, resident_id: int) -> Sequence[ResidentUnit]:
        stmt = (
            select(ResidentUnitRow)
            .where(ResidentUnitRow.resident_id == resident_id)
            .order_by(ResidentUnitRow.unit_id)
        )
        return [
            ResidentUnit(
                resident_id=row.resident_id, unit_id=row.unit_id, role=ResidentRole(row.role)
            )
            for row in await self._session.scalars(stmt)
        ]

    async def bind_identity(
        self, *, resident_id: int, platform: Platform, external_id: str, consent_at: datetime
    ) -> None:
        """Bind (or re-bind) a chat account; one account maps to at most one resident."""
        stmt = insert_for(self._session, table_of(ResidentIdentityRow)).values(
            resident_id=resident_id,
            platform=platform.value,
            external_id=external_id,
            bound_at=consent_at,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "external_id"],
            set_={"resident_id": resident_id, "bound_at": consent_at},
        )
        await self._session.execute(stmt)
        await self._session.execute(
            update(ResidentRow)
            .where(ResidentRow.id == resident_id)
            .values(consent_at=consent_at, unreachable_at=None)
        )

    async def unbind_identity(self, platform: Platform, external_id: str) -> bool:
        result = await self._session.execute(
            delete(ResidentIdentityRow).where(
                ResidentIdentityRow.platform == platform.value,
                ResidentIdentityRow.external_id == external_id,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def identity_of(self, resident_id: int, platform: Platform) -> str | None:
        stmt = select(ResidentIdentityRow.external_id).where(
            ResidentIdentityRow.resident_id == resident_id,
            ResidentIdentityRow.platform == platform.value,
        )
        return await self._session.scalar(stmt.limit(1))

    async def set_language(self, resident_id: int, language: str) -> None:
        await self._session.execute(
            update(ResidentRow)
            .where(ResidentRow.id == resident_id, ResidentRow.language != language)
            .values(language=language)
        )

    async def mark_unreachable(self, resident_id: int, at: datetime | None) -> None:
        await self._session.execute(
            update(ResidentRow).where(ResidentRow.id == resident_id).values(unreachable_at=at)
        )
