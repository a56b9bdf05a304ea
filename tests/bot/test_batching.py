"""Group commit of turns: chats that write at the same moment share one transaction, with the
same results as one transaction each, and a failure in one turn costs the others nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select

from bot.core.batching import TurnBatcher
from bot.core.engine import ConversationCore
from bot.core.inbound import Inbound, InboundKind, Outcome
from storage.schema import OutboxRow
from tests.bot.conftest import RESIDENT_TG, Person, texts_to, tickets, understand_fn
from tests.bot.conftest import TUESDAY_10AM as NOW
from workflows.estate import Platform
from workflows.messaging import InboundUpdate

FAULT = "故障注入测试"


class CountingUnitsOfWork:
    """The real unit-of-work factory, counting how many units of work it opened."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.opened = 0

    def __call__(self) -> object:
        self.opened += 1
        return self.inner()  # type: ignore[operator]


def faulty_understand() -> object:
    real = understand_fn()

    def understand(text: str, now: object = None) -> object:
        if FAULT in text:
            raise RuntimeError("a workflow failed half-way")
        return real(text, now)  # type: ignore[operator]

    return understand


def make_core(units: CountingUnitsOfWork, clock: object) -> ConversationCore:
    from intents.textlibs import segmenter

    return ConversationCore(units, clock, faulty_understand(), segmenter().cut)  # type: ignore[arg-type]


async def outbox_count(uow: object) -> int:
    async with uow() as tx:  # type: ignore[operator]
        return int(await tx.session.scalar(select(func.count()).select_from(OutboxRow)))


async def test_chats_writing_together_share_one_transaction(uow, clock, demo_estate):
    units = CountingUnitsOfWork(uow)
    core = make_core(units, clock)
    resident = Person(core, RESIDENT_TG, RESIDENT_TG, name="张伟")
    strangers = [Person(core, f"55500{n:04d}", f"55500{n:04d}") for n in range(5)]
    outcomes = await asyncio.gather(
        resident.says("灯不亮了，麻烦来修一下"), *(s.says("请问物业费怎么交？") for s in strangers)
    )
    assert units.opened == 1  # six turns, one transaction
    assert all(outcome.handled for outcome in outcomes)
    for stranger in strangers:
        assert len(await texts_to(uow, stranger.chat_id)) == 1
    asked = await texts_to(uow, RESIDENT_TG)
    assert len(asked) == 1 and "室内还是公共区域" in asked[0]
    # the resident's draft was committed with the batch: the dialogue goes on from it
    await resident.presses("loc:home")
    await resident.presses("skip:photo")
    await resident.presses("when:mpm")
    assert [t.summary for t in await tickets(uow)] == ["灯不亮了，麻烦来修一下"]


async def test_a_failing_turn_fails_alone_and_the_others_are_answered_once(uow, clock, demo_estate):
    units = CountingUnitsOfWork(uow)
    core = make_core(units, clock)
    people = [Person(core, f"55501{n:04d}", f"55501{n:04d}") for n in range(3)]
    results = await asyncio.gather(
        people[0].says("你好"),
        people[1].says(FAULT),
        people[2].says("你好"),
        return_exceptions=True,
    )
    assert isinstance(results[1], RuntimeError)
    assert isinstance(results[0], Outcome) and isinstance(results[2], Outcome)
    assert units.opened == 1 + 3  # the batch, rolled back, then each turn alone
    assert len(await texts_to(uow, people[0].chat_id)) == 1
    assert len(await texts_to(uow, people[2].chat_id)) == 1
    assert await texts_to(uow, people[1].chat_id) == []  # nothing half-written
    assert await outbox_count(uow) == 2


async def test_the_same_update_twice_in_one_batch_is_answered_once(uow, clock, demo_estate):
    core = make_core(CountingUnitsOfWork(uow), clock)
    inbound = Inbound(
        channel=Platform.TELEGRAM, update_id="777001", chat_id="555020001", user_id="555020001",
        kind=InboundKind.TEXT, text="你好", message_id="1",
    )  # fmt: skip
    async with uow() as tx:  # received through the webhook, as every Telegram update is
        received = InboundUpdate(Platform.TELEGRAM, "777001", payload={}, received_at=NOW)
        await tx.inbound.record(received)
        await tx.commit()
    first, again = await asyncio.gather(core.handle(inbound), core.handle(inbound))
    assert first.handled and not again.handled
    assert len(await texts_to(uow, "555020001")) == 1


# -- the batcher alone -------------------------------------------------------------------


class Recorder:
    def __init__(self, gate: asyncio.Event | None = None) -> None:
        self.batches: list[list[str]] = []
        self.alone: list[str] = []
        self.gate = gate
        self.running = 0
        self.most_at_once = 0

    async def batch(self, inbounds: Sequence[Inbound]) -> list[Outcome]:
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            if self.gate is not None:
                await self.gate.wait()
            self.batches.append([i.update_id for i in inbounds])
            return [Outcome(ack=i.update_id) for i in inbounds]
        finally:
            self.running -= 1

    async def one(self, inbound: Inbound) -> Outcome:
        self.alone.append(inbound.update_id)
        return Outcome(ack=inbound.update_id)


def inbound(n: int) -> Inbound:
    return Inbound(
        channel=Platform.WEB, update_id=str(n), chat_id=str(n), user_id=str(n),
        kind=InboundKind.TEXT, text="x",
    )  # fmt: skip


async def test_batches_are_bounded_and_answers_go_to_their_own_callers():
    recorder = Recorder()
    batcher = TurnBatcher(recorder.batch, recorder.one, max_batch=16)
    outcomes = await asyncio.gather(*(batcher.submit(inbound(n)) for n in range(40)))
    assert [o.ack for o in outcomes] == [str(n) for n in range(40)]
    assert [len(b) for b in recorder.batches] == [16, 16, 8]
    assert recorder.alone == []
    single = await batcher.submit(inbound(99))  # at low load a turn runs alone
    assert single.ack == "99" and recorder.alone == ["99"]


async def test_a_cancelled_runner_leaves_nobody_waiting_forever():
    recorder = Recorder(asyncio.Event())  # never set: the batch hangs until cancelled
    batcher = TurnBatcher(recorder.batch, recorder.one)
    pending = [asyncio.ensure_future(batcher.submit(inbound(n))) for n in range(3)]
    await asyncio.sleep(0.01)
    later = asyncio.ensure_future(batcher.submit(inbound(3)))  # queued behind the batch
    await asyncio.sleep(0.01)
    assert batcher._runner is not None
    batcher._runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(asyncio.gather(*pending, later), timeout=2)
    assert all(p.cancelled() for p in pending) and later.cancelled()


async def test_without_group_commit_every_turn_has_its_own_transaction(uow, clock, demo_estate):
    """PostgreSQL's setting (webhooks.services): turns overlap on separate connections."""
    from intents.textlibs import segmenter

    units = CountingUnitsOfWork(uow)
    core = ConversationCore(units, clock, understand_fn(), segmenter().cut, group_commit=False)  # type: ignore[arg-type]
    people = [Person(core, f"55503{n:04d}", f"55503{n:04d}") for n in range(3)]
    outcomes = await asyncio.gather(*(p.says("你好") for p in people))
    assert units.opened == 3 and all(o.handled for o in outcomes)
    for person in people:
        assert len(await texts_to(uow, person.chat_id)) == 1
