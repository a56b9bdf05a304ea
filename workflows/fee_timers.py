"""Timer kinds of the fee workflows (reminders, dunning ladder), registered with the sweep.

Nothing here recurs on its own: reminder timers are scheduled by bill imports and chain their
repeats while a bill stays overdue; ladder steps chain from the first notice.
"""

from __future__ import annotations

from datetime import datetime

from workflows.fee_dunning import on_step_due
from workflows.fee_reminders import on_reminder_due
from workflows.fee_rules import DUNNING_KIND, REMIND_KIND
from workflows.ports import UnitOfWork
from workflows.sweep import TimerHandler

HANDLERS: dict[str, TimerHandler] = {
    REMIND_KIND: on_reminder_due,
    DUNNING_KIND: on_step_due,
}


async def ensure_recurring(uow: UnitOfWork, *, now: datetime) -> None:
    """Seed the fee workflows' recurring timers; none are needed (see the module docstring)."""
