"""Service-level milestones for a new ticket, from the manuals' numbers (overridable per estate).

急修: on site in 20 min, fixed in 8 h. 一般维修: fixed within 2 h of the agreed visit. 预约维修:
the resident is told a day ahead. Complaints: first reply in 15 min; general resolved in 2 days;
major answered in 2 days and resolved in a week.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.service_levels import ServiceLevels
from workflows.tickets import Milestones, TicketKind, TicketLevel


def milestones_for(
    kind: TicketKind,
    level: TicketLevel | None,
    *,
    created_at: datetime,
    wanted_time: datetime | None,
    levels: ServiceLevels,
) -> Milestones:
    minutes = levels.duration
    if kind is TicketKind.EMERGENCY or level in (TicketLevel.EMERGENCY, TicketLevel.URGENT):
        return Milestones(
            respond_by=created_at + minutes("repair_respond"),
            on_site_by=created_at + minutes("emergency_on_site"),
            resolve_by=created_at + minutes("emergency_resolve"),
        )
    if kind is TicketKind.REPAIR:
        visit = wanted_time if wanted_time and wanted_time > created_at else None
        return Milestones(
            respond_by=created_at + minutes("repair_respond"),
            on_site_by=visit,
            resolve_by=(visit + minutes("general_resolve_after_visit")) if visit else None,
        )
    if kind is TicketKind.COMPLAINT:
        resolve = (
            minutes("complaint_major_resolve")
            if level is TicketLevel.MAJOR
            else minutes("complaint_general_resolve")
        )
        return Milestones(
            respond_by=created_at + minutes("complaint_first_reply"),
            resolve_by=created_at + resolve,
        )
    return Milestones(respond_by=created_at + minutes("complaint_first_reply"))


def in_quiet_hours(instant: datetime, *, start: str, end: str, tz: ZoneInfo) -> bool:
    """Whether ``instant`` falls in the quiet window (which may wrap midnight, 21:30–08:00)."""
    local = instant.astimezone(tz).time()
    begin, finish = _hm(start), _hm(end)
    if begin <= finish:
        return begin <= local < finish
    return local >= begin or local < finish


def quiet_hours_end(instant: datetime, *, start: str, end: str, tz: ZoneInfo) -> datetime:
    """The first instant at or after ``instant`` that is outside quiet hours."""
    if not in_quiet_hours(instant, start=start, end=end, tz=tz):
        return instant
    local = instant.astimezone(tz)
    finish = _hm(end)
    candidate = local.replace(hour=finish.hour, minute=finish.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate.astimezone(instant.tzinfo)


def _hm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))
