"""Emergencies: safety instructions first, then the alarm, with no questions asked.

The ticket (紧急) is filed in the same transaction and its card goes to the building's group and
the supervisors at once. Without a known estate the resident still gets the instructions and the
public emergency numbers.
"""

from __future__ import annotations

from bot.core.inbound import Outcome
from bot.core.turn import Turn
from intents.model import Classification, EmergencyKind
from workflows.estate import Unit
from workflows.intake import Report, file_ticket
from workflows.tickets import TicketKind, TicketLevel

INSTRUCTIONS = {
    EmergencyKind.FIRE: "em_fire",
    EmergencyKind.GAS: "em_gas",
    EmergencyKind.LIFT_TRAPPED: "em_lift_trapped",
    EmergencyKind.INJURY: "em_injury",
    EmergencyKind.CRIME: "em_crime",
    EmergencyKind.ELECTRIC: "em_electric",
    EmergencyKind.FLOOD: "em_flood",
}


async def emergency_reply(turn: Turn, result: Classification, body: str) -> Outcome:
    unit = await _unit(turn)
    building = turn.conversation.data.get("building_id")
    number = ""
    ticket_id = None
    if turn.estate is not None:
        ticket = await file_ticket(
            turn.uow,
            Report(
                estate=turn.estate,
                kind=TicketKind.EMERGENCY,
                level=TicketLevel.EMERGENCY,
                summary=body[:1000],
                channel=turn.inbound.channel,
                reporter=turn.resident,
                unit=unit,
                building_id=unit.building_id if unit else (
                    building if isinstance(building, int) else None
                ),
                details={"emergency_kind": result.emergency_kind.value
                         if result.emergency_kind else None},
            ),
            now=turn.now,
        )  # fmt: skip
        number, ticket_id = ticket.number or "", ticket.id
    phones = turn.estate.config.get("emergency_phones") if turn.estate else None
    lines = [turn.t("emergency_header", number=number or "—")]
    kind = result.emergency_kind
    if kind is not None:
        lift = ""
        if isinstance(phones, dict) and phones.get("lift_company"):
            lift = str(phones["lift_company"])
        lines.append(turn.t(INSTRUCTIONS[kind], lift=lift))
    else:
        lines.append("火警 119 · 急救 120 · 报警 110")
    if isinstance(phones, dict) and phones.get("control_room"):
        lines.append(turn.t("em_control_room", phone=phones["control_room"]))
    turn.move("idle")
    await turn.answer("\n\n".join(lines), ticket_id=ticket_id)
    return Outcome()


async def _unit(turn: Turn) -> Unit | None:
    if turn.resident is None:
        return None
    links = await turn.uow.residents.units_of(turn.resident.id)
    return await turn.uow.directory.unit(links[0].unit_id) if links else None
