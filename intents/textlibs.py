"""Typed, load-once wrappers around the two untyped text libraries (OpenCC and jieba).

Both are imported lazily through importlib so that `import intents` stays cheap and mypy --strict
sees only the narrow interface used here. jieba is given a trimmed core dictionary shipped in
intents/data/ (the 60,000 most frequent words of jieba's own dictionary, rebuilt by
`python -m intents.train`): loading jieba's full 349k-word dictionary costs ~0.7 s, which would
dominate the cold start of `guanjia classify`; the trimmed one loads in ~0.1 s. The prefix
dictionary is built in memory, so jieba never writes a cache file into /tmp.
"""

from __future__ import annotations

import gzip
import importlib
import logging
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, cast

DATA_DIR = Path(__file__).resolve().parent / "data"
CORE_DICT = DATA_DIR / "jieba_core.txt.gz"
USER_DICT = DATA_DIR / "userdict.txt"

_lock = threading.Lock()


@cache
def _t2s_converter() -> Callable[[str], str]:
    opencc = importlib.import_module("opencc")
    converter = opencc.OpenCC("t2s")
    return cast(Callable[[str], str], converter.convert)


@cache
def traditional_chars() -> frozenset[str]:
    """Characters that OpenCC's t2s table rewrites: their presence marks Traditional text."""
    opencc = importlib.import_module("opencc")
    table = Path(cast(str, opencc.__file__)).parent / "dictionary" / "TSCharacters.txt"
    chars: set[str] = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 1 and parts[0] not in parts[1:]:
            chars.add(parts[0])
    return frozenset(chars)


def to_simplified(text: str) -> str:
    """Traditional to Simplified; skips OpenCC (~30 µs) when no Traditional character is present."""
    trad = traditional_chars()
    if not any(ch in trad for ch in text):
        return text
    with _lock:
        convert = _t2s_converter()
    return convert(text)


class Segmenter:
    """jieba word segmentation with the property-management user dictionary, HMM off.

    HMM is off: unknown words fall apart into single characters, which the character n-gram
    features cover anyway, and segmentation is about twice as fast and fully predictable.
    """

    def __init__(self, core_dict: Path = CORE_DICT, user_dict: Path = USER_DICT) -> None:
        jieba = importlib.import_module("jieba")
        jieba.setLogLevel(logging.WARNING)
        tokenizer: Any = jieba.Tokenizer(str(core_dict))
        with gzip.open(core_dict, "rb") as handle:
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(handle)
        tokenizer.initialized = True
        tokenizer.load_userdict(str(user_dict))
        self._cut: Callable[..., list[str]] = tokenizer.lcut

    def cut(self, text: str) -> list[str]:
        """Words of `text`, whitespace tokens dropped."""
        return [w for w in self._cut(text, HMM=False) if not w.isspace()]


_segmenter: Segmenter | None = None


def segmenter() -> Segmenter:
    """The process-wide segmenter, built once (thread-safe)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = Segmenter()
    return _segmenter
