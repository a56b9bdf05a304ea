"""Estate structure, residents and staff: loaded from the estate file, read by every flow."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.schema.base import Base


class EstateRow(Base):
    __tablename__ = "estates"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(Text, default="")
    front_desk_phone: Mapped[str] = mapped_column(String(40), default="")
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)


class BuildingRow(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    floors: Mapped[int] = mapped_column()
    deep_link_token: Mapped[str | None] = mapped_column(String(64), unique=True)


class EntranceRow(Base):
    __tablename__ = "entrances"
    __table_args__ = (UniqueConstraint("building_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))


class UnitRow(Base):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("entrance_id", "room"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entrance_id: Mapped[int] = mapped_column(ForeignKey("entrances.id", ondelete="CASCADE"))
    building_id: Mapped[int] = mapped_column(
        ForeignKey("buildings.id", ondelete="CASCADE"), index=True
    )
    room: Mapped[str] = mapped_column(String(32))
    floor: Mapped[int] = mapped_column()
    area_m2: Mapped[Decimal | None] = mapped_column(Numeric(9, 2))


class ResidentRow(Base):
    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("estate_id", "phone"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20), index=True)
    consent_at: Mapped[datetime | None]
    household_size: Mapped[int | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, default="")
    unreachable_at: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(String(8), default="zh-Hans")


class ResidentUnitRow(Base):
    __tablename__ = "resident_units"
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))


class ResidentIdentityRow(Base):
    __tablename__ = "resident_identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    bound_at: Mapped[datetime]


class StaffRow(Base):
    __tablename__ = "staff"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str] = mapped_column(String(20))
    off_days: Mapped[list[Any]] = mapped_column(default=list)
    on_duty_fallback: Mapped[bool] = mapped_column(default=False)


class StaffIdentityRow(Base):
    __tablename__ = "staff_identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))


class StaffGridRow(Base):
    __tablename__ = "staff_grid"
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    building_id: Mapped[int] = mapped_column(
        ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StaffGroupRow(Base):
    __tablename__ = "staff_groups"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64), index=True)
    thread_id: Mapped[int | None] = mapped_column()
    purpose: Mapped[str] = mapped_column(String(16))


class StaffGroupBuildingRow(Base):
    __tablename__ = "staff_group_buildings"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("staff_groups.id", ondelete="CASCADE"), primary_key=True
    )
    building_id: Mapped[int] = mapped_column(
        ForeignKey("buildings.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class FaqRow(Base):
    __tablename__ = "faq_entries"
    __table_args__ = (UniqueConstraint("estate_id", "question"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    category: Mapped[str] = mapped_column(String(32), default="other")
