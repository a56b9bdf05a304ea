"""Tickets with optimistic versioning, quotable numbers and the append-only trail."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import insert_for, table_of
from storage.rawsql import RawSql
from storage.schema import TicketCounterRow, TicketEventRow, TicketRow
from workflows.estate import Platform
from workflows.ports import ConcurrentUpdate
from workflows.tickets import (
    NUMBER_PREFIX,
    OPEN_STATUSES,
    ActorKind,
    Attachment,
    Milestones,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketLevel,
    TicketStatus,
)

_MILESTONES = (
    "respond_by",
    "on_site_by",
    "resolve_by",
    "callback_due",
    "responded_at",
    "on_site_at",
    "resolved_at",
    "callback_at",
)


def to_ticket(row: TicketRow) -> Ticket:
    return Ticket(
        id=row.id,
        estate_id=row.estate_id,
        number=row.number,
        kind=TicketKind(row.kind),
        status=TicketStatus(row.status),
        level=TicketLevel(row.level) if row.level else None,
        summary=row.summary,
        created_at=row.created_at,
        unit_id=row.unit_id,
        building_id=row.building_id,
        reporter_id=row.reporter_id,
        assignee_id=row.assignee_id,
        channel=Platform(row.channel) if row.channel else None,
        location=row.location,
        wanted_time=row.wanted_time,
        milestones=Milestones(**{name: getattr(row, name) for name in _MILESTONES}),
        attachments=tuple(Attachment(**item) for item in row.attachments),
        details=dict(row.details),
        version=row.version,
    )


def _columns(ticket: Ticket) -> dict[str, Any]:
    values: dict[str, Any] = {
        "estate_id": ticket.estate_id,
        "kind": ticket.kind.value,
        "status": ticket.status.value,
        "level": ticket.level.value if ticket.level else None,
        "summary": ticket.summary,
        "created_at": ticket.created_at,
        "unit_id": ticket.unit_id,
        "building_id": ticket.building_id,
        "reporter_id": ticket.reporter_id,
        "assignee_id": ticket.assignee_id,
        "channel": ticket.channel.value if ticket.channel else None,
        "location": ticket.location,
        "wanted_time": ticket.wanted_time,
        "attachments": [
            {"kind": a.kind, "ref": a.ref, "caption": a.caption} for a in ticket.attachments
        ],
        "details": dict(ticket.details),
    }
    values.update({name: getattr(ticket.milestones, name) for name in _MILESTONES})
    return values


def to_event(row: TicketEventRow) -> TicketEvent:
    return TicketEvent(
        id=row.id,
        ticket_id=row.ticket_id,
        at=row.at,
        action=row.action,
        actor_kind=ActorKind(row.actor_kind),
        actor_id=row.actor_id,
        channel=Platform(row.channel) if row.channel else None,
        note=row.note,
        data=dict(row.data),
    )


_OPEN = tuple(sorted(status.value for status in OPEN_STATUSES))
_ANY_OPEN = f"SELECT 1 FROM tickets WHERE unit_id = ? AND status IN ({', '.join('?' * len(_OPEN))})"


class SqlTicketRepository:
    def __init__(self, session: AsyncSession, raw: RawSql) -> None:
        self._session = session
        self._raw = raw

    async def _next_number(self, estate_id: int, prefix: str, day: str) -> str:
        table = table_of(TicketCounterRow)
        stmt = insert_for(self._session, table).values(
            estate_id=estate_id, prefix=prefix, day=day, last_value=1
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["estate_id", "prefix", "day"],
            set_={"last_value": table.c.last_value + 1},
        ).returning(table.c.last_value)
        value = (await self._session.execute(stmt)).scalar_one()
        return f"{prefix}-{day}-{value:04d}"

    async def add(self, ticket: Ticket, *, number_day: str) -> Ticket:
        number = ticket.number or await self._next_number(
            ticket.estate_id, NUMBER_PREFIX[ticket.kind], number_day
        )
        row = TicketRow(number=number, version=1, **_columns(ticket))
        self._session.add(row)
        await self._session.flush()
        return to_ticket(row)

    async def get(self, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
        stmt = select(TicketRow).where(TicketRow.id == ticket_id)
        if for_update:
            stmt = stmt.with_for_update()
        row = await self._session.scalar(stmt.execution_options(populate_existing=True))
        return to_ticket(row) if row else None

    async def by_number(self, number: str) -> Ticket | None:
        stmt = select(TicketRow).where(TicketRow.number == number.strip().upper())
        row = await self._session.scalar(stmt.order_by(TicketRow.id).limit(1))
        return to_ticket(row) if row else None

    async def save(self, ticket: Ticket) -> Ticket:
        """Compare-and-set on ``version``: of two stewards claiming at once, one wins."""
        if ticket.id is None:
            raise ValueError("save() needs a stored ticket; use add()")
        stmt = (
            update(TicketRow)
            .where(TicketRow.id == ticket.id, TicketRow.version == ticket.version)
            .values(version=ticket.version + 1, **_columns(ticket))
            .returning(TicketRow.version)
            .execution_options(synchronize_session=False)
        )
        new_version = (await self._session.execute(stmt)).scalar_one_or_none()
        if new_version is None:
            raise ConcurrentUpdate(f"ticket {ticket.id} was changed by someone else")
        stored = await self.get(ticket.id)
        assert stored is not None
        return stored

    async def for_reporter(self, resident_id: int, *, limit: int = 20) -> Sequence[Ticket]:
        stmt = (
            select(TicketRow)
            .where(TicketRow.reporter_id == resident_id)
            .order_by(TicketRow.created_at.desc(), TicketRow.id.desc())
            .limit(limit)
        )
        return [to_ticket(row) for row in await self._session.scalars(stmt)]

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
        stmt = select(TicketRow).where(TicketRow.estate_id == estate_id)
        if building_id is not None:
            stmt = stmt.where(TicketRow.building_id == building_id)
        if kinds is not None:
            stmt = stmt.where(TicketRow.kind.in_([kind.value for kind in kinds]))
        if open_only:
            stmt = stmt.where(TicketRow.status.in_([status.value for status in OPEN_STATUSES]))
        if created_from is not None:
            stmt = stmt.where(TicketRow.created_at >= created_from)
        if created_before is not None:
            stmt = stmt.where(TicketRow.created_at < created_before)
        stmt = stmt.order_by(TicketRow.created_at, TicketRow.id)
        return [to_ticket(row) for row in await self._session.scalars(stmt)]

    async def open_for_unit(
        self, unit_id: int, *, kind: TicketKind | None = None
    ) -> Sequence[Ticket]:
        """Asked on every fee question, where the answer is nearly always "none": that
        answer comes from one hand-written statement, tickets themselves from the ORM."""
        if kind is None:
            found = await self._raw.one(_ANY_OPEN + " LIMIT 1", [unit_id, *_OPEN])
        else:
            found = await self._raw.one(
                _ANY_OPEN + " AND kind = ? LIMIT 1", [unit_id, *_OPEN, kind.value]
            )
        if found is None:
            return []
        stmt = (
            select(TicketRow)
            .where(TicketRow.unit_id == unit_id, TicketRow.status.in_(_OPEN))
            .order_by(TicketRow.id)
        )
        if kind is not None:
            stmt = stmt.where(TicketRow.kind == kind.value)
        return [to_ticket(row) for row in await self._session.scalars(stmt)]

    async def append_event(self, event: TicketEvent) -> TicketEvent:
        row = TicketEventRow(
            ticket_id=event.ticket_id,
            at=event.at,
            action=event.action,
            actor_kind=event.actor_kind.value,
            actor_id=event.actor_id,
            channel=event.channel.value if event.channel else None,
            note=event.note,
            data=dict(event.data),
        )
        self._session.add(row)
        await self._session.flush()
        return to_event(row)

    async def events(self, ticket_id: int) -> Sequence[TicketEvent]:
        stmt = (
            select(TicketEventRow)
            .where(TicketEventRow.ticket_id == ticket_id)
            .order_by(TicketEventRow.at, TicketEventRow.id)
        )
        return [to_event(row) for row in await self._session.scalars(stmt)]
