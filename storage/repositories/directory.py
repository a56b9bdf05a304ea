"""Estate structure and staff, read-only for workflows."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.rawsql import RawSql
from storage.schema import (
    BuildingRow,
    EntranceRow,
    EstateRow,
    FaqRow,
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
_STAFF = (
    "SELECT s.id, s.estate_id, s.code, s.name, s.role, s.phone, s.off_days, s.on_duty_fallback "
    "FROM staff s"
)
_STAFF_BY_IDENTITY = (
    f"{_STAFF} JOIN staff_identities i ON i.staff_id = s.id "
    "WHERE i.platform = ? AND i.external_id = ?"
)
_GROUP = (
    "SELECT g.id, g.estate_id, g.code, g.name, g.platform, g.chat_id, g.purpose, g.thread_id "
    "FROM staff_groups g"
)


def _read_group(row: Sequence[Any]) -> StaffGroup:
    gid, estate_id, code, name, platform, chat_id, purpose, thread_id = row
    return StaffGroup(
        id=gid,
        estate_id=estate_id,
        code=code,
        name=name,
        platform=Platform(platform),
        chat_id=chat_id,
        purpose=GroupPurpose(purpose),
        thread_id=thread_id,
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

    # Staff and groups are read whenever a ticket is filed or a button pressed: written by
    # hand (storage.rawsql), each ORM statement cost more than the rest of the message.

    async def staff(self, staff_id: int) -> Staff | None:
        row = await self._raw.one(f"{_STAFF} WHERE s.id = ?", [staff_id])
        return self._read_staff(row) if row else None

    async def staff_by_identity(self, platform: Platform, external_id: str) -> Staff | None:
        row = await self._raw.one(_STAFF_BY_IDENTITY, [platform.value, external_id])
        return self._read_staff(row) if row else None

    async def staff_with_role(self, estate_id: int, role: StaffRole) -> Sequence[Staff]:
        rows = await self._raw.all(
            f"{_STAFF} WHERE s.estate_id = ? AND s.role = ? ORDER BY s.id", [estate_id, role.value]
        )
        return [self._read_staff(row) for row in rows]

    async def stewards_of_building(self, building_id: int) -> Sequence[Staff]:
        rows = await self._raw.all(
            f"{_STAFF} JOIN staff_grid g ON g.staff_id = s.id WHERE g.building_id = ? "
            "ORDER BY s.id",
            [building_id],
        )
        return [self._read_staff(row) for row in rows]

    def _read_staff(self, row: Sequence[Any]) -> Staff:
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

    async def grid_of(self, staff_id: int) -> Sequence[int]:
        rows = await self._raw.all(
            "SELECT building_id FROM staff_grid WHERE staff_id = ? ORDER BY building_id",
            [staff_id],
        )
        return [int(building_id) for (building_id,) in rows]

    async def staff_identity(self, staff_id: int, platform: Platform) -> str | None:
        row = await self._raw.one(
            "SELECT external_id FROM staff_identities WHERE staff_id = ? AND platform = ?",
            [staff_id, platform.value],
        )
        return str(row[0]) if row else None

    async def groups_for_building(
        self, building_id: int, platform: Platform
    ) -> Sequence[StaffGroup]:
        rows = await self._raw.all(
            f"{_GROUP} JOIN staff_group_buildings gb ON gb.group_id = g.id "
            "WHERE gb.building_id = ? AND g.platform = ? ORDER BY g.id",
            [building_id, platform.value],
        )
        return [_read_group(row) for row in rows]

    async def groups_with_purpose(
        self, estate_id: int, purpose: GroupPurpose, platform: Platform
    ) -> Sequence[StaffGroup]:
        rows = await self._raw.all(
            f"{_GROUP} WHERE g.estate_id = ? AND g.purpose = ? AND g.platform = ? ORDER BY g.id",
            [estate_id, purpose.value, platform.value],
        )
        return [_read_group(row) for row in rows]

    async def group_by_chat(self, platform: Platform, chat_id: str) -> StaffGroup | None:
        row = await self._raw.one(
            f"{_GROUP} WHERE g.platform = ? AND g.chat_id = ? LIMIT 1", [platform.value, chat_id]
        )
        return _read_group(row) if row else None

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
