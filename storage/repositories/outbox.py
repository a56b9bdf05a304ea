"""The transactional outbox: messages written with the change that caused them, sent later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import claim, insert_for, table_of
from storage.schema import OutboxRow
from workflows.estate import Platform
from workflows.messaging import Button, OutboxMessage, OutboxState, RecipientKind


def to_message(row: Mapping[str, Any] | OutboxRow) -> OutboxMessage:
    get = row.__getitem__ if isinstance(row, Mapping) else lambda key: getattr(row, key)
    return OutboxMessage(
        id=get("id"),
        channel=Platform(get("channel")),
        chat_id=get("chat_id"),
        thread_id=get("thread_id"),
        text=get("text"),
        buttons=tuple(
            tuple(Button(text=b["text"], data=b["data"]) for b in line)
            for line in (get("buttons") or [])
        ),
        photo=get("photo"),
        edit_message_id=get("edit_message_id"),
        edit_of=get("edit_of"),
        menu=tuple(get("menu") or ()),
        request_contact=get("request_contact"),
        remove_menu=bool(get("remove_menu")),
        language=get("language") or "zh-Hans",
        recipient_kind=RecipientKind(get("recipient_kind")),
        recipient_id=get("recipient_id"),
        ticket_id=get("ticket_id"),
        urgent=bool(get("urgent")),
        dedupe_key=get("dedupe_key"),
        state=OutboxState(get("state")),
        attempts=get("attempts"),
        not_before=get("not_before"),
        last_error=get("last_error"),
        sent_message_id=get("sent_message_id"),
        created_at=get("created_at"),
        sent_at=get("sent_at"),
    )


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(self, message: OutboxMessage) -> OutboxMessage:
        table = table_of(OutboxRow)
        stmt = insert_for(self._session, table).values(
            channel=message.channel.value,
            chat_id=message.chat_id,
            thread_id=message.thread_id,
            text=message.text,
            buttons=[[{"text": b.text, "data": b.data} for b in line] for line in message.buttons],
            photo=message.photo,
            edit_message_id=message.edit_message_id,
            edit_of=message.edit_of,
            menu=list(message.menu),
            request_contact=message.request_contact,
            remove_menu=message.remove_menu,
            language=message.language,
            recipient_kind=message.recipient_kind.value,
            recipient_id=message.recipient_id,
            ticket_id=message.ticket_id,
            urgent=message.urgent,
            dedupe_key=message.dedupe_key,
            state=OutboxState.PENDING.value,
            attempts=0,
            not_before=message.not_before,
            created_at=message.created_at,
        )
        inserted = await self._session.execute(
            stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(*table.c)
        )
        fresh = inserted.mappings().first()
        if fresh is not None:
            return to_message(dict(fresh))
        existing = await self.by_dedupe_key(message.dedupe_key)
        assert existing is not None
        return existing

    async def claim_ready(
        self,
        *,
        now: datetime,
        worker: str,
        limit: int,
        lease_seconds: int,
        channels: Sequence[Platform] | None = None,
    ) -> Sequence[OutboxMessage]:
        table = table_of(OutboxRow)
        ready = or_(
            and_(table.c.state == OutboxState.PENDING.value, table.c.not_before <= now),
            and_(table.c.state == OutboxState.SENDING.value, table.c.lease_until < now),
        )
        if channels is not None:
            ready = and_(ready, table.c.channel.in_([c.value for c in channels]))
        rows = await claim(
            self._session,
            table,
            ready=ready,
            order_by=[table.c.not_before, table.c.id],
            running_state=OutboxState.SENDING.value,
            worker=worker,
            now=now,
            lease_seconds=lease_seconds,
            limit=limit,
        )
        return [to_message(row) for row in rows]

    async def mark_sent(self, message_id: int, *, at: datetime, sent_message_id: str) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(
                state=OutboxState.SENT.value,
                sent_at=at,
                sent_message_id=sent_message_id,
                lease_until=None,
                last_error=None,
            )
        )

    async def retry_later(self, message_id: int, *, error: str, not_before: datetime) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(
                state=OutboxState.PENDING.value,
                not_before=not_before,
                last_error=error[:2000],
                lease_until=None,
            )
        )

    async def defer(self, message_id: int, *, not_before: datetime) -> None:
        """Put a claimed message back without counting an attempt (pacing, not failure)."""
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(
                state=OutboxState.PENDING.value,
                not_before=not_before,
                attempts=OutboxRow.attempts - 1,
                lease_until=None,
            )
        )

    async def mark_dead(self, message_id: int, *, error: str) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(state=OutboxState.DEAD.value, last_error=error[:2000], lease_until=None)
        )

    async def get(self, message_id: int) -> OutboxMessage | None:
        row = await self._session.get(OutboxRow, message_id, populate_existing=True)
        return to_message(row) if row else None

    async def by_dedupe_key(self, dedupe_key: str) -> OutboxMessage | None:
        row = await self._session.scalar(
            select(OutboxRow)
            .where(OutboxRow.dedupe_key == dedupe_key)
            .execution_options(populate_existing=True)
        )
        return to_message(row) if row else None
