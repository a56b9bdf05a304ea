"""Unit addresses: 3栋2单元1502, 3-2-1502, 三号楼二单元1502室, 5号楼1单元302, B座1203.

Runs on normalised text, where Chinese numerals before 号楼/栋/单元/室 are already digits. The
forms are tried from the most to the least specific; the first that matches gives the unit.
"""

from __future__ import annotations

import re

from intents.model import UnitRef
from intents.prefilter import Gate

_BUILDING = r"(?<![0-9A-Za-z])([0-9]{1,3}|[A-Za-z])\s*(?:号楼|号栋|栋|幢|座|#楼|#|号)"
_ENTRANCE = r"\s*([0-9]{1,2})\s*单元"
_ROOM = r"\s*-?\s*([0-9]{3,4})(?![0-9])\s*(?:室|号|房)?"

_FORMS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(_BUILDING + _ENTRANCE + _ROOM), ("building", "entrance", "room")),
    (
        re.compile(r"(?<![0-9A-Za-z])([0-9]{1,3})\s*-\s*([0-9]{1,2})\s*-\s*([0-9]{3,4})(?![0-9])"),
        ("building", "entrance", "room"),
    ),
    (re.compile(_BUILDING + _ENTRANCE), ("building", "entrance")),
    (re.compile(_BUILDING + r"\s*([0-9]{3,4})(?![0-9])\s*(?:室|号|房)?"), ("building", "room")),
    (
        re.compile(r"(?<![0-9A-Za-z-])([0-9]{1,3})\s*-\s*([0-9]{3,4})(?![0-9-])"),
        ("building", "room"),
    ),
    (re.compile(r"(?<![0-9])([0-9]{1,2})\s*单元\s*([0-9]{3,4})(?![0-9])"), ("entrance", "room")),
    (re.compile(r"(?<![0-9A-Za-z])([0-9]{1,3}|[A-Za-z])\s*(?:号楼|栋|幢|座)"), ("building",)),
    (re.compile(r"(?<![0-9])([0-9]{3,4})\s*(?:室|房间|户)"), ("room",)),
)


#: Exact pre-check: text with none of the forms' trigger characters holds no unit.
_GATE = Gate(*(pattern for pattern, _ in _FORMS))


def find_unit(text: str) -> UnitRef | None:
    """The first unit address in normalised text, or None."""
    if not _GATE.may_match(text):
        return None
    for pattern, slots in _FORMS:
        match = pattern.search(text)
        if match is None:
            continue
        values = {slot: match.group(i + 1) for i, slot in enumerate(slots)}
        building = values.get("building")
        return UnitRef(
            building=building.upper() if building is not None else None,
            entrance=_strip_zeros(values.get("entrance")),
            room=values.get("room"),
        )
    return None


def _strip_zeros(value: str | None) -> str | None:
    return str(int(value)) if value is not None and value.isdigit() else value
