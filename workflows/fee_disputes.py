""" "I already paid": a payment check for finance, and reminders paused until it is settled.

A resident who says they paid (or sends a receipt photo) gets a FEE_DISPUTE ticket per unit with
open bills; its card goes to the supervisors' group (or the front desk), naming the items but no
amount. Reminders and ladder steps skip the bills it covers while it is open. Staff settle it
with ``/settle NUMBER paid|unpaid``: paid marks the bills paid; unpaid resumes the reminders.
Either way the resident is told, privately.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from workflows.estate import Estate, Platform, Resident, Staff
from workflows.fee_reminders import after_payment
from workflows.fee_statement import Household, items_text
from workflows.intake import Report, file_ticket
from workflows.notify import push_to_resident
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.tickets import ActorKind, Ticket, TicketEvent, TicketKind, TicketStatus


@dataclass(frozen=True)
class Claim:
    ticket: Ticket
    created: bool
    photo_added: bool = False


async def claim_paid(
    uow: UnitOfWork,
    *,
    estate: Estate,
    resident: Resident,
    household: Household,
    note: str,
    photo: str | None,
    channel: Platform | None,
    now: datetime,
) -> list[Claim]:
    """Open (or add to) a payment check for each unit with open bills; [] if none is open."""
    claims: list[Claim] = []
    for unit_id, unit in household.units.items():
        open_bills = [bill for bill in household.open if bill.unit_id == unit_id]
        if not open_bills:
            continue
        disputes = await uow.tickets.open_for_unit(unit_id, kind=TicketKind.FEE_DISPUTE)
        existing = disputes[0] if disputes else None
        if existing is not None and existing.id is not None:
            if photo:
                await uow.tickets.append_event(
                    TicketEvent(
                        ticket_id=existing.id,
                        at=now,
                        action="photo",
                        actor_kind=ActorKind.RESIDENT,
                        actor_id=resident.id,
                        channel=channel,
                        data={"photo": photo},
                    )
                )
            claims.append(Claim(existing, created=False, photo_added=bool(photo)))
            continue
        items = items_text(open_bills, household.units, "zh-Hans")
        ticket = await file_ticket(
            uow,
            Report(
                estate=estate,
                kind=TicketKind.FEE_DISPUTE,
                summary=say("dispute_summary", items=items),
                channel=channel,
                reporter=resident,
                unit=unit,
                photo=photo,
                details={
                    "bill_ids": [bill.id for bill in open_bills if bill.id is not None],
                    "said": note[:500],
                },
                route_to_supervisors=True,
            ),
            now=now,
        )
        claims.append(Claim(ticket, created=True))
    return claims


async def settle(
    uow: UnitOfWork, *, estate: Estate, number: str, paid: bool, staff: Staff, now: datetime
) -> Ticket | None:
    """Close an open payment check; None if ``number`` is not one in this estate."""
    ticket = await uow.tickets.by_number(number.strip().upper())
    if (
        ticket is None
        or ticket.id is None
        or ticket.kind is not TicketKind.FEE_DISPUTE
        or ticket.estate_id != estate.id
        or not ticket.is_open
    ):
        return None
    raw = ticket.details.get("bill_ids")
    bill_ids = [int(i) for i in raw if isinstance(i, int)] if isinstance(raw, list) else []
    bills = [bill for i in bill_ids if (bill := await uow.bills.get(i)) is not None]
    if paid:
        for bill in bills:
            if bill.id is not None and not bill.is_paid:
                await uow.bills.mark_paid(bill.id, at=now)
        if ticket.unit_id is not None:
            await after_payment(uow, ticket.unit_id, now=now)
    done = ticket.moved_to(TicketStatus.NEW) if ticket.status is TicketStatus.PAUSED else ticket
    done = done if done.status is TicketStatus.DONE else done.moved_to(TicketStatus.DONE)
    resolved = done.moved_to(TicketStatus.RESOLVED)
    resolved = replace(resolved, milestones=replace(resolved.milestones, resolved_at=now))
    saved = await uow.tickets.save(resolved)
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=ticket.id,
            at=now,
            action="settled",
            actor_kind=ActorKind.STAFF,
            actor_id=staff.id,
            data={"paid": paid, "bill_ids": bill_ids},
        )
    )
    if ticket.reporter_id is not None and ticket.unit_id is not None:
        unit = await uow.directory.unit(ticket.unit_id)
        units = {unit.id: unit} if unit else {}
        key = "dispute_settled_paid" if paid else "dispute_settled_unpaid"
        known = [bill for bill in bills if bill.unit_id in units]
        text_for = {
            language: say(
                key,
                language,
                items=items_text(known, units, language),
                phone=estate.front_desk_phone,
            )
            for language in ("zh-Hans", "en")
        }
        await push_to_resident(
            uow,
            resident_id=ticket.reporter_id,
            estate=estate,
            text_for=text_for,
            dedupe_key=f"fee:dispute:{ticket.id}:settled",
            now=now,
            ticket_id=ticket.id,
        )
    return saved
