"""Importing the residents spreadsheet an office keeps (name, phone, role, unit, telegram_id).

One row per resident and unit; a resident with two homes has two rows. Rows are matched to
existing residents by phone, so re-importing the same file changes nothing.
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.estate_schema import UNIT_LABEL
from storage.estate_sync import SyncReport, upsert_resident
from storage.schema import BuildingRow, EntranceRow, UnitRow
from workflows.csv_import import ImportReport, RowError, read_rows

COLUMNS = ("name", "phone", "unit")
OPTIONAL = ("role", "telegram_id")
PHONE = re.compile(r"^\d{7,15}$")


async def import_residents(
    session: AsyncSession,
    *,
    estate_id: int,
    data: bytes,
    now: datetime,
    all_or_nothing: bool = False,
) -> ImportReport:
    """Apply the file inside the caller's transaction; the report says whether to commit."""
    rows, encoding = read_rows(data, required=COLUMNS, optional=OPTIONAL)
    report = ImportReport(encoding=encoding)
    if encoding != "utf-8":
        report.notes.append("the file was GBK-encoded and was read as such")
    units = {
        f"{b}-{e}-{room}": unit_id
        for unit_id, b, e, room in (
            await session.execute(
                select(UnitRow.id, BuildingRow.code, EntranceRow.code, UnitRow.room)
                .join(EntranceRow, EntranceRow.id == UnitRow.entrance_id)
                .join(BuildingRow, BuildingRow.id == UnitRow.building_id)
                .where(BuildingRow.estate_id == estate_id)
            )
        )
    }
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        report.rows += 1
        problem = _problem(row, units)
        if problem:
            report.rejected.append(RowError(line, *problem))
            continue
        label = _label(row["unit"])
        key = (row["phone"], label)
        if key in seen:
            report.rejected.append(RowError(line, "", f"duplicate of line {seen[key]}"))
            continue
        seen[key] = line
        sync = SyncReport()
        await upsert_resident(
            session,
            sync,
            estate_id=estate_id,
            name=row["name"],
            phone=row["phone"],
            role=row.get("role") or "owner",
            unit_ids=[units[label]],
            telegram_id=int(row["telegram_id"]) if row.get("telegram_id") else None,
            now=now,
            replace_units=False,
        )
        if sync.created.get("resident"):
            report.created += 1
        elif sync.changed:
            report.updated += 1
        else:
            report.unchanged += 1
    report.committed = not (all_or_nothing and report.rejected)
    return report


def _label(text: str) -> str:
    match = UNIT_LABEL.match(text.strip())
    assert match is not None
    return f"{match['building']}-{match['entrance']}-{match['room']}"


def _problem(row: dict[str, str], units: dict[str, int]) -> tuple[str, str] | None:
    if not row["name"]:
        return "name", "empty name"
    if len(row["name"]) > 100:
        return "name", "name longer than 100 characters"
    if not PHONE.match(row["phone"]):
        return "phone", f"{row['phone']!r} is not a phone number (digits only)"
    if row.get("role") and row["role"] not in {"owner", "tenant"}:
        return "role", f"role {row['role']!r} must be owner or tenant"
    if row.get("telegram_id") and not row["telegram_id"].isdigit():
        return "telegram_id", f"{row['telegram_id']!r} is not a Telegram user id"
    match = UNIT_LABEL.match(row["unit"])
    if not match:
        return "unit", f"{row['unit']!r} is not a unit; write building-entrance-room, e.g. 3-2-1502"
    if _label(row["unit"]) not in units:
        return "unit", f"no unit {row['unit']} in this estate"
    return None
