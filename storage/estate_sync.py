"""Apply an estate file to the database: create or update, in one transaction, idempotently.

Rows are matched by their natural keys (estate code, building code, entrance code, room, phone,
staff code, group code, FAQ question), so loading the same file twice changes nothing and ids
stay stable. Links (grids, group buildings, a resident's units) are set to exactly what the file
says; chat bindings made in chat are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.estate_file import EstateFile
from storage.estate_schema import UNIT_LABEL
from storage.schema import (
    BuildingRow,
    EntranceRow,
    EstateRow,
    FaqRow,
    ResidentIdentityRow,
    ResidentRow,
    ResidentUnitRow,
    StaffGridRow,
    StaffGroupBuildingRow,
    StaffGroupRow,
    StaffIdentityRow,
    StaffRow,
    UnitRow,
)

Row = TypeVar("Row")


@dataclass
class SyncReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool, changed: bool) -> None:
        if created:
            self.created[kind] = self.created.get(kind, 0) + 1
        elif changed:
            self.updated[kind] = self.updated.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _assign(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


async def _upsert(
    session: AsyncSession,
    report: SyncReport,
    kind: str,
    existing: Row | None,
    factory: type[Row],
    values: dict[str, Any],
) -> Row:
    if existing is None:
        row = factory(**values)
        session.add(row)
        await session.flush()
        report.count(kind, created=True, changed=True)
        return row
    report.count(kind, created=False, changed=_assign(existing, values))
    return existing


async def _set_links(
    session: AsyncSession,
    model: Any,
    owner_column: str,
    owner_id: int,
    target_column: str,
    targets: Iterable[int],
    extra: dict[str, Any] | None = None,
) -> None:
    wanted = set(targets)
    owner = getattr(model, owner_column)
    target = getattr(model, target_column)
    present = set(await session.scalars(select(target).where(owner == owner_id)))
    stale = present - wanted
    if stale:
        await session.execute(delete(model).where(owner == owner_id, target.in_(stale)))
    for target_id in sorted(wanted - present):
        session.add(model(**{owner_column: owner_id, target_column: target_id, **(extra or {})}))


def _config(spec: EstateFile) -> dict[str, Any]:
    info = spec.estate.model_dump(mode="json")
    return {
        key: info[key]
        for key in (
            "emergency_phones",
            "payment",
            "quiet_hours",
            "fee_rates",
            "late_fee_daily_rate",
            "reminders",
            "service_levels",
            "calendar",
        )
    }


async def sync_estate(
    session: AsyncSession, spec: EstateFile, *, now: datetime
) -> tuple[int, SyncReport]:
    """Write ``spec``; the caller owns the transaction (commit or roll back as one)."""
    report = SyncReport()
    info = spec.estate
    estate = await _upsert(
        session,
        report,
        "estate",
        await session.scalar(select(EstateRow).where(EstateRow.code == info.code)),
        EstateRow,
        {
            "code": info.code,
            "name": info.name,
            "timezone": info.timezone,
            "address": info.address,
            "front_desk_phone": info.front_desk_phone,
            "config": _config(spec),
        },
    )
    units = await _sync_buildings(session, report, estate.id, spec)
    buildings = {
        code: building_id
        for code, building_id in (
            await session.execute(
                select(BuildingRow.code, BuildingRow.id).where(BuildingRow.estate_id == estate.id)
            )
        )
    }
    await _sync_staff(session, report, estate.id, spec, buildings)
    await _sync_groups(session, report, estate.id, spec, buildings)
    await _sync_residents(session, report, estate.id, spec, units, now)
    await _sync_faq(session, report, estate.id, spec)
    await session.flush()
    return estate.id, report


async def _sync_buildings(
    session: AsyncSession, report: SyncReport, estate_id: int, spec: EstateFile
) -> dict[str, int]:
    """Buildings, entrances and units; returns unit ids by label (1-1-1502)."""
    units: dict[str, int] = {}
    for b in spec.buildings:
        building = await _upsert(
            session,
            report,
            "building",
            await session.scalar(
                select(BuildingRow).where(
                    BuildingRow.estate_id == estate_id, BuildingRow.code == b.code
                )
            ),
            BuildingRow,
            {
                "estate_id": estate_id,
                "code": b.code,
                "name": b.name,
                "floors": b.floors,
                "deep_link_token": b.deep_link_token,
            },
        )
        for e in b.entrances:
            entrance = await _upsert(
                session,
                report,
                "entrance",
                await session.scalar(
                    select(EntranceRow).where(
                        EntranceRow.building_id == building.id, EntranceRow.code == e.code
                    )
                ),
                EntranceRow,
                {"building_id": building.id, "code": e.code},
            )
            existing = {
                row.room: row
                for row in await session.scalars(
                    select(UnitRow).where(UnitRow.entrance_id == entrance.id)
                )
            }
            wanted: dict[str, Decimal | None] = {
                str(floor * 100 + n): e.area_m2
                for floor in range(1, b.floors + 1)
                for n in range(1, e.units_per_floor + 1)
            }
            wanted.update({u.room: u.area_m2 or e.area_m2 for u in e.units})
            for room, area in wanted.items():
                floor = int(room) // 100 if room.isdigit() else 0
                values = {
                    "entrance_id": entrance.id,
                    "building_id": building.id,
                    "room": room,
                    "floor": floor,
                    "area_m2": area,
                }
                row = existing.get(room)
                if row is None:
                    row = UnitRow(**values)
                    session.add(row)
                    report.count("unit", created=True, changed=True)
                else:
                    report.count("unit", created=False, changed=_assign(row, values))
                existing[room] = row
            await session.flush()
            for room, row in existing.items():
                units[f"{b.code}-{e.code}-{room}"] = row.id
    return units


async def _sync_staff(
    session: AsyncSession,
    report: SyncReport,
    estate_id: int,
    spec: EstateFile,
    buildings: dict[str, int],
) -> None:
    for s in spec.staff:
        staff = await _upsert(
            session,
            report,
            "staff",
            await session.scalar(
                select(StaffRow).where(StaffRow.estate_id == estate_id, StaffRow.code == s.code)
            ),
            StaffRow,
            {
                "estate_id": estate_id,
                "code": s.code,
                "name": s.name,
                "role": s.role,
                "phone": s.phone,
                "off_days": sorted(set(s.off_days)),
                "on_duty_fallback": s.on_duty_fallback,
            },
        )
        await _set_links(
            session, StaffGridRow, "staff_id", staff.id, "building_id",
            (buildings[code] for code in s.grid),
        )  # fmt: skip
        if s.telegram_id is not None:
            await _upsert(
                session,
                report,
                "staff_identity",
                await session.scalar(
                    select(StaffIdentityRow).where(
                        StaffIdentityRow.platform == "telegram",
                        StaffIdentityRow.external_id == str(s.telegram_id),
                    )
                ),
                StaffIdentityRow,
                {"staff_id": staff.id, "platform": "telegram", "external_id": str(s.telegram_id)},
            )


async def _sync_groups(
    session: AsyncSession,
    report: SyncReport,
    estate_id: int,
    spec: EstateFile,
    buildings: dict[str, int],
) -> None:
    for g in spec.staff_groups:
        group = await _upsert(
            session,
            report,
            "staff_group",
            await session.scalar(
                select(StaffGroupRow).where(
                    StaffGroupRow.estate_id == estate_id, StaffGroupRow.code == g.code
                )
            ),
            StaffGroupRow,
            {
                "estate_id": estate_id,
                "code": g.code,
                "name": g.name,
                "platform": g.platform,
                "chat_id": str(g.chat_id),
                "thread_id": g.thread_id,
                "purpose": g.purpose,
            },
        )
        await _set_links(
            session, StaffGroupBuildingRow, "group_id", group.id, "building_id",
            (buildings[code] for code in g.buildings),
        )  # fmt: skip


async def _sync_residents(
    session: AsyncSession,
    report: SyncReport,
    estate_id: int,
    spec: EstateFile,
    units: dict[str, int],
    now: datetime,
) -> None:
    for r in spec.residents:
        unit_ids = [units[_label(label)] for label in r.units]
        await upsert_resident(
            session,
            report,
            estate_id=estate_id,
            name=r.name,
            phone=r.phone,
            role=r.role,
            unit_ids=unit_ids,
            telegram_id=r.telegram_id,
            now=now,
            household_size=r.household_size,
            notes=r.notes,
        )


def _label(label: str) -> str:
    match = UNIT_LABEL.match(label.strip())
    assert match is not None  # validated by the schema
    return f"{match['building']}-{match['entrance']}-{match['room']}"


async def upsert_resident(
    session: AsyncSession,
    report: SyncReport,
    *,
    estate_id: int,
    name: str,
    phone: str,
    role: str,
    unit_ids: list[int],
    telegram_id: int | None,
    now: datetime,
    household_size: int | None = None,
    notes: str = "",
    replace_units: bool = True,
) -> int:
    """Create or update one resident by phone; shared by the estate file and the CSV import."""
    values: dict[str, Any] = {"estate_id": estate_id, "name": name, "phone": phone}
    if household_size is not None:
        values["household_size"] = household_size
    if notes:
        values["notes"] = notes
    resident = await _upsert(
        session,
        report,
        "resident",
        await session.scalar(
            select(ResidentRow).where(
                ResidentRow.estate_id == estate_id, ResidentRow.phone == phone
            )
        ),
        ResidentRow,
        values,
    )
    if replace_units:
        await _set_links(
            session, ResidentUnitRow, "resident_id", resident.id, "unit_id", unit_ids,
            extra={"role": role},
        )  # fmt: skip
    else:
        present = set(
            await session.scalars(
                select(ResidentUnitRow.unit_id).where(ResidentUnitRow.resident_id == resident.id)
            )
        )
        for unit_id in sorted(set(unit_ids) - present):
            session.add(ResidentUnitRow(resident_id=resident.id, unit_id=unit_id, role=role))
    for link in await session.scalars(
        select(ResidentUnitRow).where(
            ResidentUnitRow.resident_id == resident.id, ResidentUnitRow.unit_id.in_(unit_ids)
        )
    ):
        _assign(link, {"role": role})
    if telegram_id is not None:
        identity = await session.scalar(
            select(ResidentIdentityRow).where(
                ResidentIdentityRow.platform == "telegram",
                ResidentIdentityRow.external_id == str(telegram_id),
            )
        )
        if identity is None:
            session.add(
                ResidentIdentityRow(
                    resident_id=resident.id,
                    platform="telegram",
                    external_id=str(telegram_id),
                    bound_at=now,
                )
            )
            report.count("resident_identity", created=True, changed=True)
        else:
            report.count(
                "resident_identity",
                created=False,
                changed=_assign(identity, {"resident_id": resident.id}),
            )
    await session.flush()
    return resident.id


async def _sync_faq(
    session: AsyncSession, report: SyncReport, estate_id: int, spec: EstateFile
) -> None:
    for f in spec.faq:
        await _upsert(
            session,
            report,
            "faq",
            await session.scalar(
                select(FaqRow).where(FaqRow.estate_id == estate_id, FaqRow.question == f.question)
            ),
            FaqRow,
            {
                "estate_id": estate_id,
                "question": f.question,
                "answer": f.answer,
                "keywords": list(f.keywords),
                "category": f.category,
            },
        )
