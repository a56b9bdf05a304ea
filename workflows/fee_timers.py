"""Timer kinds of the fee workflows (reminders, dunning ladder), registered with the sweep."""

from __future__ import annotations

from datetime import datetime

from workflows.ports import UnitOfWork
from workflows.sweep import TimerHandler

HANDLERS: dict[str, TimerHandler] = {}


async def ensure_recurring(uow: UnitOfWork, *, now: datetime) -> None:
    """Seed the fee workflows' recurring timers; nothing recurs yet."""
