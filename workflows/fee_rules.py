"""An estate's fee rules read from its configuration: reminder schedule, late fee, dunning steps.

Kept apart from the workflows so every date and amount rule is a pure function a test can check
by hand: reminders land on local calendar days, late fees are exact to the fen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from workflows.estate import Estate
from workflows.fees import Bill
from workflows.intake import levels_of

REMIND_HOUR = 10  # reminders go out mid-morning, local time, never at night
REMIND_KIND = "fee.remind"  # subject: ("unit", unit id)
DUNNING_KIND = "fee.dunning"  # subject: ("dunning_case", case id); payload: {"step": n}
UNIT_SUBJECT = "unit"
CASE_SUBJECT = "dunning_case"


@dataclass(frozen=True)
class ReminderPlan:
    """``estate.config["reminders"]``: days before the due date, on it, and every N days after."""

    days_before_due: tuple[int, ...] = (7,)
    on_due_date: bool = True
    repeat_every_days: int = 30

    @classmethod
    def of(cls, estate: Estate) -> ReminderPlan:
        raw = estate.config.get("reminders")
        if not isinstance(raw, dict):
            return cls()
        before = raw.get("days_before_due", [7])
        days = (
            tuple(int(d) for d in before if isinstance(d, int) and d > 0)
            if isinstance(before, list)
            else (7,)
        )
        repeat = raw.get("repeat_every_days", 30)
        return cls(
            days_before_due=days,
            on_due_date=bool(raw.get("on_due_date", True)),
            repeat_every_days=repeat if isinstance(repeat, int) and repeat > 0 else 0,
        )

    @property
    def horizon(self) -> int:
        """How many days ahead of its due date a bill is worth mentioning in a reminder."""
        return max(self.days_before_due, default=0)

    def days_for(self, due: date, today: date) -> list[date]:
        """The reminder days still ahead for a bill; an overdue bill is reminded today."""
        days = {due - timedelta(days=d) for d in self.days_before_due}
        if self.on_due_date:
            days.add(due)
        ahead = sorted(day for day in days if day >= today)
        return ahead or [today]


def tz_of(estate: Estate) -> ZoneInfo:
    return ZoneInfo(estate.timezone)


def local_today(estate: Estate, now: datetime) -> date:
    return now.astimezone(tz_of(estate)).date()


def remind_at(estate: Estate, day: date, now: datetime) -> datetime:
    """10:00 local on ``day``, or now if that moment has already passed."""
    at = datetime.combine(day, time(REMIND_HOUR), tzinfo=tz_of(estate))
    return max(at, now)


def late_fee_rate(estate: Estate) -> Decimal | None:
    """``late_fee_daily_rate`` as an exact fraction per day; None when the estate sets none."""
    raw = estate.config.get("late_fee_daily_rate")
    if raw is None or isinstance(raw, bool):
        return None
    try:
        rate = Decimal(str(raw))
    except InvalidOperation:
        return None
    if not rate.is_finite() or rate <= 0 or rate >= 1:
        return None
    return rate


def overdue_days(bill: Bill, today: date) -> int:
    return max(0, (today - bill.due_date).days)


def late_fee(bill: Bill, today: date, rate: Decimal | None) -> int:
    """amount × rate × overdue days, in fen, rounded half up once (as a receipt would)."""
    days = overdue_days(bill, today)
    if rate is None or days == 0 or bill.is_paid:
        return 0
    exact = Decimal(bill.amount_fen) * rate * days
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class LadderPlan:
    """Days between ladder steps: letter after the first notice, then visit, then legal."""

    letter_after_days: int = 90
    visit_after_days: int = 30
    legal_after_days: int = 30
    dispute_recheck_days: int = 7

    @classmethod
    def of(cls, estate: Estate) -> LadderPlan:
        raw = estate.config.get("dunning")
        extra = raw if isinstance(raw, dict) else {}

        def days(key: str, default: int) -> int:
            value = extra.get(key, default)
            return value if isinstance(value, int) and value > 0 else default

        return cls(
            letter_after_days=levels_of(estate).dunning_letter_after_days,
            visit_after_days=days("visit_after_days", 30),
            legal_after_days=days("legal_after_days", 30),
        )
