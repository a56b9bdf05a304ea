"""Payments: the office's payments file, a staff member marking one bill paid, and what follows.

Whatever marks a bill paid ends in ``fee_reminders.after_payment`` in the same transaction, so
reminders stop and the dunning case closes the moment the payment is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from workflows.bill_import import (
    UNIT,
    Bad,
    field_value,
    parse_date,
    parse_item,
    parse_period,
    unit_cell,
)
from workflows.csv_import import ImportReport, RowError, read_rows, start_report
from workflows.estate import Estate
from workflows.fee_reminders import after_payment
from workflows.fee_rules import tz_of
from workflows.fees import FeeItem
from workflows.money import format_yuan, parse_yuan
from workflows.ports import UnitOfWork, UnitOfWorkFactory

COLUMNS = ("unit", "item", "period", "paid_at")
OPTIONAL = ("amount",)
PAID_HOUR = 12  # a paid date without a time is stored as local noon, as bills import does


@dataclass(frozen=True)
class PaymentLine:
    line: int
    building: str
    entrance: str
    room: str
    item: FeeItem
    period: str
    paid_on: date
    amount_fen: int | None


def parse_payments(data: bytes) -> tuple[list[PaymentLine], list[RowError], str]:
    """Parse a payments CSV (unit,item,period,paid_at[,amount]); bad rows become RowErrors."""
    rows, encoding = read_rows(data, required=COLUMNS, optional=OPTIONAL)
    lines: list[PaymentLine] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str, FeeItem, str], int] = {}
    for number, row in rows:
        try:
            unit = unit_cell(row["unit"])
            amount = row.get("amount", "")
            parsed = PaymentLine(
                line=number,
                building=unit["building"],
                entrance=unit["entrance"],
                room=unit["room"],
                item=field_value("item", parse_item, row["item"]),
                period=field_value("period", parse_period, row["period"]),
                paid_on=field_value("paid_at", lambda t: parse_date(t, "paid_at"), row["paid_at"]),
                amount_fen=field_value("amount", parse_yuan, amount) if amount else None,
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


async def import_payments(
    uow_factory: UnitOfWorkFactory,
    *,
    estate_id: int,
    data: bytes,
    now: datetime,
    all_or_nothing: bool = False,
) -> ImportReport:
    """Mark bills paid from a payments file in one transaction; re-importing changes nothing."""
    lines, errors, encoding = parse_payments(data)
    report = start_report(encoding, rows=len(lines) + len(errors), rejected=errors)
    async with uow_factory() as uow:
        estate = await uow.directory.estate(estate_id)
        assert estate is not None
        paid_units: set[int] = set()
        for line in lines:
            label = f"{line.building}-{line.entrance}-{line.room}"
            unit = await uow.directory.find_unit(
                estate_id=estate_id, building=line.building, entrance=line.entrance, room=line.room
            )
            if unit is None:
                report.rejected.append(RowError(line.line, "unit", f"no unit {label} here"))
                continue
            bill = await uow.bills.find(unit_id=unit.id, item=line.item, period=line.period)
            if bill is None or bill.id is None:
                reason = f"no {line.item.value} bill for {label} in {line.period}"
                report.rejected.append(RowError(line.line, "", reason))
                continue
            if line.amount_fen is not None and line.amount_fen != bill.amount_fen:
                reason = f"amount differs from the bill's {format_yuan(bill.amount_fen)}"
                report.rejected.append(RowError(line.line, "amount", reason))
                continue
            if bill.is_paid:
                report.unchanged += 1
                continue
            await uow.bills.mark_paid(bill.id, at=paid_instant(estate, line.paid_on))
            paid_units.add(unit.id)
            report.updated += 1
        for unit_id in sorted(paid_units):
            await after_payment(uow, unit_id, now=now)
        report.rejected.sort(key=lambda error: error.line)
        if all_or_nothing and report.rejected:
            await uow.rollback()
            return report
        if report.updated:
            report.notes.append(f"{report.updated} bill(s) marked paid")
        await uow.commit()
        report.committed = True
    return report


def paid_instant(estate: Estate, day: date) -> datetime:
    return datetime.combine(day, time(PAID_HOUR), tzinfo=tz_of(estate))


class MarkResult(StrEnum):
    DONE = "paid_done"
    ALREADY = "paid_already"
    NOT_FOUND = "paid_not_found"
    USAGE = "paid_usage"


async def mark_paid_by_staff(
    uow: UnitOfWork, *, estate: Estate, args: str, now: datetime
) -> tuple[MarkResult, dict[str, object]]:
    """``/paid 1-1-1502 物业费 2026-10`` typed by staff: mark that one bill paid now."""
    words = args.split()
    if len(words) != 3:
        return MarkResult.USAGE, {}
    unit_match = UNIT.match(words[0])
    try:
        item, period = parse_item(words[1]), parse_period(words[2])
    except ValueError:
        return MarkResult.USAGE, {}
    if unit_match is None:
        return MarkResult.USAGE, {}
    values: dict[str, object] = {"unit": words[0], "item": words[1], "period": period}
    unit = await uow.directory.find_unit(
        estate_id=estate.id,
        building=unit_match["building"],
        entrance=unit_match["entrance"],
        room=unit_match["room"],
    )
    bill = await uow.bills.find(unit_id=unit.id, item=item, period=period) if unit else None
    if unit is None or bill is None or bill.id is None:
        return MarkResult.NOT_FOUND, values
    if bill.is_paid:
        return MarkResult.ALREADY, values
    await uow.bills.mark_paid(bill.id, at=now)
    await after_payment(uow, unit.id, now=now)
    return MarkResult.DONE, values
