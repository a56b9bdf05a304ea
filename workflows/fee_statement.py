"""What a household owes and what it paid, as the resident reads it in a private chat.

Only the bills of units the resident is linked to are ever loaded; the statement is built from
them alone, so two households can never see each other's bills. Amounts are integer fen to the
last line; late fees are computed on the estate's local calendar day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from workflows.estate import Estate, Unit
from workflows.fee_rules import late_fee, late_fee_rate, local_today, overdue_days, tz_of
from workflows.fees import FEE_ITEM_NAMES, Bill
from workflows.money import format_yuan
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.tickets import TicketKind

RECENT_PAYMENTS = 3
RECEIPTS = 6


@dataclass(frozen=True)
class Household:
    """The units a resident may see bills for, and those bills."""

    units: dict[int, Unit]
    bills: Sequence[Bill]

    @property
    def open(self) -> list[Bill]:
        return [bill for bill in self.bills if not bill.is_paid]

    @property
    def paid(self) -> list[Bill]:
        """Paid bills, most recently paid first."""
        paid = [bill for bill in self.bills if bill.paid_at is not None]
        return sorted(paid, key=lambda b: (b.paid_at, b.period), reverse=True)


async def household_of(uow: UnitOfWork, resident_id: int) -> Household:
    units: dict[int, Unit] = {}
    for link in await uow.residents.units_of(resident_id):
        unit = await uow.directory.unit(link.unit_id)
        if unit is not None:
            units[unit.id] = unit
    bills = await uow.bills.for_units(list(units))
    return Household(units=units, bills=[b for b in bills if b.unit_id in units])


def item_name(bill: Bill, language: str) -> str:
    return bill.item.value if language == "en" else FEE_ITEM_NAMES[bill.item]


def items_text(bills: Sequence[Bill], units: dict[int, Unit], language: str) -> str:
    """``1-1-1502 物业费 2026-10、1-1-1502 停车费 2026-10``: no amounts, fit for staff cards."""
    parts = [f"{units[b.unit_id].label} {item_name(b, language)} {b.period}" for b in bills]
    return "、".join(parts) if language != "en" else ", ".join(parts)


def statement(
    estate: Estate,
    household: Household,
    *,
    now: datetime,
    language: str,
    checking: frozenset[int] = frozenset(),
) -> str:
    """Open items by unit, item and month, late fees, the total, how to pay, recent payments."""
    today = local_today(estate, now)
    rate = late_fee_rate(estate)
    open_bills = household.open
    if not open_bills:
        lines = [say("fees_none", language)]
    else:
        lines = [say("fees_header", language)]
        total = late_total = 0
        for bill in open_bills:
            values: dict[str, object] = {
                "unit": household.units[bill.unit_id].display,
                "item": item_name(bill, language),
                "period": bill.period,
                "amount": format_yuan(bill.amount_fen),
                "due": bill.due_date.isoformat(),
            }
            late = late_fee(bill, today, rate)
            if bill.id in checking:
                lines.append(say("fees_line_checking", language, **values))
                continue
            total += bill.amount_fen + late
            late_total += late
            if overdue_days(bill, today) and rate is not None:
                days = overdue_days(bill, today)
                late_text = format_yuan(late)
                lines.append(say("fees_line_late", language, days=days, late=late_text, **values))
            else:
                lines.append(say("fees_line", language, **values))
        if late_total:
            lines.append(
                say(
                    "fees_total_late",
                    language,
                    total=format_yuan(total),
                    late=format_yuan(late_total),
                )
            )
        else:
            lines.append(say("fees_total", language, total=format_yuan(total)))
        lines += payment_lines(estate, language)
    recent = household.paid[:RECENT_PAYMENTS]
    if recent:
        lines.append(say("fees_recent_header", language))
        lines += receipt_lines(estate, household, recent, language)
    return "\n".join(lines)


def payment_lines(estate: Estate, language: str) -> list[str]:
    payment = estate.config.get("payment")
    lines: list[str] = []
    if isinstance(payment, dict):
        if payment.get("link"):
            lines.append(say("fees_link", language, link=payment["link"]))
        if payment.get("desk"):
            lines.append(say("fees_desk", language, desk=payment["desk"]))
    return lines


def receipt_lines(
    estate: Estate, household: Household, bills: Sequence[Bill], language: str
) -> list[str]:
    tz = tz_of(estate)
    lines = []
    for bill in bills:
        assert bill.paid_at is not None
        lines.append(
            say(
                "receipt_line",
                language,
                unit=household.units[bill.unit_id].display,
                item=item_name(bill, language),
                period=bill.period,
                amount=format_yuan(bill.amount_fen),
                paid=bill.paid_at.astimezone(tz).date().isoformat(),
            )
        )
    return lines


def receipts(estate: Estate, household: Household, *, language: str) -> str:
    """The last paid items: unit, item, period, amount and paid date."""
    paid = household.paid[:RECEIPTS]
    if not paid:
        return say("receipts_none", language)
    lines = [say("receipts_header", language)]
    lines += receipt_lines(estate, household, paid, language)
    lines.append(say("receipts_invoice", language))
    return "\n".join(lines)


async def disputed_bill_ids(uow: UnitOfWork, unit_id: int) -> frozenset[int]:
    """Bills an open payment check (FEE_DISPUTE ticket) covers: reminders skip them."""
    ids: set[int] = set()
    for ticket in await uow.tickets.open_for_unit(unit_id, kind=TicketKind.FEE_DISPUTE):
        if ticket.kind is TicketKind.FEE_DISPUTE and ticket.is_open:
            raw = ticket.details.get("bill_ids")
            if isinstance(raw, list):
                ids.update(int(i) for i in raw if isinstance(i, int))
    return frozenset(ids)
