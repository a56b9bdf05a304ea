"""Every output of the classifier over the committed corpus equals a snapshot taken before the
speed work of issue 3: optimisations must not change a single answer.

The snapshot (tests/intents/data/outputs_snapshot.jsonl.gz) holds, per text of
intents/corpus/train.tsv, intents/corpus/test.tsv and a few edge cases, the `guanjia classify`
object plus the rule, emergency kind, language, complaint hints and explanation. Regenerate it
only for a deliberate change of behaviour (a retrained model, a new rule):

    python tests/intents/test_intents_snapshot.py
"""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))

from intents import Classification, Classifier, load_classifier  # noqa: E402
from intents.corpus import read_tsv  # noqa: E402
from intents.times import SHANGHAI  # noqa: E402

SNAPSHOT = Path(__file__).resolve().parent / "data" / "outputs_snapshot.jsonl.gz"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)

#: Inputs the corpus lacks: empty, emoji, controls, Traditional, English, very long, odd bytes.
EDGE_CASES: tuple[str, ...] = (
    "",
    " ",
    "😡😡😡",
    "!!!???",
    "电\u200b梯坏了",
    "電梯壞了！！！有人被困",
    "\ufeff厨房水管爆了",
    "煤气\x00味好重",
    "the kitchen pipe is leaking, building 3 room 1502, call 13812345678",
    "没有煤气味了",
    "明天消防演习",
    "3-2-1502 浙A12345 明天下午三点来修马桶",
    "水" * 3000,
    "着火" * 1200,
    "电梯坏了 " * 500,
    "ＡＢＣ１２３ 全角",
    "\ud800坏了",
)


def texts() -> Iterator[str]:
    for name in ("train.tsv", "test.tsv"):
        for example in read_tsv(ROOT / "intents" / "corpus" / name)[0]:
            yield example.text
    yield from EDGE_CASES


def record(result: Classification) -> dict[str, object]:
    hints = result.hints
    return {
        **result.to_json(),
        "rule": result.rule,
        "emergency_kind": result.emergency_kind,
        "language": result.language.value,
        "hints": [hints.repeat, hints.loss_or_injury, hints.anger],
        "top": [[name, weight] for name, weight in result.top_features],
    }


def outputs(clf: Classifier) -> list[dict[str, object]]:
    return [json.loads(json.dumps(record(clf.classify(text, NOW)))) for text in texts()]


def load_snapshot() -> list[dict[str, object]]:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_outputs_equal_snapshot(clf: Classifier) -> None:
    expected = load_snapshot()
    actual = outputs(clf)
    assert len(actual) == len(expected)
    differences = [
        (i, exp["text"], {k: (exp[k], act.get(k)) for k in exp if exp[k] != act.get(k)})
        for i, (exp, act) in enumerate(zip(expected, actual, strict=True))
        if exp != act
    ]
    assert differences == []


def write_snapshot() -> None:
    lines = "".join(json.dumps(o) + "\n" for o in outputs(load_classifier()))
    SNAPSHOT.write_bytes(gzip.compress(lines.encode("utf-8"), compresslevel=9, mtime=0))


if __name__ == "__main__":
    write_snapshot()
