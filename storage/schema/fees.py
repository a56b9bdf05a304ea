"""Bills, their adjustments, fee reminders, the dunning ladder, and callback survey answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema.base import Base


class BillRow(Base):
    __tablename__ = "bills"
    __table_args__ = (UniqueConstraint("unit_id", "item", "period"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(7))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    due_date: Mapped[date] = mapped_column(Date)
    paid_at: Mapped[datetime | None]


class BillAdjustmentRow(Base):
    __tablename__ = "bill_adjustments"
    id: Mapped[int] = mapped_column(primary_key=True)
    bill_id: Mapped[int] = mapped_column(ForeignKey("bills.id", ondelete="CASCADE"), index=True)
    old_fen: Mapped[int] = mapped_column(BigInteger)
    new_fen: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(Text, default="")


class SurveyAnswerRow(Base):
    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("ticket_id", "round"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id", ondelete="SET NULL"))
    rating: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime]
    round: Mapped[int] = mapped_column(default=1)


class FeeReminderRow(Base):
    """One fee reminder sent to a household: the 24-hour cap and the dunning history read it."""

    __tablename__ = "fee_reminders"
    __table_args__ = (Index("ix_fee_reminders_unit_sent", "unit_id", "sent_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime]
    total_fen: Mapped[int] = mapped_column(BigInteger)
    bill_ids: Mapped[list[Any]] = mapped_column(default=list)


class DunningCaseRow(Base):
    """A household's arrears on the dunning ladder, from the first notice until paid or closed."""

    __tablename__ = "dunning_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime]
    step: Mapped[int] = mapped_column(default=1)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    bill_ids: Mapped[list[Any]] = mapped_column(default=list)
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str] = mapped_column(String(32), default="")


class DunningStepRow(Base):
    """Append-only: each ladder step taken (notice, letter, visit, legal), with its task ticket."""

    __tablename__ = "dunning_steps"
    __table_args__ = (UniqueConstraint("case_id", "step"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("dunning_cases.id", ondelete="CASCADE"))
    step: Mapped[int]
    at: Mapped[datetime]
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
