"""A TF-IDF + linear model evaluated in pure Python as a sparse dot product.

scikit-learn trains the model (intents/fit.py) but takes ~1.2 s to import and ~0.6 ms per call;
the exported weights evaluated here give the same answers in ~tens of µs with nothing but the
standard library. The maths mirrors TfidfVectorizer(sublinear_tf, norm="l2") followed by
LogisticRegression.decision_function and predict_proba (softmax, or sigmoid for two classes).
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import cast

Kernel = Callable[[Mapping[str, float], Mapping[str, Sequence[float]]], list[float]]


@cache
def _kernel(columns: int) -> Kernel:
    """A dot-product loop unrolled over `columns` weight columns.

    The straightforward double loop costs ~35 µs for a 12-class message in CPython; with one local
    accumulator per class and tuple unpacking it is ~15 µs. The source is generated from the
    column count only (no data), once per process.
    """
    names = [f"s{k}" for k in range(columns)]
    weights = [f"w{k}" for k in range(columns)]
    lines = [
        "def kernel(vec, table):",
        f"    {' = '.join(names)} = 0.0",
        "    for feat, value in vec.items():",
        f"        {', '.join(weights)}{',' if columns == 1 else ''} = table[feat]",
        *(f"        {s} += value * {w}" for s, w in zip(names, weights, strict=True)),
        f"    return [{', '.join(names)}]",
    ]
    namespace: dict[str, object] = {}
    exec("\n".join(lines), namespace)  # generated from an integer only
    return cast(Kernel, namespace["kernel"])


@dataclass(frozen=True)
class Scored:
    """Per-class probabilities of one message plus the weighted features behind them."""

    probabilities: tuple[float, ...]
    vector: dict[str, float]


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
        idf = self.idf
        vec: dict[str, float] = {}
        for feat, count in Counter(features).items():
            weight = idf.get(feat)
            if weight is not None:
                if count > 1:
                    weight *= 1.0 + math.log(count) if self.sublinear_tf else float(count)
                vec[feat] = weight
        norm = math.sqrt(sum(v * v for v in vec.values()))
        if norm > 0.0:
            inverse = 1.0 / norm
            vec = {feat: v * inverse for feat, v in vec.items()}
        return vec

    def decision(self, vec: Mapping[str, float]) -> list[float]:
        """Raw scores, one per weight column."""
        raw = _kernel(len(self.intercepts))(vec, self.weights)
        return [b + s for b, s in zip(self.intercepts, raw, strict=True)]

    def score(self, features: Iterable[str]) -> Scored:
        vec = self.vectorise(features)
        raw = self.decision(vec)
        if len(self.classes) == 2 and len(raw) == 1:
            p1 = 1.0 / (1.0 + math.exp(-raw[0])) if raw[0] > -700 else 0.0
            return Scored((1.0 - p1, p1), vec)
        top = max(raw)
        exps = [math.exp(s - top) for s in raw]
        total = sum(exps)
        return Scored(tuple(e / total for e in exps), vec)

    def explain(
        self, vec: Mapping[str, float], label: str, k: int = 5
    ) -> tuple[tuple[str, float], ...]:
        """The `k` features pushing hardest towards `label`, with their contributions."""
        index = self.classes.index(label)
        sign = 1.0
        if len(self.intercepts) == 1:  # binary: one column scores the second class
            sign, index = (1.0, 0) if index == 1 else (-1.0, 0)
        contributions = [(sign * v * self.weights[f][index], f) for f, v in vec.items()]
        best = heapq.nlargest(k, contributions)
        return tuple((f, round(c, 4)) for c, f in best if c > 0.0)
