"""Callbacks, the complaint workflow and enquiry relay, through the core on a fixed clock."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.schema import FaqRow, SurveyAnswerRow
from tests.bot.conftest import (
    GRID_1_2,
    RESIDENT_TG,
    SUPERVISORS,
    Person,
    messages_to,
    texts_to,
    tickets,
)
from workflows import callbacks, complaints
from workflows.sweep import run_due

HANDLERS = {**callbacks.HANDLERS, **complaints.HANDLERS}  # the SLA kinds are tested in tests/sla
MANAGERS = "-1001000000301"


async def sweep(uow, clock):
    """Fire this module's timer kinds; other kinds (service-level checks) are left pending."""
    report = await run_due(uow, HANDLERS, now=clock.now(), worker="test", kinds=list(HANDLERS))
    return report


async def resolved_repair(resident, steward, uow, text="灯不亮了，麻烦来修"):
    await resident.says(text)
    for data in ("loc:home", "skip:photo", "when:asap"):
        if (await tickets(uow)) == []:
            await resident.presses(data)
    (ticket,) = await tickets(uow)
    for action in ("claim", "done"):
        await steward.presses(f"t:{ticket.id}:{action}")
    await resident.presses(f"r:{ticket.id}:ok")
    return (await tickets(uow))[0]


async def test_general_repair_callback_after_two_days_and_rating_closes(
    resident, steward, uow, clock
):
    ticket = await resolved_repair(resident, steward, uow)
    assert ticket.status == "resolved"
    assert ticket.callback_due - ticket.resolved_at == timedelta(days=2)
    clock.advance(timedelta(days=1))
    assert (await sweep(uow, clock)).count == 0
    clock.advance(timedelta(days=1, minutes=1))
    await sweep(uow, clock)
    ask = (await messages_to(uow, RESIDENT_TG))[-1]
    assert "是否满意" in ask.text and ask.buttons[0][0]["data"] == f"cb:{ticket.id}:1:s"
    await resident.presses(f"cb:{ticket.id}:1:s")
    assert "感谢您的评价" in (await texts_to(uow, RESIDENT_TG))[-1]
    assert (await tickets(uow))[0].status == "closed"
    again = await resident.presses(f"cb:{ticket.id}:1:u")
    assert again.alert and "已收到您的评价" in again.ack
    await resident.says("师傅很准时，谢谢")
    async with uow() as tx:
        events = [e.action for e in await tx.tickets.events(ticket.id)]
        ratings = list(await tx.session.scalars(select(SurveyAnswerRow.rating)))
    assert ratings == ["satisfied"] and "callback_comment" in events


async def test_urgent_water_repair_callback_within_24_hours(resident, steward, uow):
    ticket = await resolved_repair(resident, steward, uow, "厨房水管爆了，水一直在喷")
    assert ticket.callback_due - ticket.resolved_at == timedelta(hours=24)


async def test_safety_facility_callback_within_two_days(resident, steward, uow):
    ticket = await resolved_repair(resident, steward, uow, "楼道的应急灯坏了不亮")
    assert ticket.details["callback_rule"] == "safety"
    assert ticket.callback_due - ticket.resolved_at == timedelta(days=2)


async def test_leak_callback_waits_for_rain_or_three_days(resident, steward, uow, clock):
    ticket = await resolved_repair(resident, steward, uow, "卧室窗户渗水，墙面都返潮了")
    assert ticket.details["callback_rule"] == "leak"
    assert ticket.callback_due - ticket.resolved_at == timedelta(days=3)
    clock.advance(timedelta(hours=5))  # 15:00 Shanghai: it rains
    await steward.says("下雨")
    assert "1 个渗漏维修的回访" in (await texts_to(uow, GRID_1_2))[-1]
    clock.set(clock.now().replace(hour=1, minute=59) + timedelta(days=1))  # 09:59 next day
    assert (await sweep(uow, clock)).count == 0
    clock.advance(timedelta(minutes=2))
    await sweep(uow, clock)
    assert "是否满意" in (await texts_to(uow, RESIDENT_TG))[-1]


async def test_no_answer_gets_one_reminder_then_a_phone_task(resident, steward, uow, clock):
    ticket = await resolved_repair(resident, steward, uow)
    for _ in range(3):
        clock.advance(timedelta(days=2, minutes=1))
        await sweep(uow, clock)
    asks = [t for t in await texts_to(uow, RESIDENT_TG) if "满意" in t and "工单" in t]
    assert len(asks) == 2 and "再请教一次" in asks[1]
    tasks = [t for t in await tickets(uow) if t.kind == "staff_task"]
    assert len(tasks) == 1 and tasks[0].details["task"] == "phone_callback"
    assert tasks[0].details["ticket_id"] == ticket.id


async def test_unsatisfied_reopens_alerts_supervisors_and_old_buttons_go_stale(
    resident, steward, uow, clock
):
    ticket = await resolved_repair(resident, steward, uow)
    clock.advance(timedelta(days=2, minutes=1))
    await sweep(uow, clock)
    await resident.presses(f"cb:{ticket.id}:1:u")
    again = (await tickets(uow))[0]
    assert again.status == "new" and again.details["callback_round"] == 2
    assert "回访不满意" in (await texts_to(uow, SUPERVISORS))[-1]
    stale = await resident.presses(f"cb:{ticket.id}:1:s")
    assert stale.alert
    card = (await messages_to(uow, GRID_1_2))[-1]
    assert card.buttons[0][0]["data"] == f"t:{ticket.id}:claim"


async def test_no_confirmation_for_48_hours_counts_as_resolved(resident, steward, uow, clock):
    await resident.says("灯不亮了")
    for data in ("loc:home", "skip:photo", "when:asap"):
        await resident.presses(data)
    (ticket,) = await tickets(uow)
    await steward.presses(f"t:{ticket.id}:claim")
    await steward.presses(f"t:{ticket.id}:done")
    clock.advance(timedelta(hours=47))
    await sweep(uow, clock)
    assert (await tickets(uow))[0].status == "done"
    clock.advance(timedelta(hours=2))
    await sweep(uow, clock)
    auto = (await tickets(uow))[0]
    assert auto.status == "resolved" and auto.callback_due is not None


async def test_complaint_acknowledged_with_handler_and_daily_progress(
    resident, steward, uow, clock
):
    await resident.says("楼道里的垃圾三天没人清理了，臭得不行，太差劲了")
    (ticket,) = [t for t in await tickets(uow) if t.kind == "complaint"]
    await steward.presses(f"t:{ticket.id}:claim")
    ack = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "王丽娟" in ack and "每天向您反馈进度" in ack
    clock.advance(timedelta(days=1, minutes=1))
    await sweep(uow, clock)
    assert "进度反馈" in (await texts_to(uow, RESIDENT_TG))[-1]
    clock.advance(timedelta(days=1, minutes=1))
    await sweep(uow, clock)
    progress = [t for t in await texts_to(uow, RESIDENT_TG) if "进度反馈" in t]
    assert len(progress) == 2


async def test_complaint_closing_needs_cause_and_corrective_action(resident, steward, uow, clock):
    await resident.says("保安态度很差，对我大呼小叫")
    (ticket,) = [t for t in await tickets(uow) if t.kind == "complaint"]
    await steward.presses(f"t:{ticket.id}:claim")
    outcome = await steward.presses(f"t:{ticket.id}:done")
    assert "原因" in (outcome.ack or "")
    assert (await tickets(uow))[0].status == "claimed"
    await steward.says("好")
    assert (await tickets(uow))[0].status == "claimed"
    await steward.says("原因：新保安未经培训；整改：全员服务礼仪培训并当面致歉")
    (done,) = await tickets(uow)
    assert done.status == "done" and "整改" in done.details["cause_and_action"]
    clock.advance(timedelta(days=2))
    await sweep(uow, clock)
    assert not [t for t in await texts_to(uow, RESIDENT_TG) if "进度反馈" in t]


async def test_major_complaint_reaches_the_gm_and_repeats_become_major(resident, uow, clock):
    await resident.says("上个月你们维修水管把我家木地板全泡坏了，损失好几千，到现在都没人赔偿")
    first = next(t for t in await tickets(uow) if t.kind == "complaint")
    assert first.level == "major"
    assert "重大投诉" in (await texts_to(uow, MANAGERS))[-1]
    clock.advance(timedelta(days=2, minutes=1))
    await sweep(uow, clock)
    assert "已满 2 天" in (await texts_to(uow, MANAGERS))[-1]
    await resident.says("楼上漏水的问题投诉过一次了到现在还没人管")
    second = [t for t in await tickets(uow) if t.kind == "complaint"][-1]
    assert second.level == "major" and second.details["level_reason"] == "repeat_unresolved"


async def test_enquiry_answered_by_staff_is_relayed_and_can_join_the_faq(
    core, resident, steward, uow
):
    await resident.says("请问小区可以办理电动车充电卡吗？在哪里办")
    (ticket,) = await tickets(uow)
    assert ticket.kind == "enquiry"
    outcome = await steward.presses(f"t:{ticket.id}:claim")
    assert "直接回复答案" in (outcome.ack or "")
    await steward.says("可以的，带身份证到物业服务中心前台办理，每张卡押金20元。")
    answer = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "管家回复如下" in answer and "押金20元" in answer
    assert (await tickets(uow))[0].status == "resolved"
    confirm = (await messages_to(uow, GRID_1_2))[-1]
    assert confirm.buttons[0][0]["data"] == f"f:{ticket.id}"
    await steward.presses(f"f:{ticket.id}")
    async with uow() as tx:
        questions = list(await tx.session.scalars(select(FaqRow.question)))
    assert any("充电卡" in q for q in questions)
    neighbour = Person(core, "800000002", "800000002")
    await neighbour.says("请问小区可以办理电动车充电卡吗？在哪里办")
    assert "押金20元" in (await texts_to(uow, "800000002"))[-1]
    assert len(await tickets(uow)) == 1


async def test_only_staff_can_answer_or_add_to_the_faq(resident, stranger, uow):
    await resident.says("请问小区可以办理电动车充电卡吗？在哪里办")
    (ticket,) = await tickets(uow)
    assert (await stranger.presses(f"f:{ticket.id}")).alert
    assert (await resident.presses(f"t:{ticket.id}:claim")).alert
    assert re.search(r"ZX-\d{8}-\d{4}", (await texts_to(uow, RESIDENT_TG))[-1])


async def test_a_complaint_unresolved_for_a_month_becomes_major(resident, steward, uow, clock):
    await resident.says("小区大门的道闸老是坏，每次进出都要等半天，你们物业到底管不管")
    (ticket,) = [t for t in await tickets(uow) if t.kind == "complaint"]
    assert ticket.level != "major"
    await steward.presses(f"t:{ticket.id}:claim")
    for _ in range(31):
        clock.advance(timedelta(days=1))
        await sweep(uow, clock)
    (raised,) = [t for t in await tickets(uow) if t.kind == "complaint"]
    assert raised.level == "major" and raised.details["level_reason"] == "unresolved_a_month"
    assert "重大投诉" in (await texts_to(uow, MANAGERS))[-1]
    progress = [t for t in await texts_to(uow, RESIDENT_TG) if "进度反馈" in t]
    assert len(progress) == 31  # one a day, and still one a day after the upgrade


async def test_monthly_report_includes_repair_statistics(resident, steward, uow, clock):
    from datetime import UTC, datetime

    from workflows.digests import monthly_report

    await resolved_repair(resident, steward, uow)  # on time: claimed and done at once
    clock.advance(timedelta(days=2, minutes=1))
    await sweep(uow, clock)
    (ticket,) = await tickets(uow)
    await resident.presses(f"cb:{ticket.id}:1:s")
    slot = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 on 1 December in Shanghai
    async with uow() as tx:
        estate = await tx.directory.estate(ticket.estate_id)
        await monthly_report(tx, estate, slot, now=slot, late=False)
        await tx.commit()
    report = (await texts_to(uow, SUPERVISORS))[-1]
    assert "报修总数：1 单，已完成 1 单" in report
    assert "报修及时率（按时到场与修复）：1/1" in report
    assert "回访率：1/1" in report and "回访满意率：1/1" in report


async def test_a_satisfied_complaint_is_archived_only_when_a_manager_approves(
    resident, steward, supervisor, core, uow, clock
):
    await resident.says("保安态度很差，对我大呼小叫")
    (ticket,) = [t for t in await tickets(uow) if t.kind == "complaint"]
    await steward.presses(f"t:{ticket.id}:claim")
    await steward.presses(f"t:{ticket.id}:done")
    await steward.says("原因：新保安未经培训；整改：全员服务礼仪培训并当面致歉")
    await resident.presses(f"r:{ticket.id}:ok")
    clock.advance(timedelta(days=2, minutes=1))
    await sweep(uow, clock)
    await resident.presses(f"cb:{ticket.id}:1:s")
    (held,) = [t for t in await tickets(uow) if t.id == ticket.id]
    assert held.status == "resolved" and held.details["archive"] == "awaiting"
    (card,) = [m for m in await messages_to(uow, MANAGERS) if "批准归档" in m.text]
    assert card.buttons[0][0]["data"] == f"ar:{ticket.id}" and "全员服务礼仪培训" in card.text

    refused = await supervisor.presses(f"ar:{ticket.id}")  # a supervisor is not the approver
    assert refused.alert and held.status == "resolved"
    assert [t.status for t in await tickets(uow) if t.id == ticket.id] == ["resolved"]
    manager = Person(core, "700000021", MANAGERS, is_group=True, name="周建国")
    approved = await manager.presses(f"ar:{ticket.id}")
    assert not approved.alert and "归档" in (approved.ack or "")
    (archived,) = [t for t in await tickets(uow) if t.id == ticket.id]
    assert archived.status == "closed" and archived.details["archive"] == "approved"
    twice = await manager.presses(f"ar:{ticket.id}")
    assert twice.alert and "无需重复" in (twice.ack or "")


async def test_a_repair_needs_no_archive_approval(resident, steward, uow, clock):
    ticket = await resolved_repair(resident, steward, uow)
    clock.advance(timedelta(days=2, minutes=1))
    await sweep(uow, clock)
    await resident.presses(f"cb:{ticket.id}:1:n")
    assert (await tickets(uow))[0].status == "closed"
    assert not [m for m in await messages_to(uow, MANAGERS) if "批准归档" in m.text]


async def test_general_complaint_keeps_the_residents_deadline_and_extending_needs_the_director(
    resident, steward, other_steward, core, uow, clock
):
    await resident.says("楼道的灯坏了一个星期都没人管，太不负责了，请明天下午5点前处理好")
    (ticket,) = [t for t in await tickets(uow) if t.kind == "complaint"]
    assert ticket.level == "general"
    assert ticket.resolve_by == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai
    await steward.presses(f"t:{ticket.id}:claim")
    (card,) = [m for m in await messages_to(uow, GRID_1_2) if m.ticket_id == ticket.id][-1:]
    assert [b["data"] for b in card.buttons[0]] == [f"t:{ticket.id}:done", f"t:{ticket.id}:extend"]

    refused = await other_steward.presses(f"t:{ticket.id}:extend")  # not their grid
    assert refused.alert
    asked = await steward.presses(f"t:{ticket.id}:extend")
    assert not asked.alert and "审批" in (asked.ack or "")
    (request,) = [m for m in await messages_to(uow, MANAGERS) if "申请延期" in m.text]
    assert request.buttons[0][0]["data"] == f"xa:{ticket.id}" and "11-25 17:00" in request.text

    not_director = await steward.presses(f"xa:{ticket.id}")
    assert not_director.alert
    director = Person(core, "700000021", MANAGERS, is_group=True, name="周建国")
    approved = await director.presses(f"xa:{ticket.id}")
    assert not approved.alert and "11-27 17:00" in (approved.ack or "")
    (extended,) = [t for t in await tickets(uow) if t.id == ticket.id]
    assert extended.resolve_by == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # two more days
    assert extended.details["extensions"] == 1
    told = [t for t in await texts_to(uow, RESIDENT_TG) if "管理处主任批准" in t]
    assert len(told) == 1 and "11-27 17:00" in told[0]
    again = await director.presses(f"xa:{ticket.id}")
    assert again.alert  # one request, one approval
