"""The resident's side of the web chat over real HTTP: session, messages, stream, history."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.schema import InboundUpdateRow, ResidentIdentityRow
from tests.webchat.harness import TICKET, WebService, report_leak


async def resident_id(service: WebService, name: str = "张伟") -> int:
    listed = (await service.client.get("/api/web/residents")).json()["residents"]
    return int(next(r["id"] for r in listed if r["name"] == name))


async def test_the_page_and_its_files_are_served_with_a_strict_policy(demo):
    page = await demo.client.get("/")
    assert page.status_code == 200 and "管家" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for asset in ("/static/app.js", "/static/app.css"):
        assert (await demo.client.get(asset)).status_code == 200
    config = (await demo.client.get("/api/web/config")).json()
    assert config == {"demo": True, "staff": "open", "telegram": False, "estate": "兰亭苑"}


async def test_a_demo_resident_reports_a_leak_and_gets_a_ticket_number(service):
    rid = await resident_id(service)
    opened = await service.session(rid)
    chat = opened["chat_id"]
    assert opened["name"] == "张伟" and opened["units"] == ["1栋1单元1502"]
    async with service.runtime.uow() as tx:
        identity = await tx.session.scalar(
            select(ResidentIdentityRow).where(ResidentIdentityRow.external_id == chat)
        )
        assert identity is not None and identity.platform == "web"
    async with service.stream(f"/api/web/chats/{chat}/events") as tab:
        greeting = await tab.wait_text("绑定成功")
        assert "报修" in greeting["menu"]
        number = await report_leak(service, chat, tab)
        await tab.wait_text("卫生间漏水了")  # the resident's own line is echoed to the tab
    history = await service.wait_history(chat, number)
    texts = [m["text"] for m in history]
    assert texts.index("卫生间漏水了") < next(i for i, t in enumerate(texts) if number in t)
    assert history[0]["type"] == "bot" and "绑定成功" in history[0]["text"]


async def test_every_tab_of_one_resident_shares_the_chat_and_the_pushes(demo):
    rid = await resident_id(demo)
    first = await demo.session(rid)
    second = await demo.session(rid)  # another tab picks the same resident
    assert first["chat_id"] == second["chat_id"]
    chat = first["chat_id"]
    path = f"/api/web/chats/{chat}/events"
    async with demo.stream(path) as tab_a, demo.stream(path) as tab_b:
        await tab_a.wait_text("绑定成功")
        assert (await demo.say(chat, "物业费怎么交？")).status_code == 200
        for tab in (tab_a, tab_b):
            await tab.wait_text("物业费怎么交")
            await tab.wait_for(lambda _, t=tab: sum(m["type"] == "bot" for m in t.messages()) > 1)
        replies_a = [m["key"] for m in tab_a.messages() if m["type"] == "bot"]
        replies_b = [m["key"] for m in tab_b.messages() if m["type"] == "bot"]
        assert len(replies_a) >= 2 and sorted(set(replies_a)) == sorted(set(replies_b))
    greetings = [m for m in await demo.history(chat) if "绑定成功" in m["text"]]
    assert len(greetings) == 1  # two tabs opening at once still greet once


async def test_a_closed_stream_loses_nothing_the_next_visit_sees_the_history(demo):
    chat = (await demo.session(await resident_id(demo)))["chat_id"]
    async with demo.stream(f"/api/web/chats/{chat}/events") as tab:
        await tab.wait_text("绑定成功")
    # the tab is gone; the conversation goes on and the bot answers into the void
    response = await demo.say(chat, "卫生间漏水了")
    assert response.status_code == 200
    await demo.wait_history(chat, "照片|室内|时间|" + TICKET.pattern)
    async with demo.stream(f"/api/web/chats/{chat}/events") as again:
        opening = await again.wait_for(lambda e: e.get("type") == "history")
        texts = [m["text"] for m in opening["messages"]]
        assert "卫生间漏水了" in texts and any("绑定成功" in t for t in texts)
        assert opening["messages"][-1]["type"] == "bot"


async def test_a_resent_message_is_a_replay_not_a_second_message(demo):
    chat = (await demo.session(await resident_id(demo)))["chat_id"]
    first = await demo.say(chat, "你好", id="client-0001")
    again = await demo.say(chat, "你好", id="client-0001")
    assert first.json()["replay"] is False and again.json()["replay"] is True
    lines = [m for m in await demo.history(chat) if m["type"] == "user"]
    assert [m["text"] for m in lines] == ["你好"]


async def test_markup_a_resident_types_stays_text(demo):
    chat = (await demo.session(await resident_id(demo)))["chat_id"]
    attack = '卫生间漏水了<script>alert(1)</script><img src=x onerror="alert(2)">'
    async with demo.stream(f"/api/web/chats/{chat}/events") as tab:
        await tab.wait_text("绑定成功")
        number = await report_leak(demo, chat, tab, attack)
        echoed = await tab.wait_text("script")
        assert echoed["type"] == "user" and echoed["text"] == attack  # the page sets textContent
    cards = (await demo.client.get("/api/web/staff/groups/grid-1-2/cards")).json()["cards"]
    card = next(c for c in cards if number in c["text"])
    assert "&lt;script&gt;" in card["text"] and "<script>" not in card["text"]
    assert "<img" not in card["text"]


async def test_oversize_and_malformed_messages_are_refused_in_chinese(demo):
    chat = (await demo.session(await resident_id(demo)))["chat_id"]
    too_long = await demo.say(chat, "漏" * 2001)
    assert too_long.status_code == 413 and "太长" in too_long.json()["error"]
    huge = await demo.client.post(
        f"/api/web/chats/{chat}/messages",
        content=b'{"text": "' + b"a" * 40_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert huge.status_code == 413 and "太长" in huge.json()["error"]
    broken = await demo.client.post(f"/api/web/chats/{chat}/messages", content=b"{not json")
    assert broken.status_code == 400 and "格式" in broken.json()["error"]
    empty = await demo.say(chat, "   ")
    assert empty.status_code == 400
    bad_button = await demo.press(chat, "x" * 80)
    assert bad_button.status_code == 400
    unknown = await demo.client.post("/api/web/chats/../messages", json={"text": "hi"})
    assert unknown.status_code in (403, 404)
    forged = await demo.say("telegram-800000001", "hi")
    assert forged.status_code == 403
    async with demo.runtime.uow() as tx:
        recorded = await tx.session.scalar(
            select(func.count())
            .select_from(InboundUpdateRow)
            .where(InboundUpdateRow.update_id.like(f"{chat}:%"))
        )
    assert recorded == 1  # only the greeting: nothing refused was recorded
    assert (await demo.client.get("/healthz")).status_code == 200
