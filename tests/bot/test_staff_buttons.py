"""Staff buttons are re-authorised on every press; races, forgeries and outsiders change nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.bot.conftest import GRID_1_2, RESIDENT_TG, Person, messages_to, texts_to, tickets


async def file_repair(resident) -> int:
    await resident.says("厨房水管爆了，水一直往外喷")
    await resident.presses("skip:photo")
    (ticket,) = await tickets(resident.core._uow)
    return ticket.id


async def test_an_outsider_pressing_a_staff_button_changes_nothing(resident, stranger, uow):
    ticket_id = await file_repair(resident)
    outcome = await stranger.presses(f"t:{ticket_id}:claim")
    assert outcome.alert and "没有处理该工单的权限" in (outcome.ack or "")
    (ticket,) = await tickets(uow)
    assert ticket.status == "new" and ticket.version == 1


async def test_a_resident_cannot_press_staff_buttons_on_their_own_ticket(resident, uow):
    ticket_id = await file_repair(resident)
    outcome = await resident.presses(f"t:{ticket_id}:done")
    assert outcome.alert
    assert (await tickets(uow))[0].status == "new"


async def test_a_steward_outside_the_grid_is_refused(resident, other_steward, uow):
    ticket_id = await file_repair(resident)
    outcome = await other_steward.presses(f"t:{ticket_id}:claim")
    assert outcome.alert and (await tickets(uow))[0].status == "new"


async def test_two_claims_at_once_one_wins(resident, steward, supervisor, uow):
    ticket_id = await file_repair(resident)
    first, second = await asyncio.gather(
        steward.presses(f"t:{ticket_id}:claim"), supervisor.presses(f"t:{ticket_id}:claim")
    )
    oks = [o for o in (first, second) if not o.alert]
    assert len(oks) == 1
    (ticket,) = await tickets(uow)
    assert ticket.status == "claimed"
    async with uow() as tx:
        claims = [e for e in await tx.tickets.events(ticket_id) if e.action == "claim"]
    assert len(claims) == 1
    progress = [t for t in await texts_to(uow, RESIDENT_TG) if "接单" in t]
    assert len(progress) == 1


async def test_done_by_someone_who_did_not_take_it_is_refused(core, resident, steward, uow):
    ticket_id = await file_repair(resident)
    await steward.presses(f"t:{ticket_id}:claim")
    li = Person(core, "700000002", GRID_1_2, is_group=True, name="李明轩")  # grid 3-4
    outcome = await li.presses(f"t:{ticket_id}:done")
    assert outcome.alert and (await tickets(uow))[0].status == "claimed"


async def test_forged_and_stale_buttons_are_alerts(resident, steward, uow):
    ticket_id = await file_repair(resident)
    for data in ("t:999999:claim", "t:abc:claim", "drop table", "x" * 300, f"t:{ticket_id}:close"):
        outcome = await steward.presses(data)
        assert outcome.alert, data
    await steward.presses(f"t:{ticket_id}:claim")
    again = await steward.presses(f"t:{ticket_id}:claim")
    assert again.alert and "状态已更新" in (again.ack or "")
    assert (await tickets(uow))[0].version == 2


async def test_resident_buttons_are_checked_against_their_own_dialogue(resident, stranger, uow):
    await resident.says("灯不亮了")
    assert (await stranger.presses("loc:home")).alert
    assert (await resident.presses("when:mam")).alert  # not the question being asked
    assert (await resident.presses("u:1")).alert
    assert not (await resident.presses("loc:home")).alert


async def test_confirming_twice_or_on_someone_elses_ticket(core, resident, steward, uow):
    ticket_id = await file_repair(resident)
    for action in ("claim", "done"):
        await steward.presses(f"t:{ticket_id}:{action}")
    neighbour = Person(core, "800000002", "800000002")  # another bound resident
    assert (await neighbour.presses(f"r:{ticket_id}:ok")).alert
    assert not (await resident.presses(f"r:{ticket_id}:ok")).alert
    assert (await resident.presses(f"r:{ticket_id}:no")).alert  # already resolved
    assert (await tickets(uow))[0].status == "resolved"


async def test_not_yet_sends_the_ticket_back(resident, steward, uow):
    ticket_id = await file_repair(resident)
    for action in ("claim", "arrive", "done"):
        await steward.presses(f"t:{ticket_id}:{action}")
    await resident.presses(f"r:{ticket_id}:no")
    (ticket,) = await tickets(uow)
    assert ticket.status == "new"
    card = (await messages_to(uow, GRID_1_2))[-1]
    assert "待接单" in card.text and card.buttons[0][0]["data"] == f"t:{ticket_id}:claim"


async def test_progress_pushes_wait_for_the_end_of_quiet_hours(resident, steward, uow, clock):
    ticket_id = await file_repair(resident)
    await steward.presses(f"t:{ticket_id}:claim")
    clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # 23:00 in Shanghai
    await steward.presses(f"t:{ticket_id}:done")
    ask = (await messages_to(uow, RESIDENT_TG))[-1]
    assert "请确认" in ask.text
    assert ask.not_before == datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 08:00 next morning
