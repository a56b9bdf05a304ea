"""Timer kinds of the ticket workflows (service-level checks, escalations, callbacks, digests)."""

from __future__ import annotations

from datetime import datetime

from workflows.ports import UnitOfWork
from workflows.sweep import TimerHandler

HANDLERS: dict[str, TimerHandler] = {}


async def ensure_recurring(uow: UnitOfWork, *, now: datetime) -> None:
    """Seed the ticket workflows' recurring timers; nothing recurs yet."""
