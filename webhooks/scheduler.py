"""The in-process scheduler: APScheduler runs one job, the timer sweep, every few seconds.

Timers are database rows; APScheduler only decides *when to look*. Several serving processes
can all run it: each due timer is claimed by exactly one of them. Recurring work (steward
digests, the night handover, monthly statistics) is itself a chain of timers, so
``guanjia timers run-due --at`` drives everything the scheduler would.
"""

from __future__ import annotations

import logging
import os
from datetime import datetime

from webhooks.runtime import Runtime
from workflows.sweep import SweepReport, TimerHandler, run_due

log = logging.getLogger("guanjia.scheduler")


def timer_handlers() -> dict[str, TimerHandler]:
    """Every timer kind the workflows define, collected at the composition root."""
    from workflows.timer_kinds import all_handlers

    return all_handlers()


async def sweep(runtime: Runtime, *, at: datetime | None = None) -> SweepReport:
    from workflows.timer_kinds import ensure_recurring

    now = at or runtime.clock.now()
    async with runtime.uow() as uow:
        await ensure_recurring(uow, now=now)
        await uow.commit()
    return await run_due(
        runtime.uow, timer_handlers(), now=now, worker=f"{os.uname().nodename}:{os.getpid()}"
    )


class Scheduler:
    def __init__(self, runtime: Runtime, *, every_seconds: float = 5.0) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self._runtime = runtime
        self._every = every_seconds
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self.on_sweep: list[object] = []

    async def _tick(self) -> None:
        try:
            report = await sweep(self._runtime)
        except Exception:
            log.exception("timer sweep failed; next tick retries")
            return
        if report.count:
            log.info("timers: %d fired, %d failed", len(report.fired), len(report.failed))
            for callback in self.on_sweep:
                callback()  # type: ignore[operator]

    def start(self) -> None:
        self._scheduler.add_job(
            self._tick,
            "interval",
            seconds=self._every,
            max_instances=1,
            coalesce=True,
            id="timer-sweep",
        )
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
