"""The dunning ladder three months after the first notice, and "I already paid" pausing it all."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from storage.schema import TicketRow
from storage.schema.fees import DunningCaseRow, DunningStepRow
from tests.bot.conftest import GRID_1_2, RESIDENT_TG, SUPERVISORS, texts_to, tickets
from tests.fees.conftest import NOV_24_10AM, import_csv, local, sweep

OVERDUE = "1-1-1502,property,2026-10,250.60,2026-10-15,\n"


async def resident_texts(uow) -> list[str]:
    """The resident's chat without the monthly summary and survey (sent on the 1st)."""
    return [
        t for t in await texts_to(uow, RESIDENT_TG) if not ("服务公示" in t or "满意度调查" in t)
    ]


async def steps(uow: object) -> list[int]:
    async with uow() as tx:  # type: ignore[operator]
        return list(await tx.session.scalars(select(DunningStepRow.step).order_by("step")))


async def test_the_ladder_climbs_after_three_months_unpaid(uow, demo_estate):
    await import_csv(uow, OVERDUE, now=NOV_24_10AM)
    await sweep(uow, NOV_24_10AM)  # the first notice
    assert "已逾期40天" in (await resident_texts(uow))[0]
    assert await steps(uow) == [1]
    moment = NOV_24_10AM
    for _ in range(2):  # monthly reminders keep coming; no step before 90 days
        moment += timedelta(days=30)
        await sweep(uow, moment)
    await sweep(uow, NOV_24_10AM + timedelta(days=89))
    assert len(await resident_texts(uow)) == 3 and await steps(uow) == [1]

    await sweep(uow, NOV_24_10AM + timedelta(days=90))
    assert await steps(uow) == [1, 2]
    (task,) = [t for t in await tickets(uow) if t.kind == "staff_task"]
    assert task.details["task"] == "dunning_letter" and task.details["amount_fen"] == 25060
    assert [h["action"] for h in task.details["history"]][:2] == ["reminder", "reminder"]
    notice = (await texts_to(uow, SUPERVISORS))[-1]
    assert re.search(r"^1-1-1502 催缴第2步：书面催缴函任务已派(给\S+|发)", notice)
    group_text = "\n".join(await texts_to(uow, SUPERVISORS) + await texts_to(uow, GRID_1_2))
    assert "250.60" not in group_text and "张" not in group_text  # no amount, no name

    await sweep(uow, NOV_24_10AM + timedelta(days=120))
    await sweep(uow, NOV_24_10AM + timedelta(days=150))
    assert await steps(uow) == [1, 2, 3, 4]
    assert "催缴第3步：上门拜访" in "\n".join(await texts_to(uow, SUPERVISORS))
    assert "催缴第4步：法务审核" in (await texts_to(uow, SUPERVISORS))[-1]


async def test_payment_closes_the_case_and_stops_the_ladder(uow, demo_estate, core, supervisor):
    await import_csv(uow, OVERDUE, now=NOV_24_10AM)
    await sweep(uow, NOV_24_10AM)
    core.clock.current = local(2026, 12, 1)
    await supervisor.command("paid", "1-1-1502 property 2026-10")
    async with uow() as tx:
        (case,) = list(await tx.session.scalars(select(DunningCaseRow)))
        assert case.closed_at is not None and case.close_reason == "paid"
    await sweep(uow, NOV_24_10AM + timedelta(days=95))
    assert await steps(uow) == [1] and len(await resident_texts(uow)) == 1


async def test_i_already_paid_opens_a_check_and_pauses_reminders(
    uow, demo_estate, core, resident, supervisor
):
    await import_csv(uow, OVERDUE, now=NOV_24_10AM - timedelta(hours=1))
    await resident.says("上周就交了怎么还催")
    reply = (await resident_texts(uow))[-1]
    number = re.search(r"JF-\d{8}-\d{4}", reply)
    assert number and "暂停相关缴费提醒" in reply
    (check,) = await tickets(uow)
    assert check.kind == "fee_dispute" and check.assignee_id is None
    card = (await texts_to(uow, SUPERVISORS))[-1]
    assert number[0] in card and "物业费 2026-10" in card and "250.60" not in card

    await resident.sends_photo("receipt-1", caption="物业费已经交了，这是凭证")
    assert "已补充到核实单" in (await resident_texts(uow))[-1]

    await sweep(uow, NOV_24_10AM)  # the reminder timer fires: the bill is under a check
    await sweep(uow, NOV_24_10AM + timedelta(days=90))  # and the ladder waits too
    texts = await resident_texts(uow)
    assert not [t for t in texts if "温馨提示" in t] and await steps(uow) == []

    core.clock.current = NOV_24_10AM + timedelta(days=91)
    await supervisor.command("settle", f"{number[0]} unpaid")
    assert "已恢复缴费提醒" in (await texts_to(uow, SUPERVISORS))[-1]
    assert "暂未查到 1-1-1502 物业费 2026-10 的到账记录" in (await resident_texts(uow))[-1]
    async with uow() as tx:
        status = await tx.session.scalar(
            select(TicketRow.status).where(TicketRow.kind == "fee_dispute")
        )
    assert status == "resolved"
    await sweep(uow, NOV_24_10AM + timedelta(days=120))  # the monthly reminder resumes
    assert "温馨提示" in (await resident_texts(uow))[-1]


async def test_settling_as_paid_marks_the_bills_paid(uow, demo_estate, core, resident, supervisor):
    await import_csv(uow, OVERDUE, now=NOV_24_10AM - timedelta(hours=1))
    await resident.says("我已经交过了")
    number = re.search(r"JF-\d{8}-\d{4}", (await resident_texts(uow))[-1])
    assert number
    await supervisor.command("settle", f"{number[0]} paid")
    assert "已确认缴清" in (await resident_texts(uow))[-1]
    await resident.command("fees")
    assert "没有待缴费用" in (await resident_texts(uow))[-1]
    await sweep(uow, NOV_24_10AM + timedelta(days=40))
    assert not [t for t in await resident_texts(uow) if "温馨提示" in t]


async def test_staff_commands_need_the_right_person(uow, demo_estate, steward_in_grid, core):
    from tests.bot.conftest import Person

    await steward_in_grid.command("settle", "JF-20261124-0001 paid")
    assert "仅限客服主管" in (await texts_to(uow, GRID_1_2))[-1]
    stranger = Person(core, "555", GRID_1_2, is_group=True)
    await stranger.command("paid", "1-1-1502 物业费 2026-10")
    assert "仅限物业工作人员" in (await texts_to(uow, GRID_1_2))[-1]
