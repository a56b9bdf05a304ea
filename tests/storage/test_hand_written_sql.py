"""The hand-written hot statements (storage.rawsql) and the ORM must agree on every row.

Rows written by one path are read by the other, on SQLite and PostgreSQL: a datetime or JSON
value stored in a different shape would break ordering, due-time comparisons or decoding.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from storage.schema import OutboxRow, ResidentRow, TimerRow, UnitRow
from workflows.conversation import Conversation
from workflows.estate import Platform
from workflows.messaging import Button, InboundUpdate, OutboxMessage, RecipientKind, Timer
from workflows.ports import ConcurrentUpdate

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, 0, 123456, tzinfo=SHANGHAI)


def reply(key: str, not_before: datetime = NOW) -> OutboxMessage:
    return OutboxMessage(
        channel=Platform.TELEGRAM,
        chat_id="800000001",
        text="已受理 <b>&",
        dedupe_key=key,
        created_at=NOW,
        not_before=not_before,
        buttons=((Button("接单", "t:1:claim"), Button("转派", "t:1:pass")),),
        menu=("报修", "投诉"),
        recipient_kind=RecipientKind.GROUP,
        ticket_id=7,
        urgent=True,
        language="zh-Hant",
    )


async def test_outbox_row_written_by_hand_reads_the_same_through_the_orm(uow):
    async with uow() as tx:
        queued = await tx.outbox.enqueue(reply("k1"))
        again = await tx.outbox.enqueue(reply("k1"))
        await tx.commit()
    assert again.id == queued.id
    async with uow() as tx:
        stored = await tx.outbox.get(queued.id)
        claimed_early = await tx.outbox.claim_ready(
            now=NOW - timedelta(microseconds=1), worker="w", limit=10, lease_seconds=30
        )
        claimed = await tx.outbox.claim_ready(now=NOW, worker="w", limit=10, lease_seconds=30)
    assert stored is not None
    assert (stored.text, stored.buttons, stored.menu) == (
        queued.text,
        queued.buttons,
        ("报修", "投诉"),
    )
    assert (stored.recipient_kind, stored.ticket_id, stored.urgent, stored.language) == (
        RecipientKind.GROUP, 7, True, "zh-Hant",
    )  # fmt: skip
    assert stored.not_before == NOW and stored.created_at == NOW
    assert claimed_early == []  # due exactly at not_before, not a microsecond earlier
    assert [m.id for m in claimed] == [queued.id]


async def test_timer_written_by_hand_is_due_exactly_when_the_orm_says(uow):
    due = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    timer = Timer(kind="escalate", due_at=due, dedupe_key="t1", subject_type="ticket",
                  subject_id=3, payload={"step": 2, "名": "张"})  # fmt: skip
    async with uow() as tx:
        first = await tx.timers.schedule(timer)
        again = await tx.timers.schedule(timer)
        await tx.commit()
    assert first.id == again.id and first.id is not None
    async with uow() as tx:
        early = await tx.timers.claim_due(
            now=due - timedelta(microseconds=1), worker="w", limit=5, lease_seconds=30
        )
        row = await tx.session.get(TimerRow, first.id)
        assert row is not None and row.payload == {"step": 2, "名": "张"} and row.due_at == due
        on_time = await tx.timers.claim_due(now=due, worker="w", limit=5, lease_seconds=30)
    assert early == [] and [t.id for t in on_time] == [first.id]


async def test_conversation_versions_guard_against_a_second_writer(uow):
    start = Conversation(channel=Platform.TELEGRAM, chat_id="1", user_id="1")
    async with uow() as tx:
        saved = await tx.conversations.save(
            Conversation(channel=Platform.TELEGRAM, chat_id="1", user_id="1", state="await_unit",
                         data={"draft": {"kind": "repair", "text": "漏水 <x>"}}),
            at=NOW,
        )  # fmt: skip
        await tx.commit()
    assert saved.version == 1
    async with uow() as tx:
        loaded = await tx.conversations.load(Platform.TELEGRAM, "1", "1")
        with pytest.raises(ConcurrentUpdate):
            await tx.conversations.save(start, at=NOW)  # a writer that never saw version 1
    assert loaded.state == "await_unit"
    assert loaded.data == {"draft": {"kind": "repair", "text": "漏水 <x>"}}
    assert loaded.updated_at == NOW and loaded.version == 1


async def test_receipts_recorded_together_know_replays_and_duplicates(uow):
    def update(n: int) -> InboundUpdate:
        return InboundUpdate(channel=Platform.TELEGRAM, update_id=str(n),
                             payload={"update_id": n, "text": "在吗"}, received_at=NOW)  # fmt: skip

    async with uow() as tx:
        assert await tx.inbound.record(update(1))
        fresh = await tx.inbound.record_many([update(1), update(2), update(3), update(3)])
        assert await tx.inbound.start_processing(Platform.TELEGRAM, "2", at=NOW)
        await tx.commit()
    assert fresh == {("telegram", "2"), ("telegram", "3")}
    async with uow() as tx:
        assert not await tx.inbound.start_processing(Platform.TELEGRAM, "2", at=NOW)
        assert await tx.inbound.is_processed(Platform.TELEGRAM, "2")
        waiting = await tx.inbound.unprocessed(limit=10)
    assert sorted(u.update_id for u in waiting) == ["1", "3"]
    assert waiting[0].payload == {"update_id": 1, "text": "在吗"} and waiting[0].received_at == NOW


async def test_identity_and_unit_lookups_match_the_orm(uow, demo_estate):
    async with uow() as tx:
        resident = await tx.residents.by_identity(Platform.TELEGRAM, "800000001")
        assert resident is not None
        assert resident == await tx.residents.get(resident.id)
        units = await tx.residents.units_of(resident.id)
        assert units
        unit = await tx.directory.unit(units[0].unit_id)
        row = await tx.session.get(UnitRow, units[0].unit_id)
        steward = await tx.directory.staff_by_identity(Platform.TELEGRAM, "700000001")
    assert unit is not None and row is not None
    assert (unit.id, unit.room, unit.floor, unit.building_id) == (
        row.id, row.room, row.floor, row.building_id,
    )  # fmt: skip
    assert unit.area_m2 == row.area_m2 and (
        unit.area_m2 is None or isinstance(unit.area_m2, Decimal)
    )
    assert steward is not None and steward.name == "王丽娟" and steward.off_days is not None


async def test_hand_written_statements_see_what_the_orm_has_not_flushed_yet(uow, demo_estate):
    async with uow() as tx:
        before = (await tx.raw.one("SELECT count(*) FROM residents", []) or [0])[0]
        tx.session.add(ResidentRow(estate_id=demo_estate, name="新住户", phone="13900000000"))
        after = (await tx.raw.one("SELECT count(*) FROM residents", []) or [0])[0]
    assert after == before + 1
    async with uow() as tx:  # never committed: rolled back with the unit of work
        count = await tx.session.scalar(select(func.count()).select_from(ResidentRow))
    assert count == before


async def test_orm_and_hand_written_writes_commit_and_roll_back_together(uow):
    async with uow() as tx:
        await tx.outbox.enqueue(reply("kept"))
        await tx.session.execute(text("SELECT 1"))  # the ORM session joins the same transaction
        await tx.commit()
        await tx.outbox.enqueue(reply("dropped"))  # after commit: a new transaction, abandoned
    async with uow() as tx:
        keys = list(await tx.session.scalars(select(OutboxRow.dedupe_key)))
    assert keys == ["kept"]


async def test_units_of_work_interleave_without_stalling_each_other(uow):
    async def one(n: int) -> None:
        async with uow() as tx:
            await tx.outbox.enqueue(reply(f"c{n}"))
            await asyncio.sleep(0.01)  # yield mid-transaction, as a slow workflow might
            await tx.outbox.enqueue(reply(f"d{n}"))
            await tx.commit()

    await asyncio.wait_for(asyncio.gather(*(one(n) for n in range(5))), timeout=20)
    async with uow() as tx:
        count = await tx.session.scalar(select(func.count()).select_from(OutboxRow))
    assert count == 10


async def test_rollback_drops_both_paths_and_the_unit_of_work_goes_on(uow):
    async with uow() as tx:
        await tx.outbox.enqueue(reply("by-hand-dropped"))
        await tx.session.execute(text("SELECT 1"))
        await tx.rollback()
        await tx.outbox.enqueue(reply("by-hand-kept"))
        await tx.commit()
    async with uow() as tx:
        await tx.outbox.enqueue(reply("never-committed"))  # leaving without commit rolls back
    async with uow() as tx:
        keys = list(await tx.session.scalars(select(OutboxRow.dedupe_key)))
    assert keys == ["by-hand-kept"]
