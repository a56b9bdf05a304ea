"""Phone numbers and licence plates in a message.

Phones: a mainland mobile (1[3-9] + 9 digits) or a landline with its area code (0 + 2-3 digits,
then 7-8 digits), separators allowed as residents type them (138-1234-5678, 021 6123 4567); the
result is digits only, without a +86 country code. Plates: province abbreviation, letter, then 5
characters (7 in all) or 6 for new-energy plates (8 in all), an optional "·" or space after the
letter; returned upper-cased without the separator.
"""

from __future__ import annotations

import re

_SEP = r"[\s-]?"
_MOBILE = re.compile(
    r"(?<![0-9])(?:\+?86[\s-]?)?(1[3-9][0-9])"
    + _SEP
    + r"([0-9]{4})"
    + _SEP
    + r"([0-9]{4})(?![0-9])"
)
_LANDLINE = re.compile(
    r"(?<![0-9])(0[1-9][0-9]{1,2})[\s-]?([0-9]{3,4})[\s-]?([0-9]{4})(?![0-9])"
    r"|\((0[1-9][0-9]{1,2})\)\s?([0-9]{7,8})(?![0-9])"
)
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE = re.compile(
    rf"([{_PROVINCES}])\s?([A-Za-z])\s?[·•.]?\s?([A-Za-z0-9]{{6}}|[A-Za-z0-9]{{5}})(?![A-Za-z0-9])"
)


def find_phone(text: str) -> str | None:
    """Digits of the first mobile or landline number in `text`."""
    mobile = _MOBILE.search(text)
    if mobile is not None:
        return "".join(mobile.groups())
    landline = _LANDLINE.search(text)
    if landline is not None:
        digits = "".join(g for g in landline.groups() if g)
        if 10 <= len(digits) <= 12:
            return digits
    return None


def find_plate(text: str) -> str | None:
    """The first licence plate in `text`, e.g. 浙A12345 or 粤B12345D."""
    for match in _PLATE.finditer(text):
        tail = match.group(3).upper()
        if sum(ch.isdigit() for ch in tail) >= 3:
            return f"{match.group(1)}{match.group(2).upper()}{tail}"
    return None
