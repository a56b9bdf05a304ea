"""Tickets with optimistic versioning, quotable numbers and the append-only trail.

Every statement is hand-written (see :mod:`storage.repositories.ticket_rows` for why): the
repository runs on the unit of work's connection, inside its transaction, like the ORM would.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.rawsql import RawSql
from storage.repositories.ticket_rows import (
    DATA_COLUMNS,
    EVENT_COLUMNS,
    TICKET_COLUMNS,
    read_event,
    read_ticket,
    values,
)
from workflows.ports import ConcurrentUpdate
from workflows.tickets import NUMBER_PREFIX, OPEN_STATUSES, Ticket, TicketEvent, TicketKind

_OPEN = tuple(sorted(status.value for status in OPEN_STATUSES))
_IN_OPEN = f"status IN ({', '.join('?' * len(_OPEN))})"
_SELECT = f"SELECT {TICKET_COLUMNS} FROM tickets"
_NEXT_NUMBER = (
    "INSERT INTO ticket_counters (estate_id, prefix, day, last_value) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (estate_id, prefix, day) "
    "DO UPDATE SET last_value = ticket_counters.last_value + 1 RETURNING last_value"
)
_INSERT = (
    f"INSERT INTO tickets (number, version, {', '.join(DATA_COLUMNS)}) "
    f"VALUES (?, 1, {', '.join('?' * len(DATA_COLUMNS))}) RETURNING {TICKET_COLUMNS}"
)
_SAVE = (
    f"UPDATE tickets SET version = ?, {', '.join(f'{c} = ?' for c in DATA_COLUMNS)} "
    f"WHERE id = ? AND version = ? RETURNING {TICKET_COLUMNS}"
)
_INSERT_EVENT = (
    "INSERT INTO ticket_events (ticket_id, at, action, actor_kind, actor_id, channel, note, "
    f"data) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING {EVENT_COLUMNS}"
)


class SqlTicketRepository:
    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        # The session is unused since tickets went hand-written; the signature matches the
        # other repositories so the unit of work builds them alike.
        self._raw = raw

    async def _next_number(self, estate_id: int, prefix: str, day: str) -> str:
        row = await self._raw.one(_NEXT_NUMBER, [estate_id, prefix, day])
        assert row is not None
        return f"{prefix}-{day}-{int(row[0]):04d}"

    async def add(self, ticket: Ticket, *, number_day: str) -> Ticket:
        number = ticket.number or await self._next_number(
            ticket.estate_id, NUMBER_PREFIX[ticket.kind], number_day
        )
        row = await self._raw.one(_INSERT, [number, *values(self._raw, ticket)])
        assert row is not None
        return read_ticket(row)

    async def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
        # SQLite has one writer at a time and no FOR UPDATE: the lock is PostgreSQL's alone.
        lock = " FOR UPDATE" if for_update and not self._raw.sqlite else ""
        row = await self._raw.one(f"{_SELECT} WHERE id = ?{lock}", [ticket_id])
        return read_ticket(row) if row else None

    async def by_number(self, number: str) -> Ticket | None:
        row = await self._raw.one(
            f"{_SELECT} WHERE number = ? ORDER BY id LIMIT 1", [number.strip().upper()]
        )
        return read_ticket(row) if row else None

    async def save(self, ticket: Ticket) -> Ticket:
        """Compare-and-set on ``version``: of two stewards claiming at once, one wins."""
        if ticket.id is None:
            raise ValueError("save() needs a stored ticket; use add()")
        row = await self._raw.one(
            _SAVE,
            [ticket.version + 1, *values(self._raw, ticket), ticket.id, ticket.version],
        )
        if row is None:
            raise ConcurrentUpdate(f"ticket {ticket.id} was changed by someone else")
        return read_ticket(row)

    async def for_reporter(self, resident_id: int, *, limit: int = 20) -> Sequence[Ticket]:
        rows = await self._raw.all(
            f"{_SELECT} WHERE reporter_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
            [resident_id, limit],
        )
        return [read_ticket(row) for row in rows]

    async def search(
        self,
        *,
        estate_id: int,
        building_id: int | None = None,
        kinds: Collection[TicketKind] | None = None,
        open_only: bool = False,
        created_from: datetime | None = None,
        created_before: datetime | None = None,
    ) -> Sequence[Ticket]:
        where: list[str] = ["estate_id = ?"]
        params: list[Any] = [estate_id]
        if building_id is not None:
            where.append("building_id = ?")
            params.append(building_id)
        if kinds is not None:
            chosen = sorted(kind.value for kind in kinds)
            where.append(f"kind IN ({', '.join('?' * len(chosen))})" if chosen else "1 = 0")
            params += chosen
        if open_only:
            where.append(_IN_OPEN)
            params += _OPEN
        if created_from is not None:
            where.append("created_at >= ?")
            params.append(self._raw.dt(created_from))
        if created_before is not None:
            where.append("created_at < ?")
            params.append(self._raw.dt(created_before))
        rows = await self._raw.all(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY created_at, id", params
        )
        return [read_ticket(row) for row in rows]

    async def open_for_unit(
        self, unit_id: int, *, kind: TicketKind | None = None
    ) -> Sequence[Ticket]:
        """Asked on every fee question, where the answer is nearly always "none"."""
        sql = f"{_SELECT} WHERE unit_id = ? AND {_IN_OPEN}"
        params: list[Any] = [unit_id, *_OPEN]
        if kind is not None:
            sql += " AND kind = ?"
            params.append(kind.value)
        return [read_ticket(row) for row in await self._raw.all(sql + " ORDER BY id", params)]

    async def append_event(self, event: TicketEvent) -> TicketEvent:
        raw = self._raw
        row = await raw.one(
            _INSERT_EVENT,
            [
                event.ticket_id,
                raw.dt(event.at),
                event.action,
                event.actor_kind.value,
                event.actor_id,
                event.channel.value if event.channel else None,
                event.note,
                raw.js(dict(event.data)),
            ],
        )
        assert row is not None
        return read_event(row)

    async def events(self, ticket_id: int) -> Sequence[TicketEvent]:
        rows = await self._raw.all(
            f"SELECT {EVENT_COLUMNS} FROM ticket_events WHERE ticket_id = ? ORDER BY at, id",
            [ticket_id],
        )
        return [read_event(row) for row in rows]
