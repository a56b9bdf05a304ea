"""Firing due timers: claim, run the handler for the timer's kind, record the outcome.

Timers are rows (the source of truth). Whoever sweeps — the serving process's scheduler every
few seconds, or ``guanjia timers run-due`` from system cron — claims each due timer once
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL), runs its handler in a transaction together with the
timer's completion, and moves on. A handler that raises is retried with backoff; after
``MAX_ATTEMPTS`` the timer is marked failed and kept for inspection. Timers fire in due order,
so a sweep after downtime catches up in order, once each.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from workflows.messaging import Timer
from workflows.ports import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("guanjia.timers")
MAX_ATTEMPTS = 5

#: A timer handler works inside the unit of work that also completes the timer.
TimerHandler = Callable[[UnitOfWork, Timer, datetime], Awaitable[None]]


@dataclass
class SweepReport:
    fired: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.fired) + len(self.failed) + len(self.unknown)


async def run_due(
    uow_factory: UnitOfWorkFactory,
    handlers: Mapping[str, TimerHandler],
    *,
    now: datetime,
    worker: str,
    batch: int = 100,
    max_batches: int = 100,
    kinds: Sequence[str] | None = None,
) -> SweepReport:
    """Fire every timer due at ``now`` (in due order, each once); returns what happened.

    ``kinds`` limits the sweep to some timer kinds (the rest stay pending for another sweep).
    """
    report = SweepReport()
    for _ in range(max_batches):
        async with uow_factory() as uow:
            claimed = await uow.timers.claim_due(
                now=now, worker=worker, limit=batch, lease_seconds=300, kinds=kinds
            )
            await uow.commit()
        if not claimed:
            break
        for timer in claimed:
            await _fire(uow_factory, handlers, timer, now, report)
    return report


async def _fire(
    uow_factory: UnitOfWorkFactory,
    handlers: Mapping[str, TimerHandler],
    timer: Timer,
    now: datetime,
    report: SweepReport,
) -> None:
    assert timer.id is not None
    handler = handlers.get(timer.kind)
    if handler is None:
        async with uow_factory() as uow:
            await uow.timers.fail(timer.id, error=f"no handler for {timer.kind}", retry_at=None)
            await uow.commit()
        report.unknown.append(timer.dedupe_key)
        return
    try:
        async with uow_factory() as uow:
            await handler(uow, timer, now)
            await uow.timers.complete(timer.id, at=now)
            await uow.commit()
        report.fired.append(timer.dedupe_key)
    except Exception as exc:
        log.exception("timer %s (%s) failed", timer.dedupe_key, timer.kind)
        retry = (
            None if timer.attempts >= MAX_ATTEMPTS else now + timedelta(minutes=2**timer.attempts)
        )
        async with uow_factory() as uow:
            await uow.timers.fail(timer.id, error=f"{type(exc).__name__}: {exc}", retry_at=retry)
            await uow.commit()
        report.failed.append(timer.dedupe_key)
