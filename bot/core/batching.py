"""Turns of different chats that arrive together share one transaction (group commit).

A turn's own work is a handful of statements, but its transaction costs as much again: taking
the connection, the commit (on SQLite every page the turn touched is written to the log, on
PostgreSQL the log is flushed to disk), giving the connection back. Under load several chats'
turns are waiting at any moment, so they are run one after another inside one transaction and
committed once: the same order and the same results as one transaction each, because a batch
runs its turns sequentially and each sees what the one before it wrote.

If anything in a batch fails — a workflow error, a lost race with another process — the whole
batch is rolled back and every turn in it is run again alone, in its own transaction, exactly
as without batching; the one that failed then fails by itself. At low load a batch holds one
turn and nothing changes. One chat never has two turns in a batch from the webhook (the gateway
serialises each chat), and if another channel does submit two, they run in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.core.inbound import Inbound, Outcome

log = logging.getLogger("guanjia.core")

Waiting = tuple[Inbound, asyncio.Future[Outcome]]
RunBatch = Callable[[Sequence[Inbound]], Awaitable[list[Outcome]]]
RunAlone = Callable[[Inbound], Awaitable[Outcome]]


class TurnBatcher:
    """Queues submitted turns and runs them in batches of up to ``max_batch``, one at a time.

    Worth it on SQLite, where a turn's statements are cheap next to its commit and there is
    one connection anyway. On PostgreSQL a turn's cost is its round trips, which
    overlap when turns run side by side on several connections; run one after another in a
    batch they cannot, and the benchmark got no faster and its median latency four times
    worse — there the core does not batch (``ConversationCore(group_commit=False)``).
    """

    def __init__(
        self,
        run_batch: RunBatch,
        run_alone: RunAlone,
        *,
        max_batch: int = 16,
    ) -> None:
        self._run_batch = run_batch
        self._run_alone = run_alone
        self._max_batch = max_batch
        self._runner: asyncio.Task[None] | None = None
        self._waiting: list[Waiting] = []

    async def submit(self, inbound: Inbound) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((inbound, future))
        if self._runner is None:
            self._runner = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        batch: list[Waiting] = []
        try:
            while self._waiting:
                batch = self._waiting[: self._max_batch]
                del self._waiting[: self._max_batch]
                await self._run(batch)
        except BaseException:  # cancelled (shutdown): nobody may wait for an answer forever
            for _, future in batch + self._waiting:
                future.cancel()
            self._waiting = []
            raise
        finally:
            self._runner = None

    async def _run(self, batch: list[Waiting]) -> None:
        if len(batch) > 1:
            try:
                outcomes = await self._run_batch([inbound for inbound, _ in batch])
            except Exception as exc:  # rolled back: every turn runs again alone, below
                log.info(
                    "batch of %d rolled back (%s); each turn runs alone",
                    len(batch),
                    type(exc).__name__,  # not the message: it may quote what a resident wrote
                )
            else:
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if not future.done():
                        future.set_result(outcome)
                return
        for inbound, future in batch:
            try:
                outcome = await self._run_alone(inbound)
            except BaseException as exc:  # the turn's own failure goes back to its caller
                if not future.done():
                    future.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
            else:
                if not future.done():
                    future.set_result(outcome)
