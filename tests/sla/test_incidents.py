"""A second report of the same open problem joins the first ticket instead of filing another."""

from __future__ import annotations

from tests.sla.conftest import GRID_1_2, at, file, get, texts, tickets_count, trail
from workflows.incidents import overlap, reporters_of
from workflows.tickets import TicketKind, TicketLevel

ZHOU = "13906528871"  # 2-1-1101
CHEN = "18657120934"  # 1-1-901


async def test_the_same_lift_reported_twice_is_one_ticket(uow, demo_estate):
    first = await file(
        uow, demo_estate, kind=TicketKind.EMERGENCY, level=TicketLevel.URGENT,
        summary="1栋电梯停了，不动了", location="common", now=at(24, 10),
    )  # fmt: skip
    second = await file(
        uow, demo_estate, kind=TicketKind.EMERGENCY, level=TicketLevel.URGENT,
        summary="电梯坏了", phone=CHEN, room=("1", "1", "901"), location="common",
        now=at(24, 10, 20),
    )  # fmt: skip
    assert not first.linked and second.linked
    assert second.ticket.id == first.ticket.id and second.ticket.number == first.ticket.number
    assert await tickets_count(uow) == 1
    main = await get(uow, first.ticket.id)
    async with uow() as tx:
        reporters = await reporters_of(tx, main)
    assert len(reporters) == 2 and reporters[0] == main.reporter_id
    assert [a for a, _ in await trail(uow, main.id)] == ["created", "linked"]
    assert any("又有住户报告同一问题" in x for x in await texts(uow, GRID_1_2))


async def test_no_link_after_six_hours_or_in_another_building(uow, demo_estate):
    await file(uow, demo_estate, summary="楼道灯不亮", location="common", now=at(24, 10))
    other = await file(
        uow, demo_estate, summary="楼道灯不亮", phone=ZHOU, room=("2", "1", "1101"),
        location="common", now=at(24, 11),
    )  # fmt: skip
    later = await file(uow, demo_estate, summary="楼道灯坏了", location="common", now=at(24, 16, 1))
    assert not other.linked and not later.linked
    assert await tickets_count(uow) == 3


async def test_two_flats_mentioning_pipes_are_separate_problems(uow, demo_estate):
    await file(uow, demo_estate, summary="厨房水管漏水", now=at(24, 10))
    flat = await file(
        uow, demo_estate, summary="卫生间水管有点渗", phone=CHEN, room=("1", "1", "901"),
        now=at(24, 10, 30),
    )  # fmt: skip
    assert not flat.linked


def test_bigram_overlap():
    assert overlap("电梯停了", "1栋电梯停了，不动了") == 1.0
    assert overlap("厨房水管漏水", "卫生间水管有点渗") < 0.5
