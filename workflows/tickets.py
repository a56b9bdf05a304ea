"""Tickets, their status machine and their append-only event trail.

A ticket carries several service-level milestones at once (respond, on site, resolve, callback);
each is a separate clock because the manuals measure each separately.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from workflows.estate import Platform


class TicketKind(StrEnum):
    REPAIR = "repair"
    EMERGENCY = "emergency"
    COMPLAINT = "complaint"
    ENQUIRY = "enquiry"
    SERVICE = "service"
    DECORATION = "decoration"
    RELEASE = "release"
    VISITOR = "visitor"
    SUGGESTION = "suggestion"
    PRAISE = "praise"
    FEE_DISPUTE = "fee_dispute"
    STAFF_TASK = "staff_task"


#: Quotable prefixes, pinyin initials as front desks already use them (报修 → BX).
NUMBER_PREFIX: dict[TicketKind, str] = {
    TicketKind.REPAIR: "BX",
    TicketKind.EMERGENCY: "JJ",
    TicketKind.COMPLAINT: "TS",
    TicketKind.ENQUIRY: "ZX",
    TicketKind.SERVICE: "FW",
    TicketKind.DECORATION: "ZH",
    TicketKind.RELEASE: "FX",
    TicketKind.VISITOR: "FK",
    TicketKind.SUGGESTION: "JY",
    TicketKind.PRAISE: "BY",
    TicketKind.FEE_DISPUTE: "JF",
    TicketKind.STAFF_TASK: "RW",
}


class TicketLevel(StrEnum):
    """Repair class or complaint level: what decides the clocks."""

    EMERGENCY = "emergency"  # 紧急 (life and safety)
    URGENT = "urgent"  # 急修
    NORMAL = "normal"  # 一般维修/小修
    SCHEDULED = "scheduled"  # 重大维修/预约维修
    MAJOR = "major"  # 重大投诉
    IMPORTANT = "important"  # 重要投诉
    GENERAL = "general"  # 一般投诉


class TicketStatus(StrEnum):
    NEW = "new"  # filed, waiting for someone to claim it
    CLAIMED = "claimed"  # a steward took it
    ON_SITE = "on_site"  # someone is at the door
    PAUSED = "paused"  # appointment window / resident away: clocks stop
    DONE = "done"  # staff say it is finished; waiting for the resident
    RESOLVED = "resolved"  # resident confirmed, or the confirmation timed out
    CLOSED = "closed"  # callback recorded, archived
    CANCELLED = "cancelled"


_TRANSITIONS: dict[TicketStatus, frozenset[TicketStatus]] = {
    TicketStatus.NEW: frozenset(
        {TicketStatus.CLAIMED, TicketStatus.PAUSED, TicketStatus.CANCELLED, TicketStatus.DONE}
    ),
    TicketStatus.CLAIMED: frozenset(
        {
            TicketStatus.ON_SITE,
            TicketStatus.PAUSED,
            TicketStatus.DONE,
            TicketStatus.NEW,
            TicketStatus.CANCELLED,
        }
    ),
    TicketStatus.ON_SITE: frozenset(
        {TicketStatus.DONE, TicketStatus.PAUSED, TicketStatus.CLAIMED, TicketStatus.CANCELLED}
    ),
    TicketStatus.PAUSED: frozenset(
        {TicketStatus.NEW, TicketStatus.CLAIMED, TicketStatus.ON_SITE, TicketStatus.CANCELLED}
    ),
    TicketStatus.DONE: frozenset(
        {TicketStatus.RESOLVED, TicketStatus.NEW, TicketStatus.CLAIMED, TicketStatus.CLOSED}
    ),
    TicketStatus.RESOLVED: frozenset({TicketStatus.CLOSED, TicketStatus.NEW}),
    TicketStatus.CLOSED: frozenset({TicketStatus.NEW}),
    TicketStatus.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.CLAIMED,
        TicketStatus.ON_SITE,
        TicketStatus.PAUSED,
        TicketStatus.DONE,
    }
)


class InvalidTransition(ValueError):
    """A status change the manuals do not allow (e.g. closing a cancelled ticket)."""


def can_transition(current: TicketStatus, target: TicketStatus) -> bool:
    return target in _TRANSITIONS[current]


@dataclass(frozen=True)
class Milestones:
    """Service-level deadlines (``*_by``/``*_due``) and when each was actually met."""

    respond_by: datetime | None = None
    on_site_by: datetime | None = None
    resolve_by: datetime | None = None
    callback_due: datetime | None = None
    responded_at: datetime | None = None
    on_site_at: datetime | None = None
    resolved_at: datetime | None = None
    callback_at: datetime | None = None


@dataclass(frozen=True)
class Attachment:
    kind: str  # photo, document, voice
    ref: str  # platform file id or storage key
    caption: str = ""


@dataclass(frozen=True)
class Ticket:
    id: int | None
    estate_id: int
    kind: TicketKind
    status: TicketStatus
    level: TicketLevel | None
    summary: str
    created_at: datetime
    number: str | None = None
    unit_id: int | None = None
    building_id: int | None = None
    reporter_id: int | None = None
    assignee_id: int | None = None
    channel: Platform | None = None
    location: str | None = None  # "home" or "common"
    wanted_time: datetime | None = None
    milestones: Milestones = field(default_factory=Milestones)
    attachments: tuple[Attachment, ...] = ()
    details: dict[str, object] = field(default_factory=dict)
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def moved_to(self, target: TicketStatus) -> Ticket:
        """The same ticket in ``target`` status, or :class:`InvalidTransition`."""
        if not can_transition(self.status, target):
            raise InvalidTransition(f"{self.status} → {target} is not allowed")
        return replace(self, status=target)


class ActorKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"


@dataclass(frozen=True)
class TicketEvent:
    """One line of the trail: who did what, when, from which channel. Never updated."""

    ticket_id: int
    at: datetime
    action: str
    actor_kind: ActorKind
    actor_id: int | None = None
    channel: Platform | None = None
    note: str = ""
    data: dict[str, object] = field(default_factory=dict)
    id: int | None = None
