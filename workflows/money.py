"""Exact money: integer fen everywhere, parsed from and shown as yuan.

Floats never touch an amount; a spreadsheet's "250.6" becomes 25060 fen or an error.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100


class MoneyError(ValueError):
    """An amount that is not a valid, exact money value."""


def parse_yuan(text: str) -> int:
    """'1,250.60' or '¥250.6' → fen. Rejects negatives, NaN, and more than 2 decimals."""
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if not cleaned:
        raise MoneyError("empty amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise MoneyError(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not a finite amount: {text!r}")
    if value < 0:
        raise MoneyError(f"negative amount: {text!r}")
    if value != value.quantize(Decimal("0.01")):
        raise MoneyError(f"more than two decimals: {text!r}")
    return int(value * FEN_PER_YUAN)


def yuan_to_fen(value: Decimal) -> int:
    """Round a computed yuan amount (area × rate) to the fen, half up as receipts do."""
    return int((value * FEN_PER_YUAN).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def format_yuan(fen: int) -> str:
    """25060 → '250.60'."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{part:02d}"
