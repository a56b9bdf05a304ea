"""Builds the trimmed jieba core dictionary shipped in intents/data/jieba_core.txt.gz.

Why trimmed: see textlibs.py (cold start). The 60,000 most frequent words keep everyday and
property-management vocabulary; rarer words fall back to characters, which the character n-gram
features cover. The build is deterministic (ties broken by the word, gzip without a timestamp) so
re-running `python -m intents.train` does not churn the committed file.
"""

from __future__ import annotations

import gzip
import importlib
from pathlib import Path
from typing import cast

from intents.textlibs import CORE_DICT

CORE_SIZE = 60_000


def jieba_dict_path() -> Path:
    """jieba's own full dictionary, as installed."""
    jieba = importlib.import_module("jieba")
    return Path(cast(str, jieba.__file__)).parent / "dict.txt"


def build_core_dictionary(
    source: Path | None = None, target: Path = CORE_DICT, size: int = CORE_SIZE
) -> Path:
    """Write the `size` most frequent words of `source` as a gzip'd jieba dictionary."""
    src = source if source is not None else jieba_dict_path()
    entries: list[tuple[int, str]] = []
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            entries.append((int(parts[1]), parts[0]))
    entries.sort(key=lambda e: (-e[0], e[1]))
    body = "".join(f"{word} {freq}\n" for freq, word in entries[:size])
    target.write_bytes(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))
    return target
