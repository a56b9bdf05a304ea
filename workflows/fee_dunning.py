"""The dunning ladder: first notice → formal letter → home visit → legal review.

A case opens when a household first gets a reminder about a bill that is due or overdue. If
those bills are still unpaid ``dunning_letter_after_days`` (90) later, the steward gets a
STAFF_TASK ticket to deliver the formal letter; then a home visit; then legal review. Each step
is a ``dunning_steps`` row plus its task ticket, and a one-line notice in the supervisors' group
that names the unit and the step, never the resident or the amount (those live in the ticket).
Payment closes the case; an open payment check postpones the next step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from workflows.estate import Estate, GroupPurpose, Platform, Unit
from workflows.fee_rules import CASE_SUBJECT, DUNNING_KIND, LadderPlan
from workflows.fee_statement import disputed_bill_ids
from workflows.fees import Bill, DunningCase, DunningStep, DunningStepKind
from workflows.intake import Report, file_ticket
from workflows.messaging import Timer
from workflows.notify import to_group
from workflows.phrases import say
from workflows.ports import UnitOfWork
from workflows.tickets import TicketKind


async def open_ladder(
    uow: UnitOfWork, *, unit: Unit, bills: Sequence[Bill], estate: Estate, now: datetime
) -> DunningCase | None:
    """Start the ladder at the first notice about due bills (no-op if a case is open)."""
    if not bills or await uow.bills.open_case(unit.id) is not None:
        return None
    amount = sum(bill.amount_fen for bill in bills)
    case = await uow.bills.start_case(
        DunningCase(
            unit_id=unit.id,
            opened_at=now,
            amount_fen=amount,
            bill_ids=tuple(bill.id for bill in bills if bill.id is not None),
        )
    )
    assert case.id is not None
    notice = DunningStep(case.id, DunningStepKind.NOTICE, now, amount, note="first reminder")
    await uow.bills.advance_case(case.id, notice)
    plan = LadderPlan.of(estate)
    await _schedule(
        uow, case.id, DunningStepKind.LETTER, now + timedelta(days=plan.letter_after_days)
    )
    return case


async def close_if_settled(uow: UnitOfWork, unit_id: int, *, now: datetime) -> bool:
    """Close the household's case once every bill it was opened for is paid."""
    case = await uow.bills.open_case(unit_id)
    if case is None or case.id is None:
        return False
    for bill_id in case.bill_ids:
        bill = await uow.bills.get(bill_id)
        if bill is not None and not bill.is_paid:
            return False
    await uow.bills.close_case(case.id, at=now, reason="paid")
    await uow.timers.cancel(subject_type=CASE_SUBJECT, subject_id=case.id, kind=DUNNING_KIND)
    return True


async def on_step_due(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Timer handler: take the next ladder step if the noticed bills are still unpaid."""
    if timer.subject_id is None:
        return
    case = await uow.bills.case(timer.subject_id)
    if case is None or case.id is None or case.closed_at is not None:
        return
    step = DunningStepKind(int(str(timer.payload.get("step", DunningStepKind.LETTER))))
    if await uow.bills.has_step(case.id, step):
        return
    if await close_if_settled(uow, case.unit_id, now=now):
        return
    unit = await uow.directory.unit(case.unit_id)
    building = await uow.directory.building(unit.building_id) if unit else None
    estate = await uow.directory.estate(building.estate_id) if building else None
    if unit is None or estate is None:
        return
    plan = LadderPlan.of(estate)
    open_bills = await uow.bills.for_units([unit.id], open_only=True)
    noticed = [bill for bill in open_bills if bill.id in case.bill_ids]
    held = await disputed_bill_ids(uow, unit.id)
    if all(bill.id in held for bill in noticed):
        later = now + timedelta(days=plan.dispute_recheck_days)
        await _schedule(uow, case.id, step, later, retry=True)
        return
    await take_step(uow, estate=estate, unit=unit, case=case, step=step, bills=open_bills, now=now)
    following = {
        DunningStepKind.LETTER: (DunningStepKind.VISIT, plan.visit_after_days),
        DunningStepKind.VISIT: (DunningStepKind.LEGAL, plan.legal_after_days),
    }.get(step)
    if following:
        await _schedule(uow, case.id, following[0], now + timedelta(days=following[1]))


async def take_step(
    uow: UnitOfWork,
    *,
    estate: Estate,
    unit: Unit,
    case: DunningCase,
    step: DunningStepKind,
    bills: Sequence[Bill],
    now: datetime,
) -> None:
    """File the step's task ticket (details hold amount and history) and tell the supervisors."""
    assert case.id is not None
    amount = sum(bill.amount_fen for bill in bills)
    what = say(f"dunning_step_{int(step)}")
    history = [
        {"at": r.sent_at.isoformat(), "action": "reminder", "amount_fen": r.total_fen}
        for r in await uow.bills.reminders(unit.id, since=case.opened_at - timedelta(seconds=1))
    ] + [
        {"at": s.at.isoformat(), "action": f"step_{int(s.step)}", "ticket_id": s.ticket_id}
        for s in await uow.bills.steps(case.id)
    ]
    ticket = await file_ticket(
        uow,
        Report(
            estate=estate,
            kind=TicketKind.STAFF_TASK,
            summary=say("dunning_summary", step=int(step), what=what, unit=unit.label),
            channel=None,
            unit=unit,
            details={
                "task": f"dunning_{step.name.lower()}",
                "dunning_case_id": case.id,
                "step": int(step),
                "amount_fen": amount,
                "bills": [
                    {"id": b.id, "item": b.item.value, "period": b.period, "fen": b.amount_fen}
                    for b in bills
                ],
                "history": history,
            },
            route_to_supervisors=step is DunningStepKind.LEGAL,
        ),
        now=now,
    )
    assert ticket.id is not None
    await uow.bills.advance_case(
        case.id, DunningStep(case.id, step, now, amount, ticket_id=ticket.id, note=what)
    )
    assignee = await uow.directory.staff(ticket.assignee_id) if ticket.assignee_id else None
    values: dict[str, object] = {
        "unit": unit.label,
        "step": int(step),
        "what": what,
        "number": ticket.number or "",
    }
    if assignee is not None:
        text = say("dunning_notice", "zh-Hans", staff=assignee.name, **values)
    else:
        text = say("dunning_notice_open", "zh-Hans", **values)
    groups = await uow.directory.groups_with_purpose(
        estate.id, GroupPurpose.SUPERVISORS, Platform.TELEGRAM
    )
    for group in groups:
        await to_group(
            uow,
            group=group,
            text=text,
            dedupe_key=f"fee:dunning:{case.id}:{int(step)}:notice:{group.id}",
            now=now,
            ticket_id=ticket.id,
        )


async def _schedule(
    uow: UnitOfWork, case_id: int, step: DunningStepKind, at: datetime, *, retry: bool = False
) -> None:
    key = f"fee:dunning:{case_id}:{int(step)}"
    if retry:
        key += f":retry:{at.date().isoformat()}"
    await uow.timers.schedule(
        Timer(
            kind=DUNNING_KIND,
            due_at=at,
            dedupe_key=key,
            subject_type=CASE_SUBJECT,
            subject_id=case_id,
            payload={"step": int(step)},
        )
    )
