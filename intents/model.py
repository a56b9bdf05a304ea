"""Public result types of intent classification.

Pure dataclasses and enums with no heavy imports, so the bot core, the workflows and the tests can
code against them without paying for the classifier's start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property

Features = tuple[tuple[str, float], ...]


class Intent(StrEnum):
    """The primary label of a message; the order is the boundary order of intents.md."""

    EMERGENCY = "emergency"
    COMPLAINT = "complaint"
    REPAIR = "repair"
    FEE = "fee"
    DECORATION = "decoration"
    RELEASE = "release"
    VISITOR = "visitor"
    SERVICE = "service"
    SUGGESTION = "suggestion"
    PRAISE = "praise"
    ENQUIRY = "enquiry"
    OTHER = "other"


#: Where two labels fit, the earlier one in this tuple wins (intents.md, "Labels").
PRIORITY: tuple[Intent, ...] = tuple(Intent)


class Urgency(StrEnum):
    """Urgency of emergencies and repairs; other labels carry none."""

    EMERGENCY = "emergency"
    URGENT = "urgent"
    NORMAL = "normal"


class Language(StrEnum):
    """The script or language the resident wrote in, so the bot can reply in kind."""

    SIMPLIFIED = "zh-Hans"
    TRADITIONAL = "zh-Hant"
    ENGLISH = "en"


class EmergencyKind(StrEnum):
    """What kind of emergency; it picks the playbook (119, 120, 110, lift company...)."""

    FIRE = "fire"
    GAS = "gas"
    LIFT_TRAPPED = "lift_trapped"
    INJURY = "injury"
    CRIME = "crime"
    ELECTRIC = "electric"
    FLOOD = "flood"


@dataclass(frozen=True)
class UnitRef:
    """A unit address as far as the message gives it; any part may be missing."""

    building: str | None
    entrance: str | None
    room: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"building": self.building, "entrance": self.entrance, "room": self.room}


@dataclass(frozen=True)
class Entities:
    """Slots a workflow would otherwise have to ask for."""

    unit: UnitRef | None = None
    phone: str | None = None
    plate: str | None = None
    time: datetime | None = None  # tz-aware, Asia/Shanghai

    def to_json(self) -> dict[str, object]:
        return {
            "unit": self.unit.to_json() if self.unit is not None else None,
            "phone": self.phone,
            "plate": self.plate,
            "time": self.time.strftime("%Y-%m-%dT%H:%M:%S") if self.time is not None else None,
        }


@dataclass(frozen=True)
class ComplaintHints:
    """Signals the complaint workflow uses to grade a complaint's level."""

    repeat: bool = False
    loss_or_injury: bool = False
    anger: bool = False


@dataclass(frozen=True)
class Classification:
    """Everything the classifier says about one message."""

    text: str
    intent: Intent
    confidence: float
    urgency: Urgency | None
    entities: Entities
    hints: ComplaintHints
    language: Language
    emergency_kind: EmergencyKind | None
    rule: str | None = None  # name of the safety/boundary rule that decided, if any
    explain: Callable[[], Features] = field(default=tuple, compare=False, repr=False)

    @cached_property
    def top_features(self) -> Features:
        """The features that pushed hardest towards the intent, worked out when first asked:
        explaining costs a tenth of classifying, and only tests and tools look."""
        return self.explain()

    def to_json(self) -> dict[str, object]:
        """The `guanjia classify` JSON object, exactly as the contract lists its keys."""
        return {
            "text": self.text,
            "intent": self.intent.value,
            "confidence": round(self.confidence, 3),
            "urgency": self.urgency.value if self.urgency is not None else None,
            "entities": self.entities.to_json(),
        }
