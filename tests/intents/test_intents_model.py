"""The exported model: pure-Python evaluation equals scikit-learn, training is deterministic,
and the held-out targets of the issue hold on the committed test split.

Training needs the `train` extra (scikit-learn); these tests are skipped without it.
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest

from intents import corpus, fit
from intents.classifier import MODEL_FILE, Classifier, load_model_file
from intents.evaluation import evaluate
from intents.linear import SparseLinearModel
from intents.times import SHANGHAI

pytest.importorskip("sklearn")

CORPUS = Path(__file__).resolve().parents[2] / "intents" / "corpus"
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)


def read(name: str) -> list[corpus.Example]:
    return corpus.read_tsv(CORPUS / name, strict=True)[0]


@pytest.fixture(scope="module")
def trained() -> tuple[fit.Fitted, fit.Fitted, bytes]:
    intent, urgency = fit.fit_models(read("train.tsv"))
    data = fit.model_data(intent, urgency, {"train_rows": len(read("train.tsv"))})
    return intent, urgency, json.dumps(data, sort_keys=True).encode()


def test_pure_python_equals_sklearn_on_test_split(
    trained: tuple[fit.Fitted, fit.Fitted, bytes],
) -> None:
    intent, urgency, _ = trained
    test = read("test.tsv")
    texts = [ex.text for ex in test]
    features = fit.featurise(texts)
    sk_labels = intent.predict(features)
    sk_proba = intent.model.predict_proba(intent.vectorizer.transform(features))
    pure = SparseLinearModel.from_json(intent.export())
    for i, feats in enumerate(features):
        scored = pure.score(feats)
        best = max(range(len(pure.classes)), key=lambda k: scored.probabilities[k])
        assert pure.classes[best] == sk_labels[i], texts[i]
        assert (
            max(abs(a - b) for a, b in zip(scored.probabilities, sk_proba[i], strict=True)) < 1e-4
        )
    repairs = [f for f, ex in zip(features, test, strict=True) if ex.intent == "repair"]
    pure_u = SparseLinearModel.from_json(urgency.export())
    for feats, label in zip(repairs, urgency.predict(repairs), strict=True):
        probs = pure_u.score(feats).probabilities
        assert pure_u.classes[0 if probs[0] >= probs[1] else 1] == label


def test_training_twice_gives_the_same_model(
    trained: tuple[fit.Fitted, fit.Fitted, bytes], tmp_path: Path
) -> None:
    intent, urgency = fit.fit_models(read("train.tsv"))
    data = fit.model_data(intent, urgency, {"train_rows": len(read("train.tsv"))})
    assert json.dumps(data, sort_keys=True).encode() == trained[2]
    first, second = tmp_path / "a.json.gz", tmp_path / "b.json.gz"
    fit.write_model(first, data)
    fit.write_model(second, json.loads(trained[2]))
    assert first.read_bytes() == second.read_bytes()


def test_committed_model_matches_a_fresh_training(
    trained: tuple[fit.Fitted, fit.Fitted, bytes],
) -> None:
    """Same vocabulary and classes; weights equal up to solver noise across library versions."""
    committed = load_model_file(MODEL_FILE)
    fresh = json.loads(trained[2])
    for part in ("intent", "urgency"):
        old, new = committed[part], fresh[part]
        assert isinstance(old, dict) and isinstance(new, dict)
        assert old["classes"] == new["classes"]
        assert old["features"].keys() == new["features"].keys()
        drift = max(
            abs(a - b)
            for feat, row in new["features"].items()
            for a, b in zip(row, old["features"][feat], strict=True)
        )
        assert drift < 1e-3


def test_split_is_fixed_and_disjoint() -> None:
    train, test = read("train.tsv"), read("test.tsv")
    train_keys = {corpus.fold_key(ex.text) for ex in train}
    assert not train_keys & {corpus.fold_key(ex.text) for ex in test}
    sources, _ = corpus.read_sources(CORPUS / "src")
    unique, _ = corpus.dedupe(sources)
    again_train, again_test = corpus.split(unique)
    assert [ex.text for ex in again_train] == [ex.text for ex in train]
    assert [ex.text for ex in again_test] == [ex.text for ex in test]


def test_model_file_is_compact_gzip_json() -> None:
    assert MODEL_FILE.stat().st_size < 3_000_000
    with gzip.open(MODEL_FILE, "rt", encoding="utf-8") as handle:
        assert json.load(handle)["format"] == 1


def test_held_out_targets(clf: Classifier) -> None:
    test = read("test.tsv")
    gold = [(ex.intent, ex.urgency) for ex in test]
    predicted = []
    for ex in test:
        result = clf.classify(ex.text, NOW)
        predicted.append((result.intent.value, result.urgency.value if result.urgency else ""))
    report = evaluate(gold, predicted)
    assert report.macro_f1 >= 0.93
    assert report.emergency_recall == 1.0
    assert report.urgency_accuracy is not None and report.urgency_accuracy >= 0.90
