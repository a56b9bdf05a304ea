"""Group commit of received updates: many requests, few transactions, nothing lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from storage.engine import create_engine
from storage.uow import SqlUnitOfWorkFactory
from webhooks.receipts import ReceiptLog
from workflows.estate import Platform
from workflows.messaging import InboundUpdate

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def update(n: int) -> InboundUpdate:
    return InboundUpdate(
        channel=Platform.TELEGRAM, update_id=str(n), payload={"update_id": n}, received_at=NOW
    )


class CountingFactory:
    """The real unit-of-work factory, counting the transactions it opens."""

    def __init__(self, inner: SqlUnitOfWorkFactory) -> None:
        self.inner = inner
        self.opened = 0

    def __call__(self):  # type: ignore[no-untyped-def]
        self.opened += 1
        return self.inner()


async def test_requests_arriving_together_share_one_commit(engine):
    uow = CountingFactory(SqlUnitOfWorkFactory(engine))
    log = ReceiptLog(uow)
    results = await asyncio.gather(*(log.record(update(n)) for n in range(100)))
    assert results == [True] * 100
    assert uow.opened <= 2  # one group, or two if the first request started writing alone
    async with uow() as tx:
        waiting = await tx.inbound.unprocessed(limit=500)
    assert sorted(int(u.update_id) for u in waiting) == list(range(100))


async def test_a_replay_in_the_same_group_or_later_is_not_new(engine):
    log = ReceiptLog(SqlUnitOfWorkFactory(engine))
    first, duplicate, other = await asyncio.gather(
        log.record(update(7)), log.record(update(7)), log.record(update(8))
    )
    assert (first, duplicate, other) == (True, False, True)
    assert await log.record(update(7)) is False


async def test_a_database_that_is_away_fails_every_waiting_request_and_recovers(engine):
    away = create_engine("postgresql://postgres@127.0.0.1:9/nowhere")
    log = ReceiptLog(SqlUnitOfWorkFactory(away))
    results = await asyncio.gather(
        *(log.record(update(n)) for n in range(5)), return_exceptions=True
    )
    await away.dispose()
    assert all(isinstance(r, Exception) for r in results)
    log = ReceiptLog(SqlUnitOfWorkFactory(engine))  # the database is back: Telegram redelivers
    assert await log.record(update(1)) is True


@pytest.mark.parametrize("size", [1, 300])
async def test_groups_larger_than_one_insert_are_split(engine, size):
    log = ReceiptLog(SqlUnitOfWorkFactory(engine))
    results = await asyncio.gather(*(log.record(update(n)) for n in range(size)))
    assert results.count(True) == size
