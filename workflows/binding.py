"""Binding a chat account to a resident by the phone number they share.

Only the sender's own contact counts (checked by the caller against the platform's user id).
No match still leaves the door open: the person can ask questions, and the front desk gets a
verification task with the number, so a real resident is never turned away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from workflows.estate import Estate, Platform, Resident, Unit
from workflows.intake import Report, file_ticket
from workflows.ports import UnitOfWork
from workflows.tickets import Ticket, TicketKind

_COUNTRY = re.compile(r"^(?:00)?86(?=1\d{10}$)")


def normalise_phone(raw: str) -> str:
    """'+86 139-0571-0218' → '13905710218'; keeps landlines' digits as they are."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    return _COUNTRY.sub("", digits)


@dataclass(frozen=True)
class BindResult:
    resident: Resident | None
    units: tuple[Unit, ...] = ()
    verification: Ticket | None = None


async def bind_by_phone(
    uow: UnitOfWork,
    *,
    platform: Platform,
    external_id: str,
    phone: str,
    now: datetime,
    estate: Estate | None,
    display_name: str = "",
) -> BindResult:
    number = normalise_phone(phone)
    matches = await uow.residents.by_phone(number, estate_id=estate.id if estate else None)
    if not matches:
        if estate is None:
            return BindResult(None)
        task = await file_ticket(
            uow,
            Report(
                estate=estate,
                kind=TicketKind.STAFF_TASK,
                summary=(
                    f"住户身份核实：聊天用户 {display_name or external_id} 分享的手机号不在档案中"
                ),
                channel=platform,
                details={"task": "verify_resident", "phone": number, "external_id": external_id},
            ),
            now=now,
        )
        return BindResult(None, verification=task)
    resident = matches[0]
    await uow.residents.bind_identity(
        resident_id=resident.id, platform=platform, external_id=external_id, consent_at=now
    )
    units: list[Unit] = []
    for link in await uow.residents.units_of(resident.id):
        unit = await uow.directory.unit(link.unit_id)
        if unit is not None:
            units.append(unit)
    return BindResult(resident, tuple(units))
