"""The fast paths of issue 3 give exactly what the straightforward code gave.

Each optimisation is checked against a reference: the segmenter against jieba itself, the
TF-IDF vector and the explanation against the original Counter / heapq code, the regex
pre-checks (intents.prefilter) against the patterns they guard, normalisation's counts against
per-character loops. test_intents_snapshot.py checks the classifier's outputs as a whole.
"""

from __future__ import annotations

import heapq
import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from intents import Classifier, address, emergency, times
from intents.context import DRILL
from intents.corpus import read_tsv
from intents.features import WORD_PREFIX, feature_text
from intents.linear import SparseLinearModel
from intents.normalize import MAX_CHARS, _fold_chars, _is_emoji, normalise
from intents.prefilter import Gate, trigger_chars
from intents.textlibs import segmenter, traditional_chars

CORPUS = Path(__file__).resolve().parents[2] / "intents" / "corpus"


def corpus_texts() -> list[str]:
    return [ex.text for name in ("train.tsv", "test.tsv") for ex in read_tsv(CORPUS / name)[0]]


def random_texts(count: int, seed: int = 3) -> Iterator[str]:
    """Strings over the corpus's own characters plus whitespace, ASCII and odd code points."""
    rng = random.Random(seed)
    alphabet = sorted(set("".join(corpus_texts())) | set(" \t\r\n\u3000\u200bab09+#&._%-\ufeff"))
    for _ in range(count):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))


@pytest.fixture(scope="module")
def lowered() -> list[str]:
    return [normalise(text).lowered for text in corpus_texts()]


def test_segmenter_equals_jieba() -> None:
    seg = segmenter()
    texts = corpus_texts()
    samples = [
        *texts,
        *(feature_text(normalise(t).lowered) for t in texts),
        *random_texts(2000),
        "",
        " ",
        "abc123 def",
        "iPhone15的屏幕碎了 3-2-1502",
        "水" * 500,
    ]
    mismatches = [s for s in samples if seg.cut(s) != seg.reference_cut(s)]
    assert mismatches == []


def reference_vectorise(model: SparseLinearModel, features: list[str]) -> dict[str, float]:
    """SparseLinearModel.vectorise as it was before issue 3."""
    vec: dict[str, float] = {}
    for feat, count in Counter(features).items():
        weight = model.idf.get(feat)
        if weight is not None:
            if count > 1:
                weight *= 1.0 + math.log(count) if model.sublinear_tf else float(count)
            vec[feat] = weight
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm > 0.0:
        inverse = 1.0 / norm
        vec = {feat: v * inverse for feat, v in vec.items()}
    return vec


def reference_explain(
    model: SparseLinearModel, vec: Mapping[str, float], label: str, k: int = 5
) -> tuple[tuple[str, float], ...]:
    """SparseLinearModel.explain as it was before issue 3."""
    index = model.classes.index(label)
    sign = 1.0
    if len(model.intercepts) == 1:
        sign, index = (1.0, 0) if index == 1 else (-1.0, 0)
    contributions = [(sign * v * model.weights[f][index], f) for f, v in vec.items()]
    best = heapq.nlargest(k, contributions)
    return tuple((f, round(c, 4)) for c, f in best if c > 0.0)


def test_vector_scores_and_explanations_equal_the_reference(
    clf: Classifier, lowered: list[str]
) -> None:
    for model in (clf.intent_model, clf.urgency_model):
        for text in lowered:
            features = clf.features(text)
            expected = reference_vectorise(model, features)
            vec = model.vectorise(features)
            assert list(vec.items()) == list(expected.items())
            scored = model.score(features)
            assert scored.vector == expected
            for label in model.classes:
                want = reference_explain(model, expected, label)
                assert model.explain(expected, label) == want
                assert model.explain_scored(scored, label) == want


def test_vectorise_of_nothing_known(clf: Classifier) -> None:
    model = clf.intent_model
    assert model.vectorise([]) == {}
    assert model.vectorise(["\x00never-a-feature"]) == {}
    assert model.explain_scored(model.score([WORD_PREFIX + "\x00"]), "repair") == ()


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        ("abc", ["abc"]),
        ("着火|起火", ["着火", "起火"]),
        ("a+", ["a", "aaa"]),
        ("(?<!油)烟(很|好)大", ["烟很大", "烟好大"]),
        ("x?y", ["y", "xy"]),
        ("(gas|smoke) leak", ["gas leak", "smoke leak"]),
    ],
)
def test_trigger_chars_cover_every_match(pattern: str, matches: list[str]) -> None:
    found = trigger_chars(re.compile(pattern))
    assert found
    for text in matches:
        assert re.compile(pattern).fullmatch(text)
        assert found & set(text), (pattern, text, found)


@pytest.mark.parametrize(
    "pattern", ["a?", "a*b?", "(?=x)", "[^x]y?", r"\w+", ".", "(?i)abc", "", r"\bx{0,3}"]
)
def test_trigger_chars_none_when_nothing_is_certain(pattern: str) -> None:
    assert trigger_chars(re.compile(pattern)) is None


def test_trigger_chars_of_alternation_and_class() -> None:
    assert trigger_chars(re.compile("(煤气|燃气)味")) == {"味"}
    assert trigger_chars(re.compile("[abc]")) == {"a", "b", "c"}
    assert trigger_chars(re.compile("[a-z]")) == set("abcdefghijklmnopqrstuvwxyz")
    assert trigger_chars(re.compile("[\u4e00-\u9fff]")) is None  # too wide to be useful


GATED: list[tuple[str, Gate, tuple[re.Pattern[str], ...]]] = [
    *(
        (f"emergency rule {i}", gate, (rule.pattern,))
        for i, (rule, gate) in enumerate(zip(emergency._RULES, emergency._GATES, strict=True))
    ),
    ("drill", emergency._DRILL_GATE, (DRILL,)),
    ("veto", emergency._VETO_GATE, emergency._VETOES),
    ("unit", address._GATE, tuple(pattern for pattern, _ in address._FORMS)),
    (
        "time",
        times._GATE,
        (
            times._RELATIVE,
            times._WEEK,
            times._DAY,
            times._MONTH_DAY,
            times._DAY_OF_MONTH,
            times._PART,
            times._HOUR_DIGITS,
            times._HOUR_CN,
            times._HOUR_CN_SUFFIX,
        ),
    ),
]


@pytest.mark.parametrize(("name", "gate", "patterns"), GATED, ids=[g[0] for g in GATED])
def test_gates_are_exact_and_useful(
    name: str, gate: Gate, patterns: tuple[re.Pattern[str], ...], lowered: list[str]
) -> None:
    assert gate.chars, f"{name}: no trigger characters derived, the pre-check never skips"
    texts = [*lowered, *(normalise(t).text for t in corpus_texts()), *random_texts(1000)]
    for pattern in patterns:
        for text in texts:
            for match in pattern.finditer(text):
                # every match holds a trigger character, so a text without one cannot match
                assert gate.chars & set(match.group(0)), (name, pattern.pattern, text)
                assert gate.may_match(text)
    skipped = sum(not gate.may_match(text) for text in lowered)
    assert skipped > 0, f"{name}: the pre-check never skips a corpus message"


def test_normalise_counts_equal_per_character_loops() -> None:
    trad = traditional_chars()
    samples = [*corpus_texts(), *random_texts(500), "🄀 ①", "😡", "①②", "Ⅻ", "👍 好", "x\ufe0f"]
    for original in samples:
        norm = normalise(original)
        nfkc = unicodedata.normalize("NFKC", original[:MAX_CHARS])
        folded = unicodedata.normalize("NFKC", _fold_chars(nfkc))
        assert norm.has_words == any(ch.isalnum() and not _is_emoji(ch) for ch in nfkc)
        assert norm.traditional == any(ch in trad for ch in folded)
        assert norm.han_chars == sum(1 for ch in norm.text if "\u4e00" <= ch <= "\u9fff")
        assert norm.latin_chars == sum(1 for ch in norm.text if ch.isascii() and ch.isalpha())
