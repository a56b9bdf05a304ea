"""Evaluation metrics in pure Python, for `guanjia classify --eval` and the training report.

Urgency accuracy is computed over the gold repair rows; a repair the classifier put under another
label counts as wrong (the strict figure), and the figure over rows that are repairs in both gold
and prediction is reported beside it. Emergency recall is the share of gold emergencies labelled
emergency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from intents.model import Intent

LABELS: tuple[str, ...] = tuple(label.value for label in Intent)


@dataclass(frozen=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    n: int
    accuracy: float
    macro_f1: float
    per_label: dict[str, LabelScore]
    confusion: dict[tuple[str, str], int]
    labels: tuple[str, ...]
    urgency_accuracy: float | None  # strict: over gold repairs
    urgency_accuracy_when_repair: float | None  # over rows that are repairs in gold and prediction
    repairs: int
    emergency_recall: float | None
    emergencies: int


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def evaluate(gold: Sequence[tuple[str, str]], predicted: Sequence[tuple[str, str]]) -> Report:
    """Compare (intent, urgency) pairs; urgency is "" where there is none."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    confusion = Counter((g[0], p[0]) for g, p in zip(gold, predicted, strict=True))
    present = {g[0] for g in gold} | {p[0] for p in predicted}
    labels = tuple(label for label in LABELS if label in present)
    per_label: dict[str, LabelScore] = {}
    for label in labels:
        tp = confusion[(label, label)]
        support = sum(n for (g, _), n in confusion.items() if g == label)
        predicted_n = sum(n for (_, p), n in confusion.items() if p == label)
        precision, recall = _ratio(tp, predicted_n), _ratio(tp, support)
        total = precision + recall
        f1 = 2 * precision * recall / total if total else 0.0
        per_label[label] = LabelScore(precision, recall, f1, support)
    gold_labels = [label for label in labels if per_label[label].support > 0]
    macro = sum(per_label[label].f1 for label in gold_labels) / len(gold_labels) if gold else 0.0
    correct = sum(confusion[(label, label)] for label in labels)
    repair_rows = [(g, p) for g, p in zip(gold, predicted, strict=True) if g[0] == Intent.REPAIR]
    both = [(g, p) for g, p in repair_rows if p[0] == Intent.REPAIR]
    emergencies = [p for g, p in zip(gold, predicted, strict=True) if g[0] == Intent.EMERGENCY]
    return Report(
        n=len(gold),
        accuracy=_ratio(correct, len(gold)),
        macro_f1=macro,
        per_label=per_label,
        confusion=dict(confusion),
        labels=labels,
        urgency_accuracy=(
            _ratio(sum(g[1] == p[1] for g, p in repair_rows), len(repair_rows))
            if repair_rows
            else None
        ),
        urgency_accuracy_when_repair=(
            _ratio(sum(g[1] == p[1] for g, p in both), len(both)) if both else None
        ),
        repairs=len(repair_rows),
        emergency_recall=(
            _ratio(sum(p[0] == Intent.EMERGENCY for p in emergencies), len(emergencies))
            if emergencies
            else None
        ),
        emergencies=len(emergencies),
    )


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _confusion_rows(report: Report) -> list[list[str]]:
    short = [label[:5] for label in report.labels]
    rows = [["gold \\ predicted", *short]]
    for gold in report.labels:
        rows.append([gold, *(str(report.confusion.get((gold, p), 0)) for p in report.labels)])
    return rows


def format_text(report: Report) -> str:
    """The plain-text report printed by `guanjia classify --eval`."""
    out = [
        f"examples: {report.n}",
        f"accuracy: {report.accuracy:.3f}",
        f"macro-F1: {report.macro_f1:.3f}",
        f"urgency accuracy on repairs: {_fmt(report.urgency_accuracy)} (n={report.repairs}; "
        f"{_fmt(report.urgency_accuracy_when_repair)} where also predicted repair)",
        f"emergency recall: {_fmt(report.emergency_recall)} (n={report.emergencies})",
        "",
        f"{'label':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'support':>8}",
    ]
    for label in report.labels:
        s = report.per_label[label]
        out.append(f"{label:<12} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>8}")
    out += ["", "confusion matrix (rows gold, columns predicted):"]
    for row in _confusion_rows(report):
        out.append(f"{row[0]:<16}" + "".join(f"{cell:>6}" for cell in row[1:]))
    return "\n".join(out) + "\n"


def format_markdown(report: Report) -> str:
    """The same figures as Markdown tables, for docs/intents-eval.md."""
    out = [
        "| metric | value |",
        "| --- | --- |",
        f"| examples | {report.n} |",
        f"| accuracy | {report.accuracy:.3f} |",
        f"| macro-F1 | {report.macro_f1:.3f} |",
        f"| repair-urgency accuracy (gold repairs, n={report.repairs}) "
        f"| {_fmt(report.urgency_accuracy)} |",
        f"| repair-urgency accuracy (gold and predicted repair) "
        f"| {_fmt(report.urgency_accuracy_when_repair)} |",
        f"| emergency recall (n={report.emergencies}) | {_fmt(report.emergency_recall)} |",
        "",
        "| label | precision | recall | F1 | support |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label in report.labels:
        s = report.per_label[label]
        out.append(f"| {label} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |")
    rows = _confusion_rows(report)
    out += ["", "Confusion matrix (rows: gold, columns: predicted):", ""]
    out.append("| " + " | ".join(rows[0]) + " |")
    out.append("| --- |" + " ---: |" * (len(rows[0]) - 1))
    out.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    return "\n".join(out) + "\n"
