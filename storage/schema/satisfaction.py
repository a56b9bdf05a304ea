"""Monthly satisfaction surveys: which household was asked when, and what it answered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema.base import Base


class SatisfactionSurveyRow(Base):
    __tablename__ = "satisfaction_surveys"
    __table_args__ = (
        UniqueConstraint("estate_id", "period", "unit_id"),
        Index("ix_satisfaction_surveys_estate_sent", "estate_id", "sent_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime]
    ratings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    answered_at: Mapped[datetime | None]
