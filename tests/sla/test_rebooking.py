"""Nobody home pauses the clocks; rebooking restarts them fresh; the day-before notice."""

from __future__ import annotations

from tests.sla.conftest import (
    GRID_1_2,
    RESIDENT_TG,
    SUPERVISORS,
    at,
    file,
    get,
    rows_to,
    staff,
    sweep,
    texts,
    trail,
)
from workflows.cards import card_buttons
from workflows.estate import Platform
from workflows.rebooking import nobody_home, rebook
from workflows.staff_actions import staff_action
from workflows.tickets import TicketLevel, TicketStatus


async def claimed_repair(uow, demo_estate):
    filed = await file(uow, demo_estate, wanted=at(24, 14), now=at(24, 10))
    actor = await staff(uow, "700000001")
    async with uow() as tx:
        result = await staff_action(
            tx, ticket_id=filed.ticket.id, action="claim", staff=actor,
            channel=Platform.TELEGRAM, now=at(24, 10, 5),
        )  # fmt: skip
        await tx.commit()
    return result.ticket


async def test_nobody_home_pauses_and_rebooking_starts_fresh_deadlines(uow, demo_estate):
    ticket = await claimed_repair(uow, demo_estate)
    assert card_buttons(ticket)[1][0].data == f"t:{ticket.id}:away"
    actor = await staff(uow, "700000001")
    async with uow() as tx:
        paused = await nobody_home(
            tx, ticket_id=ticket.id, staff=actor,
            channel=Platform.TELEGRAM, now=at(24, 14, 5),
        )  # fmt: skip
        await tx.commit()
    assert paused.ok and paused.ticket.status is TicketStatus.PAUSED
    ask = (await rows_to(uow, RESIDENT_TG))[-1]
    assert "家中无人" in ask.text and ticket.number in ask.text
    assert [b["data"] for row in ask.buttons for b in row] == [
        f"rb:{ticket.id}:{slot}" for slot in ("asap", "tpm", "mam", "mpm")
    ]
    cards = [x for x in await texts(uow, GRID_1_2) if "暂停原因" in x]
    assert cards  # the card was refreshed

    await sweep(uow, at(24, 18))  # on-site (14:00) and resolve (16:00) deadlines pass: silence
    assert not [x for x in await texts(uow, GRID_1_2) if "工单提醒" in x]
    assert not [a for a, _ in await trail(uow, ticket.id) if a == "escalated"]

    async with uow() as tx:
        zhang = await tx.residents.get(ticket.reporter_id)
        result = await rebook(
            tx, ticket_id=ticket.id, resident=zhang, slot_or_time="mam", now=at(24, 18, 30)
        )
        await tx.commit()
    assert result.ok and "11-25 09:00" in result.message
    again = await get(uow, ticket.id)
    assert again.status is TicketStatus.CLAIMED and again.wanted_time == at(25, 9)
    assert again.milestones.on_site_by == at(25, 9) and again.milestones.resolve_by == at(25, 11)

    async with uow() as tx:
        stale = await rebook(
            tx, ticket_id=ticket.id, resident=zhang, slot_or_time="mpm", now=at(24, 18, 31)
        )
    assert not stale.ok

    await sweep(uow, at(25, 9))  # fresh on-site deadline: warned at 08:00, then missed
    (warned, missed) = [x for x in await texts(uow, GRID_1_2) if "工单提醒" in x]
    assert "即将到期" in warned
    assert "到场时限 11-25 09:00 已超时" in missed
    actions = [a for a, _ in await trail(uow, ticket.id)]
    assert actions[:4] == ["created", "claim", "nobody_home", "rebooked"]
    assert not [x for x in await texts(uow, SUPERVISORS) if "升级" in x]


async def test_only_the_reporter_can_rebook(uow, demo_estate):
    ticket = await claimed_repair(uow, demo_estate)
    actor = await staff(uow, "700000001")
    async with uow() as tx:
        await nobody_home(
            tx, ticket_id=ticket.id, staff=actor,
            channel=Platform.TELEGRAM, now=at(24, 14, 5),
        )  # fmt: skip
        await tx.commit()
    async with uow() as tx:
        (other,) = await tx.residents.by_phone("18657120934", estate_id=demo_estate)
        refused = await rebook(
            tx, ticket_id=ticket.id, resident=other, slot_or_time="asap", now=at(24, 14, 10)
        )
    assert not refused.ok and (await get(uow, ticket.id)).status is TicketStatus.PAUSED


async def test_a_steward_of_another_grid_cannot_mark_nobody_home(uow, demo_estate):
    ticket = await claimed_repair(uow, demo_estate)
    actor = await staff(uow, "700000003")
    async with uow() as tx:
        refused = await nobody_home(
            tx, ticket_id=ticket.id, staff=actor,
            channel=Platform.TELEGRAM, now=at(24, 14, 5),
        )  # fmt: skip
    assert not refused.ok


async def test_the_resident_is_told_the_day_before_a_visit(uow, demo_estate):
    filed = await file(
        uow, demo_estate, level=TicketLevel.SCHEDULED, summary="外墙渗水大修",
        wanted=at(27, 9), now=at(24, 10),
    )  # fmt: skip
    soon = await file(uow, demo_estate, summary="卫生间灯不亮", wanted=at(25, 9), now=at(24, 10))
    await sweep(uow, at(26, 8, 59))
    assert not [x for x in await texts(uow, RESIDENT_TG) if "温馨提醒" in x]
    await sweep(uow, at(26, 9))
    (notice,) = [x for x in await texts(uow, RESIDENT_TG) if "温馨提醒" in x]
    assert filed.ticket.number in notice and "11-27 09:00" in notice
    assert soon.ticket.number not in notice  # under 24 h away: no notice
    assert "visit_notice" in [a for a, _ in await trail(uow, filed.ticket.id)]
