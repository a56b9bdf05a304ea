"""Importing bills: idempotent per unit, item and period; changed amounts become adjustments.

An unpaid bill gets its reminder timers in the same transaction (idempotent by dedupe key); a
bill the file marks paid stops the household's reminders when nothing else is open.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TypeVar
from zoneinfo import ZoneInfo

from workflows.csv_import import ImportReport, RowError, read_rows, start_report
from workflows.fee_reminders import after_payment, schedule_reminders
from workflows.fees import Bill, FeeItem
from workflows.money import MoneyError, parse_yuan
from workflows.ports import UnitOfWorkFactory

T = TypeVar("T")
COLUMNS = ("unit", "item", "period", "amount", "due_date")
OPTIONAL = ("paid_at",)
UNIT = re.compile(r"^\s*(?P<building>[^-\s]+)-(?P<entrance>[^-\s]+)-(?P<room>[^-\s]+)\s*$")
PERIOD_FORMS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})/(?P<m>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})\.(?P<m>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})年(?P<m>\d{1,2})月?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})$"),
)
ITEM_ALIASES = {
    "物业费": FeeItem.PROPERTY,
    "停车费": FeeItem.PARKING,
    "车位费": FeeItem.PARKING,
    "水费": FeeItem.WATER,
    "电费": FeeItem.POWER,
    "燃气费": FeeItem.GAS,
    "煤气费": FeeItem.GAS,
    "其他": FeeItem.OTHER,
}


@dataclass(frozen=True)
class BillLine:
    line: int
    building: str
    entrance: str
    room: str
    item: FeeItem
    period: str
    amount_fen: int
    due_date: date
    paid_on: date | None


def parse_period(text: str) -> str:
    for form in PERIOD_FORMS:
        match = form.match(text.strip())
        if match:
            year, month = int(match["y"]), int(match["m"])
            if 1 <= month <= 12 and 2000 <= year <= 2100:
                return f"{year:04d}-{month:02d}"
    raise ValueError(f"period {text!r} is not a month; write YYYY-MM, e.g. 2026-11")


def parse_date(text: str, column: str) -> date:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat("-".join(part.zfill(2) for part in cleaned.split("-")))
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date; write YYYY-MM-DD") from None


def parse_item(text: str) -> FeeItem:
    key = text.strip().lower()
    try:
        return FeeItem(key)
    except ValueError:
        if text.strip() in ITEM_ALIASES:
            return ITEM_ALIASES[text.strip()]
    names = ", ".join(item.value for item in FeeItem)
    raise ValueError(f"item {text!r} is unknown; use one of {names}")


def unit_cell(text: str) -> re.Match[str]:
    """The building, entrance and room of a spreadsheet's unit cell (3-2-1502), or Bad."""
    unit = UNIT.match(text)
    if not unit:
        raise Bad("unit", f"{text!r} is not a unit; write 3-2-1502")
    return unit


def parse_bills(data: bytes) -> tuple[list[BillLine], list[RowError], str]:
    """Parse a bills CSV; every problem is a RowError with its line, never an exception."""
    rows, encoding = read_rows(data, required=COLUMNS, optional=OPTIONAL)
    lines: list[BillLine] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str, FeeItem, str], int] = {}
    for number, row in rows:
        try:
            unit = unit_cell(row["unit"])
            parsed = BillLine(
                line=number,
                building=unit["building"],
                entrance=unit["entrance"],
                room=unit["room"],
                item=field_value("item", parse_item, row["item"]),
                period=field_value("period", parse_period, row["period"]),
                amount_fen=field_value("amount", _amount, row["amount"]),
                due_date=field_value(
                    "due_date", lambda t: parse_date(t, "due_date"), row["due_date"]
                ),
                paid_on=(
                    field_value("paid_at", lambda t: parse_date(t, "paid_at"), row["paid_at"])
                    if row.get("paid_at")
                    else None
                ),
            )
        except Bad as bad:
            errors.append(RowError(number, bad.column, bad.reason))
            continue
        key = (parsed.building, parsed.entrance, parsed.room, parsed.item, parsed.period)
        if key in seen:
            errors.append(RowError(number, "", f"duplicate of line {seen[key]}"))
            continue
        seen[key] = number
        lines.append(parsed)
    return lines, errors, encoding


class Bad(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def field_value(column: str, parse: Callable[[str], T], text: str) -> T:
    try:
        return parse(text)
    except (ValueError, MoneyError) as exc:
        raise Bad(column, str(exc)) from None


def _amount(text: str) -> int:
    try:
        return parse_yuan(text)
    except MoneyError as exc:
        raise ValueError(str(exc)) from None


async def import_bills(
    uow_factory: UnitOfWorkFactory,
    *,
    estate_id: int,
    data: bytes,
    now: datetime,
    tz: ZoneInfo,
    all_or_nothing: bool = False,
) -> ImportReport:
    """Import a bills file in one transaction; with ``all_or_nothing`` any bad row stops it."""
    lines, errors, encoding = parse_bills(data)
    report = start_report(encoding, rows=len(lines) + len(errors), rejected=errors)
    async with uow_factory() as uow:
        estate = await uow.directory.estate(estate_id)
        assert estate is not None, f"no estate {estate_id}"
        unpaid: list[Bill] = []  # new bills: schedule their reminder days
        idle: list[Bill] = []  # re-imported open bills: only if nothing is scheduled
        paid_units: set[int] = set()
        for line in lines:
            unit = await uow.directory.find_unit(
                estate_id=estate_id, building=line.building, entrance=line.entrance, room=line.room
            )
            if unit is None:
                label = f"{line.building}-{line.entrance}-{line.room}"
                report.rejected.append(RowError(line.line, "unit", f"no unit {label} here"))
                continue
            paid_at = (
                datetime.combine(line.paid_on, time(12, 0), tzinfo=tz) if line.paid_on else None
            )
            existing = await uow.bills.find(unit_id=unit.id, item=line.item, period=line.period)
            if existing is None:
                bill = await uow.bills.add(
                    Bill(
                        unit_id=unit.id,
                        item=line.item,
                        period=line.period,
                        amount_fen=line.amount_fen,
                        due_date=line.due_date,
                        paid_at=paid_at,
                    )
                )
                report.created += 1
                if not bill.is_paid:
                    unpaid.append(bill)
                continue
            changed = False
            if existing.amount_fen != line.amount_fen:
                await uow.bills.adjust(
                    existing, new_fen=line.amount_fen, at=now, reason=f"import line {line.line}"
                )
                changed = True
            if paid_at is not None and existing.paid_at is None and existing.id is not None:
                await uow.bills.mark_paid(existing.id, at=paid_at)
                paid_units.add(unit.id)
                changed = True
            elif existing.paid_at is None:
                idle.append(existing)
            if changed:
                report.updated += 1
            else:
                report.unchanged += 1
        for bill in unpaid:
            await schedule_reminders(uow, estate=estate, bill=bill, now=now)
        for bill in idle:
            await schedule_reminders(uow, estate=estate, bill=bill, now=now, only_if_idle=True)
        for unit_id in sorted(paid_units):
            await after_payment(uow, unit_id, now=now)
        report.rejected.sort(key=lambda error: error.line)
        if all_or_nothing and report.rejected:
            await uow.rollback()
            return report
        await uow.commit()
        report.committed = True
    return report
