"""Intent classification for resident messages (Chinese-first): labels, urgency, entities.

`classify(text)` is all most callers need. The classifier (jieba dictionary + exported linear
model, ~0.3 s) loads lazily on first use and once per process; call `load_classifier()` at
start-up to pay that before the first message. Importing this package is cheap: the classifier
modules are imported only when the classifier is loaded.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING

from intents.language import detect_language
from intents.model import (
    Classification,
    ComplaintHints,
    EmergencyKind,
    Entities,
    Intent,
    Language,
    UnitRef,
    Urgency,
)

if TYPE_CHECKING:
    from intents.classifier import Classifier

__all__ = [
    "Classification",
    "Classifier",
    "ComplaintHints",
    "EmergencyKind",
    "Entities",
    "Intent",
    "Language",
    "UnitRef",
    "Urgency",
    "classify",
    "detect_language",
    "load_classifier",
]

_lock = threading.Lock()
_classifier: Classifier | None = None


def load_classifier() -> Classifier:
    """The process-wide classifier, loaded on first call (thread-safe)."""
    global _classifier
    if _classifier is None:
        with _lock:
            if _classifier is None:
                from intents.classifier import Classifier

                _classifier = Classifier.load()
    return _classifier


def classify(text: str, now: datetime | None = None) -> Classification:
    """Classify one message with the process-wide classifier."""
    return load_classifier().classify(text, now)


def __getattr__(name: str) -> object:
    if name == "Classifier":
        from intents.classifier import Classifier

        return Classifier
    raise AttributeError(name)
