"""The registry of timer kinds: each workflow module contributes its handlers here.

Recurring jobs are timers that schedule their next occurrence when they fire;
``ensure_recurring`` seeds the first occurrence (idempotently, by dedupe key) at every sweep.
"""

from __future__ import annotations

from datetime import datetime

from workflows import fee_timers, sla_timers
from workflows.ports import UnitOfWork
from workflows.sweep import TimerHandler


def all_handlers() -> dict[str, TimerHandler]:
    handlers: dict[str, TimerHandler] = {}
    for module_handlers in _modules():
        overlap = set(handlers) & set(module_handlers)
        if overlap:
            raise RuntimeError(f"timer kinds defined twice: {sorted(overlap)}")
        handlers.update(module_handlers)
    return handlers


def _modules() -> list[dict[str, TimerHandler]]:
    return [sla_timers.HANDLERS, fee_timers.HANDLERS]


async def ensure_recurring(uow: UnitOfWork, *, now: datetime) -> None:
    """Seed the next occurrence of every recurring job (no-op when already scheduled)."""
    await sla_timers.ensure_recurring(uow, now=now)
    await fee_timers.ensure_recurring(uow, now=now)
