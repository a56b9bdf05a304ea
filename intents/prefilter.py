"""Cheap exact pre-checks for the rule regexes: skip a search that cannot match.

Most messages contain none of the emergency, urgency or entity keywords, yet every rule regex
used to be run over every message. For a pattern, `trigger_chars` computes a set of characters
of which every possible match contains at least one (a literal is its own trigger; a sequence
needs any one of its items' triggers; an alternation needs the union of its branches'; a
repeat of at least one needs its body's; a lookaround, a wildcard or an optional part gives no
certainty). When a text contains none of them the pattern cannot match, so skipping it never
changes a result: the pre-check is an exact shortcut, not a heuristic.

The sets are derived from the patterns themselves (through the regex parser of the standard
library) when the module is imported, so they can never drift from the patterns. Should the
parser be unavailable or a pattern use a construct not understood here, the answer is None and
the caller simply always searches.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from typing import Any

#: Frequent characters that make poor triggers; among equally small alternatives, sets without
#: them are preferred (only speed depends on the choice, never a result).
_COMMON = frozenset(
    "的一是不了人我在有他这个们中来上大为和到说要就出下时也得里后自以会家可你对生能而子那"
    "都过好看起还天去没心多么开进小被打动点快全往水电门楼房车坏修物业费吗呢吧啊 etaoinsrhl"
)
_MAX_RANGE = 64  # a character class wider than this gives no useful trigger set


def _parser() -> Any | None:
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - every supported Python has it
        return None


def _cost(chars: frozenset[str]) -> tuple[int, int]:
    in_ascii = sum(1 for ch in chars if ch.isascii())
    spaces = sum(1 for ch in chars if ch.isspace())
    return (len(chars) + 4 * len(chars & _COMMON) + 2 * in_ascii + 20 * spaces, len(chars))


def _sequence(items: Iterable[tuple[Any, Any]], sre: Any) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    for op, av in items:
        found = _item(op, av, sre)
        if found is not None and (best is None or _cost(found) < _cost(best)):
            best = found
    return best


def _item(op: Any, av: Any, sre: Any) -> frozenset[str] | None:
    c = sre  # the parser module re-exports the opcode constants
    if op is c.LITERAL:
        return frozenset(chr(av))
    if op is c.IN:
        chars: set[str] = set()
        for sub_op, sub_av in av:
            if sub_op is c.LITERAL:
                chars.add(chr(sub_av))
            elif sub_op is c.RANGE and sub_av[1] - sub_av[0] < _MAX_RANGE:
                chars.update(chr(code) for code in range(sub_av[0], sub_av[1] + 1))
            else:  # NEGATE, CATEGORY, a wide range: anything may match
                return None
        return frozenset(chars) if chars else None
    if op is c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(branch, sre)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op is c.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        if add_flags & re.IGNORECASE:
            return None
        return _sequence(body, sre)
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _sequence(av, sre)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        return _sequence(body, sre) if low >= 1 else None
    return None  # ANY, NOT_LITERAL, AT, ASSERT(_NOT), CATEGORY, GROUPREF...: no certainty


def trigger_chars(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Characters of which every match of `pattern` contains one; None when none are certain."""
    sre = _parser()
    if sre is None or pattern.flags & (re.IGNORECASE | re.VERBOSE) or not pattern.pattern:
        return None
    try:
        parsed = sre.parse(pattern.pattern, pattern.flags)
        return _sequence(list(parsed), sre)
    except (AttributeError, TypeError, ValueError, re.error):  # pragma: no cover - parser drift
        return None


def any_of(chars: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds any one of `chars`."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(set(chars))) + "]")


class Gate:
    """`may_match(text)` is False only when none of the patterns can match `text`."""

    def __init__(self, *patterns: re.Pattern[str]) -> None:
        union: set[str] = set()
        self.chars: frozenset[str] | None = None  # None: some pattern has no trigger set
        self._search: Any = None
        for pattern in patterns:
            found = trigger_chars(pattern)
            if found is None:
                return  # one pattern without triggers: always search
            union |= found
        self.chars = frozenset(union)
        self._search = any_of(union).search if union else None

    def may_match(self, text: str) -> bool:
        return self._search is None or self._search(text) is not None
