"""What every Telegram driver provides, whichever SDK it wraps (aiogram or python-telegram-bot).

The composition root picks one driver per process (``GUANJIA_TELEGRAM_DRIVER``) and talks to it
only through this Protocol; the two drivers never import each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from bot.core.inbound import Inbound, Outcome
from bot.core.sending import Sender

#: The update types the bot asks Telegram for (setWebhook / getUpdates ``allowed_updates``).
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")

#: What a driver calls for every translated update: the conversation core's entry point.
Handle = Callable[[Inbound], Awaitable[Outcome]]

#: Message content the core declines politely, checked in this order; the name is what the core
#: receives as ``unsupported_what``. Order matters twice: a GIF arrives with both ``animation``
#: and ``document`` (it is an animation), and a venue carries a ``location`` too (so all of these
#: are checked before the location). Both drivers use this one list so they translate alike.
UNSUPPORTED_KINDS: tuple[str, ...] = (
    "sticker", "voice", "video", "video_note", "audio", "animation", "document", "poll", "dice",
    "venue", "game",
)  # fmt: skip

#: Telegram's limits the drivers enforce when rendering.
CAPTION_LIMIT = 1024
MENU_ROW = 3


class TelegramDriver(Protocol):
    sender: Sender

    async def start(self) -> None:
        """Create the bot and its HTTP session once per process."""
        ...

    async def close(self) -> None: ...

    async def process_update(self, update: dict[str, Any]) -> bool:
        """Translate one raw update, call the handler, acknowledge a button press.

        Returns False when the update is of a kind the bot ignores (it is still 'processed').
        Raises only on infrastructure failures, so the caller can retry the update later.
        """
        ...

    async def set_webhook(self, url: str, *, secret: str) -> None: ...

    async def delete_webhook(self) -> None: ...

    async def run_polling(self) -> None:
        """Long-poll getUpdates until cancelled, feeding each update to ``process_update``."""
        ...
