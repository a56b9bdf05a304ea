"""Binding a resident to their unit, unbinding, and listing their own tickets.

``/start`` may carry a deep-link payload from a lobby QR poster: an opaque per-building token
resolved on the server, which tells us the estate (and building) before the resident is known.
A shared contact counts only if it is the sender's own.
"""

from __future__ import annotations

from bot.core.inbound import Outcome
from bot.core.text import escape
from bot.core.turn import Turn
from workflows.binding import bind_by_phone
from workflows.phrases import say


async def start(turn: Turn) -> Outcome:
    token = turn.inbound.command_args.strip()
    if token:
        building = await turn.uow.directory.building_by_token(token[:64])
        if building is not None:
            turn.remember("estate_id", building.estate_id)
            turn.remember("building_id", building.id)
            turn.estate = await turn.uow.directory.estate(building.estate_id)
    if turn.resident is not None:
        turn.move("idle")
        await turn.answer(
            turn.t("bound", name=turn.resident.name, units=await units_text(turn)),
            menu=turn.menu(),
        )
        return Outcome()
    turn.move("await_contact")
    estate = turn.estate.name if turn.estate else "本小区"
    await turn.answer(turn.t("privacy", estate=estate), request_contact=turn.t("share_phone"))
    return Outcome()


async def units_text(turn: Turn) -> str:
    assert turn.resident is not None
    labels = []
    for link in await turn.uow.residents.units_of(turn.resident.id):
        unit = await turn.uow.directory.unit(link.unit_id)
        if unit is not None:
            labels.append(unit.display)
    return "、".join(labels) or "—"


async def contact(turn: Turn) -> Outcome:
    shared = turn.inbound.contact
    if shared is None or shared.user_id != turn.inbound.user_id:
        await turn.answer(turn.t("contact_not_own"), request_contact=turn.t("share_phone"))
        return Outcome()
    result = await bind_by_phone(
        turn.uow,
        platform=turn.inbound.channel,
        external_id=turn.inbound.user_id,
        phone=shared.phone,
        now=turn.now,
        estate=turn.estate,
        display_name=turn.inbound.user_name,
    )
    if result.resident is None:
        turn.move("idle")
        await turn.answer(turn.t("not_matched"), remove_menu=True)
        return Outcome()
    turn.resident = result.resident
    if turn.language != result.resident.language:
        await turn.uow.residents.set_language(result.resident.id, turn.language)
    turn.move("idle")
    labels = "、".join(unit.display for unit in result.units) or "—"
    await turn.answer(turn.t("bound", name=result.resident.name, units=labels), menu=turn.menu())
    return Outcome()


async def unbind(turn: Turn) -> Outcome:
    await turn.uow.residents.unbind_identity(turn.inbound.channel, turn.inbound.user_id)
    turn.resident = None
    turn.move("idle")
    await turn.answer(turn.t("unbound"), remove_menu=True)
    return Outcome()


async def my_tickets(turn: Turn) -> Outcome:
    if turn.resident is None:
        await turn.answer(turn.t("not_bound_yet"))
        return Outcome()
    tickets = await turn.uow.tickets.for_reporter(turn.resident.id, limit=10)
    if not tickets:
        await turn.answer(turn.t("my_none"), menu=turn.menu())
        return Outcome()
    lines = [turn.t("my_header")]
    for ticket in tickets:
        status = say(f"status_{ticket.status.value}", turn.language)
        summary = ticket.summary if len(ticket.summary) <= 30 else ticket.summary[:30] + "…"
        lines.append(f"• <b>{ticket.number}</b> {escape(summary)} — {status}")
    await turn.answer("\n".join(lines), menu=turn.menu())
    return Outcome()
