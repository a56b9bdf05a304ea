"""aiogram ``Update`` → neutral :class:`~bot.core.inbound.Inbound`, or ``None`` to ignore it.

Why a pure function: the translation rules are the contract between Telegram and the core, and
they must match the python-telegram-bot driver field for field. Keeping them free of I/O makes
them testable with hand-built updates and lets the dispatcher handlers stay a few lines long.

``None`` means "the core does not care": edited messages, channel posts, ``my_chat_member``,
service messages (members joined, pinned ...) and anything without a sender.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram.enums import ChatType, MessageEntityType
from aiogram.types import CallbackQuery, Message, PhotoSize, Update, User

from bot.adapters.telegram import UNSUPPORTED_KINDS
from bot.core.inbound import Contact, Inbound, InboundKind
from workflows.estate import Platform

_GROUP_TYPES = frozenset({ChatType.GROUP, ChatType.SUPERGROUP})


def translate(update: Update) -> Inbound | None:
    """The neutral inbound for ``update``; ``None`` for update kinds the core ignores."""
    if update.message is not None:
        return translate_message(update.update_id, update.message)
    if update.callback_query is not None:
        return translate_callback(update.update_id, update.callback_query)
    return None


def translate_message(update_id: int, message: Message) -> Inbound | None:
    """A new message (text, command, contact, photo, location or unsupported content)."""
    user = message.from_user
    if user is None:  # channel posts forwarded into groups, anonymous senders
        return None
    text = message.text
    if text is not None:
        return _text_or_command(_common(update_id, user, message, InboundKind.TEXT), message)
    caption = message.caption or ""
    if message.contact is not None:
        owner = message.contact.user_id
        contact = Contact(
            phone=message.contact.phone_number, user_id=None if owner is None else str(owner)
        )
        return replace(_common(update_id, user, message, InboundKind.CONTACT), contact=contact)
    if message.photo:
        inbound = _common(update_id, user, message, InboundKind.PHOTO)
        return replace(inbound, text=caption, photo_ref=_largest(message.photo).file_id)
    for what in UNSUPPORTED_KINDS:
        if getattr(message, what, None) is not None:
            inbound = _common(update_id, user, message, InboundKind.UNSUPPORTED)
            return replace(inbound, text=caption, unsupported_what=what)
    if message.location is not None:
        inbound = _common(update_id, user, message, InboundKind.LOCATION)
        return replace(
            inbound, latitude=message.location.latitude, longitude=message.location.longitude
        )
    return None  # service messages: members joined/left, pinned, topic created ...


def translate_callback(update_id: int, query: CallbackQuery) -> Inbound:
    """An inline button press.

    When the message the button sits on is missing (inline mode) or inaccessible (too old to
    be shown to the bot), the core answers in the user's private chat: ``chat_id`` is then
    the user's id and there is no ``button_message_id``.
    """
    user = query.from_user
    message = query.message if isinstance(query.message, Message) else None
    if message is None:
        inbound = Inbound(
            channel=Platform.TELEGRAM,
            update_id=str(update_id),
            chat_id=str(user.id),
            user_id=str(user.id),
            kind=InboundKind.BUTTON,
            user_name=user.full_name,
            language_code=user.language_code,
        )
    else:
        inbound = replace(
            _common(update_id, user, message, InboundKind.BUTTON),
            message_id=None,
            button_message_id=str(message.message_id),
        )
    return replace(inbound, button_data=query.data, callback_id=query.id)


def _common(update_id: int, user: User, message: Message, kind: InboundKind) -> Inbound:
    """The fields every inbound shares: which update, who, in which chat and topic."""
    chat = message.chat
    return Inbound(
        channel=Platform.TELEGRAM,
        update_id=str(update_id),
        chat_id=str(chat.id),
        user_id=str(user.id),
        kind=kind,
        is_group=chat.type in _GROUP_TYPES,
        message_id=str(message.message_id),
        user_name=user.full_name,
        language_code=user.language_code,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


def _text_or_command(inbound: Inbound, message: Message) -> Inbound:
    """TEXT, or COMMAND when the text starts with a ``bot_command`` entity."""
    text = message.text or ""
    entities = message.entities
    first = entities[0] if entities else None
    if first is None or first.type != MessageEntityType.BOT_COMMAND or first.offset != 0:
        return replace(inbound, text=text)
    # Entity offsets and lengths count UTF-16 code units; extract_from handles that.
    token = first.extract_from(text)  # "/start@guanjia_bot"
    name = token.removeprefix("/").partition("@")[0].lower()
    return replace(
        inbound,
        kind=InboundKind.COMMAND,
        text=text,
        command=name,
        command_args=text[len(token) :].strip(),
    )


def _largest(sizes: list[PhotoSize]) -> PhotoSize:
    """Telegram lists sizes smallest first; pick by area so an odd order cannot fool us."""
    return max(reversed(sizes), key=lambda size: size.width * size.height)
