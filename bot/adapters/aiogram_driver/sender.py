"""The outbox's way out through aiogram: one :class:`OutboxMessage` → one or more Bot API calls.

Why a class around a ``Bot``: the dispatcher sends through the neutral
:class:`~bot.core.sending.Sender` port and knows nothing of aiogram. This class renders the
message (HTML parse mode, no link previews, split at 4096 characters, keyboard on the last
part, photo caption or photo-then-text) and turns every aiogram error into one of the four
failures the dispatcher's retry policy understands.

The text is already HTML-escaped by the core; it is sent as-is, never escaped again.

Not atomic: when a long text is split, or a photo is followed by its text, and a later part
fails, the earlier parts are already delivered and a retry of the row sends them again.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.types import LinkPreviewOptions

from bot.adapters.aiogram_driver.errors import is_not_modified, to_failure
from bot.adapters.aiogram_driver.markup import inline_keyboard, reply_markup
from bot.adapters.telegram import CAPTION_LIMIT
from bot.core.sending import Rejected, SendFailure, Sent
from bot.core.text import TELEGRAM_LIMIT, split_message
from workflows.messaging import OutboxMessage

_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def chat_ref(chat_id: str) -> int | str:
    """Numeric chat ids go out as ints; ``@channelname`` stays a string."""
    try:
        return int(chat_id)
    except ValueError:
        return chat_id


class AiogramSender:
    """:class:`~bot.core.sending.Sender` over one shared ``aiogram.Bot`` (and its session)."""

    rate_limited = True

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, message: OutboxMessage, *, edit_message_id: str | None) -> Sent:
        """Send ``message``, or edit ``edit_message_id`` in place; raise a ``SendFailure``."""
        try:
            if edit_message_id is not None:
                return await self._edit(message, edit_message_id)
            if message.photo:
                return await self._send_photo(message)
            return await self._send_text(message)
        except SendFailure:
            raise
        except Exception as exc:
            failure = to_failure(exc, self._bot.token)
            if failure is None:
                raise
            # ``from None``: the aiohttp cause may quote the request URL, token included.
            raise failure from None

    async def _send_text(self, message: OutboxMessage) -> Sent:
        parts = split_message(message.text, TELEGRAM_LIMIT)
        markup = reply_markup(message)
        chat_id = chat_ref(message.chat_id)
        last = len(parts) - 1
        message_id = 0
        for index, part in enumerate(parts):
            sent = await self._bot.send_message(
                chat_id=chat_id,
                text=part,
                message_thread_id=message.thread_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=_NO_PREVIEW,
                reply_markup=markup if index == last else None,
            )
            message_id = sent.message_id
        return Sent(message_id=str(message_id))

    async def _send_photo(self, message: OutboxMessage) -> Sent:
        """The photo with the text as its caption, or — when the text is longer than a
        caption may be — the bare photo followed by the text (which carries the keyboard)."""
        assert message.photo is not None
        fits = len(message.text) <= CAPTION_LIMIT
        caption = message.text if fits and message.text else None
        sent = await self._bot.send_photo(
            chat_id=chat_ref(message.chat_id),
            photo=message.photo,
            caption=caption,
            parse_mode=ParseMode.HTML,
            message_thread_id=message.thread_id,
            reply_markup=reply_markup(message) if fits else None,
        )
        if fits:
            return Sent(message_id=str(sent.message_id))
        return await self._send_text(message)

    async def _edit(self, message: OutboxMessage, edit_message_id: str) -> Sent:
        """Edit text (or a photo's caption) and inline buttons; a no-op edit is a success."""
        try:
            message_id = int(edit_message_id)
        except ValueError:
            raise Rejected(f"not a Telegram message id: {edit_message_id!r}") from None
        chat_id = chat_ref(message.chat_id)
        markup = inline_keyboard(message.buttons)
        try:
            if message.photo:
                await self._bot.edit_message_caption(
                    chat_id=chat_id,
                    message_id=message_id,
                    caption=message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                )
            else:
                await self._bot.edit_message_text(
                    chat_id=chat_id,
                    message_id=message_id,
                    text=message.text,
                    parse_mode=ParseMode.HTML,
                    link_preview_options=_NO_PREVIEW,
                    reply_markup=markup,
                )
        except Exception as exc:
            if not is_not_modified(exc):
                raise
        return Sent(message_id=str(message_id))
