"""Which doors are open: web chat alone without a Telegram token, both with one."""

from __future__ import annotations

import logging

import httpx

from tests.webchat.harness import web_service
from tests.webhooks.telegram_harness import running_service


async def test_without_a_token_the_service_says_it_serves_the_web_chat_only(sqlite_demo, caplog):
    caplog.set_level(logging.INFO, logger="guanjia.app")
    async with web_service(sqlite_demo, demo=True) as service:
        assert (await service.client.get("/api/web/config")).json()["telegram"] is False
        telegram = await service.client.post("/webhooks/telegram", json={})
        assert telegram.status_code == 404
    lines = [r.getMessage() for r in caplog.records if "web chat only" in r.getMessage()]
    assert len(lines) == 1 and "\n" not in lines[0]


async def test_with_a_token_telegram_and_the_web_chat_are_served_together(sqlite_demo, caplog):
    caplog.set_level(logging.INFO, logger="guanjia.app")
    async with running_service(sqlite_demo, "aiogram", demo=True) as service:
        assert service.api.webhook["url"].endswith("/webhooks/telegram")
        async with httpx.AsyncClient(base_url=service.base_url) as client:
            assert (await client.get("/api/web/config")).json()["telegram"] is True
            opened = await client.post("/api/web/session", json={"resident_id": 1})
            assert opened.status_code == 200
            said = await client.post(
                f"/api/web/chats/{opened.json()['chat_id']}/messages", json={"text": "你好"}
            )
            assert said.status_code == 200
    assert not any("web chat only" in r.getMessage() for r in caplog.records)
    assert any("web chat, Telegram (aiogram)" in r.getMessage() for r in caplog.records)
