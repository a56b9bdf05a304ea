"""Fee reminders that follow each household's real balance.

Importing an unpaid bill schedules ``fee.remind`` timers on the estate's reminder days (days
before the due date, the due date, then every ``repeat_every_days`` while overdue), one timer per
unit and day whatever the number of bills. When a timer fires it re-reads the balance: nothing
open, or everything under a payment check, means nothing is sent. At most one reminder per
household per 24 hours; always a private push (deferred past quiet hours), never a group. The
first reminder about a due bill opens the dunning ladder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from workflows.estate import Estate, Unit
from workflows.fee_dunning import close_if_settled, open_ladder
from workflows.fee_rules import (
    REMIND_KIND,
    UNIT_SUBJECT,
    ReminderPlan,
    local_today,
    overdue_days,
    remind_at,
)
from workflows.fee_statement import disputed_bill_ids, item_name
from workflows.fees import Bill, FeeReminder
from workflows.messaging import Timer
from workflows.money import format_yuan
from workflows.notify import push_to_resident
from workflows.phrases import say
from workflows.ports import UnitOfWork

CAP = timedelta(hours=24)
LANGUAGES = ("zh-Hans", "en")  # zh-Hant readers get the Simplified text converted when sent


async def schedule_reminders(
    uow: UnitOfWork, *, estate: Estate, bill: Bill, now: datetime, only_if_idle: bool = False
) -> None:
    """Timers for a bill's reminder days; ``only_if_idle`` leaves a live schedule alone."""
    if only_if_idle:
        pending = await uow.timers.pending_for(subject_type=UNIT_SUBJECT, subject_id=bill.unit_id)
        if any(timer.kind == REMIND_KIND for timer in pending):
            return
    plan = ReminderPlan.of(estate)
    for day in plan.days_for(bill.due_date, local_today(estate, now)):
        await schedule_on(uow, estate=estate, unit_id=bill.unit_id, day=day, now=now)


async def schedule_on(
    uow: UnitOfWork, *, estate: Estate, unit_id: int, day: date, now: datetime, suffix: str = ""
) -> None:
    """One reminder timer per unit and day (10:00 local, or ``now`` if that has passed)."""
    await uow.timers.schedule(
        Timer(
            kind=REMIND_KIND,
            due_at=remind_at(estate, day, now),
            dedupe_key=f"fee:remind:{unit_id}:{day.isoformat()}{suffix}",
            subject_type=UNIT_SUBJECT,
            subject_id=unit_id,
            payload={"estate_id": estate.id},
        )
    )


async def after_payment(uow: UnitOfWork, unit_id: int, *, now: datetime) -> None:
    """Stop reminders for a household that owes nothing; close its ladder once it is paid."""
    if not await uow.bills.for_units([unit_id], open_only=True):
        await uow.timers.cancel(subject_type=UNIT_SUBJECT, subject_id=unit_id, kind=REMIND_KIND)
    await close_if_settled(uow, unit_id, now=now)


async def on_reminder_due(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Timer handler: re-check the balance, then remind privately (at most once a day)."""
    estate_id = timer.payload.get("estate_id")
    if timer.subject_id is None or not isinstance(estate_id, int):
        return
    estate = await uow.directory.estate(estate_id)
    unit = await uow.directory.unit(timer.subject_id)
    if estate is None or unit is None:
        return
    plan = ReminderPlan.of(estate)
    today = local_today(estate, now)
    open_bills = await uow.bills.for_units([unit.id], open_only=True)
    if not open_bills:
        return
    if plan.repeat_every_days and any(bill.due_date <= today for bill in open_bills):
        later = today + timedelta(days=plan.repeat_every_days)
        await schedule_on(uow, estate=estate, unit_id=unit.id, day=later, now=now)
    held = await disputed_bill_ids(uow, unit.id)
    horizon = today + timedelta(days=plan.horizon)
    due = [b for b in open_bills if b.id not in held and b.due_date <= horizon]
    if not due:
        return
    recent = await uow.bills.reminders(unit.id, since=now - CAP)
    if recent:  # capped: try again once the 24 hours are over, re-checking the balance then
        await schedule_on(
            uow, estate=estate, unit_id=unit.id, day=today, now=recent[-1].sent_at + CAP,
            suffix=":after-cap",
        )  # fmt: skip
        return
    if not await send_reminder(uow, estate=estate, unit=unit, bills=due, now=now):
        return
    await uow.bills.record_reminder(
        FeeReminder(
            unit_id=unit.id,
            sent_at=now,
            total_fen=sum(bill.amount_fen for bill in due),
            bill_ids=tuple(bill.id for bill in due if bill.id is not None),
        )
    )
    noticed = [bill for bill in due if bill.due_date <= today]
    await open_ladder(uow, unit=unit, bills=noticed, estate=estate, now=now)


async def send_reminder(
    uow: UnitOfWork, *, estate: Estate, unit: Unit, bills: Sequence[Bill], now: datetime
) -> bool:
    """A private push to every reachable resident of the unit; False if nobody is reachable."""
    today = local_today(estate, now)
    sent = False
    for resident_id in await uow.bills.household(unit.id):
        resident = await uow.residents.get(resident_id)
        if resident is None:
            continue
        text_for = {
            language: reminder_text(estate, unit, bills, name=resident.name, today=today,
                                    language=language)
            for language in LANGUAGES
        }  # fmt: skip
        message = await push_to_resident(
            uow,
            resident_id=resident_id,
            estate=estate,
            text_for=text_for,
            dedupe_key=f"fee:remind:{unit.id}:{today.isoformat()}:{resident_id}",
            now=now,
        )
        sent = sent or message is not None
    return sent


def reminder_text(
    estate: Estate,
    unit: Unit,
    bills: Sequence[Bill],
    *,
    name: str,
    today: date,
    language: str,
) -> str:
    """Polite wording with each amount, period and deadline, and the total."""
    where = unit.label if language == "en" else unit.display
    lines = [say("remind_head", language, estate=estate.name, name=name, unit=where)]
    for bill in bills:
        values: dict[str, object] = {
            "item": item_name(bill, language),
            "period": bill.period,
            "amount": format_yuan(bill.amount_fen),
            "due": bill.due_date.isoformat(),
        }
        days = overdue_days(bill, today)
        if days:
            lines.append(say("remind_line_overdue", language, days=days, **values))
        else:
            lines.append(say("remind_line", language, **values))
    lines.append(say("remind_total", language, total=format_yuan(sum(b.amount_fen for b in bills))))
    payment = estate.config.get("payment")
    if isinstance(payment, dict) and payment.get("link"):
        lines.append(say("fees_link", language, link=payment["link"]))
    lines.append(say("remind_tail", language))
    return "\n".join(lines)
