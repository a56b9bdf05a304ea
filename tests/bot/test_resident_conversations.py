"""Scripted conversations through the core: binding, repairs, emergencies, complaints, questions."""

from __future__ import annotations

import re

from sqlalchemy import select

from storage.schema import ResidentIdentityRow
from tests.bot.conftest import (
    GRID_1_2,
    RESIDENT_PHONE,
    RESIDENT_TG,
    SUPERVISORS,
    messages_to,
    texts_to,
    tickets,
)

FORBIDDEN = ("不知道", "不行", "我现在很忙", "我不清楚", "找开发商", "没办法")


async def test_start_shows_privacy_notice_and_asks_for_the_phone(stranger, uow):
    await stranger.command("start", "lt-b1-7f3a9c2e")
    (notice,) = await messages_to(uow, stranger.chat_id)
    assert "兰亭苑" in notice.text and "/unbind" in notice.text and "3年" in notice.text
    assert notice.request_contact == "📱 分享手机号"


async def test_binding_with_own_contact_links_the_unit(core, uow):
    from tests.bot.conftest import Person

    newcomer = Person(core, "424242", "424242", name="刘桂兰")
    await newcomer.command("start")
    await newcomer.shares_contact("+86 138 0571 3346")
    texts = await texts_to(uow, "424242")
    assert "绑定成功" in texts[-1] and "1栋1单元302" in texts[-1]
    async with uow() as tx:
        identity = await tx.session.scalar(
            select(ResidentIdentityRow).where(ResidentIdentityRow.external_id == "424242")
        )
    assert identity is not None


async def test_someone_elses_contact_is_refused(stranger, uow):
    await stranger.shares_contact(RESIDENT_PHONE, owner="999")
    texts = await texts_to(uow, stranger.chat_id)
    assert "本人的手机号" in texts[-1]
    async with uow() as tx:
        assert await tx.residents.by_identity(stranger_platform(), stranger.user_id) is None


def stranger_platform():
    from workflows.estate import Platform

    return Platform.TELEGRAM


async def test_unknown_phone_creates_a_verification_task_and_still_helps(stranger, uow):
    await stranger.shares_contact("13000000000")
    assert "前台为您核实" in (await texts_to(uow, stranger.chat_id))[-1]
    (task,) = await tickets(uow)
    assert task.kind == "staff_task" and task.details["task"] == "verify_resident"
    card = (await texts_to(uow, SUPERVISORS))[-1]
    assert "13000000000" not in card  # the full number stays out of group chats


async def test_repair_from_first_message_to_confirmed(resident, steward, uow, clock):
    await resident.says("灯不亮了，麻烦来修一下")
    assert "室内还是公共区域" in (await texts_to(uow, RESIDENT_TG))[-1]
    await resident.presses("loc:home")
    assert "拍一张照片" in (await texts_to(uow, RESIDENT_TG))[-1]
    await resident.presses("skip:photo")
    assert "上门时间" in (await texts_to(uow, RESIDENT_TG))[-1]
    await resident.presses("when:mpm")
    confirmation = (await texts_to(uow, RESIDENT_TG))[-1]
    number = re.search(r"BX-20261124-\d{4}", confirmation)
    assert number and "2 小时内修复" in confirmation and "11-25 14:00" in confirmation
    (ticket,) = await tickets(uow)
    assert ticket.level == "normal" and ticket.location == "home"
    card = (await messages_to(uow, GRID_1_2))[-1]
    assert number[0] in card.text and "张*" in card.text and "139****0218" in card.text
    assert card.buttons == [[{"text": "接单", "data": f"t:{ticket.id}:claim"}]]

    outcome = await steward.presses(f"t:{ticket.id}:claim")
    assert outcome.ack and "已接单" in outcome.ack and not outcome.alert
    assert "已由管家 王丽娟 接单" in (await texts_to(uow, RESIDENT_TG))[-1]
    edited = (await messages_to(uow, GRID_1_2))[-1]
    assert edited.edit_of == card.id and "已接单" in edited.text
    await steward.presses(f"t:{ticket.id}:arrive")
    await steward.presses(f"t:{ticket.id}:done")
    ask = (await messages_to(uow, RESIDENT_TG))[-1]
    assert "请确认" in ask.text and ask.buttons[0][0]["data"] == f"r:{ticket.id}:ok"
    await resident.presses(f"r:{ticket.id}:ok")
    (ticket,) = await tickets(uow)
    assert ticket.status == "resolved" and ticket.responded_at and ticket.on_site_at
    async with uow() as tx:
        trail = [e.action for e in await tx.tickets.events(ticket.id)]
    assert trail == ["created", "claim", "arrive", "done", "confirmed"]


async def test_urgent_repair_skips_the_time_question(resident, uow):
    await resident.says("厨房水管爆了，水一直往外喷")
    await resident.presses("skip:photo")
    confirmation = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "20 分钟内到场" in confirmation
    (ticket,) = await tickets(uow)
    assert ticket.level == "urgent" and ticket.on_site_by is not None
    assert (ticket.on_site_by - ticket.created_at).total_seconds() == 20 * 60


async def test_photo_with_caption_starts_a_report_with_the_photo(resident, uow):
    await resident.sends_photo("photo-123", caption="楼道的灯坏了")
    await resident.says("明天上午九点")
    (ticket,) = await tickets(uow)
    assert ticket.location == "common" and ticket.attachments[0]["ref"] == "photo-123"


async def test_emergency_skips_every_question(resident, uow):
    await resident.says("楼道里着火了，好多烟！")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "119" in reply and "不要乘坐电梯" in reply and "JJ-20261124-0001" in reply
    (ticket,) = await tickets(uow)
    assert ticket.kind == "emergency"
    assert "JJ-20261124-0001" in (await texts_to(uow, GRID_1_2))[-1]
    assert "JJ-20261124-0001" in (await texts_to(uow, SUPERVISORS))[-1]


async def test_emergency_in_the_middle_of_a_dialogue_is_not_lost(resident, uow):
    await resident.says("卫生间的灯不亮了")
    await resident.says("等等，家里有很浓的煤气味！")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "燃气" in reply and "不要开关任何电器" in reply
    assert [t.kind for t in await tickets(uow)] == ["emergency"]


async def test_complaint_is_acknowledged_with_the_15_minute_promise(resident, uow):
    await resident.says("楼上天天半夜装修，吵得根本睡不着，物业也不管")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "TS-20261124-0001" in reply and "15 分钟内" in reply
    (ticket,) = await tickets(uow)
    assert ticket.kind == "complaint" and ticket.respond_by is not None
    assert (ticket.respond_by - ticket.created_at).total_seconds() == 15 * 60


async def test_complaint_about_the_own_steward_goes_to_supervisors(resident, uow):
    await resident.says("管家王丽娟态度太差了，说好的事情一直不办")
    assert "王丽娟" in (await texts_to(uow, SUPERVISORS))[-1]
    assert await texts_to(uow, GRID_1_2) == []


async def test_enquiry_answered_from_the_faq(resident, uow):
    await resident.says("请问装修需要办什么手续？")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "装修申请表" in reply and "身份证" in reply
    assert await tickets(uow) == []


async def test_unanswerable_question_becomes_a_staff_task(resident, uow):
    await resident.says("请问小区附近哪里可以学滑翔伞？")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "非常的有深度" in reply
    (ticket,) = await tickets(uow)
    assert ticket.kind == "enquiry"


async def test_unsupported_content_gets_a_polite_answer(resident, uow):
    await resident.sends("sticker")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "文字、照片和位置" in reply and "报修" in reply


async def test_replies_follow_the_residents_script(resident, uow):
    await resident.says("電梯壞了，請派人來修")
    rows = await messages_to(uow, RESIDENT_TG)
    assert rows[-1].language == "zh-Hant"
    await resident.says("hello, my kitchen tap is dripping")
    assert (await texts_to(uow, RESIDENT_TG))[-1].startswith(("Is it inside", "If you can"))


async def test_my_lists_only_own_tickets_and_unbind_forgets(resident, stranger, uow):
    await resident.says("我要投诉：垃圾站臭气熏天好几天了")
    await stranger.command("my")
    assert "还没有完成住户身份绑定" in (await texts_to(uow, stranger.chat_id))[-1]
    await resident.command("my")
    assert "TS-20261124-0001" in (await texts_to(uow, RESIDENT_TG))[-1]
    await resident.command("unbind")
    await resident.command("my")
    assert "还没有完成住户身份绑定" in (await texts_to(uow, RESIDENT_TG))[-1]


async def test_html_from_residents_is_shown_not_interpreted(resident, uow):
    await resident.says("<b>投诉</b> <script>alert(1)</script> 楼道堆满杂物没人清理")
    card = (await texts_to(uow, GRID_1_2))[-1]
    assert "&lt;script&gt;" in card and "<script>" not in card


async def test_huge_messages_are_cut_and_the_resident_told(resident, uow):
    await resident.says("楼道灯坏了。" + "啊" * 100_000)
    texts = await texts_to(uow, RESIDENT_TG)
    assert any("消息较长" in t for t in texts)
    assert all(len(t) < 5000 for t in texts)


async def test_fees_show_only_the_households_own_bills(core, uow, examples):
    from zoneinfo import ZoneInfo

    from tests.bot.conftest import Person
    from workflows.bill_import import import_bills

    report = await import_bills(
        uow, estate_id=1, data=(examples / "bills.csv").read_bytes(),
        now=core.clock.now(), tz=ZoneInfo("Asia/Shanghai"),
    )  # fmt: skip
    assert report.created > 0
    owner = Person(core, RESIDENT_TG, RESIDENT_TG)
    await owner.says("我还欠多少物业费？")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    assert "1栋1单元1502" in reply or "没有待缴费用" in reply
    assert "2栋" not in reply and "4栋" not in reply


async def test_no_reply_uses_a_forbidden_phrase(resident, stranger, uow):
    for text in ("在吗", "谢谢", "怎么交物业费", "电梯坏了", "hello", "你们能不能管管停车"):
        await resident.says(text)
        await stranger.says(text)
    async with uow() as tx:
        from storage.schema import OutboxRow

        texts = list(await tx.session.scalars(select(OutboxRow.text)))
    assert texts and not [t for t in texts if any(p in t for p in FORBIDDEN)]


async def test_markup_alone_does_not_switch_the_reply_language(resident, uow):
    await resident.says("<img src=x onerror=alert(1)>")
    await resident.says("在吗")
    rows = await messages_to(uow, RESIDENT_TG)
    assert all(row.language == "zh-Hans" for row in rows)
    assert "您好" in rows[-1].text


async def test_a_visitor_gets_a_numbered_three_day_pass_and_the_gate_is_told(resident, uow):
    await resident.says("明天下午3点有朋友来看我，开车来，车牌浙A12345，麻烦登记一下访客")
    reply = (await texts_to(uow, RESIDENT_TG))[-1]
    (visit,) = [t for t in await tickets(uow) if t.kind == "visitor"]
    assert visit.number in reply and "3 天" in reply
    assert "11-25 15:00" in reply and "11-28 15:00" in reply  # from the visit, for three days
    assert visit.details["plate"] == "浙A12345"
    gate = await texts_to(uow, "-1001000000401")
    assert any(visit.number in text and "浙A12345" in text for text in gate)
