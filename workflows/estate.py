"""Estate structure and the people in it.

Company → estate (小区) → building (栋) → entrance (单元) → unit (房号) → residents. Every building
belongs to one steward's grid and has one staff group chat per platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class Platform(StrEnum):
    TELEGRAM = "telegram"
    WEB = "web"
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"


class ResidentRole(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"


class StaffRole(StrEnum):
    STEWARD = "steward"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    GM = "gm"
    TECHNICIAN = "technician"
    FRONT_DESK = "front_desk"


class GroupPurpose(StrEnum):
    BUILDING = "building"
    SUPERVISORS = "supervisors"
    MANAGERS = "managers"
    FRONT_DESK = "front_desk"


@dataclass(frozen=True)
class Estate:
    id: int
    code: str
    name: str
    timezone: str
    address: str = ""
    front_desk_phone: str = ""
    config: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Building:
    id: int
    estate_id: int
    code: str
    name: str
    floors: int
    deep_link_token: str | None = None


@dataclass(frozen=True)
class Entrance:
    id: int
    building_id: int
    code: str


@dataclass(frozen=True)
class Unit:
    """One home; ``label`` is how staff and residents quote it (3-2-1502)."""

    id: int
    building_id: int
    entrance_id: int
    building_code: str
    entrance_code: str
    room: str
    floor: int
    area_m2: Decimal | None = None

    @property
    def label(self) -> str:
        return f"{self.building_code}-{self.entrance_code}-{self.room}"

    @property
    def display(self) -> str:
        return f"{self.building_code}栋{self.entrance_code}单元{self.room}"


@dataclass(frozen=True)
class ChatIdentity:
    """Who someone is on one platform: the key every inbound message is resolved by."""

    platform: Platform
    external_id: str


@dataclass(frozen=True)
class Resident:
    id: int
    estate_id: int
    name: str
    phone: str
    consent_at: datetime | None = None
    household_size: int | None = None
    notes: str = ""
    unreachable_at: datetime | None = None
    language: str = "zh-Hans"  # the script they write in; pushes follow it


@dataclass(frozen=True)
class ResidentUnit:
    resident_id: int
    unit_id: int
    role: ResidentRole


@dataclass(frozen=True)
class Staff:
    id: int
    estate_id: int
    code: str
    name: str
    role: StaffRole
    phone: str
    off_days: tuple[int, ...] = ()
    on_duty_fallback: bool = False

    def works_on(self, iso_weekday: int) -> bool:
        return iso_weekday not in self.off_days


@dataclass(frozen=True)
class StaffGroup:
    """A staff chat: where ticket cards land and stewards press buttons."""

    id: int
    estate_id: int
    code: str
    name: str
    platform: Platform
    chat_id: str
    purpose: GroupPurpose
    thread_id: int | None = None


@dataclass(frozen=True)
class FaqEntry:
    id: int
    estate_id: int
    question: str
    answer: str
    keywords: tuple[str, ...] = ()
    category: str = "other"
