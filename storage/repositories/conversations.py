"""Dialogue state rows, saved with a version check so two processes never interleave a dialogue."""

from __future__ import annotations

from datetime import datetime

from storage.rawsql import RawSql
from workflows.conversation import Conversation
from workflows.estate import Platform
from workflows.ports import ConcurrentUpdate

_LOAD = (
    "SELECT state, data, updated_at, version FROM conversations "
    "WHERE channel = ? AND chat_id = ? AND user_id = ?"
)
_INSERT = (
    "INSERT INTO conversations (channel, chat_id, user_id, state, data, updated_at, version) "
    "VALUES (?, ?, ?, ?, ?, ?, 1) ON CONFLICT (channel, chat_id, user_id) DO NOTHING "
    "RETURNING version"
)
_UPDATE = (
    "UPDATE conversations SET state = ?, data = ?, updated_at = ?, version = version + 1 "
    "WHERE channel = ? AND chat_id = ? AND user_id = ? AND version = ? RETURNING version"
)


class SqlConversationStore:
    """Hand-written SQL: every message loads its dialogue state and most save it."""

    def __init__(self, raw: RawSql) -> None:
        self._raw = raw

    async def load(self, channel: Platform, chat_id: str, user_id: str) -> Conversation:
        row = await self._raw.one(_LOAD, [channel.value, chat_id, user_id])
        if row is None:
            return Conversation(channel=channel, chat_id=chat_id, user_id=user_id)
        state, data, updated_at, version = row
        return Conversation(
            channel=channel,
            chat_id=chat_id,
            user_id=user_id,
            state=state,
            data=dict(self._raw.read_js(data) or {}),
            updated_at=self._raw.read_dt(updated_at),
            version=version,
        )

    async def save(self, conversation: Conversation, *, at: datetime) -> Conversation:
        raw = self._raw
        key = [conversation.channel.value, conversation.chat_id, conversation.user_id]
        values = [conversation.state, raw.js(dict(conversation.data)), raw.dt(at)]
        if conversation.version == 0:
            row = await raw.one(_INSERT, [*key, *values])
        else:
            row = await raw.one(_UPDATE, [*values, *key, conversation.version])
        if row is None:
            raise ConcurrentUpdate("the conversation changed in another process")
        return Conversation(
            channel=conversation.channel,
            chat_id=conversation.chat_id,
            user_id=conversation.user_id,
            state=conversation.state,
            data=dict(conversation.data),
            updated_at=at,
            version=int(row[0]),
        )
