"""Fees in chat: what the household owes, and fee questions and claims.

Only the bound household's own bills are ever shown, and only in its private chat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.inbound import Outcome
from bot.core.turn import Turn
from intents.model import Classification
from workflows.fees import FEE_ITEM_NAMES
from workflows.money import format_yuan
from workflows.phrases import Raw

if TYPE_CHECKING:
    from bot.core.engine import ConversationCore


async def on_fee_message(
    core: ConversationCore, turn: Turn, result: Classification, body: str
) -> Outcome:
    """A message classified as ``fee``: for now, the household's open bills."""
    return await fees(turn)


async def group_command(turn: Turn) -> Outcome:
    """Commands typed in staff groups; none are handled yet."""
    return Outcome(handled=False)


async def fees(turn: Turn) -> Outcome:
    """The bound household's own open bills, by item and month, with the total and how to pay."""
    if turn.resident is None or turn.estate is None:
        await turn.answer(turn.t("not_bound_yet"))
        return Outcome()
    units = {}
    for link in await turn.uow.residents.units_of(turn.resident.id):
        unit = await turn.uow.directory.unit(link.unit_id)
        if unit is not None:
            units[unit.id] = unit
    bills = await turn.uow.bills.for_units(list(units), open_only=True)
    if not bills:
        await turn.answer(turn.t("fees_none"), menu=turn.menu())
        return Outcome()
    lines = [turn.t("fees_header")]
    for bill in bills:
        item = FEE_ITEM_NAMES[bill.item]
        if turn.language == "en":
            item = bill.item.value
        lines.append(
            turn.t(
                "fees_line",
                unit=units[bill.unit_id].display,
                item=item,
                period=bill.period,
                amount=format_yuan(bill.amount_fen),
                due=bill.due_date.isoformat(),
            )
        )
    lines.append(turn.t("fees_total", total=format_yuan(sum(b.amount_fen for b in bills))))
    payment = turn.estate.config.get("payment")
    if isinstance(payment, dict):
        if payment.get("link"):
            lines.append(turn.t("fees_link", link=payment["link"]))
        if payment.get("desk"):
            lines.append(turn.t("fees_desk", desk=payment["desk"]))
    await turn.answer(Raw("\n".join(lines)), menu=turn.menu())
    return Outcome()
