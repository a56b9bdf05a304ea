"""Estate structure and staff, read-only for workflows."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.rawsql import RawSql
from storage.schema import (
    BuildingRow,
    EntranceRow,
    EstateRow,
    FaqRow,
    StaffGridRow,
    StaffGroupBuildingRow,
    StaffGroupRow,
    StaffIdentityRow,
    StaffRow,
    UnitRow,
)
from workflows.estate import (
    Building,
    Estate,
    FaqEntry,
    GroupPurpose,
    Platform,
    Staff,
    StaffGroup,
    StaffRole,
    Unit,
)


def to_estate(row: EstateRow) -> Estate:
    return Estate(
        id=row.id,
        code=row.code,
        name=row.name,
        timezone=row.timezone,
        address=row.address,
        front_desk_phone=row.front_desk_phone,
        config=dict(row.config),
    )


def to_building(row: BuildingRow) -> Building:
    return Building(
        id=row.id,
        estate_id=row.estate_id,
        code=row.code,
        name=row.name,
        floors=row.floors,
        deep_link_token=row.deep_link_token,
    )


def to_staff(row: StaffRow) -> Staff:
    return Staff(
        id=row.id,
        estate_id=row.estate_id,
        code=row.code,
        name=row.name,
        role=StaffRole(row.role),
        phone=row.phone,
        off_days=tuple(int(day) for day in row.off_days),
        on_duty_fallback=row.on_duty_fallback,
    )


def to_group(row: StaffGroupRow) -> StaffGroup:
    return StaffGroup(
        id=row.id,
        estate_id=row.estate_id,
        code=row.code,
        name=row.name,
        platform=Platform(row.platform),
        chat_id=row.chat_id,
        purpose=GroupPurpose(row.purpose),
        thread_id=row.thread_id,
    )


def to_unit(row: UnitRow, entrance_code: str, building_code: str) -> Unit:
    return Unit(
        id=row.id,
        building_id=row.building_id,
        entrance_id=row.entrance_id,
        building_code=building_code,
        entrance_code=entrance_code,
        room=row.room,
        floor=row.floor,
        area_m2=row.area_m2,
    )


def unit_query() -> Select[UnitRow, str, str]:
    """Units joined with the codes that make their quotable label."""
    return (
        select(UnitRow, EntranceRow.code, BuildingRow.code)
        .join(EntranceRow, EntranceRow.id == UnitRow.entrance_id)
        .join(BuildingRow, BuildingRow.id == UnitRow.building_id)
    )


_UNIT = (
    "SELECT u.id, u.building_id, u.entrance_id, b.code, e.code, u.room, u.floor, u.area_m2 "
    "FROM units u JOIN entrances e ON e.id = u.entrance_id "
    "JOIN buildings b ON b.id = u.building_id WHERE u.id = ?"
)
_STAFF_BY_IDENTITY = (
    "SELECT s.id, s.estate_id, s.code, s.name, s.role, s.phone, s.off_days, s.on_duty_fallback "
    "FROM staff s JOIN staff_identities i ON i.staff_id = s.id "
    "WHERE i.platform = ? AND i.external_id = ?"
)


class SqlEstateDirectory:
    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        self._session = session
        self._raw = raw

    async def estate_by_code(self, code: str) -> Estate | None:
        row = await self._session.scalar(select(EstateRow).where(EstateRow.code == code))
        return to_estate(row) if row else None

    async def estate(self, estate_id: int) -> Estate | None:
        row = await self._session.get(EstateRow, estate_id)
        return to_estate(row) if row else None

    async def estates(self) -> Sequence[Estate]:
        rows = await self._session.scalars(select(EstateRow).order_by(EstateRow.id))
        return [to_estate(row) for row in rows]

    async def building_by_token(self, token: str) -> Building | None:
        stmt = select(BuildingRow).where(BuildingRow.deep_link_token == token)
        row = await self._session.scalar(stmt)
        return to_building(row) if row else None

    async def building(self, building_id: int) -> Building | None:
        row = await self._session.get(BuildingRow, building_id)
        return to_building(row) if row else None

    async def unit(self, unit_id: int) -> Unit | None:
        """Asked whenever a resident's units are listed: written by hand (storage.rawsql)."""
        row = await self._raw.one(_UNIT, [unit_id])
        if row is None:
            return None
        uid, building_id, entrance_id, building_code, entrance_code, room, floor, area = row
        return Unit(
            id=uid,
            building_id=building_id,
            entrance_id=entrance_id,
            building_code=building_code,
            entrance_code=entrance_code,
            room=room,
            floor=floor,
            area_m2=None if area is None else Decimal(str(area)).quantize(Decimal("0.01")),
        )

    async def find_unit(
        self, *, estate_id: int, building: str, entrance: str | None, room: str
    ) -> Unit | None:
        stmt = unit_query().where(
            BuildingRow.estate_id == estate_id,
            BuildingRow.code == building,
            UnitRow.room == room,
        )
        if entrance is not None:
            stmt = stmt.where(EntranceRow.code == entrance)
        found = (await self._session.execute(stmt.limit(2))).all()
        # Without an entrance a room number can be ambiguous (1-1-302 and 1-2-302): refuse to guess.
        if len(found) != 1:
            return None
        row, entrance_code, building_code = found[0]
        return to_unit(row, entrance_code, building_code)

    async def staff(self, staff_id: int) -> Staff | None:
        row = await self._session.get(StaffRow, staff_id)
        return to_staff(row) if row else None

    async def staff_by_identity(self, platform: Platform, external_id: str) -> Staff | None:
        """Asked on every button press and group message: written by hand (storage.rawsql)."""
        row = await self._raw.one(_STAFF_BY_IDENTITY, [platform.value, external_id])
        if row is None:
            return None
        sid, estate_id, code, name, role, phone, off_days, fallback = row
        return Staff(
            id=sid,
            estate_id=estate_id,
            code=code,
            name=name,
            role=StaffRole(role),
            phone=phone,
            off_days=tuple(int(day) for day in self._raw.read_js(off_days) or ()),
            on_duty_fallback=bool(fallback),
        )

    async def staff_with_role(self, estate_id: int, role: StaffRole) -> Sequence[Staff]:
        stmt = (
            select(StaffRow)
            .where(StaffRow.estate_id == estate_id, StaffRow.role == role.value)
            .order_by(StaffRow.id)
        )
        return [to_staff(row) for row in await self._session.scalars(stmt)]

    async def stewards_of_building(self, building_id: int) -> Sequence[Staff]:
        stmt = (
            select(StaffRow)
            .join(StaffGridRow, StaffGridRow.staff_id == StaffRow.id)
            .where(StaffGridRow.building_id == building_id)
            .order_by(StaffRow.id)
        )
        return [to_staff(row) for row in await self._session.scalars(stmt)]

    async def grid_of(self, staff_id: int) -> Sequence[int]:
        stmt = select(StaffGridRow.building_id).where(StaffGridRow.staff_id == staff_id)
        return sorted(await self._session.scalars(stmt))

    async def staff_identity(self, staff_id: int, platform: Platform) -> str | None:
        stmt = select(StaffIdentityRow.external_id).where(
            StaffIdentityRow.staff_id == staff_id, StaffIdentityRow.platform == platform.value
        )
        return await self._session.scalar(stmt)

    async def groups_for_building(
        self, building_id: int, platform: Platform
    ) -> Sequence[StaffGroup]:
        stmt = (
            select(StaffGroupRow)
            .join(StaffGroupBuildingRow, StaffGroupBuildingRow.group_id == StaffGroupRow.id)
            .where(
                StaffGroupBuildingRow.building_id == building_id,
                StaffGroupRow.platform == platform.value,
            )
            .order_by(StaffGroupRow.id)
        )
        return [to_group(row) for row in await self._session.scalars(stmt)]

    async def groups_with_purpose(
        self, estate_id: int, purpose: GroupPurpose, platform: Platform
    ) -> Sequence[StaffGroup]:
        stmt = (
            select(StaffGroupRow)
            .where(
                StaffGroupRow.estate_id == estate_id,
                StaffGroupRow.purpose == purpose.value,
                StaffGroupRow.platform == platform.value,
            )
            .order_by(StaffGroupRow.id)
        )
        return [to_group(row) for row in await self._session.scalars(stmt)]

    async def group_by_chat(self, platform: Platform, chat_id: str) -> StaffGroup | None:
        stmt = select(StaffGroupRow).where(
            StaffGroupRow.platform == platform.value, StaffGroupRow.chat_id == chat_id
        )
        row = await self._session.scalar(stmt.limit(1))
        return to_group(row) if row else None

    async def faq(self, estate_id: int) -> Sequence[FaqEntry]:
        stmt = select(FaqRow).where(FaqRow.estate_id == estate_id).order_by(FaqRow.id)
        return [
            FaqEntry(
                id=row.id,
                estate_id=row.estate_id,
                question=row.question,
                answer=row.answer,
                keywords=tuple(str(k) for k in row.keywords),
                category=row.category,
            )
            for row in await self._session.scalars(stmt)
        ]
