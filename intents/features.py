"""Feature strings of a normalised message, shared by training and run time.

The same function feeds scikit-learn's TfidfVectorizer (as its analyzer) during training and the
pure-Python sparse model at run time, so the two can never disagree about what a feature is.
Features: character 1-3-grams over the folded text (robust to unseen words and typos) plus jieba
words (prefixed "w:") plus domain cue groups (intents/lexicon.py, prefixed "k:"). Digit runs
become "0" so room and phone numbers do not become vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import add

from intents.gloss import gloss
from intents.lexicon import cue_features

_DIGITS = re.compile(r"\d+")
WORD_PREFIX = "w:"


def feature_text(lowered: str) -> str:
    """The text the features are read from: digits folded, English glossed into Chinese."""
    text = _DIGITS.sub("0", lowered)
    extra = gloss(text)
    return f"{text} {extra}" if extra else text


def extract(lowered: str, cut: Callable[[str], list[str]]) -> list[str]:
    """All features of a message (with repeats; term frequency counts them)."""
    text = feature_text(lowered)
    feats: list[str] = []
    for chunk in text.split():
        # characters, then bigrams, then trigrams (pairwise concatenation runs in C)
        second, third = chunk[1:], chunk[2:]
        feats.extend(chunk)
        feats.extend(map(add, chunk, second))
        feats.extend(map(add, map(add, chunk, second), third))
    feats.extend(WORD_PREFIX + w for w in cut(text))
    feats.extend(cue_features(text))
    return feats
