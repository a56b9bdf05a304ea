"""PTB ``Update`` → neutral :class:`Inbound`, or ``None`` for what the core ignores.

Why a module of its own: these rules are the contract shared with the aiogram driver (the core
must not be able to tell which SDK is running), so they live in one place, free of I/O, and are
tested against real update JSON. Everything here is pure attribute reading on the already parsed
update: no imports, regexes or tables are built per update.
"""

from __future__ import annotations

from telegram import CallbackQuery, Message, PhotoSize, Update, User

from bot.adapters.telegram import UNSUPPORTED_KINDS
from bot.core.inbound import Contact, Inbound, InboundKind
from workflows.estate import Platform

_TELEGRAM = Platform.TELEGRAM
_GROUP_TYPES = frozenset({"group", "supergroup"})


def translate(update: Update) -> Inbound | None:
    """The neutral message for ``update``; ``None`` for edits, channel posts, member changes..."""
    message = update.message
    if message is not None:
        return translate_message(update, message)
    query = update.callback_query
    if query is not None:
        return translate_callback(update, query)
    return None


def translate_message(update: Update, message: Message) -> Inbound | None:
    """A new message from a user: text, command, contact, photo, location or unsupported.

    A photo's or an unsupported file's caption becomes ``text``. Service messages (members
    joined, pinned, topic created ...) and messages without a sender translate to ``None``.
    """
    user = message.from_user
    if user is None:
        return None
    text = message.text
    if text is not None:
        entities = message.entities
        if entities:
            first = entities[0]
            if first.offset == 0 and first.type == "bot_command":
                # "/Start@guanjia_bot  lt-b1-7f3a " → command "start", args "lt-b1-7f3a".
                # parse_entity counts UTF-16 code units, as Telegram's offsets do.
                token = message.parse_entity(first)
                command = token[1:].partition("@")[0].lower()
                args = text[len(token) :].strip()
                return _from_message(
                    update,
                    message,
                    user,
                    InboundKind.COMMAND,
                    text=text,
                    command=command,
                    command_args=args,
                )
        return _from_message(update, message, user, InboundKind.TEXT, text=text)
    contact = message.contact
    if contact is not None:
        owner = None if contact.user_id is None else str(contact.user_id)
        return _from_message(
            update,
            message,
            user,
            InboundKind.CONTACT,
            contact=Contact(phone=contact.phone_number, user_id=owner),
        )
    caption = message.caption or ""
    photo = message.photo
    if photo:
        # Telegram lists sizes smallest first; pick by area so an odd order cannot fool us.
        largest = max(reversed(photo), key=_area)
        return _from_message(
            update, message, user, InboundKind.PHOTO, text=caption, photo_ref=largest.file_id
        )
    for what in UNSUPPORTED_KINDS:
        if getattr(message, what) is not None:
            return _from_message(
                update, message, user, InboundKind.UNSUPPORTED, text=caption, what=what
            )
    location = message.location
    if location is not None:
        return _from_message(
            update,
            message,
            user,
            InboundKind.LOCATION,
            latitude=location.latitude,
            longitude=location.longitude,
        )
    return None


def translate_callback(update: Update, query: CallbackQuery) -> Inbound:
    """An inline button press.

    The chat comes from the message the button sits on; when Telegram no longer gives that
    message (too old, or an inline-mode message) the press is attributed to the user's private
    chat and there is no message to edit.
    """
    user = query.from_user
    message = query.message
    # PTB parses an inaccessible message (date 0) as a Message that is not ``is_accessible``.
    if isinstance(message, Message) and message.is_accessible:
        chat = message.chat
        chat_id = str(chat.id)
        is_group = chat.type in _GROUP_TYPES
        button_message_id: str | None = str(message.message_id)
        thread_id = message.message_thread_id if message.is_topic_message else None
    else:
        chat_id = str(user.id)
        is_group = False
        button_message_id = None
        thread_id = None
    return Inbound(
        channel=_TELEGRAM,
        update_id=str(update.update_id),
        chat_id=chat_id,
        user_id=str(user.id),
        kind=InboundKind.BUTTON,
        is_group=is_group,
        button_data=query.data,
        callback_id=query.id,
        button_message_id=button_message_id,
        user_name=user.full_name,
        language_code=user.language_code,
        thread_id=thread_id,
    )


def _area(size: PhotoSize) -> int:
    """Pixel count of a ``PhotoSize`` (the key for picking the largest one)."""
    return size.width * size.height


def _from_message(
    update: Update,
    message: Message,
    user: User,
    kind: InboundKind,
    *,
    text: str = "",
    command: str | None = None,
    command_args: str = "",
    contact: Contact | None = None,
    photo_ref: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    what: str | None = None,
) -> Inbound:
    """The fields every message-borne Inbound shares (chat, sender, ids, topic)."""
    chat = message.chat
    return Inbound(
        channel=_TELEGRAM,
        update_id=str(update.update_id),
        chat_id=str(chat.id),
        user_id=str(user.id),
        kind=kind,
        is_group=chat.type in _GROUP_TYPES,
        message_id=str(message.message_id),
        text=text,
        command=command,
        command_args=command_args,
        contact=contact,
        photo_ref=photo_ref,
        latitude=latitude,
        longitude=longitude,
        user_name=user.full_name,
        language_code=user.language_code,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        unsupported_what=what,
    )
