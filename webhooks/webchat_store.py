"""What the web chat reads and writes in the database, in one place and with plain SQL.

History is not a second copy of the conversation: a chat's history is its outbox rows (what the
bot sent, edits applied) plus the inbound log (what the person typed, recorded on receipt). The
staff view reads the group cards straight from the outbox whatever their channel, so a web-only
demo shows the cards Telegram groups would receive.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.adapters.web.view import bot_view, user_view
from bot.core.localise import localise
from storage.dialect import insert_for, table_of
from storage.repositories.outbox import to_message
from storage.schema import (
    InboundUpdateRow,
    OutboxRow,
    ResidentRow,
    StaffGridRow,
    StaffGroupBuildingRow,
    StaffGroupRow,
    StaffIdentityRow,
    StaffRow,
)
from storage.uow import SqlUnitOfWorkFactory
from workflows.estate import Platform
from workflows.messaging import InboundUpdate, OutboxMessage, OutboxState, RecipientKind

HISTORY_LIMIT = 200
CARDS_LIMIT = 30


def staff_external_id(code: str) -> str:
    return f"staff-{code}"


async def demo_residents(uow: SqlUnitOfWorkFactory) -> list[dict[str, Any]]:
    async with uow() as tx:
        rows = list(await tx.session.scalars(select(ResidentRow).order_by(ResidentRow.id)))
        listed = []
        for row in rows[:200]:
            units = []
            for link in await tx.residents.units_of(row.id):
                unit = await tx.directory.unit(link.unit_id)
                if unit is not None:
                    units.append(unit.display)
            listed.append({"id": row.id, "name": row.name, "units": units})
        return listed


async def bind_demo_resident(
    uow: SqlUnitOfWorkFactory, *, resident_id: int, chat_id: str, now: datetime
) -> dict[str, Any] | None:
    """Give the resident a web identity (the chat id); None if there is no such resident."""
    async with uow() as tx:
        resident = await tx.residents.get(resident_id)
        if resident is None:
            return None
        await tx.residents.bind_identity(
            resident_id=resident_id, platform=Platform.WEB, external_id=chat_id, consent_at=now
        )
        units = []
        for link in await tx.residents.units_of(resident_id):
            unit = await tx.directory.unit(link.unit_id)
            if unit is not None:
                units.append(unit.display)
        await tx.commit()
    return {"chat_id": chat_id, "name": resident.name, "units": units}


async def record_inbound(
    uow: SqlUnitOfWorkFactory, *, update_id: str, payload: dict[str, Any], now: datetime
) -> bool:
    """Record what arrived; False if this update id was seen before (a resent request)."""
    async with uow() as tx:
        fresh = await tx.inbound.record(
            InboundUpdate(
                channel=Platform.WEB, update_id=update_id, payload=payload, received_at=now
            )
        )
        await tx.commit()
    return fresh


async def has_history(uow: SqlUnitOfWorkFactory, chat_id: str) -> bool:
    async with uow() as tx:
        found = await tx.session.scalar(
            select(OutboxRow.id)
            .where(OutboxRow.channel == Platform.WEB.value, OutboxRow.chat_id == chat_id)
            .limit(1)
        )
    return found is not None


async def history(
    uow: SqlUnitOfWorkFactory, chat_id: str, *, limit: int = HISTORY_LIMIT
) -> list[dict[str, Any]]:
    """The chat as a tab should show it: both sides, oldest first, edits applied."""
    async with uow() as tx:
        sent = list(
            await tx.session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.channel == Platform.WEB.value,
                    OutboxRow.chat_id == chat_id,
                    OutboxRow.state == OutboxState.SENT.value,
                )
                .order_by(OutboxRow.id.desc())
                .limit(limit)
            )
        )
        said = list(
            await tx.session.scalars(
                select(InboundUpdateRow)
                .where(
                    InboundUpdateRow.channel == Platform.WEB.value,
                    InboundUpdateRow.update_id.like(f"{chat_id}:%"),
                )
                .order_by(InboundUpdateRow.id.desc())
                .limit(limit)
            )
        )
        bots = [localise(to_message(row)) for row in sent]
        lines = [(row.id, row.update_id, row.received_at, row.payload or {}) for row in said]
    items: list[tuple[datetime, int, int, dict[str, Any]]] = []
    latest: dict[int, dict[str, Any]] = {}
    for message in sorted(bots, key=lambda m: m.id or 0):
        assert message.id is not None
        if message.edit_of is not None and message.edit_of in latest:
            latest[message.edit_of].update(
                {k: v for k, v in bot_view(message).items() if k not in ("key", "id", "at")}
            )
            continue
        view = bot_view(message)
        latest[message.id] = view
        items.append((message.created_at, 1, message.id, view))
    for row_id, update_id, received_at, payload in lines:
        shown = payload.get("shown")
        if payload.get("hidden") or not isinstance(shown, str) or not shown:
            continue
        items.append((received_at, 0, row_id, user_view(update_id, shown, received_at)))
    items.sort(key=lambda item: (item[0], item[1], item[2]))
    return [item[3] for item in items[-limit:]]


@dataclass(frozen=True)
class GroupInfo:
    id: int
    estate_id: int
    code: str
    name: str
    chat_id: str
    purpose: str


@dataclass(frozen=True)
class Person:
    id: int
    estate_id: int
    code: str
    name: str
    role: str


def _group_info(row: StaffGroupRow) -> GroupInfo:
    return GroupInfo(row.id, row.estate_id, row.code, row.name, row.chat_id, row.purpose)


def _person(row: StaffRow) -> Person:
    return Person(row.id, row.estate_id, row.code, row.name, row.role)


async def groups(uow: SqlUnitOfWorkFactory) -> list[dict[str, Any]]:
    """Every staff group, the staff who may act from it, and whom the page acts as by default."""
    async with uow() as tx:
        group_rows = [
            _group_info(row)
            for row in await tx.session.scalars(select(StaffGroupRow).order_by(StaffGroupRow.id))
        ]
        staff_rows = [
            _person(row) for row in await tx.session.scalars(select(StaffRow).order_by(StaffRow.id))
        ]
        grid: dict[int, set[int]] = defaultdict(set)
        for staff_id, building_id in await tx.session.execute(
            select(StaffGridRow.staff_id, StaffGridRow.building_id)
        ):
            grid[staff_id].add(building_id)
        covered: dict[int, set[int]] = defaultdict(set)
        for group_id, building_id in await tx.session.execute(
            select(StaffGroupBuildingRow.group_id, StaffGroupBuildingRow.building_id)
        ):
            covered[group_id].add(building_id)
    listed = []
    for group in group_rows:
        staff = [s for s in staff_rows if s.estate_id == group.estate_id]
        listed.append(
            {
                "code": group.code,
                "name": group.name,
                "purpose": group.purpose,
                "acting": _default_actor(group, staff, grid, covered[group.id]),
                "staff": [{"code": s.code, "name": s.name, "role": s.role} for s in staff],
            }
        )
    return listed


def _default_actor(
    group: GroupInfo,
    staff: list[Person],
    grid: dict[int, set[int]],
    buildings: set[int],
) -> str | None:
    """The building's steward for a building group; otherwise the role the group is for."""
    if group.purpose == "building":
        for person in staff:
            if person.role == "steward" and grid[person.id] & buildings:
                return person.code
    wanted = {"supervisors": "supervisor", "managers": "manager", "front_desk": "front_desk"}
    for person in staff:
        if person.role == wanted.get(group.purpose, "supervisor"):
            return person.code
    return staff[0].code if staff else None


async def group_by_code(uow: SqlUnitOfWorkFactory, code: str) -> GroupInfo | None:
    async with uow() as tx:
        row = await tx.session.scalar(
            select(StaffGroupRow).where(StaffGroupRow.code == code).order_by(StaffGroupRow.id)
        )
        return _group_info(row) if row is not None else None


async def group_cards(
    uow: SqlUnitOfWorkFactory, group: GroupInfo, *, limit: int = CARDS_LIMIT
) -> list[dict[str, Any]]:
    """The group's cards, newest first, each in its latest state (edits replace the card)."""
    async with uow() as tx:
        rows = list(
            await tx.session.scalars(
                select(OutboxRow)
                .where(
                    OutboxRow.chat_id == group.chat_id,
                    OutboxRow.recipient_kind == RecipientKind.GROUP.value,
                    OutboxRow.state != OutboxState.DEAD.value,
                )
                .order_by(OutboxRow.id.desc())
                .limit(limit * 8)
            )
        )
        messages = [to_message(row) for row in rows]
    latest: dict[int, OutboxMessage] = {}
    for message in messages:
        assert message.id is not None
        root = message.edit_of or message.id
        if root not in latest or message.id > (latest[root].id or 0):
            latest[root] = message
    cards = []
    for root in sorted(latest, reverse=True)[:limit]:
        view = bot_view(latest[root])
        view["key"] = f"c{root}"
        cards.append(view)
    return cards


async def cards_version(uow: SqlUnitOfWorkFactory) -> int:
    """The newest group message id: a cheap way for the staff view to notice new cards."""
    async with uow() as tx:
        newest = await tx.session.scalar(
            select(func.max(OutboxRow.id)).where(
                OutboxRow.recipient_kind == RecipientKind.GROUP.value
            )
        )
    return int(newest or 0)


async def staff_member(
    uow: SqlUnitOfWorkFactory, *, estate_id: int, code: str
) -> tuple[int, str] | None:
    async with uow() as tx:
        row = await tx.session.scalar(
            select(StaffRow).where(StaffRow.estate_id == estate_id, StaffRow.code == code)
        )
        return (row.id, row.name) if row else None


async def ensure_staff_identity(uow: SqlUnitOfWorkFactory, *, staff_id: int, code: str) -> None:
    """Give the staff member a web identity, so the core can authorise their presses."""
    async with uow() as tx:
        stmt = (
            insert_for(tx.session, table_of(StaffIdentityRow))
            .values(
                staff_id=staff_id, platform=Platform.WEB.value, external_id=staff_external_id(code)
            )
            .on_conflict_do_update(
                index_elements=["platform", "external_id"], set_={"staff_id": staff_id}
            )
        )
        await tx.session.execute(stmt)
        await tx.commit()
