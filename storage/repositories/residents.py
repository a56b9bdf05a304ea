"""Residents and the chat identities that bind them to their units."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_for, table_of
from storage.rawsql import RawSql
from storage.schema import ResidentIdentityRow, ResidentRow
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


_BY_IDENTITY = (
    "SELECT r.id, r.estate_id, r.name, r.phone, r.consent_at, r.household_size, r.notes, "
    "r.unreachable_at, r.language FROM residents r "
    "JOIN resident_identities i ON i.resident_id = r.id "
    "WHERE i.platform = ? AND i.external_id = ?"
)


class SqlResidentRepository:
    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        self._session = session
        self._raw = raw

    async def get(self, resident_id: int) -> Resident | None:
        row = await self._session.get(ResidentRow, resident_id)
        return to_resident(row) if row else None

    async def by_phone(self, phone: str, *, estate_id: int | None = None) -> Sequence[Resident]:
        stmt = select(ResidentRow).where(ResidentRow.phone == phone).order_by(ResidentRow.id)
        if estate_id is not None:
            stmt = stmt.where(ResidentRow.estate_id == estate_id)
        return [to_resident(row) for row in await self._session.scalars(stmt)]

    async def by_identity(self, platform: Platform, external_id: str) -> Resident | None:
        """Who is speaking: asked on every message, so written by hand (storage.rawsql)."""
        row = await self._raw.one(_BY_IDENTITY, [platform.value, external_id])
        if row is None:
            return None
        rid, estate_id, name, phone, consent_at, household, notes, unreachable_at, lang = row
        return Resident(
            id=rid,
            estate_id=estate_id,
            name=name,
            phone=phone,
            consent_at=self._raw.read_dt(consent_at),
            household_size=household,
            notes=notes,
            unreachable_at=self._raw.read_dt(unreachable_at),
            language=lang,
        )

    async def units_of(self, resident_id: int) -> Sequence[ResidentUnit]:
        rows = await self._raw.all(
            "SELECT resident_id, unit_id, role FROM resident_units WHERE resident_id = ? "
            "ORDER BY unit_id",
            [resident_id],
        )
        return [
            ResidentUnit(resident_id=rid, unit_id=uid, role=ResidentRole(role))
            for rid, uid, role in rows
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

    async def reachable(self, estate_id: int) -> Sequence[Resident]:
        bound = select(ResidentIdentityRow.resident_id)
        stmt = (
            select(ResidentRow)
            .where(ResidentRow.estate_id == estate_id, ResidentRow.id.in_(bound))
            .order_by(ResidentRow.id)
        )
        return [to_resident(row) for row in await self._session.scalars(stmt)]

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
