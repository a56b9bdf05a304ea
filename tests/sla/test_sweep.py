"""The timers through the real sweep: downtime, clock jumps, deleted tickets, two sweepers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import delete, select

from storage.schema import TicketEventRow, TicketRow, TimerRow
from tests.sla.conftest import GRID_1_2, at, file, sweep, texts
from workflows.sweep import run_due
from workflows.tickets import TicketKind, TicketLevel
from workflows.timer_kinds import all_handlers


def complaint(uow, demo_estate, now, summary="快递堆在楼道"):
    return file(
        uow, demo_estate, kind=TicketKind.COMPLAINT, level=TicketLevel.GENERAL,
        summary=summary, now=now,
    )  # fmt: skip


async def test_a_sweep_after_downtime_catches_up_in_order_once_each(uow, demo_estate):
    await sweep(uow, at(24, 10))
    await complaint(uow, demo_estate, at(24, 10))
    report = await sweep(uow, at(25, 15))  # down for 29 hours
    assert report.failed == [] and report.unknown == []
    assert len(report.fired) == len(set(report.fired))
    sla = [key.rsplit(":", 1)[-1] for key in report.fired if key.startswith("sla:")]
    assert sla[:2] == ["warn", "miss"]
    steward = [key for key in report.fired if key.startswith("digest.steward")]
    assert steward == sorted(steward) and len(steward) == 3  # Tue 14, Wed 9, Wed 14
    digests = [x for x in await texts(uow, GRID_1_2) if "工单对账" in x]
    assert [d.split("\n")[0].split("对账 ")[1] for d in digests] == [
        "11-24 14:00（补发）", "11-25 09:00（补发）", "11-25 14:00",  # an hour late is on time
    ]  # fmt: skip
    again = await sweep(uow, at(25, 15))
    assert again.fired == []


async def test_a_clock_moved_back_fires_nothing_early_and_nothing_twice(uow, demo_estate):
    await complaint(uow, demo_estate, at(24, 10))
    first = await sweep(uow, at(24, 14))
    assert any(key.startswith("digest.steward") for key in first.fired)
    before = await texts(uow, GRID_1_2)
    assert (await sweep(uow, at(24, 10, 5))).fired == []  # back in time
    assert (await sweep(uow, at(24, 13))).fired == []
    assert (await sweep(uow, at(24, 14))).fired == []  # and forward to the same instant
    assert await texts(uow, GRID_1_2) == before


async def test_a_timer_whose_ticket_was_deleted_completes_quietly(uow, demo_estate):
    filed = await complaint(uow, demo_estate, at(24, 10))
    async with uow() as tx:
        await tx.session.execute(
            delete(TicketEventRow).where(TicketEventRow.ticket_id == filed.ticket.id)
        )
        await tx.session.execute(delete(TicketRow).where(TicketRow.id == filed.ticket.id))
        await tx.commit()
    before = await texts(uow, GRID_1_2)
    report = await sweep(uow, at(24, 10, 20))
    assert report.failed == [] and len([k for k in report.fired if k.startswith("sla:")]) == 2
    assert await texts(uow, GRID_1_2) == before
    async with uow() as tx:
        states = set(
            await tx.session.scalars(select(TimerRow.state).where(TimerRow.kind.like("sla.%")))
        )
        events = list(await tx.session.scalars(select(TicketEventRow)))
    assert states <= {"done", "pending"} and events == []


async def test_two_sweepers_fire_each_timer_once(uow, demo_estate, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("SKIP LOCKED claiming is PostgreSQL's; SQLite has one writer")
    for n in range(5):
        await complaint(uow, demo_estate, at(24, 10), summary=f"第{n}次投诉：快递堆在楼道")
    handlers = all_handlers()
    a, b = await asyncio.gather(
        run_due(uow, handlers, now=at(24, 10, 16), worker="a", batch=2),
        run_due(uow, handlers, now=at(24, 10, 16), worker="b", batch=2),
    )
    fired = a.fired + b.fired
    assert len(fired) == len(set(fired)) == 10  # warn + miss for five complaints
    reminders = [x for x in await texts(uow, GRID_1_2) if "工单提醒" in x]
    assert len(reminders) == 10


async def test_a_long_outage_resumes_digests_with_the_last_day_only(uow, demo_estate):
    await sweep(uow, at(24, 10))
    await complaint(uow, demo_estate, at(24, 10))
    report = await sweep(uow, at(30, 15))  # six days later
    steward = [key for key in report.fired if key.startswith("digest.steward")]
    assert len(steward) == 3  # the seeded Tue 14:00, then only Mon 30 09:00 and 14:00
    assert len(set(report.fired)) == len(report.fired)
