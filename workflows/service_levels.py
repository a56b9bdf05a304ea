"""Every service-level number of the manuals, as defaults an estate may override.

The numbers come from ../shared/domain.md: 20 minutes on site and 8 hours to fix for 急修, 2 hours
for 一般维修, one day's notice for scheduled work, a 15-minute first reply to a complaint, callbacks
within 24 hours or 2 days, the 3-month dunning step. Estates override by key, in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import timedelta

MINUTE = 60


@dataclass(frozen=True)
class ServiceLevels:
    emergency_on_site: int = 20
    emergency_resolve: int = 8 * 60
    general_resolve_after_visit: int = 2 * 60
    scheduled_notice: int = 24 * 60
    repair_respond: int = 15
    complaint_first_reply: int = 15
    complaint_general_resolve: int = 2 * 24 * 60
    complaint_major_answer: int = 2 * 24 * 60
    complaint_major_resolve: int = 7 * 24 * 60
    complaint_progress_every: int = 24 * 60
    callback_urgent: int = 24 * 60
    callback_general: int = 2 * 24 * 60
    callback_leak_fallback: int = 3 * 24 * 60
    decoration_approval_working_days: int = 3
    night_handover_hour: int = 9
    day_end_hour: int = 17  # unfinished repairs need a recorded reason (local hour)
    dunning_letter_after_days: int = 90
    visitor_pass_days: int = 3
    satisfaction_sample_percent: int = 10  # of occupied households, every month

    def duration(self, name: str) -> timedelta:
        return timedelta(minutes=int(getattr(self, name)))

    def with_overrides(self, overrides: dict[str, int]) -> ServiceLevels:
        """Apply an estate's overrides; an unknown key is a configuration error, not ignored."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(f"unknown service level(s): {', '.join(unknown)}")
        for key, value in overrides.items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"service level {key} must be a positive whole number")
        return replace(self, **overrides)


DEFAULT_SERVICE_LEVELS = ServiceLevels()
