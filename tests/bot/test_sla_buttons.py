"""The service-level buttons through the core: acknowledging an escalation, nobody home and
rebooking, and a second report of the same problem joining the first."""

from __future__ import annotations

from datetime import timedelta

from tests.bot.conftest import RESIDENT_TG, SUPERVISORS, Person, messages_to, texts_to, tickets
from workflows.sweep import run_due
from workflows.timer_kinds import all_handlers, ensure_recurring


async def sweep(uow, clock) -> None:
    async with uow() as tx:
        await ensure_recurring(tx, now=clock.now())
        await tx.commit()
    await run_due(uow, all_handlers(), now=clock.now(), worker="test")


async def urgent_repair(resident, uow) -> int:
    await resident.says("厨房水管爆了，水一直往外喷")
    await resident.presses("skip:photo")
    (ticket,) = await tickets(uow)
    return ticket.id


async def test_a_missed_on_site_deadline_is_acknowledged_by_a_supervisor(
    resident, steward, supervisor, uow, clock
):
    ticket_id = await urgent_repair(resident, uow)
    await steward.presses(f"t:{ticket_id}:claim")
    for _ in range(4):  # 20 min on site, then the ladder's 10-minute steps
        clock.advance(timedelta(minutes=11))
        await sweep(uow, clock)
    alerts = [m for m in await messages_to(uow, SUPERVISORS) if m.buttons]
    ack = next(b for row in alerts[-1].buttons for b in row if b["data"].startswith("a:"))
    refused = await steward.presses(ack["data"])
    assert refused.alert
    accepted = await supervisor.presses(ack["data"])
    assert not accepted.alert
    async with uow() as tx:
        actions = [e.action for e in await tx.tickets.events(ticket_id)]
    assert "escalated" in actions and "acknowledged" in actions


async def test_nobody_home_pauses_and_the_resident_rebooks(resident, steward, uow):
    ticket_id = await urgent_repair(resident, uow)
    await steward.presses(f"t:{ticket_id}:claim")
    away = await steward.presses(f"t:{ticket_id}:away")
    assert not away.alert
    assert (await tickets(uow))[0].status == "paused"
    ask = (await messages_to(uow, RESIDENT_TG))[-1]
    slots = [b["data"] for row in ask.buttons for b in row]
    assert f"rb:{ticket_id}:mam" in slots
    await resident.presses(f"rb:{ticket_id}:mam")
    (ticket,) = await tickets(uow)
    assert ticket.status == "claimed" and ticket.wanted_time is not None
    assert ticket.on_site_by == ticket.wanted_time
    stranger = Person(resident.core, "800000002", "800000002")
    assert (await stranger.presses(f"rb:{ticket_id}:tpm")).alert


async def test_a_second_report_of_the_lift_joins_the_first(core, resident, uow):
    await resident.says("1号楼的电梯坏了，停在12楼不动")
    await resident.presses("skip:photo")
    neighbour = Person(core, "800000002", "800000002")  # 陈思远, 1-1-901: the same building
    await neighbour.says("电梯又坏了，1栋的")
    await neighbour.presses("skip:photo")
    replies = await texts_to(uow, "800000002")
    (lift,) = [t for t in await tickets(uow) if t.kind == "repair"]
    assert any("已有同一问题在处理中" in r and lift.number in r for r in replies)
    assert lift.details["linked"][0]["reporter_id"] != lift.reporter_id
