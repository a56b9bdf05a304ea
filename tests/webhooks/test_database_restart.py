"""PostgreSQL restarts under a running service: Telegram's redelivery is all it takes.

Every server connection is terminated at once, as in a restart. The next update may meet a
dead pooled connection and be answered 503 (Telegram redelivers it); after that the pool is
renewed, and the redelivered update is processed and answered without waiting for the
recovery sweep. Both drivers, over HTTP, against the fake Bot API.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import _truncate_pg
from tests.fakes import telegram_updates as tg
from tests.storage.pg_faults import terminate_all_others
from tests.webhooks.telegram_harness import next_update_id, running_service

RESIDENT = 800000001  # 张伟, bound in the demo estate

pytestmark = pytest.mark.parametrize("driver", ["aiogram", "ptb"])


@pytest.fixture
def db_url(postgres_migrated: str) -> str:
    """PostgreSQL only: SQLite has no server to restart."""
    asyncio.run(_truncate_pg())
    return postgres_migrated


@pytest.fixture
async def service(db_url, demo_estate, driver):
    async with running_service(db_url, driver) as running:
        yield running


async def replies_to_resident(service) -> int:
    return len(service.api.calls_of("sendMessage", chat_id=RESIDENT))


async def wait_for_reply(service, after: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while await replies_to_resident(service) <= after:
        assert loop.time() < deadline, "no reply: the update waited for the recovery sweep"
        await asyncio.sleep(0.05)


async def test_after_a_restart_the_redelivered_update_is_answered(service, db_url, driver):
    before = await replies_to_resident(service)
    assert (
        await service.deliver(tg.text_message(next_update_id(), RESIDENT, RESIDENT, "你好")) == 200
    )
    await wait_for_reply(service, before)
    assert await terminate_all_others(db_url) >= 1  # the service's pooled connections
    update = tg.text_message(next_update_id(), RESIDENT, RESIDENT, "快递放在哪里？")
    before = await replies_to_resident(service)
    statuses = [await service.deliver(update)]
    while statuses[-1] != 200 and len(statuses) < 5:
        statuses.append(await service.deliver(update))  # as Telegram redelivers
    assert statuses[-1] == 200 and set(statuses[:-1]) <= {503}, statuses
    await wait_for_reply(service, before)
