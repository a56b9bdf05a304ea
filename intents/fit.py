"""Training with scikit-learn and export to the compact model file read by intents/linear.py.

Only the training script and the tests import this module; scikit-learn is imported inside the
functions. Two models are fitted on the same features (intents/features.py): the 12-way intent
model on all training rows and a binary urgent/normal model on the repair rows. Both are
TF-IDF (sublinear tf, l2) + LogisticRegression (lbfgs, deterministic). The export rounds
weights to 6 decimals, sorts keys and gzips without a timestamp, so the same corpus always gives
the same bytes.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intents.corpus import Example
from intents.features import extract
from intents.model import Intent
from intents.normalize import normalise
from intents.textlibs import segmenter

#: Chosen by 5-fold cross-validation on the training split only (`python -m intents.train --cv`).
C_INTENT = 20.0
C_URGENCY = 10.0
MIN_DF = 2
DECIMALS = 6


def featurise(texts: Sequence[str]) -> list[list[str]]:
    """Feature lists of raw texts, exactly as the classifier computes them at run time."""
    cut = segmenter().cut
    return [extract(normalise(t).lowered, cut) for t in texts]


def _identity(features: list[str]) -> list[str]:
    return features


@dataclass
class Fitted:
    """A fitted vectoriser + logistic regression (scikit-learn objects, typed loosely)."""

    vectorizer: Any
    model: Any

    def predict(self, feature_lists: Sequence[list[str]]) -> list[str]:
        return [str(x) for x in self.model.predict(self.vectorizer.transform(feature_lists))]

    def export(self) -> dict[str, object]:
        idf = self.vectorizer.idf_
        coef = self.model.coef_
        features = {
            feat: [round(float(idf[col]), DECIMALS)]
            + [round(float(coef[k, col]), DECIMALS) for k in range(coef.shape[0])]
            for feat, col in sorted(self.vectorizer.vocabulary_.items())
        }
        return {
            "classes": [str(c) for c in self.model.classes_],
            "intercepts": [round(float(b), DECIMALS) for b in self.model.intercept_],
            "sublinear_tf": True,
            "features": features,
        }


def fit_one(feature_lists: Sequence[list[str]], labels: Sequence[str], c: float) -> Fitted:
    """TF-IDF + logistic regression on pre-computed feature lists."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, min_df=MIN_DF, norm="l2", lowercase=False
    )
    matrix = vectorizer.fit_transform(feature_lists)
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced", tol=1e-6)
    model.fit(matrix, list(labels))
    return Fitted(vectorizer, model)


def fit_models(
    train: Sequence[Example], c_intent: float = C_INTENT, c_urgency: float = C_URGENCY
) -> tuple[Fitted, Fitted]:
    """The intent model and the repair-urgency model."""
    feats = featurise([ex.text for ex in train])
    intent = fit_one(feats, [ex.intent for ex in train], c_intent)
    repair = [i for i, ex in enumerate(train) if ex.intent == Intent.REPAIR]
    urgency = fit_one([feats[i] for i in repair], [train[i].urgency for i in repair], c_urgency)
    return intent, urgency


def model_data(intent: Fitted, urgency: Fitted, meta: dict[str, object]) -> dict[str, object]:
    return {"format": 1, "intent": intent.export(), "urgency": urgency.export(), "meta": meta}


def write_model(path: Path, data: dict[str, object]) -> None:
    """Deterministic gzip'd JSON."""
    body = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    path.write_bytes(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))
