"""Recording received updates in groups: one transaction for every update that arrived while
the previous group was being written.

The webhook must not answer 200 before the update is durably recorded (or Telegram would not
redeliver it after a crash), but one transaction per update makes the receipt log the
busiest writer in the process. Requests that arrive together wait for one shared commit
instead — group commit — so a burst costs a few transactions rather than one per update.
If the database fails, every waiting request gets the error (and answers 503).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from workflows.messaging import InboundUpdate
from workflows.ports import UnitOfWorkFactory

Waiting = tuple[InboundUpdate, asyncio.Future[bool]]
MAX_GROUP = 256  # rows per INSERT: well inside both databases' parameter limits


class ReceiptLog:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow
        self._waiting: list[Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    async def record(self, update: InboundUpdate) -> bool:
        """True if the update is new; False for a replay. Raises if it could not be stored."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((update, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write())
        return await future

    async def _write(self) -> None:
        try:
            while self._waiting:
                group, self._waiting = self._waiting[:MAX_GROUP], self._waiting[MAX_GROUP:]
                await self._write_group(group)
        finally:
            self._writer = None

    async def _write_group(
        self, group: Sequence[tuple[InboundUpdate, asyncio.Future[bool]]]
    ) -> None:
        try:
            async with self._uow() as uow:
                fresh = await uow.inbound.record_many([update for update, _ in group])
                await uow.commit()
        except Exception as exc:  # the database is away: every waiting request answers 503
            for _, future in group:
                if not future.done():
                    future.set_exception(exc)
            return
        for update, future in group:
            key = (update.channel.value, update.update_id)
            new = key in fresh
            fresh.discard(key)  # the same update twice in one group: only the first is new
            if not future.done():
                future.set_result(new)
