"""A TF-IDF + linear model evaluated in pure Python as a sparse dot product.

scikit-learn trains the model (intents/fit.py) but takes ~1.2 s to import and ~0.6 ms per call;
the exported weights evaluated here give the same answers in ~tens of µs with nothing but the
standard library. The maths mirrors TfidfVectorizer(sublinear_tf, norm="l2") followed by
LogisticRegression.decision_function and predict_proba (softmax, or sigmoid for two classes).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from operator import mul
from typing import cast

Kernel = Callable[[Sequence[float], Sequence[Sequence[float]]], list[float]]


@cache
def _kernel(columns: int) -> Kernel:
    """A dot-product loop unrolled over `columns` weight columns.

    The straightforward double loop costs ~35 µs for a 12-class message in CPython; with one local
    accumulator per class and tuple unpacking it is ~12 µs. It walks the feature values and their
    weight rows side by side (rows looked up once, in C, by the caller). The source is generated
    from the column count only (no data), once per process.
    """
    names = [f"s{k}" for k in range(columns)]
    weights = [f"w{k}" for k in range(columns)]
    lines = [
        "def kernel(values, rows):",
        f"    {' = '.join(names)} = 0.0",
        f"    for value, ({', '.join(weights)}{',' if columns == 1 else ''}) in zip(values, rows):",
        *(f"        {s} += value * {w}" for s, w in zip(names, weights, strict=True)),
        f"    return [{', '.join(names)}]",
    ]
    namespace: dict[str, object] = {}
    exec("\n".join(lines), namespace)  # generated from an integer only
    return cast(Kernel, namespace["kernel"])


@dataclass(frozen=True)
class Scored:
    """Per-class probabilities of one message plus the weighted features behind them.

    `rows` are the weight rows of the features of `vector`, in the same order (kept so that
    explaining a score does not look them up again).
    """

    probabilities: tuple[float, ...]
    vector: dict[str, float]
    rows: Sequence[Sequence[float]] = field(default=(), repr=False, compare=False)


@dataclass(frozen=True)
class SparseLinearModel:
    """Vocabulary -> (idf, per-class weights); one weight column when there are two classes."""

    classes: tuple[str, ...]
    intercepts: tuple[float, ...]
    idf: Mapping[str, float]
    weights: Mapping[str, Sequence[float]]
    sublinear_tf: bool = True

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> SparseLinearModel:
        features = data["features"]
        classes = data["classes"]
        intercepts = data["intercepts"]
        if not isinstance(features, dict) or not isinstance(classes, list):
            raise ValueError("malformed model: features/classes")
        if not isinstance(intercepts, list):
            raise ValueError("malformed model: intercepts")
        idf = {f: float(v[0]) for f, v in features.items()}
        weights = {f: tuple(float(x) for x in v[1:]) for f, v in features.items()}
        return cls(
            classes=tuple(str(c) for c in classes),
            intercepts=tuple(float(x) for x in intercepts),
            idf=idf,
            weights=weights,
            sublinear_tf=bool(data.get("sublinear_tf", True)),
        )

    def vectorise(self, features: Iterable[str]) -> dict[str, float]:
        """L2-normalised TF-IDF vector over the known vocabulary."""
        names, values = self._weighted(features)
        return dict(zip(names, values, strict=True))

    def _weighted(self, features: Iterable[str]) -> tuple[list[str], list[float]]:
        """The known features (first-occurrence order) and their normalised TF-IDF weights.

        Most features of a message (character n-grams, words) are not in the vocabulary: they
        are dropped before anything else, and counting is skipped when nothing repeats. The
        arithmetic and the order of the items are those of Counter(features) followed by
        weighting, so results are bit-for-bit the same.
        """
        idf = self.idf
        known = list(filter(idf.__contains__, features))
        names = list(dict.fromkeys(known))
        values = list(map(idf.__getitem__, names))
        if len(names) < len(known):  # some feature repeats: term frequency counts
            sublinear = self.sublinear_tf
            for i, count in enumerate(Counter(known).values()):
                if count > 1:
                    values[i] *= 1.0 + math.log(count) if sublinear else float(count)
        norm = math.sqrt(sum(map(mul, values, values)))
        if norm > 0.0:
            values = list(map(mul, values, repeat(1.0 / norm)))
        return names, values

    def decision(self, vec: Mapping[str, float]) -> list[float]:
        """Raw scores, one per weight column."""
        return self._decision(list(vec.values()), list(map(self.weights.__getitem__, vec)))

    def _decision(self, values: Sequence[float], rows: Sequence[Sequence[float]]) -> list[float]:
        raw = _kernel(len(self.intercepts))(values, rows)
        return [b + s for b, s in zip(self.intercepts, raw, strict=True)]

    def score(self, features: Iterable[str]) -> Scored:
        names, values = self._weighted(features)
        rows = list(map(self.weights.__getitem__, names))
        raw = self._decision(values, rows)
        vec = dict(zip(names, values, strict=True))
        if len(self.classes) == 2 and len(raw) == 1:
            p1 = 1.0 / (1.0 + math.exp(-raw[0])) if raw[0] > -700 else 0.0
            return Scored((1.0 - p1, p1), vec, rows)
        top = max(raw)
        exps = [math.exp(s - top) for s in raw]
        total = sum(exps)
        return Scored(tuple(e / total for e in exps), vec, rows)

    def explain(
        self, vec: Mapping[str, float], label: str, k: int = 5
    ) -> tuple[tuple[str, float], ...]:
        """The `k` features pushing hardest towards `label`, with their contributions."""
        return self._explain(vec, list(map(self.weights.__getitem__, vec)), label, k)

    def explain_scored(
        self, scored: Scored, label: str, k: int = 5
    ) -> tuple[tuple[str, float], ...]:
        """`explain` for a score of this model, reusing the weight rows it looked up."""
        rows = scored.rows if len(scored.rows) == len(scored.vector) else None
        if rows is None:
            return self.explain(scored.vector, label, k)
        return self._explain(scored.vector, rows, label, k)

    def _explain(
        self, vec: Mapping[str, float], rows: Sequence[Sequence[float]], label: str, k: int
    ) -> tuple[tuple[str, float], ...]:
        index = self.classes.index(label)
        sign = 1.0
        if len(self.intercepts) == 1:  # binary: one column scores the second class
            sign, index = (1.0, 0) if index == 1 else (-1.0, 0)
        # sorted(...)[:k] is what heapq.nlargest(k, ...) is defined to equal; over a few dozen
        # items the C sort is faster, and a non-positive contribution is never shown.
        contributions = [
            (c, f)
            for (f, v), row in zip(vec.items(), rows, strict=True)
            if (c := sign * v * row[index]) > 0.0
        ]
        contributions.sort(reverse=True)
        return tuple((f, round(c, 4)) for c, f in contributions[:k])
