"""Text for HTML parse mode: escape what users wrote, split what is too long.

User text is always escaped before it is placed in a template, so ``<b>`` typed by a resident is
shown, never interpreted. Splitting happens at line breaks, then spaces, never inside an HTML
entity or tag, so each part is valid on its own.
"""

from __future__ import annotations

import html
import re

TELEGRAM_LIMIT = 4096
_TAG_OR_ENTITY = re.compile(r"<[^>]*>|&[#a-zA-Z0-9]+;")


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def _safe_cut(text: str, limit: int) -> int:
    """The largest cut point ≤ limit that is not inside a tag or an entity."""
    cut = limit
    for match in _TAG_OR_ENTITY.finditer(text, 0, min(len(text), limit + 16)):
        if match.start() < cut < match.end():
            cut = match.start()
    return max(cut, 1)


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of at most ``limit`` characters, preferring line breaks, then spaces."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        cut = _safe_cut(rest, limit if cut < limit // 2 else cut)
        parts.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    if rest or not parts:
        parts.append(rest)
    return parts
