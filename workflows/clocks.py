"""Service-level milestones for a new ticket, from the manuals' numbers (overridable per estate).

急修: on site in 20 min, fixed in 8 h. 一般维修: fixed within 2 h of the agreed visit. 预约维修:
the resident is told a day ahead. Complaints: first reply in 15 min; general resolved in 2 days;
major answered in 2 days and resolved in a week. 装修 applications: approved within 3 working days.

Working days follow China's calendar (``workflows.workdays``): statutory holidays are off and
the swapped working weekends (调休) count, with the estate file able to add later years.
Scheduled (重大/预约) repairs get an on-site deadline at the agreed visit and no resolve clock,
because larger works have no fixed duration; the resident is told a day ahead instead.

The bottom of the module names a ticket's clocks (which deadline, met when, which tickets run
them) for the escalation, rebooking and digest workflows.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.estate import Estate
from workflows.service_levels import DEFAULT_SERVICE_LEVELS, ServiceLevels
from workflows.tickets import Milestones, Ticket, TicketKind, TicketLevel, TicketStatus
from workflows.workdays import CHINA, WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def levels_of(estate: Estate) -> ServiceLevels:
    """The estate's service levels: the manuals' defaults with ``config["service_levels"]``."""
    overrides = estate.config.get("service_levels") or {}
    assert isinstance(overrides, dict)
    return DEFAULT_SERVICE_LEVELS.with_overrides({str(k): int(v) for k, v in overrides.items()})


def milestones_for(
    kind: TicketKind,
    level: TicketLevel | None,
    *,
    created_at: datetime,
    wanted_time: datetime | None,
    levels: ServiceLevels,
    tz: ZoneInfo = SHANGHAI,
    calendar: WorkCalendar = CHINA,
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
        if level is TicketLevel.SCHEDULED:
            return Milestones(respond_by=created_at + minutes("repair_respond"), on_site_by=visit)
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
        resolve_by = created_at + resolve
        if level is TicketLevel.GENERAL and wanted_time and wanted_time > created_at + HOUR:
            resolve_by = wanted_time  # "within 2 days, or by the resident's own deadline"
        return Milestones(
            respond_by=created_at + minutes("complaint_first_reply"), resolve_by=resolve_by
        )
    if kind is TicketKind.DECORATION:
        return Milestones(
            respond_by=created_at + minutes("complaint_first_reply"),
            resolve_by=add_working_days(
                created_at, levels.decoration_approval_working_days, tz=tz, calendar=calendar
            ),
        )
    return Milestones(respond_by=created_at + minutes("complaint_first_reply"))


def add_working_days(
    start: datetime, days: int, *, tz: ZoneInfo, calendar: WorkCalendar = CHINA
) -> datetime:
    """``days`` working days after ``start`` at the same local time.

    Friday 10:00 + 3 → Wednesday 10:00; a start on a day off counts from the next working day;
    holidays are skipped and swapped working weekends count (``calendar``).
    """
    local = start.astimezone(tz)
    remaining = days
    while remaining > 0:
        local = local + timedelta(days=1)  # same wall time: zoneinfo arithmetic is local
        if calendar.is_working_day(local.date()):
            remaining -= 1
    return local.astimezone(start.tzinfo)


def warning_at(start: datetime, deadline: datetime) -> datetime | None:
    """When to warn that ``deadline`` is about to be missed (None: the window is too short).

    Windows under an hour warn 5 minutes ahead (15-minute reply → at minute 10, 20 minutes on
    site → at minute 15); longer windows warn a quarter of the window ahead, at most one hour
    (2 h repair → 30 min ahead; 8 h emergency fix → 1 h ahead).
    """
    window = deadline - start
    if window <= timedelta(minutes=5):
        return None
    lead = timedelta(minutes=5) if window < timedelta(hours=1) else min(window / 4, HOUR)
    return deadline - lead


HOUR = timedelta(hours=1)


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


# --- a ticket's clocks: which deadlines exist, which are met, which tickets run them -------

#: milestone → (deadline field, met field, button letter). Only these kinds run SLA timers;
#: enquiries, staff tasks and the rest carry a respond_by for display but never escalate.
MILESTONES: dict[str, tuple[str, str, str]] = {
    "respond": ("respond_by", "responded_at", "r"),
    "on_site": ("on_site_by", "on_site_at", "o"),
    "resolve": ("resolve_by", "resolved_at", "s"),
}
BY_LETTER = {letter: name for name, (_, _, letter) in MILESTONES.items()}
SLA_KINDS = frozenset(
    {TicketKind.REPAIR, TicketKind.EMERGENCY, TicketKind.COMPLAINT, TicketKind.DECORATION}
)
STOPPED = frozenset(
    {
        TicketStatus.PAUSED,
        TicketStatus.DONE,
        TicketStatus.RESOLVED,
        TicketStatus.CLOSED,
        TicketStatus.CANCELLED,
    }
)


def sla_round(ticket: Ticket) -> int:
    """Bumped on every rebooking, and part of every SLA timer key: old timers fall silent."""
    value = ticket.details.get("sla_round", 0)
    return value if isinstance(value, int) else 0


def deadline_of(ticket: Ticket, milestone: str) -> datetime | None:
    value: datetime | None = getattr(ticket.milestones, MILESTONES[milestone][0])
    return value


def is_met(ticket: Ticket, milestone: str) -> bool:
    return getattr(ticket.milestones, MILESTONES[milestone][1]) is not None


def is_urgent(ticket: Ticket) -> bool:
    return ticket.kind is TicketKind.EMERGENCY or ticket.level in (
        TicketLevel.EMERGENCY,
        TicketLevel.URGENT,
    )
