"""Timers and outbox contract: idempotent writes, once-only claims, leases, retries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from workflows.estate import Platform
from workflows.messaging import (
    Button,
    InboundUpdate,
    OutboxMessage,
    OutboxState,
    RecipientKind,
    Timer,
    TimerState,
)

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def timer(key: str, due: datetime, subject_id: int = 1, kind: str = "escalate") -> Timer:
    return Timer(
        kind=kind,
        due_at=due,
        dedupe_key=key,
        subject_type="ticket",
        subject_id=subject_id,
        payload={"step": 1},
    )


def message(key: str, not_before: datetime = NOW, chat: str = "1001") -> OutboxMessage:
    return OutboxMessage(
        channel=Platform.TELEGRAM,
        chat_id=chat,
        text="您的报修已受理 <b>",
        dedupe_key=key,
        created_at=NOW,
        not_before=not_before,
        buttons=((Button("接单", "t:1:claim"), Button("转派", "t:1:pass")),),
        recipient_kind=RecipientKind.GROUP,
    )


async def test_scheduling_twice_keeps_one_timer(uow):
    async with uow() as tx:
        first = await tx.timers.schedule(timer("t1", NOW))
        again = await tx.timers.schedule(timer("t1", NOW + timedelta(hours=1)))
        await tx.commit()
    assert first.id == again.id and again.due_at == NOW
    assert again.payload == {"step": 1}


async def test_due_timers_are_claimed_once_in_due_order(uow):
    async with uow() as tx:
        await tx.timers.schedule(timer("late", NOW + timedelta(minutes=5)))
        await tx.timers.schedule(timer("b", NOW - timedelta(minutes=1)))
        await tx.timers.schedule(timer("a", NOW - timedelta(minutes=2)))
        await tx.commit()
    async with uow() as tx:
        claimed = await tx.timers.claim_due(now=NOW, worker="w1", limit=10, lease_seconds=60)
        await tx.commit()
    assert [t.dedupe_key for t in claimed] == ["a", "b"]
    assert all(t.state is TimerState.RUNNING and t.attempts == 1 for t in claimed)
    async with uow() as tx:
        assert await tx.timers.claim_due(now=NOW, worker="w2", limit=10, lease_seconds=60) == []


async def test_concurrent_sweepers_never_share_a_timer(uow):
    async with uow() as tx:
        for n in range(40):
            await tx.timers.schedule(timer(f"k{n}", NOW - timedelta(seconds=n), subject_id=n))
        await tx.commit()

    async def sweep(worker: str) -> list[str]:
        taken: list[str] = []
        while True:
            async with uow() as tx:
                batch = await tx.timers.claim_due(now=NOW, worker=worker, limit=5, lease_seconds=60)
                await tx.commit()
            if not batch:
                return taken
            taken += [t.dedupe_key for t in batch]

    results = await asyncio.gather(sweep("p1"), sweep("p2"), sweep("p3"))
    everything = [key for result in results for key in result]
    assert sorted(everything) == sorted(f"k{n}" for n in range(40))
    assert len(everything) == len(set(everything))


async def test_expired_lease_is_claimed_again(uow):
    """A process died mid-timer: after the lease runs out another process picks it up."""
    async with uow() as tx:
        await tx.timers.schedule(timer("crash", NOW))
        await tx.commit()
    async with uow() as tx:
        (first,) = await tx.timers.claim_due(now=NOW, worker="dead", limit=1, lease_seconds=30)
        await tx.commit()
    later = NOW + timedelta(seconds=31)
    async with uow() as tx:
        (again,) = await tx.timers.claim_due(now=later, worker="alive", limit=1, lease_seconds=30)
        await tx.commit()
    assert again.id == first.id and again.attempts == 2


async def test_complete_fail_retry_and_cancel(uow):
    async with uow() as tx:
        await tx.timers.schedule(timer("ok", NOW, subject_id=7))
        await tx.timers.schedule(timer("bad", NOW, subject_id=8))
        await tx.timers.schedule(timer("gone", NOW + timedelta(days=1), subject_id=9))
        await tx.timers.schedule(timer("gone2", NOW + timedelta(days=1), subject_id=9, kind="x"))
        await tx.commit()
    async with uow() as tx:
        claimed = {t.dedupe_key: t for t in await tx.timers.claim_due(
            now=NOW, worker="w", limit=10, lease_seconds=60)}  # fmt: skip
        await tx.timers.complete(claimed["ok"].id, at=NOW)
        await tx.timers.fail(claimed["bad"].id, error="boom", retry_at=NOW + timedelta(minutes=1))
        assert await tx.timers.cancel(subject_type="ticket", subject_id=9, kind="escalate") == 1
        await tx.commit()
    async with uow() as tx:
        assert [
            t.kind for t in await tx.timers.pending_for(subject_type="ticket", subject_id=9)
        ] == ["x"]
        retry = await tx.timers.claim_due(
            now=NOW + timedelta(minutes=2), worker="w", limit=10, lease_seconds=60
        )
    assert [(t.dedupe_key, t.last_error, t.attempts) for t in retry] == [("bad", "boom", 2)]


async def test_outbox_enqueue_is_idempotent_and_keeps_buttons(uow):
    async with uow() as tx:
        one = await tx.outbox.enqueue(message("ticket:1:card"))
        two = await tx.outbox.enqueue(message("ticket:1:card"))
        await tx.commit()
    assert one.id == two.id
    assert two.buttons[0][0] == Button("接单", "t:1:claim")
    assert two.text == "您的报修已受理 <b>"


async def test_outbox_claim_send_retry_and_dead(uow):
    async with uow() as tx:
        await tx.outbox.enqueue(message("m1"))
        await tx.outbox.enqueue(message("m2"))
        await tx.outbox.enqueue(message("m3", not_before=NOW + timedelta(hours=1)))
        await tx.commit()
    async with uow() as tx:
        ready = await tx.outbox.claim_ready(now=NOW, worker="d", limit=10, lease_seconds=30)
        await tx.commit()
    assert [m.dedupe_key for m in ready] == ["m1", "m2"]
    assert all(m.state is OutboxState.SENDING for m in ready)
    m1, m2 = ready
    async with uow() as tx:
        await tx.outbox.mark_sent(m1.id, at=NOW, sent_message_id="55")
        await tx.outbox.retry_later(m2.id, error="429", not_before=NOW + timedelta(seconds=3))
        await tx.commit()
    async with uow() as tx:
        sent = await tx.outbox.get(m1.id)
        assert sent is not None and sent.state is OutboxState.SENT and sent.sent_message_id == "55"
        assert await tx.outbox.claim_ready(now=NOW, worker="d", limit=10, lease_seconds=30) == []
        (again,) = await tx.outbox.claim_ready(
            now=NOW + timedelta(seconds=3), worker="d", limit=10, lease_seconds=30
        )
        await tx.outbox.mark_dead(again.id, error="403 blocked")
        await tx.commit()
    async with uow() as tx:
        dead = await tx.outbox.get(m2.id)
    assert dead is not None and dead.state is OutboxState.DEAD and dead.attempts == 2


async def test_inbound_updates_are_recognised_on_replay(uow):
    update = InboundUpdate(
        channel=Platform.TELEGRAM, update_id="1001", payload={"update_id": 1001}, received_at=NOW
    )
    async with uow() as tx:
        assert await tx.inbound.record(update) is True
        assert await tx.inbound.record(update) is False
        await tx.commit()
    async with uow() as tx:
        assert [u.update_id for u in await tx.inbound.unprocessed(limit=10)] == ["1001"]
        await tx.inbound.mark_processed(Platform.TELEGRAM, "1001", at=NOW)
        await tx.commit()
    async with uow() as tx:
        assert await tx.inbound.unprocessed(limit=10) == []
        assert await tx.inbound.record(update) is False
