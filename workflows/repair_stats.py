"""Monthly repair statistics: totals, timeliness and callbacks, as the manuals ask for.

Timely means every deadline the repair had was met (on site by ``on_site_by`` and fixed by
``resolve_by``, where set). The callback rate counts resolved repairs whose callback was
answered; satisfaction is the share of answered callbacks rated 满意 (latest round).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workflows.estate import Estate
from workflows.fees import Rating
from workflows.ports import UnitOfWork
from workflows.tickets import Ticket, TicketKind, TicketStatus

REPAIR_KINDS = (TicketKind.REPAIR, TicketKind.EMERGENCY)
FINISHED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)


@dataclass(frozen=True)
class RepairStats:
    total: int
    finished: int
    timely: int
    callbacks_answered: int
    satisfied: int


def on_time(ticket: Ticket) -> bool:
    m = ticket.milestones
    if m.on_site_by and (m.on_site_at is None or m.on_site_at > m.on_site_by):
        return False
    return not (m.resolve_by and (m.resolved_at is None or m.resolved_at > m.resolve_by))


async def repair_stats(
    uow: UnitOfWork, estate: Estate, start: datetime, end: datetime
) -> RepairStats:
    repairs = await uow.tickets.search(
        estate_id=estate.id, kinds=REPAIR_KINDS, created_from=start, created_before=end
    )
    finished = [t for t in repairs if t.status in FINISHED]
    answered = satisfied = 0
    for ticket in finished:
        answers = await uow.surveys.for_ticket(ticket.id or 0)
        if answers:
            answered += 1
            satisfied += max(answers, key=lambda a: a.round).rating is Rating.SATISFIED
    return RepairStats(
        total=len(repairs),
        finished=len(finished),
        timely=sum(1 for t in finished if on_time(t)),
        callbacks_answered=answered,
        satisfied=satisfied,
    )
