"""A restart between receipt and processing: the update was recorded and answered 200, then
the process died before the turn ran. The next process finds it at start-up and answers the
resident, without Telegram (which got its 200) sending it again. Both drivers, both databases.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes import telegram_updates as tg
from tests.webhooks.telegram_harness import next_update_id, running_service
from workflows.estate import Platform
from workflows.messaging import InboundUpdate

RESIDENT = 800000001  # 张伟, bound in the demo estate

pytestmark = pytest.mark.parametrize("driver", ["aiogram", "ptb"])


async def test_an_update_answered_before_a_crash_is_processed_after_the_restart(
    db_url, demo_estate, uow, driver
):
    update = tg.text_message(next_update_id(), RESIDENT, RESIDENT, "请问物业费怎么交？")
    async with uow() as tx:  # what the process that crashed had done: recorded, nothing more
        await tx.inbound.record_many(
            [
                InboundUpdate(
                    channel=Platform.TELEGRAM,
                    update_id=str(update["update_id"]),
                    payload=update,
                    received_at=datetime.now(UTC) - timedelta(seconds=20),
                )
            ]
        )
        await tx.commit()
    async with running_service(db_url, driver) as service:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while not service.api.calls_of("sendMessage", chat_id=RESIDENT):
            assert loop.time() < deadline, "the recorded update was not processed at start-up"
            await asyncio.sleep(0.05)
        async with service.runtime.uow() as tx:
            assert await tx.inbound.unprocessed(limit=10) == []
    assert len(service.api.calls_of("sendMessage", chat_id=RESIDENT)) == 1
