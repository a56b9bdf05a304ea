"""Bills per unit and month, and their adjustments; amounts are integer fen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum, StrEnum


class FeeItem(StrEnum):
    PROPERTY = "property"
    PARKING = "parking"
    WATER = "water"
    POWER = "power"
    GAS = "gas"
    OTHER = "other"


FEE_ITEM_NAMES: dict[FeeItem, str] = {
    FeeItem.PROPERTY: "物业费",
    FeeItem.PARKING: "停车费",
    FeeItem.WATER: "水费",
    FeeItem.POWER: "电费",
    FeeItem.GAS: "燃气费",
    FeeItem.OTHER: "其他费用",
}


@dataclass(frozen=True)
class Bill:
    """One charge for one unit, item and period (YYYY-MM): the key re-imports match on."""

    unit_id: int
    item: FeeItem
    period: str
    amount_fen: int
    due_date: date
    paid_at: datetime | None = None
    id: int | None = None

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


@dataclass(frozen=True)
class BillAdjustment:
    """A changed amount on re-import is recorded, never overwritten silently."""

    bill_id: int
    old_fen: int
    new_fen: int
    at: datetime
    reason: str = ""


@dataclass(frozen=True)
class PlacedBill:
    """A bill with where it belongs: the supervisor report groups by building, never by name."""

    bill: Bill
    building_code: str
    unit_label: str


@dataclass(frozen=True)
class FeeReminder:
    """A reminder actually sent to a household; the 24-hour cap reads the latest one."""

    unit_id: int
    sent_at: datetime
    total_fen: int
    bill_ids: tuple[int, ...] = ()
    id: int | None = None


class DunningStepKind(IntEnum):
    """The manual's ladder: notice by message → formal letter → home visit → legal route."""

    NOTICE = 1
    LETTER = 2
    VISIT = 3
    LEGAL = 4


@dataclass(frozen=True)
class DunningCase:
    """A household's arrears from the first notice until paid (or closed by staff)."""

    unit_id: int
    opened_at: datetime
    amount_fen: int
    bill_ids: tuple[int, ...]
    step: DunningStepKind = DunningStepKind.NOTICE
    closed_at: datetime | None = None
    close_reason: str = ""
    id: int | None = None


@dataclass(frozen=True)
class DunningStep:
    case_id: int
    step: DunningStepKind
    at: datetime
    amount_fen: int
    ticket_id: int | None = None
    note: str = ""


class Rating(StrEnum):
    SATISFIED = "satisfied"  # 满意
    NEUTRAL = "neutral"  # 一般
    UNSATISFIED = "unsatisfied"  # 不满意


@dataclass(frozen=True)
class SurveyAnswer:
    """A resident's callback (回访) answer on a ticket; one per callback round."""

    ticket_id: int
    resident_id: int | None
    rating: Rating
    answered_at: datetime
    comment: str = ""
    round: int = 1
    id: int | None = None
