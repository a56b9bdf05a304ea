"""The satisfaction survey's record and the port that stores it (kept apart from the workflow so
``workflows.ports`` can name it without importing workflow code)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class HouseholdContact:
    """An occupied unit, and a resident of it who can be reached in chat (None: nobody can)."""

    unit_id: int
    building_id: int
    resident_id: int | None


@dataclass(frozen=True)
class SatisfactionSurvey:
    """One household asked in one month; ``ratings`` maps an item code to a Rating value."""

    estate_id: int
    period: str  # "2026-12", the estate's local month
    unit_id: int
    building_id: int
    resident_id: int
    sent_at: datetime
    ratings: dict[str, str] = field(default_factory=dict)
    answered_at: datetime | None = None
    id: int | None = None


class SatisfactionRepository(Protocol):
    async def households(self, estate_id: int) -> Sequence[HouseholdContact]: ...
    async def add(self, survey: SatisfactionSurvey) -> SatisfactionSurvey | None:
        """Store a sent survey; None if the household was already asked this period."""
        ...

    async def get(self, survey_id: int) -> SatisfactionSurvey | None: ...
    async def rate(self, survey_id: int, item: str, rating: str, *, at: datetime) -> bool:
        """Record one item's rating; False if that item was already rated."""
        ...

    async def sent_since(self, estate_id: int, since: datetime) -> Sequence[SatisfactionSurvey]: ...
