"""When a resident cannot be reached in chat (they blocked the bot), a person phones them.

The steward of their building gets a phone-call task once; later failures for the same resident
do not pile up tasks until they are reachable again.
"""

from __future__ import annotations

from datetime import datetime

from workflows.intake import Report, file_ticket
from workflows.ports import UnitOfWork
from workflows.tickets import Ticket, TicketKind


async def resident_unreachable(
    uow: UnitOfWork, *, resident_id: int, now: datetime, undelivered: str
) -> Ticket | None:
    resident = await uow.residents.get(resident_id)
    if resident is None or resident.unreachable_at is not None:
        return None
    await uow.residents.mark_unreachable(resident_id, now)
    estate = await uow.directory.estate(resident.estate_id)
    if estate is None:
        return None
    links = await uow.residents.units_of(resident_id)
    unit = await uow.directory.unit(links[0].unit_id) if links else None
    return await file_ticket(
        uow,
        Report(
            estate=estate,
            kind=TicketKind.STAFF_TASK,
            summary=(
                "电话联系住户：聊天消息无法送达（对方可能已屏蔽机器人）。"
                f"未送达内容：{undelivered[:200]}"
            ),
            channel=None,
            reporter=resident,
            unit=unit,
            details={"task": "phone_call", "reason": "unreachable"},
        ),
        now=now,
    )
