"""Dialogue state: what the bot is waiting for from one person in one chat, and the draft.

Kept in the database (not in a driver's memory) so it survives restarts and is shared by every
process and every driver.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from workflows.estate import Platform


@dataclass(frozen=True)
class Conversation:
    channel: Platform
    chat_id: str
    user_id: str
    state: str = "idle"
    data: dict[str, object] = field(default_factory=dict)
    updated_at: datetime | None = None
    version: int = 0


class ConversationStore(Protocol):
    async def load(self, channel: Platform, chat_id: str, user_id: str) -> Conversation: ...
    async def save(self, conversation: Conversation, *, at: datetime) -> Conversation:
        """Compare-and-set on ``version``; raises ConcurrentUpdate when someone else saved."""
        ...
