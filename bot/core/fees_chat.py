"""Fees in chat: what the household owes, receipts, "I already paid", and staff fee commands.

Residents only ever see the bills of units they are linked to, and only in their private chat.
In staff groups, ``/arrears`` gives aggregate figures (supervisors' or managers' group, and
supervisor rank and up), ``/paid`` records a payment and ``/settle`` closes a payment check.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.core.inbound import Outcome
from bot.core.turn import Turn
from intents.model import Classification
from workflows.estate import GroupPurpose, StaffRole
from workflows.fee_disputes import claim_paid, settle
from workflows.fee_payments import mark_paid_by_staff
from workflows.fee_report import build_report, render_report
from workflows.fee_rules import local_today
from workflows.fee_statement import disputed_bill_ids, household_of, receipts, statement
from workflows.phrases import Raw

if TYPE_CHECKING:
    from bot.core.engine import ConversationCore

#: "我已经交过了", "上周就交了怎么还催", "钱交了还催什么" — but not "我的物业费交了吗".
PAID_CLAIM = re.compile(
    r"(已经|早就|早已|已|都|就)(交|缴|付)|(交|缴|付)(过了|过|完了|清了)|(交|缴|付)了.{0,6}(催|还要)|"
    r"already paid|i paid|i have paid|i've paid",
    re.IGNORECASE,
)
ASKING = re.compile(r"(吗|么|没有?|\?|？)[\s。!！]*$")
RECEIPT = re.compile(r"收据|发票|凭证|缴费记录|交费记录|付款记录|receipt|invoice", re.IGNORECASE)
PROOF = re.compile(r"凭证|截图|记录|付款|支付|转账|交|缴|receipt|proof|paid", re.IGNORECASE)
REPORT_GROUPS = frozenset({GroupPurpose.SUPERVISORS, GroupPurpose.MANAGERS})
REPORT_ROLES = frozenset({StaffRole.SUPERVISOR, StaffRole.MANAGER, StaffRole.GM})
CASHIER_ROLES = REPORT_ROLES | {StaffRole.FRONT_DESK, StaffRole.STEWARD}
SETTLE_ROLES = REPORT_ROLES | {StaffRole.FRONT_DESK}


async def on_fee_message(
    core: ConversationCore, turn: Turn, result: Classification, body: str
) -> Outcome:
    """A message classified as ``fee``: a paid claim, a receipt request, or the statement."""
    photo = turn.conversation.data.get("pending_photo")
    if is_paid_claim(body) or (isinstance(photo, str) and PROOF.search(body)):
        return await paid_claim(turn, body, photo if isinstance(photo, str) else None)
    if RECEIPT.search(body):
        return await show_receipts(turn)
    return await fees(turn)


def is_paid_claim(body: str) -> bool:
    text = body.strip()
    return bool(PAID_CLAIM.search(text)) and not (ASKING.search(text) and "催" not in text)


async def fees(turn: Turn) -> Outcome:
    """The bound household's own open bills, late fees, total, how to pay, recent payments."""
    if turn.resident is None or turn.estate is None:
        await turn.answer(turn.t("not_bound_yet"))
        return Outcome()
    household = await household_of(turn.uow, turn.resident.id)
    checking: frozenset[int] = frozenset()
    for unit_id in household.units:
        checking |= await disputed_bill_ids(turn.uow, unit_id)
    text = statement(
        turn.estate, household, now=turn.now, language=turn.language, checking=checking
    )
    await turn.answer(Raw(text), menu=turn.menu())
    return Outcome()


async def show_receipts(turn: Turn) -> Outcome:
    if turn.resident is None or turn.estate is None:
        await turn.answer(turn.t("not_bound_yet"))
        return Outcome()
    household = await household_of(turn.uow, turn.resident.id)
    await turn.answer(Raw(receipts(turn.estate, household, language=turn.language)))
    return Outcome()


async def paid_claim(turn: Turn, body: str, photo: str | None) -> Outcome:
    """Open a payment check (or add the photo to the open one) and pause those reminders."""
    if turn.resident is None or turn.estate is None:
        await turn.answer(turn.t("not_bound_yet"))
        return Outcome()
    turn.remember("pending_photo", None)
    household = await household_of(turn.uow, turn.resident.id)
    claims = await claim_paid(
        turn.uow,
        estate=turn.estate,
        resident=turn.resident,
        household=household,
        note=body,
        photo=photo,
        channel=turn.inbound.channel,
        now=turn.now,
    )
    if not claims:
        await turn.answer(turn.t("dispute_nothing_open"), menu=turn.menu())
        return Outcome()
    for claim in claims:
        number = claim.ticket.number or ""
        if claim.created:
            key = "dispute_filed"
        else:
            key = "dispute_photo_added" if claim.photo_added else "dispute_exists"
        await turn.answer(turn.t(key, number=number), ticket_id=claim.ticket.id)
    return Outcome()


async def group_command(turn: Turn) -> Outcome:
    """Commands typed in staff groups: /arrears, /paid, /settle; others are not ours."""
    name = turn.inbound.command or ""
    if name not in ("arrears", "paid", "settle"):
        return Outcome(handled=False)
    staff, estate = turn.staff, turn.estate
    if staff is None or estate is None or staff.estate_id != estate.id:
        await turn.answer(turn.t("fee_staff_only"))
        return Outcome()
    if name == "arrears":
        group = await turn.uow.directory.group_by_chat(turn.inbound.channel, turn.inbound.chat_id)
        if group is None or group.purpose not in REPORT_GROUPS:
            await turn.answer(turn.t("arrears_wrong_group"))
            return Outcome()
        if staff.role not in REPORT_ROLES:
            await turn.answer(turn.t("fee_role_only"))
            return Outcome()
        placed = await turn.uow.bills.for_estate(estate.id)
        today = local_today(estate, turn.now)
        report = build_report(estate.name, placed, today=today, now=turn.now)
        await turn.answer(Raw(render_report(report, turn.language)))
        return Outcome()
    args = turn.inbound.command_args
    if name == "paid":
        if staff.role not in CASHIER_ROLES:
            await turn.answer(turn.t("fee_role_only"))
            return Outcome()
        result, values = await mark_paid_by_staff(turn.uow, estate=estate, args=args, now=turn.now)
        await turn.answer(turn.t(result.value, **values))
        return Outcome()
    if staff.role not in SETTLE_ROLES:
        await turn.answer(turn.t("fee_role_only"))
        return Outcome()
    words = args.split()
    if len(words) != 2 or words[1].lower() not in ("paid", "unpaid"):
        await turn.answer(turn.t("settle_usage"))
        return Outcome()
    paid = words[1].lower() == "paid"
    ticket = await settle(
        turn.uow, estate=estate, number=words[0], paid=paid, staff=staff, now=turn.now
    )
    if ticket is None:
        await turn.answer(turn.t("settle_not_found", number=words[0]))
        return Outcome()
    key = "settle_done_paid" if paid else "settle_done_unpaid"
    await turn.answer(turn.t(key, number=ticket.number or words[0]))
    return Outcome()
