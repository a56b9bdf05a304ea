"""Keep the bot token out of the logs.

Why: the token is part of every Bot API URL (``/bot<token>/sendMessage``). httpx logs each
request URL at INFO and PTB logs its base URL at DEBUG when a bot is built, so one raised log
level would leak a credential into log storage. httpx (and httpcore, whose DEBUG lines are
noise) are held at WARNING; PTB's bot loggers get a filter that blanks the token. Filters run
only for records that pass the level check, so this costs nothing at the usual INFO level.
"""

from __future__ import annotations

import logging

#: Loggers whose records may contain a request URL.
_HTTP_LOGGERS = ("httpx", "httpcore")
#: PTB loggers that print the base URL (telegram.Bot and ExtBot log "Set Bot API URL: ...").
_PTB_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot")

_guarded: set[str] = set()


class RedactToken(logging.Filter):
    """Replaces the token in a record's message with ``<token>``."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = None
        return True


def guard_token(token: str) -> None:
    """Hold the HTTP loggers at WARNING (or above) and redact ``token`` from PTB's loggers."""
    for name in _HTTP_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level < logging.WARNING:  # NOTSET included; a stricter level is kept
            logger.setLevel(logging.WARNING)
    if token in _guarded:
        return
    _guarded.add(token)
    redact = RedactToken(token)
    for name in _PTB_LOGGERS:
        logging.getLogger(name).addFilter(redact)
