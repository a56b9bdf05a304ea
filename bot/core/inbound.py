"""The neutral inbound message every adapter produces and the core consumes.

One frozen dataclass for every platform: what was said or pressed, by whom, in which chat.
Adapters fill it from a platform update; the core never sees a platform type.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workflows.estate import Platform


class InboundKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"  # /start payload, /my, /cancel ...
    CONTACT = "contact"  # a shared phone number
    PHOTO = "photo"
    LOCATION = "location"
    BUTTON = "button"  # an inline button press (callback)
    UNSUPPORTED = "unsupported"  # sticker, voice, file, poll ... the core answers politely


@dataclass(frozen=True)
class Contact:
    phone: str
    user_id: str | None  # whose contact card it is; must equal the sender to count


@dataclass(frozen=True)
class Inbound:
    channel: Platform
    update_id: str
    chat_id: str
    user_id: str
    kind: InboundKind
    is_group: bool = False
    message_id: str | None = None
    text: str = ""  # message text or photo caption
    command: str | None = None  # without the slash, lower-case: "start"
    command_args: str = ""  # "/start lt-b1-7f3a" → "lt-b1-7f3a"
    contact: Contact | None = None
    photo_ref: str | None = None  # platform file id of the largest size
    latitude: float | None = None
    longitude: float | None = None
    button_data: str | None = None
    callback_id: str | None = None  # to acknowledge a button press
    button_message_id: str | None = None  # the message the pressed button sits on
    user_name: str = ""  # display name, for staff cards (masked before groups see it)
    language_code: str | None = None
    thread_id: int | None = None
    unsupported_what: str | None = None  # "sticker", "voice", "document" ...


@dataclass(frozen=True)
class Outcome:
    """What the adapter must do right away; everything else went to the outbox.

    ``ack`` answers a button press (Telegram shows it as a toast, or an alert if ``alert``).
    """

    ack: str | None = None
    alert: bool = False
    handled: bool = True
