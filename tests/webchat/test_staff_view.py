"""The steward's side: group cards, buttons acting through the core, and who may see them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.schema import StaffIdentityRow, TicketRow
from tests.webchat.harness import WebService, report_leak, web_service
from tests.webchat.test_resident_chat import resident_id

STAFF_PATHS = (
    ("GET", "/api/web/staff/groups"),
    ("GET", "/api/web/staff/groups/grid-1-2/cards"),
    ("GET", "/api/web/staff/events"),
    ("POST", "/api/web/staff/groups/grid-1-2/press"),
)


async def claim_button(service: WebService, number: str) -> dict[str, str]:
    cards = (await service.client.get("/api/web/staff/groups/grid-1-2/cards")).json()["cards"]
    card = next(c for c in cards if number in c["text"])
    assert "待接单" in card["text"] and "139****0218" in card["text"]
    assert "13905710218" not in card["text"]
    (button,) = card["buttons"][0]
    assert button["text"] == "接单"
    return dict(button)


async def test_the_steward_claims_from_the_web_and_the_resident_hears_of_it(service):
    chat = (await service.session(await resident_id(service)))["chat_id"]
    groups = (await service.client.get("/api/web/staff/groups")).json()["groups"]
    grid = next(g for g in groups if g["code"] == "grid-1-2")
    assert grid["acting"] == "s-wang" and grid["name"] == "1-2栋管家群"
    async with (
        service.stream(f"/api/web/chats/{chat}/events") as tab,
        service.stream("/api/web/staff/events") as staff_tab,
    ):
        number = await report_leak(service, chat, tab)
        await staff_tab.wait_for(lambda e: e.get("type") == "changed")
        button = await claim_button(service, number)
        pressed = await service.client.post(
            "/api/web/staff/groups/grid-1-2/press",
            json={"button": button["data"], "label": "接单"},
        )
        assert pressed.status_code == 200, pressed.text
        body = pressed.json()
        assert body["alert"] is False and "已接单" in body["ack"] and body["as"] == "王丽娟"
        pushed = await tab.wait_text("王丽娟 接单")
        assert number in pushed["text"] and pushed["type"] == "bot"
    cards = (await service.client.get("/api/web/staff/groups/grid-1-2/cards")).json()["cards"]
    card = next(c for c in cards if number in c["text"])
    assert "已接单" in card["text"] and "负责人：王丽娟" in card["text"]
    assert [b["text"] for b in card["buttons"][0]] == ["已到场", "已完成"]
    assert sum(number in c["text"] for c in cards) == 1  # the edit replaced the card
    async with service.runtime.uow() as tx:
        ticket = await tx.session.scalar(select(TicketRow).where(TicketRow.number == number))
        assert ticket is not None and ticket.status == "claimed"
        identity = await tx.session.scalar(
            select(StaffIdentityRow).where(StaffIdentityRow.external_id == "staff-s-wang")
        )
        assert identity is not None and identity.platform == "web"


async def test_a_steward_of_another_grid_is_refused_by_the_core(demo):
    chat = (await demo.session(await resident_id(demo)))["chat_id"]
    async with demo.stream(f"/api/web/chats/{chat}/events") as tab:
        number = await report_leak(demo, chat, tab)
    button = await claim_button(demo, number)
    pressed = await demo.client.post(
        "/api/web/staff/groups/grid-1-2/press",
        json={"button": button["data"], "staff": "s-zhao"},  # 赵雅婷, grid 5-6
    )
    assert pressed.status_code == 200
    assert pressed.json()["alert"] is True and "权限" in pressed.json()["ack"]
    nobody = await demo.client.post(
        "/api/web/staff/groups/grid-1-2/press", json={"button": button["data"], "staff": "nope"}
    )
    assert nobody.status_code == 400
    typed = await demo.client.post("/api/web/staff/groups/grid-1-2/press", json={"text": "hi"})
    assert typed.status_code == 400


async def call(service: WebService, method: str, path: str, **headers: str) -> int:
    if path.endswith("/events"):
        async with service.stream(path, **headers) as reader:
            assert reader.status is not None
            return reader.status
    response = await service.client.request(
        method, path, json={"button": "t:1:claim"}, headers=headers
    )
    return response.status_code


async def test_without_demo_or_token_the_staff_view_is_closed(sqlite_demo):
    async with web_service(sqlite_demo) as kiosk:
        config = (await kiosk.client.get("/api/web/config")).json()
        assert config["demo"] is False and config["staff"] == "off"
        for method, path in STAFF_PATHS:
            assert await call(kiosk, method, path) == 403, path
        assert (await kiosk.client.get("/api/web/residents")).status_code == 403
        picked = await kiosk.client.post("/api/web/session", json={"resident_id": 1})
        assert picked.status_code == 403
        assert (await kiosk.say("demo-1", "你好")).status_code == 403
        guest = await kiosk.session()  # a kiosk visitor chats as an unbound guest
        assert guest["chat_id"].startswith("v-")
        async with kiosk.stream(f"/api/web/chats/{guest['chat_id']}/events") as tab:
            await tab.wait_for(lambda m: m.get("type") == "bot")
        async with kiosk.runtime.uow() as tx:
            assert await tx.residents.by_identity(_web(), guest["chat_id"]) is None


def _web() -> object:
    from workflows.estate import Platform

    return Platform.WEB


@pytest.mark.parametrize("token", ["s3cret-staff-token"])
async def test_a_staff_token_opens_the_view_only_with_the_right_bearer(sqlite_demo, token):
    async with web_service(sqlite_demo, web_staff_token=token) as office:
        assert (await office.client.get("/api/web/config")).json()["staff"] == "token"
        for method, path in STAFF_PATHS:
            assert await call(office, method, path) == 403, path
            wrong = await call(office, method, path, authorization="Bearer nope")
            assert wrong == 403, path
        good = {"authorization": f"Bearer {token}"}
        groups = await office.client.get("/api/web/staff/groups", headers=good)
        assert groups.status_code == 200 and groups.json()["groups"]
        cards = await office.client.get("/api/web/staff/groups/grid-1-2/cards", headers=good)
        assert cards.status_code == 200 and cards.json()["cards"] == []
        assert await call(office, "GET", "/api/web/staff/events", **good) == 200
        stale = await office.client.post(
            "/api/web/staff/groups/grid-1-2/press", json={"button": "t:999:claim"}, headers=good
        )
        assert stale.status_code == 200 and stale.json()["alert"] is True
