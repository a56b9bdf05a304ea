"""Which script or language a resident wrote in, so the bot can answer in kind."""

from __future__ import annotations

from intents.model import Language
from intents.normalize import Normalised, normalise


def language_of(norm: Normalised) -> Language:
    """English when Latin letters clearly dominate; Traditional when any character is Traditional.

    Text with neither (emoji only, digits, empty) defaults to Simplified Chinese, the estate's
    working language.
    """
    if norm.latin_chars >= 2 and norm.latin_chars > 2 * norm.han_chars:
        return Language.ENGLISH
    if norm.traditional:
        return Language.TRADITIONAL
    return Language.SIMPLIFIED


def detect_language(text: str) -> Language:
    """Language of a raw message."""
    return language_of(normalise(text))
