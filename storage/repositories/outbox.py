"""The transactional outbox: messages written with the change that caused them, sent later."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import claim, table_of
from storage.rawsql import RawSql
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


_ENQUEUE = (
    "INSERT INTO outbox (channel, chat_id, thread_id, text, buttons, photo, edit_message_id, "
    "edit_of, menu, request_contact, remove_menu, language, recipient_kind, recipient_id, "
    "ticket_id, urgent, dedupe_key, state, attempts, not_before, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
    "ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"
)


class SqlOutboxRepository:
    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        self._session = session
        self._raw = raw

    async def enqueue(self, message: OutboxMessage) -> OutboxMessage:
        """Every reply is one of these: written by hand (storage.rawsql). A dedupe key seen
        before returns the message already queued, so a replayed turn queues nothing new."""
        raw = self._raw
        buttons = [[{"text": b.text, "data": b.data} for b in line] for line in message.buttons]
        inserted = await raw.one(
            _ENQUEUE,
            [
                message.channel.value,
                message.chat_id,
                message.thread_id,
                message.text,
                raw.js(buttons),
                message.photo,
                message.edit_message_id,
                message.edit_of,
                raw.js(list(message.menu)),
                message.request_contact,
                message.remove_menu,
                message.language,
                message.recipient_kind.value,
                message.recipient_id,
                message.ticket_id,
                message.urgent,
                message.dedupe_key,
                OutboxState.PENDING.value,
                raw.dt(message.not_before),
                raw.dt(message.created_at),
            ],
        )
        if inserted is not None:
            return replace(
                message,
                id=int(inserted[0]),
                state=OutboxState.PENDING,
                attempts=0,
                last_error=None,
                sent_message_id=None,
                sent_at=None,
            )
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
