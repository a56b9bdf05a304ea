"""Table definitions, one module per area; importing this package registers them all."""

from storage.schema.base import Base
from storage.schema.estate import (
    BuildingRow,
    EntranceRow,
    EstateRow,
    FaqRow,
    ResidentIdentityRow,
    ResidentRow,
    ResidentUnitRow,
    StaffGridRow,
    StaffGroupBuildingRow,
    StaffGroupRow,
    StaffIdentityRow,
    StaffRow,
    UnitRow,
)
from storage.schema.fees import BillAdjustmentRow, BillRow, SurveyAnswerRow
from storage.schema.messaging import ConversationRow, InboundUpdateRow, OutboxRow, TimerRow
from storage.schema.satisfaction import SatisfactionSurveyRow
from storage.schema.tickets import TicketCounterRow, TicketEventRow, TicketRow

__all__ = [
    "Base",
    "BillAdjustmentRow",
    "BillRow",
    "BuildingRow",
    "ConversationRow",
    "EntranceRow",
    "EstateRow",
    "FaqRow",
    "InboundUpdateRow",
    "OutboxRow",
    "ResidentIdentityRow",
    "ResidentRow",
    "ResidentUnitRow",
    "SatisfactionSurveyRow",
    "StaffGridRow",
    "StaffGroupBuildingRow",
    "StaffGroupRow",
    "StaffIdentityRow",
    "StaffRow",
    "SurveyAnswerRow",
    "TicketCounterRow",
    "TicketEventRow",
    "TicketRow",
    "TimerRow",
    "UnitRow",
]
