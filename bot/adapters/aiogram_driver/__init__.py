"""The aiogram 3 Telegram driver: updates in (→ ``Inbound``), outbox messages out.

Only the composition root imports this package, and only when ``GUANJIA_TELEGRAM_DRIVER``
selects aiogram; it never imports the python-telegram-bot driver, nor does that one import it.
"""

from __future__ import annotations

from bot.adapters.aiogram_driver.driver import (
    AiogramDriver,
    DriverNotStarted,
    MalformedUpdate,
)
from bot.adapters.aiogram_driver.sender import AiogramSender
from bot.adapters.aiogram_driver.translate import translate
from bot.adapters.telegram import Handle

__all__ = [
    "AiogramDriver",
    "AiogramSender",
    "DriverNotStarted",
    "MalformedUpdate",
    "build_driver",
    "translate",
]


def build_driver(token: str, api_url: str, handle: Handle) -> AiogramDriver:
    """The driver the composition root starts, serves updates with and closes."""
    return AiogramDriver(token, api_url, handle)
