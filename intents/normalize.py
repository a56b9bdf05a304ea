"""Text normalisation before segmentation: one canonical form for many ways of typing.

Residents type on phones in every width, script and mood; the classifier, the rules and the
entity extractors all read the same folded text so that "電梯壞了！！！", "电梯坏了!" and
"电 梯 坏 了 😡" look alike. The original text is kept for the reply and the logs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from intents.textlibs import to_simplified, traditional_chars

#: Longer messages are cut before analysis; the first part carries the request, and this keeps
#: the cost of a pasted 100 KB blob bounded.
MAX_CHARS = 2000

_EMOJI_WORDS: dict[str, str] = {
    "😡": "生气",
    "😠": "生气",
    "🤬": "生气",
    "💢": "生气",
    "👍": "点赞",
    "👏": "点赞",
    "❤": "点赞",
    "💯": "点赞",
    "🌹": "点赞",
    "💐": "点赞",
    "🙏": "拜托",
    "😭": "难过",
    "😢": "难过",
}

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL = "[零〇一二两三四五六七八九十百千]"

# Chinese numerals that carry a building, entrance or room number (三号楼二单元一五零二室).
_ADDRESS_NUMERAL = re.compile(f"({CN_NUMERAL}+)(?=号楼|栋|幢|单元|室|号房)")
_PUNCT_RUN = re.compile(r"([!?.,;:~。，、？！；：～…])[!?.,;:~。，、？！；：～…]+")
_SPACES = re.compile(r"\s+")


def cn_to_int(numeral: str) -> int | None:
    """Read a Chinese numeral: positional (二十三, 一百零二) or digit by digit (一五零二)."""
    if not numeral or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in numeral):
        return None
    if not any(ch in _CN_UNITS for ch in numeral):
        return int("".join(str(_CN_DIGITS[ch]) for ch in numeral))
    total, current = 0, 0
    for ch in numeral:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        else:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + current


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0xFE0F, 0x20E3)
    )


# Anything _fold_chars would change: controls, format and private-use characters, surrogates,
# emoji ranges. Most messages contain none, and skip the per-character loop.
_SPECIAL = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u2600-\u27bf\u2b00-\u2bff\ud800-\uf8ff\ufe0f\ufeff"
    "\ufff0-\uffff\u20e3\U0001f000-\U0001faff\U000e0000-\U0010ffff]"
)


def _fold_chars(text: str) -> str:
    if _SPECIAL.search(text) is None and text.isprintable():
        return text
    out: list[str] = []
    for ch in text:
        if ch in _EMOJI_WORDS:
            out.append(f" {_EMOJI_WORDS[ch]} ")
        elif _is_emoji(ch):
            out.append(" ")
        else:
            category = unicodedata.category(ch)
            if category in ("Cf", "Cs", "Co", "Cn"):
                continue  # zero-width and format characters vanish: 电\u200b梯 is 电梯
            out.append(" " if category == "Cc" or category.startswith("Z") else ch)
    return "".join(out)


def _read_address_numeral(match: re.Match[str]) -> str:
    value = cn_to_int(match.group(1))
    return match.group(1) if value is None else str(value)


@dataclass(frozen=True)
class Normalised:
    """A message in canonical form; `text` keeps case (entities), `lowered` feeds the model."""

    original: str
    text: str
    lowered: str
    traditional: bool
    han_chars: int
    latin_chars: int
    exclamations: int
    has_words: bool  # any letter or digit besides emoji: emoji-only or punctuation-only is no text


# `[^\W_]` is one character for which str.isalnum() is true (re's \w is isalnum() or "_").
_ALNUM = re.compile(r"[^\W_]")
_EMOJI_RANGES = re.compile("[\u2600-\u27bf\u2b00-\u2bff\ufe0f\u20e3\U0001f000-\U0001faff]")
_NOT_HAN = re.compile("[^\u4e00-\u9fff]+")
_NOT_LATIN = re.compile("[^A-Za-z]+")


def _has_words(text: str) -> bool:
    """Any letter or digit that is not an emoji (the same as testing each character)."""
    if _EMOJI_RANGES.search(text) is None:
        return _ALNUM.search(text) is not None
    return any(ch.isalnum() and not _is_emoji(ch) for ch in text)


@functools.lru_cache(maxsize=16)
def normalise(original: str) -> Normalised:
    """Fold width, script, emoji, punctuation runs, case and address numerals of a message.

    Remembers the last few: the conversation core detects a message's language and then
    classifies it, and both start here.
    """
    text = original[:MAX_CHARS]
    exclamations = text.count("!") + text.count("！")
    text = unicodedata.normalize("NFKC", text)
    has_words = _has_words(text)
    folded = _fold_chars(text)
    # NFKC is idempotent: text that folding left alone is already normalised
    text = text if folded is text else unicodedata.normalize("NFKC", folded)
    traditional = not traditional_chars().isdisjoint(text)
    if traditional:
        text = to_simplified(text)
    text = _ADDRESS_NUMERAL.sub(_read_address_numeral, text)
    text = _PUNCT_RUN.sub(r"\1", text)
    text = _SPACES.sub(" ", text).strip()
    han = len(_NOT_HAN.sub("", text))
    latin = len(_NOT_LATIN.sub("", text))
    return Normalised(
        original=original,
        text=text,
        lowered=text.lower(),
        traditional=traditional,
        han_chars=han,
        latin_chars=latin,
        exclamations=exclamations,
        has_words=has_words,
    )
