"""One injectable clock for all time logic.

Every service-level deadline, quiet hour and reminder is computed from ``Clock.now()``; tests
swap in :class:`FixedClock` and move time by hand instead of sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    """The wall clock, always in UTC so stored instants never depend on the host's zone."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that only moves when told to: the basis of every scenario test."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 2, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> datetime:
        self.current = self.current + delta
        return self.current

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self.current = instant


def ensure_aware(instant: datetime) -> datetime:
    """Refuse naive datetimes early: a naive value silently shifts every deadline by 8 hours."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()} where an aware one is required")
    return instant


def local_day(instant: datetime, tz: ZoneInfo = SHANGHAI) -> str:
    """The estate-local calendar day as YYYYMMDD, used in quotable ticket numbers."""
    return ensure_aware(instant).astimezone(tz).strftime("%Y%m%d")


def utc(instant: datetime) -> datetime:
    return ensure_aware(instant).astimezone(UTC)


ZERO = timedelta(0)
