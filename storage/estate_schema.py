"""The estate file's schema: strict, with errors that name the field and say what is wrong.

Unknown keys are errors (a typo like ``flors`` must not silently load an estate without floors),
and cross-references — a resident's unit, a steward's grid, a group's buildings — are checked
before anything is written.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from workflows.service_levels import DEFAULT_SERVICE_LEVELS

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{7,15}$")]
HourMinute = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=4)]
UNIT_LABEL = re.compile(r"^(?P<building>[^-\s]+)-(?P<entrance>[^-\s]+)-(?P<room>[^-\s]+)$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeeRateSpec(Strict):
    item: Literal["property", "parking", "water", "power", "gas", "other"]
    name: str
    price: Money
    per: Literal["m2_month", "month", "m3", "kwh", "once"]


class PaymentSpec(Strict):
    link: str | None = None
    desk: str = ""


class QuietHoursSpec(Strict):
    start: HourMinute = "21:30"
    end: HourMinute = "08:00"


class ReminderSpec(Strict):
    days_before_due: list[Annotated[int, Field(ge=0, le=60)]] = [7]
    on_due_date: bool = True
    repeat_every_days: Annotated[int, Field(ge=1, le=365)] = 30


class EmergencyPhonesSpec(Strict):
    control_room: str = ""
    lift_company: str = ""


class CalendarSpec(Strict):
    """Days off and swapped working days beyond the built-in table (workflows.workdays)."""

    holidays: list[date] = []
    workdays: list[date] = []

    @model_validator(mode="after")
    def _check(self) -> CalendarSpec:
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"calendar: {both[0].isoformat()} is both a holiday and a workday")
        return self


class EstateInfo(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    timezone: str = "Asia/Shanghai"
    address: str = ""
    front_desk_phone: str = ""
    emergency_phones: EmergencyPhonesSpec = EmergencyPhonesSpec()
    payment: PaymentSpec = PaymentSpec()
    quiet_hours: QuietHoursSpec = QuietHoursSpec()
    fee_rates: list[FeeRateSpec] = []
    late_fee_daily_rate: Annotated[Decimal, Field(ge=0, le=Decimal("0.01"))] | None = None
    reminders: ReminderSpec = ReminderSpec()
    service_levels: dict[str, int] = {}
    calendar: CalendarSpec = CalendarSpec()

    @model_validator(mode="after")
    def _check(self) -> EstateInfo:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: unknown time zone {self.timezone!r}") from None
        try:
            DEFAULT_SERVICE_LEVELS.with_overrides(self.service_levels)
        except ValueError as exc:
            raise ValueError(f"service_levels: {exc}") from None
        return self


class UnitOverride(Strict):
    room: Code
    area_m2: Annotated[Decimal, Field(gt=0, le=10000)] | None = None


class EntranceSpec(Strict):
    code: Code
    units_per_floor: Annotated[int, Field(ge=0, le=50)] = 2
    area_m2: Annotated[Decimal, Field(gt=0, le=10000)] | None = None
    units: list[UnitOverride] = []


class BuildingSpec(Strict):
    code: Code
    name: str
    floors: Annotated[int, Field(ge=1, le=200)]
    entrances: Annotated[list[EntranceSpec], Field(min_length=1)]
    deep_link_token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")] | None = (
        None
    )


class StaffSpec(Strict):
    code: Code
    name: str
    role: Literal["steward", "supervisor", "manager", "technician", "front_desk", "gm"]
    phone: Phone
    telegram_id: int | None = None
    grid: list[Code] = []
    off_days: list[Annotated[int, Field(ge=1, le=7)]] = []
    on_duty_fallback: bool = False


class StaffGroupSpec(Strict):
    code: Code
    name: str
    platform: Literal["telegram", "web", "wecom", "dingtalk", "feishu"] = "telegram"
    chat_id: int
    thread_id: int | None = None
    purpose: Literal["building", "supervisors", "managers", "front_desk"]
    buildings: list[Code] = []


class ResidentSpec(Strict):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    phone: Phone
    role: Literal["owner", "tenant"] = "owner"
    units: Annotated[list[str], Field(min_length=1)]
    telegram_id: int | None = None
    household_size: Annotated[int, Field(ge=1, le=50)] | None = None
    notes: str = ""


class FaqSpec(Strict):
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2)]
    keywords: list[str] = []
    category: Literal[
        "decoration", "parking", "services", "facilities", "utilities", "fees", "rules", "other"
    ] = "other"
