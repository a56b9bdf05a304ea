"""The keyboard an :class:`OutboxMessage` asks for, as an aiogram ``reply_markup``.

Why separate: Telegram allows one ``reply_markup`` per message, and the outbox row can ask for
inline buttons, a persistent menu (with or without a "share my phone number" button) or for
removing the menu. This module decides which one wins and builds it; the sender only attaches
the result to the right message part.

Precedence when a row asks for several (the core should not): inline buttons, then the menu,
then removing the menu.
"""

from __future__ import annotations

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.adapters.telegram import MENU_ROW
from workflows.messaging import Button, OutboxMessage

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


def reply_markup(message: OutboxMessage) -> ReplyMarkup | None:
    """The markup for a new message, or ``None`` for plain text."""
    if message.buttons:
        return inline_keyboard(message.buttons)
    if message.menu or message.request_contact:
        return menu_keyboard(message.menu, message.request_contact)
    if message.remove_menu:
        return ReplyKeyboardRemove(remove_keyboard=True)
    return None


def inline_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline buttons, rows as the core laid them out; ``None`` when there are none.

    Edits accept only inline keyboards, and an edit without one removes the old buttons, which
    is what an edit of a row without ``buttons`` means.
    """
    if not rows:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=button.text, callback_data=button.data) for button in row]
            for row in rows
        ]
    )


def menu_keyboard(options: tuple[str, ...], request_contact: str | None) -> ReplyKeyboardMarkup:
    """A persistent reply keyboard: the contact button on its own first row, then the options
    ``MENU_ROW`` to a row. A keyboard holding only the contact button hides after use."""
    keyboard: list[list[KeyboardButton]] = []
    if request_contact:
        keyboard.append([KeyboardButton(text=request_contact, request_contact=True)])
    for start in range(0, len(options), MENU_ROW):
        keyboard.append([KeyboardButton(text=text) for text in options[start : start + MENU_ROW]])
    return ReplyKeyboardMarkup(
        keyboard=keyboard,
        resize_keyboard=True,
        one_time_keyboard=True if request_contact and not options else None,
    )
