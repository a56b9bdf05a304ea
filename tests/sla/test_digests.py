"""Steward digests at 09:00 and 14:00, the 09:00 night handover, monthly complaint numbers."""

from __future__ import annotations

from tests.bot.conftest import Person
from tests.sla.conftest import (
    GRID_1_2,
    MANAGERS,
    RESIDENT_TG,
    SUPERVISORS,
    at,
    change,
    file,
    staff,
    sweep,
    texts,
)
from workflows.digests import complaint_stats
from workflows.estate import Platform
from workflows.fees import Rating, SurveyAnswer
from workflows.staff_actions import staff_action
from workflows.tickets import TicketKind, TicketLevel, TicketStatus

GRID_5_6 = "-1001000000103"


async def claim(uow, ticket_id, now):
    steward = await staff(uow, "700000001")
    async with uow() as tx:
        result = await staff_action(
            tx, ticket_id=ticket_id, action="claim", staff=steward,
            channel=Platform.TELEGRAM, now=now,
        )  # fmt: skip
        assert result.ok
        await tx.commit()


async def test_steward_digest_at_9_and_14(uow, demo_estate):
    soon = await file(uow, demo_estate, wanted=at(25, 10), now=at(24, 10))
    await claim(uow, soon.ticket.id, at(24, 10, 1))
    late = await file(
        uow, demo_estate, kind=TicketKind.COMPLAINT, level=TicketLevel.GENERAL,
        summary="快递堆在楼道", room=("1", "2", "1201"), phone="13735802417", now=at(24, 10),
    )  # fmt: skip
    calm = await file(uow, demo_estate, summary="门锁有点松", wanted=at(26, 14), now=at(24, 10))
    await claim(uow, calm.ticket.id, at(24, 10, 2))
    elsewhere = await file(
        uow, demo_estate, summary="阳台灯不亮", room=("2", "1", "1101"), phone="13906528871",
        now=at(24, 10),
    )  # fmt: skip
    assert elsewhere.ticket.building_id is not None

    await sweep(uow, at(25, 9))
    (digest,) = [x for x in await texts(uow, GRID_1_2) if "工单对账" in x]
    assert "11-25 09:00" in digest and "补发" not in digest
    assert "未完成：4 单" in digest  # buildings 1 and 2 share this group
    overdue, soon_part = digest.split("⏳")
    assert "已超时：2 单" in overdue and late.ticket.number in overdue
    assert "林*" in overdue and "13735802417" not in digest
    assert "2小时内到期：1 单" in soon_part and soon.ticket.number in soon_part
    assert calm.ticket.number not in overdue + soon_part.split("单号")[0]
    assert not [x for x in await texts(uow, GRID_5_6) if "工单对账" in x]  # nothing open there

    await sweep(uow, at(25, 14))
    digests = [x for x in await texts(uow, GRID_1_2) if "工单对账" in x]
    assert len(digests) == 2 and "11-25 14:00" in digests[1]


async def test_night_handover_covers_18_00_to_09_00(uow, demo_estate):
    before = await file(uow, demo_estate, summary="水龙头滴水", now=at(24, 17, 59))
    evening = await file(uow, demo_estate, summary="卧室灯不亮", now=at(24, 19))
    night = await file(uow, demo_estate, summary="马桶一直流水", now=at(25, 2))
    await sweep(uow, at(25, 9))
    (handover,) = [x for x in await texts(uow, SUPERVISORS) if "夜间交接" in x]
    assert "夜间共受理 2 单" in handover
    assert evening.ticket.number in handover and night.ticket.number in handover
    assert before.ticket.number not in handover and "张*" in handover


async def monthly_fixture(uow, demo_estate):
    """Four November complaints, numbers computed by hand in the test below."""
    made = []
    for day, replied, status in (
        (3, 10, TicketStatus.CLOSED),  # timely
        (10, 20, TicketStatus.RESOLVED),  # late reply
        (20, 15, TicketStatus.CLAIMED),  # exactly 15 minutes: timely
        (28, None, TicketStatus.NEW),  # never answered
    ):
        filed = await file(
            uow, demo_estate, kind=TicketKind.COMPLAINT, level=TicketLevel.GENERAL,
            summary="噪音扰民", now=at(day, 10),
        )  # fmt: skip
        responded = at(day, 10, replied) if replied is not None else None
        made.append(
            await change(uow, filed.ticket.id, status=status,
                         milestones={"responded_at": responded})
        )  # fmt: skip
    for outside in (at(31, 23, month=10), at(1, 0, 30, month=12)):
        await file(uow, demo_estate, kind=TicketKind.COMPLAINT, summary="停车难", now=outside)
    await file(uow, demo_estate, summary="水龙头坏了", now=at(12, 10))  # not a complaint
    answers = [
        (made[0], 1, Rating.SATISFIED),
        (made[1], 1, Rating.UNSATISFIED),
        (made[1], 2, Rating.NEUTRAL),  # the latest round counts
        (made[2], 1, Rating.UNSATISFIED),
    ]
    async with uow() as tx:
        for ticket, round_, rating in answers:
            await tx.surveys.add(
                SurveyAnswer(ticket_id=ticket.id, resident_id=ticket.reporter_id, rating=rating,
                             answered_at=at(29, 10), round=round_)
            )  # fmt: skip
        await tx.commit()


async def test_monthly_complaint_statistics(uow, demo_estate):
    await monthly_fixture(uow, demo_estate)
    async with uow() as tx:
        estate = await tx.directory.estate(demo_estate)
        stats = await complaint_stats(tx, estate, at(1, 0), at(1, 0, month=12))
    assert (stats.total, stats.timely, stats.handled, stats.answered, stats.satisfied) == (
        4, 2, 2, 3, 1,
    )  # fmt: skip
    await sweep(uow, at(1, 9, month=12))
    for chat in (SUPERVISORS, MANAGERS):
        (report,) = [x for x in await texts(uow, chat) if "投诉统计" in x]
        assert "2026年11月" in report and "投诉总数：4 单" in report
        assert "及时率（15分钟内首次回复）：2/4（50.0%）" in report
        assert "处理率（已解决或已关闭）：2/4（50.0%）" in report
        assert "满意率（回访满意）：1/3（33.3%）" in report


async def test_the_monthly_summary_is_published_privately_to_residents(uow, demo_estate):
    await monthly_fixture(uow, demo_estate)
    await sweep(uow, at(1, 9, month=12))
    (public,) = [x for x in await texts(uow, RESIDENT_TG) if "服务公示" in x]
    assert "2026年11月" in public and "投诉 4 单" in public and "回访满意率 33.3%" in public
    async with uow() as tx:
        reachable = await tx.residents.reachable(demo_estate)
    assert len(reachable) > 1  # everyone bound hears it, each in a private chat
    for resident in reachable:
        async with uow() as tx:
            chat = await tx.residents.identity_of(resident.id, Platform.TELEGRAM)
        assert chat is not None
        assert len([x for x in await texts(uow, chat) if "服务公示" in x]) == 1
    for group in (SUPERVISORS, MANAGERS):
        assert not [x for x in await texts(uow, group) if "服务公示" in x]
    await sweep(uow, at(1, 9, 30, month=12))  # a second sweep publishes nothing twice
    assert len([x for x in await texts(uow, RESIDENT_TG) if "服务公示" in x]) == 1


async def test_unfinished_repairs_are_listed_at_day_end_and_reasons_recorded(
    uow, demo_estate, core
):
    open_repair = (await file(uow, demo_estate, now=at(24, 10))).ticket
    finished = (await file(uow, demo_estate, summary="卫生间灯不亮", now=at(24, 10, 5))).ticket
    await change(uow, finished.id, status=TicketStatus.DONE)
    await sweep(uow, at(24, 17))
    (listing,) = [x for x in await texts(uow, GRID_1_2) if "今日未完成的维修" in x]
    assert open_repair.number in listing and finished.number not in listing
    assert "/reason" in listing

    steward = Person(core, "700000001", GRID_1_2, is_group=True, name="王丽娟")
    outsider = Person(core, "700000003", "-1001000000103", is_group=True, name="赵雅婷")
    await outsider.command("reason", f"{open_repair.number} 不是我的")
    assert "没有找到您可处理的工单" in (await texts(uow, "-1001000000103"))[-1]
    await steward.command("reason", f"{open_repair.number} 配件明天到货")
    assert "已记录" in (await texts(uow, GRID_1_2))[-1]
    async with uow() as tx:
        events = await tx.tickets.events(open_repair.id)
    assert [e.note for e in events if e.action == "unfinished_reason"] == ["配件明天到货"]
    await sweep(uow, at(25, 17))  # the next day it is listed again unless a reason comes
    assert len([x for x in await texts(uow, GRID_1_2) if "今日未完成的维修" in x]) == 2
