"""Ticket repository contract: numbering, optimistic saves, the append-only trail."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from workflows.estate import Platform
from workflows.ports import ConcurrentUpdate
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

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def new_ticket(estate_id: int, kind: TicketKind = TicketKind.REPAIR, **extra: object) -> Ticket:
    values: dict[str, object] = {
        "id": None,
        "estate_id": estate_id,
        "kind": kind,
        "status": TicketStatus.NEW,
        "level": TicketLevel.URGENT,
        "summary": "厨房水管爆了",
        "created_at": NOW,
        "channel": Platform.TELEGRAM,
    }
    values.update(extra)
    return Ticket(**values)  # type: ignore[arg-type]


async def test_numbers_are_sequential_per_prefix_and_day(uow, demo_estate):
    async with uow() as tx:
        a = await tx.tickets.add(new_ticket(demo_estate), number_day="20261123")
        b = await tx.tickets.add(new_ticket(demo_estate), number_day="20261123")
        c = await tx.tickets.add(
            new_ticket(demo_estate, TicketKind.COMPLAINT), number_day="20261123"
        )
        d = await tx.tickets.add(new_ticket(demo_estate), number_day="20261124")
        await tx.commit()
    assert (a.number, b.number) == ("BX-20261123-0001", "BX-20261123-0002")
    assert c.number == "TS-20261123-0001"
    assert d.number == "BX-20261124-0001"
    async with uow() as tx:
        found = await tx.tickets.by_number("bx-20261123-0002")
    assert found is not None and found.id == b.id


async def test_numbers_stay_unique_under_concurrent_adds(uow, demo_estate):
    async def add_one() -> str:
        async with uow() as tx:
            ticket = await tx.tickets.add(new_ticket(demo_estate), number_day="20261123")
            await tx.commit()
            assert ticket.number is not None
            return ticket.number

    numbers = await asyncio.gather(*(add_one() for _ in range(8)))
    assert sorted(numbers) == [f"BX-20261123-{n:04d}" for n in range(1, 9)]


async def test_round_trip_keeps_every_field(uow, demo_estate):
    wanted = NOW + timedelta(days=1)
    ticket = new_ticket(
        demo_estate,
        wanted_time=wanted,
        location="home",
        milestones=Milestones(respond_by=NOW + timedelta(minutes=15), on_site_by=NOW),
        attachments=(Attachment(kind="photo", ref="file-1", caption="漏水"),),
        details={"text": "<b>not html</b>", "n": 3},
    )
    async with uow() as tx:
        stored = await tx.tickets.add(ticket, number_day="20261123")
        await tx.commit()
    async with uow() as tx:
        loaded = await tx.tickets.get(stored.id)
    assert loaded is not None
    assert loaded.wanted_time == wanted and loaded.wanted_time.tzinfo is not None
    assert loaded.milestones.respond_by == NOW + timedelta(minutes=15)
    assert loaded.attachments == ticket.attachments
    assert loaded.details == {"text": "<b>not html</b>", "n": 3}
    assert loaded.level is TicketLevel.URGENT and loaded.channel is Platform.TELEGRAM


async def test_second_save_from_a_stale_copy_is_refused(uow, demo_estate):
    """Two stewards press 接单 on the same card: exactly one claim wins."""
    async with uow() as tx:
        ticket = await tx.tickets.add(new_ticket(demo_estate), number_day="20261123")
        await tx.commit()
    first = replace(ticket.moved_to(TicketStatus.CLAIMED), assignee_id=None)
    async with uow() as tx:
        saved = await tx.tickets.save(first)
        await tx.commit()
    assert saved.version == ticket.version + 1 and saved.status is TicketStatus.CLAIMED
    async with uow() as tx:
        with pytest.raises(ConcurrentUpdate):
            await tx.tickets.save(ticket.moved_to(TicketStatus.CANCELLED))


async def test_events_are_kept_in_order(uow, demo_estate):
    async with uow() as tx:
        ticket = await tx.tickets.add(new_ticket(demo_estate), number_day="20261123")
        assert ticket.id is not None
        for minute, action in enumerate(["created", "claimed", "on_site"]):
            await tx.tickets.append_event(
                TicketEvent(
                    ticket_id=ticket.id,
                    at=NOW + timedelta(minutes=minute),
                    action=action,
                    actor_kind=ActorKind.STAFF,
                    channel=Platform.TELEGRAM,
                )
            )
        await tx.commit()
    async with uow() as tx:
        events = await tx.tickets.events(ticket.id)
    assert [e.action for e in events] == ["created", "claimed", "on_site"]
    assert events[1].at == NOW + timedelta(minutes=1)


async def test_leaving_without_commit_rolls_everything_back(uow, demo_estate):
    with pytest.raises(RuntimeError):
        async with uow() as tx:
            await tx.tickets.add(new_ticket(demo_estate), number_day="20261123")
            raise RuntimeError("workflow failed half-way")
    async with uow() as tx:
        assert await tx.tickets.by_number("BX-20261123-0001") is None


async def test_naive_datetimes_are_refused(uow, demo_estate):
    with pytest.raises(Exception, match="naive"):
        async with uow() as tx:
            await tx.tickets.add(
                new_ticket(demo_estate, created_at=datetime(2026, 11, 23, 10, 0)),
                number_day="20261123",
            )


async def test_for_reporter_and_open_for_unit(uow, demo_estate):
    async with uow() as tx:
        residents = await tx.residents.by_phone("13905710218")
        unit = await tx.directory.find_unit(
            estate_id=demo_estate, building="1", entrance="1", room="1502"
        )
    assert unit is not None and len(residents) == 1
    reporter = residents[0].id
    async with uow() as tx:
        open_one = await tx.tickets.add(
            new_ticket(demo_estate, unit_id=unit.id, reporter_id=reporter), number_day="20261123"
        )
        closed = await tx.tickets.add(
            new_ticket(demo_estate, unit_id=unit.id, status=TicketStatus.CLOSED),
            number_day="20261123",
        )
        await tx.commit()
    async with uow() as tx:
        assert [t.id for t in await tx.tickets.open_for_unit(unit.id)] == [open_one.id]
        assert [t.id for t in await tx.tickets.for_reporter(reporter)] == [open_one.id]
        assert await tx.tickets.open_for_unit(unit.id, kind=TicketKind.FEE_DISPUTE) == []
        dispute = await tx.tickets.add(
            new_ticket(demo_estate, TicketKind.FEE_DISPUTE, unit_id=unit.id), number_day="20261123"
        )
        disputes = await tx.tickets.open_for_unit(unit.id, kind=TicketKind.FEE_DISPUTE)
        both = await tx.tickets.open_for_unit(unit.id)
    assert closed.id != open_one.id
    assert [t.id for t in disputes] == [dispute.id]
    assert [t.id for t in both] == [open_one.id, dispute.id]
