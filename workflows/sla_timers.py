"""Timer kinds of the ticket workflows (service-level checks, escalations, callbacks, digests).

The lead's ``callbacks`` and ``complaints`` modules register their kinds through this registry
too, so ``timer_kinds.all_handlers`` sees one dictionary for every ticket workflow.
"""

from __future__ import annotations

from datetime import datetime

from workflows import callbacks, complaints, day_end, digests, escalation, rebooking
from workflows.ports import UnitOfWork
from workflows.sweep import TimerHandler

OWN: dict[str, TimerHandler] = {
    escalation.WARN: escalation.on_warn,
    escalation.MISS: escalation.on_miss,
    escalation.STEP: escalation.on_rung,
    rebooking.NOTICE: rebooking.on_visit_notice,
    digests.STEWARD: digests.on_report_due,
    digests.NIGHT: digests.on_report_due,
    digests.MONTHLY: digests.on_report_due,
    day_end.DAY_END: digests.on_report_due,
}


def _merged(*parts: dict[str, TimerHandler]) -> dict[str, TimerHandler]:
    merged: dict[str, TimerHandler] = {}
    for part in parts:
        overlap = set(merged) & set(part)
        if overlap:
            raise RuntimeError(f"timer kinds defined twice: {sorted(overlap)}")
        merged.update(part)
    return merged


HANDLERS: dict[str, TimerHandler] = _merged(OWN, callbacks.HANDLERS, complaints.HANDLERS)


async def ensure_recurring(uow: UnitOfWork, *, now: datetime) -> None:
    """Seed the ticket workflows' recurring timers: steward digests, handover, monthly stats."""
    await digests.ensure_recurring(uow, now=now)
