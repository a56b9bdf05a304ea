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
import math
import string
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
    if traditional_chars().isdisjoint(text):
        return text
    with _lock:
        convert = _t2s_converter()
    return convert(text)


class Segmenter:
    """jieba word segmentation with the property-management user dictionary, HMM off.

    HMM is off: unknown words fall apart into single characters, which the character n-gram
    features cover anyway, and segmentation is about twice as fast and fully predictable.

    jieba loads the dictionaries (prefix dictionary, user words and their suggested
    frequencies); `cut` then runs its own copy of jieba's no-HMM algorithm (maximum-probability
    path over the word DAG, runs of single ASCII letters and digits merged) on that same
    dictionary, with each word's log-probability computed once at load instead of on every call.
    It returns exactly what `jieba.Tokenizer.lcut(text, HMM=False)` does, minus whitespace
    tokens, in about a third of the time; tests/intents/test_intents_fast_paths.py checks the two
    agree over the corpus and random text.
    """

    def __init__(self, core_dict: Path = CORE_DICT, user_dict: Path = USER_DICT) -> None:
        jieba = importlib.import_module("jieba")
        jieba.setLogLevel(logging.WARNING)
        tokenizer: Any = jieba.Tokenizer(str(core_dict))
        with gzip.open(core_dict, "rb") as handle:
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(handle)
        tokenizer.initialized = True
        tokenizer.load_userdict(str(user_dict))
        self._jieba_cut: Callable[..., list[str]] = tokenizer.lcut
        self._blocks: Callable[[str], list[str]] = jieba.re_han_default.split
        # jieba's route score of a word is log(freq) - log(total) (+ the rest of the route);
        # a prefix that is no word has frequency 0 and is kept as None to extend the scan.
        logtotal = math.log(tokenizer.total)
        freq: dict[str, int] = tokenizer.FREQ
        self._logp: dict[str, float | None] = {
            word: math.log(count) - logtotal if count else None for word, count in freq.items()
        }
        # A character that starts no word scores log(1) - log(total), as in jieba.
        self._floor = math.log(1) - logtotal

    def cut(self, text: str) -> list[str]:
        """Words of `text`, whitespace tokens dropped (= jieba's lcut(text, HMM=False))."""
        words: list[str] = []
        # re_han_default has one group: odd items are runs of Han/ASCII word characters, even
        # items the text between them, which jieba yields character by character.
        for i, block in enumerate(self._blocks(text)):
            if not block:
                continue
            if i % 2:
                self._cut_block(block, words)
            else:
                words.extend(ch for ch in block if not ch.isspace())
        return words

    def reference_cut(self, text: str) -> list[str]:
        """The same words from jieba itself (slower; for tests and checks)."""
        return [w for w in self._jieba_cut(text, HMM=False) if not w.isspace()]

    def _cut_block(self, block: str, words: list[str]) -> None:
        """jieba's get_DAG + calc + __cut_DAG_NO_HMM for one block, fused into two loops."""
        logp = self._logp
        floor = self._floor
        size = len(block)
        score = [0.0] * (size + 1)
        end = [0] * size
        for start in range(size - 1, -1, -1):
            best: float | None = None
            best_end = start
            stop = start + 1
            frag = block[start]
            while frag in logp:
                weight = logp[frag]
                if weight is not None:
                    value = weight + score[stop]
                    # max() over (value, end) tuples: on a tie the longer word wins
                    if best is None or value >= best:
                        best, best_end = value, stop - 1
                if stop >= size:
                    break
                stop += 1
                frag = block[start:stop]
            if best is None:
                best = floor + score[start + 1]
            score[start] = best
            end[start] = best_end
        pos = 0
        buf = ""
        while pos < size:
            nxt = end[pos] + 1
            word = block[pos:nxt]
            if nxt - pos == 1 and word in _ASCII_ALNUM:
                buf += word
            else:
                if buf:
                    words.append(buf)
                    buf = ""
                words.append(word)
            pos = nxt
        if buf:
            words.append(buf)


_ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)
_segmenter: Segmenter | None = None


def segmenter() -> Segmenter:
    """The process-wide segmenter, built once (thread-safe)."""
    global _segmenter
    if _segmenter is None:
        with _lock:
            if _segmenter is None:
                _segmenter = Segmenter()
    return _segmenter
