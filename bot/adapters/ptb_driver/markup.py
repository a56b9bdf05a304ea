"""OutboxMessage keyboards → PTB reply markup.

Why separate: the choice between an inline keyboard, a persistent menu and removing the menu is
pure rendering policy, the same for a send and an edit, and easy to test without HTTP.
"""

from __future__ import annotations

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.adapters.telegram import MENU_ROW
from workflows.messaging import Button, OutboxMessage

#: Every kind of ``reply_markup`` a message can carry.
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

#: Immutable, so one instance serves every message that drops the menu.
_REMOVE_MENU = ReplyKeyboardRemove()


def inline_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline buttons, rows as the core laid them out; ``None`` without buttons."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in rows]
    )


def reply_markup(message: OutboxMessage) -> ReplyMarkup | None:
    """The markup of a new message.

    A message carries one markup only, so inline buttons win over a menu, and a menu over
    removing it. The "share my phone number" button gets a row of its own, first; when it is
    the only button the keyboard hides itself once pressed.
    """
    if message.buttons:
        return inline_keyboard(message.buttons)
    if message.menu or message.request_contact:
        keyboard: list[list[KeyboardButton]] = []
        if message.request_contact:
            keyboard.append([KeyboardButton(message.request_contact, request_contact=True)])
        menu = message.menu
        keyboard.extend(
            [KeyboardButton(text) for text in menu[i : i + MENU_ROW]]
            for i in range(0, len(menu), MENU_ROW)
        )
        only_contact = not menu
        return ReplyKeyboardMarkup(keyboard, resize_keyboard=True, one_time_keyboard=only_contact)
    if message.remove_menu:
        return _REMOVE_MENU
    return None
