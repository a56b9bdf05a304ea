"""The Telegram driver on python-telegram-bot 22 (picked with ``GUANJIA_TELEGRAM_DRIVER``).

``translate`` turns PTB updates into neutral :class:`bot.core.inbound.Inbound` messages,
``PtbSender`` sends outbox rows, ``PtbDriver`` ties both to one PTB ``Application``.
"""

from bot.adapters.ptb_driver.driver import MalformedUpdate, PtbDriver, build_driver
from bot.adapters.ptb_driver.sender import PtbSender
from bot.adapters.ptb_driver.translate import translate

__all__ = ["MalformedUpdate", "PtbDriver", "PtbSender", "build_driver", "translate"]
