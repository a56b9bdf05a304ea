"""The web chat channel: a browser page talking to the same core and outbox as Telegram.

``translate`` turns the page's JSON into neutral :class:`~bot.core.inbound.Inbound` messages;
``sender`` implements the outbox's :class:`~bot.core.sending.Sender` port by publishing to the
browsers subscribed through ``hub``; ``view`` is the one JSON shape both live pushes and history
use, so a reconnecting tab sees exactly what a connected one saw.
"""

from bot.adapters.web.hub import Subscription, WebHub, chat_topic
from bot.adapters.web.sender import WebSender
from bot.adapters.web.translate import BadInput, WebPost, parse_post, to_inbound

__all__ = [
    "BadInput",
    "Subscription",
    "WebHub",
    "WebPost",
    "WebSender",
    "chat_topic",
    "parse_post",
    "to_inbound",
]
