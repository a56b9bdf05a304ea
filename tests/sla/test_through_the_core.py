"""The SLA clocks behind a real conversation: a resident reports, staff press, the sweep runs."""

from __future__ import annotations

from tests.bot.conftest import tickets
from tests.sla.conftest import GRID_1_2, SUPERVISORS, at, rows_to, staff, sweep, texts, trail
from workflows.escalation import acknowledge
from workflows.estate import Platform


async def test_a_burst_pipe_reported_in_chat_escalates_until_acknowledged(resident, uow):
    await resident.says("厨房水管爆了，水一直往外喷")
    await resident.presses("skip:photo")
    (ticket,) = await tickets(uow)
    await sweep(uow, at(24, 10, 20))
    reminders = [x for x in await texts(uow, GRID_1_2) if "工单提醒" in x]
    assert reminders and all(ticket.number in x for x in reminders)
    await sweep(uow, at(24, 10, 30))
    alert = next(r for r in await rows_to(uow, SUPERVISORS) if "升级" in r.text)
    letter = alert.buttons[0][0]["data"].split(":")[2]
    actor = await staff(uow, "700000011")
    async with uow() as tx:
        result = await acknowledge(
            tx, ticket_id=ticket.id, milestone=letter, staff=actor,
            channel=Platform.TELEGRAM, now=at(24, 10, 31),
        )  # fmt: skip
        await tx.commit()
    assert result.ok
    assert "acknowledged" in [a for a, _ in await trail(uow, ticket.id)]


async def test_a_claim_pressed_in_the_group_silences_the_response_clock(resident, steward, uow):
    await resident.says("厨房水管爆了，水一直往外喷")
    await resident.presses("skip:photo")
    (ticket,) = await tickets(uow)
    await steward.presses(f"t:{ticket.id}:claim")
    await steward.presses(f"t:{ticket.id}:arrive")
    await sweep(uow, at(24, 10, 25))
    assert not [x for x in await texts(uow, GRID_1_2) if "工单提醒" in x]
    assert not [a for a, _ in await trail(uow, ticket.id) if a == "escalated"]
