"""The outbox dispatcher against an in-memory sender that can fail the way Telegram does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from bot.core.dispatcher import OutboxDispatcher, Pacing
from bot.core.sending import RateLimited, Rejected, Sent, Transient, Unreachable
from storage.schema import OutboxRow
from tests.bot.conftest import RESIDENT_TG, tickets
from workflows.estate import Platform
from workflows.messaging import OutboxMessage, RecipientKind


@dataclass
class FakeSender:
    """Records what would be sent; ``failures`` are raised, one per send, before succeeding."""

    failures: list[Exception] = field(default_factory=list)
    sent: list[tuple[str, str, str | None]] = field(default_factory=list)
    counter: int = 100
    rate_limited: bool = True

    async def send(self, message: OutboxMessage, *, edit_message_id: str | None) -> Sent:
        if self.failures:
            raise self.failures.pop(0)
        self.counter += 1
        self.sent.append((message.chat_id, message.text, edit_message_id))
        return Sent(message_id=str(self.counter))


def fast() -> Pacing:
    return Pacing(private_interval=0, group_interval=0, per_second=10_000)


async def enqueue(uow, clock, key: str, text: str, **extra) -> int:
    async with uow() as tx:
        stored = await tx.outbox.enqueue(
            OutboxMessage(channel=Platform.TELEGRAM, chat_id=extra.pop("chat", RESIDENT_TG),
                          text=text, dedupe_key=key, created_at=clock.now(),
                          not_before=clock.now(), **extra)
        )  # fmt: skip
        await tx.commit()
    assert stored.id is not None
    return stored.id


async def row(uow, message_id: int) -> OutboxRow:
    async with uow() as tx:
        found = await tx.session.scalar(select(OutboxRow).where(OutboxRow.id == message_id))
        tx.session.expunge_all()
        return found


def dispatcher(uow, clock, sender) -> OutboxDispatcher:
    return OutboxDispatcher(uow, clock, {Platform.TELEGRAM: sender}, worker="t", pacing=fast())


async def test_sends_in_order_and_never_twice(uow, clock, demo_estate):
    sender = FakeSender()
    ids = [await enqueue(uow, clock, f"k{n}", f"第{n}条") for n in range(3)]
    assert await dispatcher(uow, clock, sender).run_once() == 3
    assert [text for _, text, _ in sender.sent] == ["第0条", "第1条", "第2条"]
    assert await dispatcher(uow, clock, sender).run_once() == 0  # a restart sends nothing again
    assert (await row(uow, ids[0])).state == "sent"


async def test_a_429_waits_retry_after(uow, clock, demo_estate):
    sender = FakeSender(failures=[RateLimited(3)])
    message_id = await enqueue(uow, clock, "k", "你好")
    await dispatcher(uow, clock, sender).run_once()
    stored = await row(uow, message_id)
    assert stored.state == "pending" and stored.not_before == clock.now() + timedelta(seconds=3)
    clock.advance(timedelta(seconds=3))
    await dispatcher(uow, clock, sender).run_once()
    assert (await row(uow, message_id)).state == "sent"


async def test_server_errors_back_off_then_give_up_recorded(uow, clock, demo_estate):
    sender = FakeSender(failures=[Transient("502")] * 20)
    message_id = await enqueue(uow, clock, "k", "你好")
    for _ in range(12):
        await dispatcher(uow, clock, sender).run_once()
        clock.advance(timedelta(minutes=10))
    stored = await row(uow, message_id)
    assert stored.state == "dead" and "502" in (stored.last_error or "")


async def test_a_blocked_resident_becomes_a_phone_task(uow, clock, demo_estate):
    sender = FakeSender(failures=[Unreachable("403 blocked")])
    async with uow() as tx:
        (resident,) = await tx.residents.by_phone("13905710218")
    message_id = await enqueue(
        uow, clock, "k", "您的工单已完成", recipient_kind=RecipientKind.RESIDENT,
        recipient_id=resident.id,
    )  # fmt: skip
    await dispatcher(uow, clock, sender).run_once()
    assert (await row(uow, message_id)).state == "dead"
    (task,) = await tickets(uow)
    assert task.kind == "staff_task" and task.details["task"] == "phone_call"
    async with uow() as tx:
        assert (await tx.residents.get(resident.id)).unreachable_at == clock.now()


async def test_edit_waits_for_the_original_and_falls_back_to_a_new_message(uow, clock, demo_estate):
    sender = FakeSender()
    card = await enqueue(
        uow, clock, "card", "待接单", chat="-100", recipient_kind=RecipientKind.GROUP
    )
    edit = await enqueue(
        uow, clock, "card:v2", "已接单", chat="-100", recipient_kind=RecipientKind.GROUP,
        edit_of=card,
    )  # fmt: skip
    await dispatcher(uow, clock, sender).run_once()
    assert sender.sent[0][1] == "待接单"
    assert sender.sent[-1] == ("-100", "已接单", "101")
    assert (await row(uow, edit)).state == "sent"
    vanished = FakeSender(failures=[Rejected("message to edit not found")])
    again = await enqueue(
        uow, clock, "card:v3", "已完成", chat="-100", recipient_kind=RecipientKind.GROUP,
        edit_of=card,
    )  # fmt: skip
    await dispatcher(uow, clock, vanished).run_once()
    assert vanished.sent == [("-100", "已完成", None)]
    assert (await row(uow, again)).state == "sent"


async def test_traditional_readers_get_traditional_text(uow, clock, demo_estate):
    sender = FakeSender()
    await enqueue(uow, clock, "k", "电梯维修已经完成，请确认", language="zh-Hant")
    await dispatcher(uow, clock, sender).run_once()
    assert sender.sent[0][1] == "電梯維修已經完成，請確認"


async def test_a_crash_after_claiming_is_recovered_after_the_lease(uow, clock, demo_estate):
    message_id = await enqueue(uow, clock, "k", "你好")
    async with uow() as tx:
        await tx.outbox.claim_ready(now=clock.now(), worker="dead", limit=10, lease_seconds=120)
        await tx.commit()
    sender = FakeSender()
    assert await dispatcher(uow, clock, sender).run_once() == 0
    clock.advance(timedelta(seconds=121))
    assert await dispatcher(uow, clock, sender).run_once() == 1
    assert len(sender.sent) == 1 and (await row(uow, message_id)).state == "sent"


async def test_cancelling_stops_the_loop_even_as_it_is_woken(uow, clock):
    """Shutdown cancels the loop; a wake arriving in the same instant must not swallow the
    cancellation (asyncio.wait_for on Python 3.11 does, and shutdown then hung for ever).
    Every interleaving of the wake and the cancel a few loop turns apart is tried."""
    import asyncio

    for turns in range(6):
        loop_ = dispatcher(uow, clock, FakeSender())
        task = asyncio.create_task(loop_.run_forever(idle_seconds=30))
        for _ in range(20):  # until it sits idle, waiting to be woken
            await asyncio.sleep(0)
        loop_.wake.set()
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=2)
        assert done == {task} and task.cancelled(), f"still running ({turns} turns apart)"
