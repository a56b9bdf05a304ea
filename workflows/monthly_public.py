"""The month's service summary, published to residents as the manual requires.

Complaint and repair figures go to every resident who can be reached in chat — privately, in
their own language, after quiet hours — never to a group, and with no one's name in them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from workflows.estate import Estate
from workflows.notify import push_to_resident
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.repair_stats import RepairStats

if TYPE_CHECKING:
    from workflows.digests import ComplaintStats

MONTHLY_PUBLIC = "report.monthly.public"


async def publish_to_residents(
    uow: UnitOfWork,
    estate: Estate,
    month: datetime,
    stats: ComplaintStats,
    repairs: RepairStats,
    *,
    now: datetime,
) -> int:
    """The manual publishes the month's summary to residents: every reachable resident gets it
    privately (never in a group), after quiet hours, in their own language."""
    values = {
        "estate": estate.name,
        "month": f"{month:%Y年%m月}",
        "month_en": f"{month:%Y-%m}",
        "complaints": stats.total,
        "timely": _percent(stats.timely, stats.total),
        "handled": _percent(stats.handled, stats.total),
        "satisfied": _percent(stats.satisfied, stats.answered),
        "repairs": repairs.total,
        "finished": repairs.finished,
    }
    text_for = {lang: say("monthly_public", lang, **values) for lang in ("zh-Hans", "en")}
    sent = 0
    for resident in await uow.residents.reachable(estate.id):
        pushed = await push_to_resident(
            uow, resident_id=resident.id, estate=estate, text_for=text_for,
            dedupe_key=f"{MONTHLY_PUBLIC}:{estate.id}:{month:%Y%m}:r{resident.id}", now=now,
        )  # fmt: skip
        sent += pushed is not None
    return sent


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"
