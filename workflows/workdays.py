"""China's working-day calendar: weekends, statutory holidays and the swapped working weekends.

Deadlines counted in working days (装修 approval in 3) follow the State Council's yearly notice:
holidays are days off even on weekdays, and the adjusted days (调休) are working days even on a
Saturday or Sunday. The built-in table carries 2026 (国办发明电〔2025〕号 notice); an estate adds
later years, or its own closures, in the estate file::

    calendar:
      holidays: ["2027-01-01", ...]
      workdays: ["2027-02-06", ...]

Outside the table a day is a working day Monday to Friday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta


def _span(first: str, last: str) -> frozenset[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return frozenset(start + timedelta(days=n) for n in range((end - start).days + 1))


HOLIDAYS_2026 = (
    _span("2026-01-01", "2026-01-03")  # 元旦
    | _span("2026-02-15", "2026-02-23")  # 春节
    | _span("2026-04-04", "2026-04-06")  # 清明节
    | _span("2026-05-01", "2026-05-05")  # 劳动节
    | _span("2026-06-19", "2026-06-21")  # 端午节
    | _span("2026-09-25", "2026-09-27")  # 中秋节
    | _span("2026-10-01", "2026-10-07")  # 国庆节
)
WORKDAYS_2026 = frozenset(
    date.fromisoformat(day)
    for day in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10")
)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = HOLIDAYS_2026
    workdays: frozenset[date] = WORKDAYS_2026

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.isoweekday() <= 5

    def extended(self, holidays: Iterable[date], workdays: Iterable[date]) -> WorkCalendar:
        extra_off, extra_on = frozenset(holidays), frozenset(workdays)
        return WorkCalendar(
            holidays=(self.holidays | extra_off) - extra_on,
            workdays=(self.workdays | extra_on) - extra_off,
        )


CHINA = WorkCalendar()


def calendar_from(config: Mapping[str, object]) -> WorkCalendar:
    """The built-in calendar plus the estate file's ``calendar`` section (already validated)."""
    section = config.get("calendar")
    if not isinstance(section, Mapping):
        return CHINA

    def days(key: str) -> list[date]:
        values = section.get(key) or []
        assert isinstance(values, list)
        return [date.fromisoformat(str(v)) for v in values]

    return CHINA.extended(days("holidays"), days("workdays"))
