"""The outbox's way out through python-telegram-bot: :class:`PtbSender`.

Why: the dispatcher sends rows written long before, possibly by another process, and needs
exactly one answer per row: the platform message id, or one of the four failures of
:mod:`bot.core.sending`. This class renders an :class:`OutboxMessage` (HTML text, keyboards,
photo, topic, long-text splitting, edit in place) and maps PTB's errors; it holds no state but
the bot, so one instance serves every concurrent send.

The text is HTML the core already escaped: it is sent as-is, never escaped again.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.adapters.ptb_driver.errors import is_not_modified, to_send_failure
from bot.adapters.ptb_driver.markup import ReplyMarkup, inline_keyboard, reply_markup
from bot.adapters.telegram import CAPTION_LIMIT
from bot.core.sending import Rejected, Sent
from bot.core.text import TELEGRAM_LIMIT, split_message
from workflows.messaging import OutboxMessage

_HTML = ParseMode.HTML
#: Links in notices (bills, repair tickets) would otherwise unfurl into large previews.
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class PtbSender:
    """Implements :class:`bot.core.sending.Sender` on a ``telegram.Bot``."""

    rate_limited = True

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, message: OutboxMessage, *, edit_message_id: str | None) -> Sent:
        """Send ``message`` (or edit ``edit_message_id`` in place); map PTB's errors."""
        try:
            if edit_message_id is not None:
                return await self._edit(message, edit_message_id)
            markup = reply_markup(message)
            if message.photo:
                return await self._send_photo(message, message.photo, markup)
            return await self._send_text(message, message.text, markup)
        except TelegramError as exc:
            raise to_send_failure(exc) from exc

    async def _send_text(
        self, message: OutboxMessage, text: str, markup: ReplyMarkup | None
    ) -> Sent:
        """Text in parts of at most 4096 characters, in order; the keyboard on the last one."""
        return await self._send_parts(message, _parts(text), markup)

    async def _send_parts(
        self, message: OutboxMessage, parts: Sequence[str], markup: ReplyMarkup | None
    ) -> Sent:
        """Each part as its own message, in order; the keyboard on the last one."""
        last = len(parts) - 1
        sent: Message | None = None
        for i, part in enumerate(parts):
            sent = await self._bot.send_message(
                chat_id=message.chat_id,
                text=part,
                parse_mode=_HTML,
                link_preview_options=_NO_PREVIEW,
                message_thread_id=message.thread_id,
                reply_markup=markup if i == last else None,
            )
        assert sent is not None  # there is always at least one part
        return Sent(message_id=str(sent.message_id))

    async def _send_photo(
        self, message: OutboxMessage, photo: str, markup: ReplyMarkup | None
    ) -> Sent:
        """A photo with the text as caption, or followed by the text when it is too long."""
        text = message.text
        fits = len(text) <= CAPTION_LIMIT
        sent = await self._bot.send_photo(
            chat_id=message.chat_id,
            photo=photo,
            caption=(text or None) if fits else None,
            parse_mode=_HTML,
            message_thread_id=message.thread_id,
            reply_markup=markup if fits else None,
        )
        if fits:
            return Sent(message_id=str(sent.message_id))
        return await self._send_text(message, text, markup)

    async def _edit(self, message: OutboxMessage, edit_message_id: str) -> Sent:
        """Replace the text (a photo's caption) and inline keyboard of an earlier message.

        An edit that changes nothing counts as done: a retried edit must not become a failure.
        Text too long for one message: the first part replaces the old text, the rest follows
        as new messages (the keyboard moves to the last one).
        """
        try:
            target = int(edit_message_id)
        except ValueError:
            raise Rejected(f"not a Telegram message id: {edit_message_id!r}") from None
        keyboard = inline_keyboard(message.buttons)
        if message.photo:
            parts: Sequence[str] = (message.text,)
            edit = self._bot.edit_message_caption(
                chat_id=message.chat_id,
                message_id=target,
                caption=message.text,
                parse_mode=_HTML,
                reply_markup=keyboard,
            )
        else:
            parts = _parts(message.text)
            edit = self._bot.edit_message_text(
                text=parts[0],
                chat_id=message.chat_id,
                message_id=target,
                parse_mode=_HTML,
                link_preview_options=_NO_PREVIEW,
                reply_markup=keyboard if len(parts) == 1 else None,
            )
        try:
            await edit
        except TelegramError as exc:
            if not is_not_modified(exc):
                raise
        if len(parts) == 1:
            return Sent(message_id=edit_message_id)
        return await self._send_parts(message, parts[1:], keyboard)


def _parts(text: str) -> Sequence[str]:
    """``text`` cut to Telegram's limit; the common short text costs no list."""
    return split_message(text, TELEGRAM_LIMIT) if len(text) > TELEGRAM_LIMIT else (text,)
