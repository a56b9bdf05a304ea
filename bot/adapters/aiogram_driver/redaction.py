"""Keep the bot token out of every log line aiogram (or this driver) writes.

Why: the token is the bot's password and sits in every request URL
(``{api}/bot<token>/<method>``). aiogram itself logs only the bot id, but its dispatcher logs
exception texts (e.g. "Failed to fetch updates - TelegramNetworkError: ...") and an aiohttp
error can quote the URL. A filter on the loggers that may carry such text scrubs the token
before any handler formats the record, whatever level the composition root configures.
"""

from __future__ import annotations

import logging

from bot.adapters.aiogram_driver.errors import redact

#: Loggers whose records may quote exception texts. Filters on a logger only see records
#: created by that very logger, so each is listed (a parent's filter would not apply).
LOGGER_NAMES: tuple[str, ...] = (
    "aiogram.dispatcher",
    "aiogram.event",
    "aiogram.middlewares",
    "aiogram.webhook",
    "aiogram.scene",
    "bot.adapters.aiogram_driver",
)


class TokenRedactor(logging.Filter):
    """Rewrites records (message and traceback text) that contain the token; drops none."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token
        self._secret = token.partition(":")[2] or token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._secret in message:
            record.msg = redact(message, self._token)
            record.args = ()
        if record.exc_info and record.exc_info[0] is not None:
            # Format the traceback now, so handlers use the scrubbed ``exc_text``.
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text, self._token)
        return True

    def install(self) -> None:
        for name in LOGGER_NAMES:
            logging.getLogger(name).addFilter(self)

    def uninstall(self) -> None:
        for name in LOGGER_NAMES:
            logging.getLogger(name).removeFilter(self)
