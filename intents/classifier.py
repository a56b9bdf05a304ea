"""The classifier: normalise, segment, score, then let the safety and boundary rules decide.

Order of decision for one message:
1. no text at all (empty, emoji or punctuation only) → other;
2. a live emergency keyword (intents.emergency) → emergency, whatever the model says;
3. the model's emergency probability at or above EMERGENCY_THRESHOLD, with no negated, drill or
   past mention of an emergency keyword → emergency;
4. otherwise the boundary order over the model's remaining labels (intents.boundaries).
Repairs then get an urgency, every message entities and complaint hints.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

from intents import boundaries
from intents.emergency import EmergencyFinding, find_emergency, guess_kind
from intents.entities import extract_entities
from intents.features import extract
from intents.language import language_of
from intents.linear import SparseLinearModel
from intents.model import Classification, EmergencyKind, Intent, Urgency
from intents.normalize import normalise
from intents.textlibs import DATA_DIR, Segmenter, segmenter, traditional_chars
from intents.times import SHANGHAI
from intents.urgency import complaint_hints, urgency_negated, urgent_by_rule

MODEL_FILE = DATA_DIR / "model.json.gz"
EMERGENCY_THRESHOLD = 0.5
SURE_EMERGENCY = 0.85
URGENT_THRESHOLD = 0.6
RULE_CONFIDENCE = 0.9


def load_model_file(path: Path = MODEL_FILE) -> dict[str, object]:
    """The exported model as JSON data (see intents/fit.py for the layout)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict) or data.get("format") != 1:
        raise ValueError(f"{path}: not a guanjia intents model (format 1)")
    return data


class Classifier:
    """A loaded model plus the rules; cheap to call from many threads (no mutable state)."""

    def __init__(
        self, intent_model: SparseLinearModel, urgency_model: SparseLinearModel, seg: Segmenter
    ) -> None:
        self.intent_model = intent_model
        self.urgency_model = urgency_model
        self._cut = seg.cut

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Classifier:
        data = load_model_file(path)
        intent_data, urgency_data = data["intent"], data["urgency"]
        if not isinstance(intent_data, dict) or not isinstance(urgency_data, dict):
            raise ValueError(f"{path}: missing intent/urgency models")
        traditional_chars()  # every message is checked against it: load it with the model
        return cls(
            SparseLinearModel.from_json(intent_data),
            SparseLinearModel.from_json(urgency_data),
            segmenter(),
        )

    def features(self, lowered: str) -> list[str]:
        return extract(lowered, self._cut)

    def classify(self, text: str, now: datetime | None = None) -> Classification:
        """Classify one resident message; `now` resolves relative times (default: the clock)."""
        norm = normalise(text)
        when = now if now is not None else datetime.now(SHANGHAI)
        entities = extract_entities(norm.text, when)
        hints = complaint_hints(norm.lowered, norm.exclamations)
        language = language_of(norm)
        if not norm.has_words:
            return Classification(
                text, Intent.OTHER, 1.0, None, entities, hints, language, None, "no-text"
            )
        model = self.intent_model
        features = self.features(norm.lowered)
        scored = model.score(features)
        probs = dict(zip(model.classes, scored.probabilities, strict=True))
        finding = find_emergency(norm.lowered)
        kind: EmergencyKind | None = None
        rule: str | None = None
        if finding.kind is not None:
            intent, kind, rule = Intent.EMERGENCY, finding.kind, f"emergency:{finding.keyword}"
        elif self._model_emergency(probs.get(Intent.EMERGENCY.value, 0.0), norm.lowered, finding):
            intent, kind = Intent.EMERGENCY, guess_kind(norm.lowered)
        else:
            decision = boundaries.decide(norm.lowered, model.classes, scored.probabilities)
            intent, rule = decision.intent, decision.rule
            if finding.suppressed and rule is None:
                rule = f"emergency-{finding.suppressed}"
        confidence = probs.get(intent.value, 0.0)
        if intent is not Intent.EMERGENCY and finding.suppressed:
            # the emergency reading was ruled out: share its mass among the other labels
            confidence /= max(1e-9, 1.0 - probs.get(Intent.EMERGENCY.value, 0.0))
        if rule is not None and not rule.startswith(("priority", "emergency-")):
            confidence = max(confidence, RULE_CONFIDENCE)
        urgency = self._urgency(intent, norm.lowered, features)

        def explain() -> tuple[tuple[str, float], ...]:
            top = model.explain_scored(scored, intent.value)
            return ((f"rule:{rule}", 1.0), *top[:4]) if rule is not None else top

        return Classification(
            text, intent, confidence, urgency, entities, hints, language, kind, rule, explain
        )

    @staticmethod
    def _model_emergency(p_emergency: float, lowered: str, finding: EmergencyFinding) -> bool:
        """The model alone calls an emergency only when no keyword was set aside, and more
        surely when the message reads like an urgent repair (停电, 漏水) instead."""
        if p_emergency < EMERGENCY_THRESHOLD or finding.suppressed or len(lowered) < 5:
            return False
        return p_emergency >= SURE_EMERGENCY or urgent_by_rule(lowered) is None

    def _urgency(self, intent: Intent, lowered: str, features: list[str]) -> Urgency | None:
        if intent is Intent.EMERGENCY:
            return Urgency.EMERGENCY
        if intent is not Intent.REPAIR:
            return None
        if urgent_by_rule(lowered) is not None:
            return Urgency.URGENT
        if urgency_negated(lowered):
            return Urgency.NORMAL
        scored = self.urgency_model.score(features)
        p_urgent = scored.probabilities[self.urgency_model.classes.index(Urgency.URGENT.value)]
        return Urgency.URGENT if p_urgent >= URGENT_THRESHOLD else Urgency.NORMAL
