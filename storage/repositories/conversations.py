"""Dialogue state rows, saved with a version check so two processes never interleave a dialogue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_for, table_of
from storage.schema import ConversationRow
from workflows.conversation import Conversation
from workflows.estate import Platform
from workflows.ports import ConcurrentUpdate


class SqlConversationStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, channel: Platform, chat_id: str, user_id: str) -> Conversation:
        row = await self._session.scalar(
            select(ConversationRow)
            .where(
                ConversationRow.channel == channel.value,
                ConversationRow.chat_id == chat_id,
                ConversationRow.user_id == user_id,
            )
            .execution_options(populate_existing=True)
        )
        if row is None:
            return Conversation(channel=channel, chat_id=chat_id, user_id=user_id)
        return Conversation(
            channel=channel,
            chat_id=chat_id,
            user_id=user_id,
            state=row.state,
            data=dict(row.data),
            updated_at=row.updated_at,
            version=row.version,
        )

    async def save(self, conversation: Conversation, *, at: datetime) -> Conversation:
        values = {"state": conversation.state, "data": dict(conversation.data), "updated_at": at}
        if conversation.version == 0:
            table = table_of(ConversationRow)
            stmt = (
                insert_for(self._session, table)
                .values(
                    channel=conversation.channel.value,
                    chat_id=conversation.chat_id,
                    user_id=conversation.user_id,
                    version=1,
                    **values,
                )
                .on_conflict_do_nothing(index_elements=["channel", "chat_id", "user_id"])
                .returning(table.c.version)
            )
        else:
            stmt = (
                update(ConversationRow)
                .where(
                    ConversationRow.channel == conversation.channel.value,
                    ConversationRow.chat_id == conversation.chat_id,
                    ConversationRow.user_id == conversation.user_id,
                    ConversationRow.version == conversation.version,
                )
                .values(version=conversation.version + 1, **values)
                .returning(ConversationRow.version)
                .execution_options(synchronize_session=False)
            )
        version = (await self._session.execute(stmt)).scalar_one_or_none()
        if version is None:
            raise ConcurrentUpdate("the conversation changed in another process")
        return Conversation(
            channel=conversation.channel,
            chat_id=conversation.chat_id,
            user_id=conversation.user_id,
            state=conversation.state,
            data=dict(conversation.data),
            updated_at=at,
            version=version,
        )
