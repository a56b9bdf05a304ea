"""The labelled corpus: reading and checking TSV files, de-duplication, the fixed train/test split.

Files are TSV with the header `intent<TAB>urgency<TAB>text`. Urgency is `emergency` on emergency
rows, `urgent`/`normal` on repair rows and empty otherwise. The split is a pure function of the
texts: a text goes to test when the SHA-1 of its folded form is 0 modulo 5 (80/20). Being a
function of the text alone, it is stable across machines, runs and corpus additions (adding rows
never moves an existing row between train and test), and stratified per label in expectation
(the report lists the per-label counts). Texts that fold to the same form (differing only in
punctuation, spaces, width or script) share one key and so one side of the split, so
near-duplicates cannot leak from train into test.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from intents.model import Intent, Urgency
from intents.textlibs import to_simplified

HEADER = ("intent", "urgency", "text")
TEST_EVERY = 5
_FOLD = re.compile(r"[\W_]+")
_WS = re.compile(r"[\t\r\n]+")


class CorpusError(ValueError):
    """A corpus or evaluation file that cannot be used, with a message for people."""


@dataclass(frozen=True)
class Example:
    intent: str
    urgency: str
    text: str
    source: str = ""


def row_problem(intent: str, urgency: str, text: str) -> str | None:
    """Why a row is invalid, or None."""
    if intent not in Intent.__members__.values():
        return f"unknown intent {intent!r}"
    if not text.strip():
        return "empty text"
    if intent == Intent.EMERGENCY and urgency != Urgency.EMERGENCY:
        return f"emergency row needs urgency 'emergency', got {urgency!r}"
    if intent == Intent.REPAIR and urgency not in (Urgency.URGENT, Urgency.NORMAL):
        return f"repair row needs urgency 'urgent' or 'normal', got {urgency!r}"
    if intent not in (Intent.EMERGENCY, Intent.REPAIR) and urgency:
        return f"{intent} row must have an empty urgency, got {urgency!r}"
    return None


def read_tsv(path: Path, strict: bool = True) -> tuple[list[Example], list[str]]:
    """Examples of one file, plus problems found; strict mode raises on the first problem."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read {path}: {exc}") from exc
    lines = raw.splitlines()
    if not lines or tuple(c.strip().lower() for c in lines[0].split("\t")) != HEADER:
        raise CorpusError(f"{path}: first line must be the header 'intent<TAB>urgency<TAB>text'")
    examples: list[Example] = []
    problems: list[str] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        problem: str | None
        if len(cells) != 3:
            problem = f"expected 3 tab-separated columns, got {len(cells)}"
        else:
            intent, urgency, text = (cells[0].strip(), cells[1].strip(), cells[2].strip())
            problem = row_problem(intent, urgency, text)
        if problem is not None:
            message = f"{path.name}:{number}: {problem}"
            if strict:
                raise CorpusError(message)
            problems.append(message)
            continue
        examples.append(Example(intent, urgency, text, f"{path.name}:{number}"))
    if strict and not examples:
        raise CorpusError(f"{path}: no examples")
    return examples, problems


def read_sources(src_dir: Path) -> tuple[list[Example], list[str]]:
    """All `*.tsv` files of the source folder in name order, leniently (bad rows are reported)."""
    examples: list[Example] = []
    problems: list[str] = []
    for path in sorted(src_dir.glob("*.tsv")):
        found, bad = read_tsv(path, strict=False)
        examples.extend(found)
        problems.extend(bad)
    return examples, problems


def fold_key(text: str) -> str:
    """The form that decides duplicates for the split: width-folded, lower-cased, no punctuation."""
    return _FOLD.sub("", to_simplified(unicodedata.normalize("NFKC", text)).lower())


def dedupe(examples: Iterable[Example]) -> tuple[list[Example], list[str]]:
    """Drop exact duplicate texts (first wins); report duplicates whose labels disagree."""
    seen: dict[str, Example] = {}
    conflicts: list[str] = []
    for ex in examples:
        first = seen.get(ex.text)
        if first is None:
            seen[ex.text] = ex
        elif (first.intent, first.urgency) != (ex.intent, ex.urgency):
            conflicts.append(
                f"{ex.source} {ex.intent}/{ex.urgency or '-'} vs {first.source} "
                f"{first.intent}/{first.urgency or '-'}: {ex.text}"
            )
    return list(seen.values()), conflicts


def _digest(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def in_test(text: str) -> bool:
    """Whether a text belongs to the held-out split: a pure function of its folded form."""
    return int(_digest(fold_key(text))[:8], 16) % TEST_EVERY == 0


def split(examples: Iterable[Example]) -> tuple[list[Example], list[Example]]:
    """The fixed split (train, test), both sorted by label order then text."""
    rows = list(examples)
    side = {fold_key(ex.text): in_test(ex.text) for ex in rows}
    order = {label.value: i for i, label in enumerate(Intent)}
    rows.sort(key=lambda ex: (order[ex.intent], ex.text))
    train = [ex for ex in rows if not side[fold_key(ex.text)]]
    test = [ex for ex in rows if side[fold_key(ex.text)]]
    return train, test


def write_tsv(path: Path, examples: Iterable[Example]) -> None:
    """Write examples with the standard header (LF line ends, no quoting)."""
    lines = ["\t".join(HEADER)]
    lines.extend(f"{ex.intent}\t{ex.urgency}\t{_WS.sub(' ', ex.text)}" for ex in examples)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
