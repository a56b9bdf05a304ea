"""Ticket and trail rows as hand-written SQL: the column lists and the row ↔ record mapping.

Filing a ticket touches a dozen rows (counter, ticket, trail, timers, cards, incident link); with
ORM statements each cost 1–3 ms of Python — building the statement, its cache key, the identity
map — so filing took ~13 ms and, though only one message in fifteen files a ticket, was the
largest single cost of the webhook. Values cross in the shapes SQLAlchemy's column types
write (:mod:`storage.rawsql`), so the ORM models in :mod:`storage.schema.tickets` still read
these rows, and a contract test holds both paths to that.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from storage.rawsql import RawSql
from workflows.estate import Platform
from workflows.tickets import (
    ActorKind,
    Attachment,
    Milestones,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketLevel,
    TicketStatus,
)

MILESTONES = (
    "respond_by",
    "on_site_by",
    "resolve_by",
    "callback_due",
    "responded_at",
    "on_site_at",
    "resolved_at",
    "callback_at",
)
#: Every column but id, number and version, in the order ``values`` lists them.
DATA_COLUMNS = (
    "estate_id",
    "kind",
    "status",
    "level",
    "summary",
    "created_at",
    "unit_id",
    "building_id",
    "reporter_id",
    "assignee_id",
    "channel",
    "location",
    "wanted_time",
    *MILESTONES,
    "attachments",
    "details",
)
TICKET_COLUMNS = ", ".join(("id", "number", "version", *DATA_COLUMNS))
EVENT_COLUMNS = "id, ticket_id, at, action, actor_kind, actor_id, channel, note, data"


def values(raw: RawSql, ticket: Ticket) -> list[Any]:
    """The DATA_COLUMNS of ``ticket`` as the database stores them."""
    dt = raw.dt
    milestones = ticket.milestones
    return [
        ticket.estate_id,
        ticket.kind.value,
        ticket.status.value,
        ticket.level.value if ticket.level else None,
        ticket.summary,
        dt(ticket.created_at),
        ticket.unit_id,
        ticket.building_id,
        ticket.reporter_id,
        ticket.assignee_id,
        ticket.channel.value if ticket.channel else None,
        ticket.location,
        dt(ticket.wanted_time),
        *(dt(getattr(milestones, name)) for name in MILESTONES),
        raw.js([{"kind": a.kind, "ref": a.ref, "caption": a.caption} for a in ticket.attachments]),
        raw.js(dict(ticket.details)),
    ]


def read_ticket(row: Sequence[Any]) -> Ticket:
    """A row selected as TICKET_COLUMNS."""
    read_dt = RawSql.read_dt
    (id_, number, version, estate_id, kind, status, level, summary, created_at, unit_id,
     building_id, reporter_id, assignee_id, channel, location, wanted_time) = row[:16]  # fmt: skip
    attachments, details = row[16 + len(MILESTONES) :]
    created = read_dt(created_at)
    assert created is not None
    return Ticket(
        id=id_,
        estate_id=estate_id,
        number=number,
        kind=TicketKind(kind),
        status=TicketStatus(status),
        level=TicketLevel(level) if level else None,
        summary=summary,
        created_at=created,
        unit_id=unit_id,
        building_id=building_id,
        reporter_id=reporter_id,
        assignee_id=assignee_id,
        channel=Platform(channel) if channel else None,
        location=location,
        wanted_time=read_dt(wanted_time),
        milestones=Milestones(*map(read_dt, row[16 : 16 + len(MILESTONES)])),
        attachments=tuple(Attachment(**item) for item in RawSql.read_js(attachments) or ()),
        details=dict(RawSql.read_js(details) or {}),
        version=version,
    )


def read_event(row: Sequence[Any]) -> TicketEvent:
    """A row selected as EVENT_COLUMNS."""
    id_, ticket_id, at, action, actor_kind, actor_id, channel, note, data = row
    when = RawSql.read_dt(at)
    assert when is not None
    return TicketEvent(
        id=id_,
        ticket_id=ticket_id,
        at=when,
        action=action,
        actor_kind=ActorKind(actor_kind),
        actor_id=actor_id,
        channel=Platform(channel) if channel else None,
        note=note or "",
        data=dict(RawSql.read_js(data) or {}),
    )
