"""The web channel's side of the outbox: "sending" is publishing to the open tabs of a chat.

The message id a web message gets is its outbox row id, so an edit (``edit_of`` resolved by the
dispatcher to the original's sent id) tells the tabs which bubble to replace. A chat with no open
tab still counts as sent: the next visit reads it from history.
"""

from __future__ import annotations

from bot.adapters.web.hub import WebHub, chat_topic
from bot.adapters.web.view import bot_view
from bot.core.sending import Rejected, Sent
from workflows.messaging import OutboxMessage


class WebSender:
    rate_limited = False

    def __init__(self, hub: WebHub) -> None:
        self._hub = hub

    async def send(self, message: OutboxMessage, *, edit_message_id: str | None) -> Sent:
        if message.id is None:
            raise Rejected("web messages are sent from stored outbox rows only")
        replaces = int(edit_message_id) if edit_message_id and edit_message_id.isdigit() else None
        self._hub.publish(chat_topic(message.chat_id), bot_view(message, replaces=replaces))
        return Sent(message_id=str(replaces if replaces is not None else message.id))
