"""The supervisors' fee report: collection rate per building, arrears by age; no names, ever.

Collection rate is paid ÷ billed (in fen) over the bills of this month's period and of this
year's periods up to this month, counting payments made by the report's moment. Arrears are
bills unpaid at that moment and past their due date, bucketed by days overdue. The same numbers
feed the ``/arrears`` message and the CSV export, so the two can never disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from workflows.fees import Bill, PlacedBill
from workflows.money import format_yuan
from workflows.phrases import say

#: (label, first day overdue, last day overdue or None)
BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 1, 30),
    ("31-90", 31, 90),
    ("91-180", 91, 180),
    (">180", 181, None),
)
ALL = "all"


@dataclass
class Collection:
    bills: int = 0
    billed_fen: int = 0
    paid_fen: int = 0

    def add(self, bill: Bill, paid: bool) -> None:
        self.bills += 1
        self.billed_fen += bill.amount_fen
        self.paid_fen += bill.amount_fen if paid else 0

    @property
    def rate(self) -> str:
        """'83.3%' (exact, half up), or '—' when nothing was billed."""
        if not self.billed_fen:
            return "—"
        tenths = (Decimal(self.paid_fen) * 1000 / Decimal(self.billed_fen)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP
        )
        return f"{tenths / 10:.1f}%"


@dataclass
class Aging:
    counts: dict[str, int] = field(default_factory=lambda: {b[0]: 0 for b in BUCKETS})
    amounts: dict[str, int] = field(default_factory=lambda: {b[0]: 0 for b in BUCKETS})

    def add(self, bill: Bill, days: int) -> None:
        for label, first, last in BUCKETS:
            if days >= first and (last is None or days <= last):
                self.counts[label] += 1
                self.amounts[label] += bill.amount_fen
                return

    @property
    def count(self) -> int:
        return sum(self.counts.values())

    @property
    def amount_fen(self) -> int:
        return sum(self.amounts.values())


@dataclass
class ArrearsReport:
    estate: str
    today: date
    month: str
    year: str
    month_rates: dict[str, Collection] = field(default_factory=dict)
    year_rates: dict[str, Collection] = field(default_factory=dict)
    aging: dict[str, Aging] = field(default_factory=dict)

    @property
    def buildings(self) -> list[str]:
        codes = {*self.month_rates, *self.year_rates, *self.aging} - {ALL}
        return sorted(codes, key=lambda c: (0, int(c), c) if c.isdigit() else (1, 0, c))


def build_report(
    estate: str, placed: Sequence[PlacedBill], *, today: date, now: datetime
) -> ArrearsReport:
    month = f"{today.year:04d}-{today.month:02d}"
    year = f"{today.year:04d}"
    report = ArrearsReport(estate=estate, today=today, month=month, year=year)
    for entry in placed:
        bill = entry.bill
        paid = bill.paid_at is not None and bill.paid_at <= now
        for key in (entry.building_code, ALL):
            if bill.period == month:
                report.month_rates.setdefault(key, Collection()).add(bill, paid)
            if bill.period.startswith(year) and bill.period <= month:
                report.year_rates.setdefault(key, Collection()).add(bill, paid)
            days = (today - bill.due_date).days
            if not paid and days > 0:
                report.aging.setdefault(key, Aging()).add(bill, days)
    return report


def render_report(report: ArrearsReport, language: str = "zh-Hans") -> str:
    """The group message: rates and aggregate arrears only (no unit, no name)."""
    lines = [
        say("arrears_title", language, estate=report.estate, date=report.today.isoformat()),
        say("arrears_rate_header", language, month=report.month, year=report.year),
    ]
    for code in [*report.buildings, ALL]:
        label = (
            say("arrears_all_buildings", language)
            if code == ALL
            else say("arrears_building", language, code=code)
        )
        lines.append(
            say(
                "arrears_rate_line",
                language,
                building=label,
                month_rate=report.month_rates.get(code, Collection()).rate,
                year_rate=report.year_rates.get(code, Collection()).rate,
            )
        )
    aging = report.aging.get(ALL, Aging())
    lines.append(say("arrears_age_header", language))
    for label, _, _ in BUCKETS:
        lines.append(
            say(
                "arrears_age_line",
                language,
                bucket=label,
                count=aging.counts[label],
                amount=format_yuan(aging.amounts[label]),
            )
        )
    lines.append(
        say("arrears_total", language, count=aging.count, amount=format_yuan(aging.amount_fen))
    )
    return "\n".join(lines)


def report_csv(report: ArrearsReport) -> str:
    """Rows of section,building,scope,bills,amount,paid,rate: per building, then ``all``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "building", "scope", "bills", "amount", "paid", "rate"])
    for code in [*report.buildings, ALL]:
        for scope, rates in ((report.month, report.month_rates), (report.year, report.year_rates)):
            c = rates.get(code, Collection())
            writer.writerow(
                [
                    "collection",
                    code,
                    scope,
                    c.bills,
                    format_yuan(c.billed_fen).replace(",", ""),
                    format_yuan(c.paid_fen).replace(",", ""),
                    c.rate,
                ]
            )
    for code in [*report.buildings, ALL]:
        aging = report.aging.get(code, Aging())
        for label, _, _ in BUCKETS:
            amount = format_yuan(aging.amounts[label]).replace(",", "")
            writer.writerow(["arrears", code, label, aging.counts[label], amount, "", ""])
    return out.getvalue()
