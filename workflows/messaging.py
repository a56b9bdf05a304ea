"""Outgoing messages and durable timers: the two tables that make the bot restart-safe.

A message is written to the outbox in the same transaction as the change that caused it; a
dispatcher sends it later. A timer is a row with a due time; a sweep claims and fires it. Neither
lives in process memory, so a crash loses nothing and several processes can share the work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from workflows.estate import Platform

#: Telegram's callback_data limit; every channel is held to the strictest one.
MAX_BUTTON_DATA_BYTES = 64


@dataclass(frozen=True)
class Button:
    text: str
    data: str

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > MAX_BUTTON_DATA_BYTES:
            raise ValueError(f"button data over {MAX_BUTTON_DATA_BYTES} bytes: {self.data!r}")


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DEAD = "dead"  # gave up: recorded, never silently dropped


class RecipientKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    GROUP = "group"


@dataclass(frozen=True)
class OutboxMessage:
    channel: Platform
    chat_id: str
    text: str
    dedupe_key: str
    created_at: datetime
    not_before: datetime
    thread_id: int | None = None
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: str | None = None
    edit_message_id: str | None = None  # edit this platform message in place instead of sending
    edit_of: int | None = None  # edit the message this earlier outbox row produced, once sent
    menu: tuple[str, ...] = ()  # persistent menu keyboard options (reply keyboard)
    request_contact: str | None = None  # label of a "share my phone number" button
    remove_menu: bool = False
    language: str = "zh-Hans"  # the reader's; zh-Hant is converted from Simplified when sent
    recipient_kind: RecipientKind = RecipientKind.RESIDENT
    recipient_id: int | None = None
    ticket_id: int | None = None
    urgent: bool = False  # urgent messages ignore quiet hours
    state: OutboxState = OutboxState.PENDING
    attempts: int = 0
    last_error: str | None = None
    sent_message_id: str | None = None
    sent_at: datetime | None = None
    id: int | None = None


class TimerState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Timer:
    kind: str
    due_at: datetime
    dedupe_key: str
    subject_type: str = ""
    subject_id: int | None = None
    payload: dict[str, object] = field(default_factory=dict)
    state: TimerState = TimerState.PENDING
    attempts: int = 0
    last_error: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class InboundUpdate:
    """A raw platform update recorded on receipt: the de-duplication key and a replay buffer."""

    channel: Platform
    update_id: str
    payload: dict[str, object]
    received_at: datetime
    processed_at: datetime | None = None
    id: int | None = None
    #: ``payload`` exactly as it arrived, when that was JSON text: stored as it is instead of
    #: encoding the parsed update again (a third of the cost of recording it).
    payload_json: str | None = field(default=None, compare=False, repr=False)
