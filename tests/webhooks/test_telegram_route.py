"""The webhook route served ahead of FastAPI: every answer Telegram can get, on real databases.

The gateway is the real one (receipts in the real database); only the Telegram driver is a
small recording fake, since what is under test is the HTTP edge, not the conversation.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from storage.engine import create_engine
from storage.uow import SqlUnitOfWorkFactory
from tests.fakes import telegram_updates as tg
from webhooks.telegram_gateway import MAX_BODY, TelegramGateway
from webhooks.telegram_route import PATH, TelegramWebhookRoute

SECRET = "route-secret"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET}


class RecordingDriver:
    """Stands in for aiogram/PTB: remembers the updates the gateway hands it."""

    def __init__(self) -> None:
        self.processed: list[int] = []

    async def process_update(self, update: dict[str, Any]) -> bool:
        self.processed.append(int(update["update_id"]))
        return False  # "not handled": the gateway marks it processed itself


async def inner_app(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 299, "headers": []})
    await send({"type": "http.response.body", "body": b"inner"})


def gateway_for(uow: Any, clock: Any) -> tuple[TelegramGateway, RecordingDriver]:
    driver = RecordingDriver()
    gateway = TelegramGateway(driver=driver, uow=uow, clock=clock, secret=SECRET)  # type: ignore[arg-type]
    return gateway, driver


def client_for(gateway: TelegramGateway | None) -> httpx.AsyncClient:
    route = TelegramWebhookRoute(inner_app, lambda: gateway)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=route), base_url="http://t")


async def recorded(uow: Any) -> list[str]:
    async with uow() as tx:
        return [u.update_id for u in await tx.inbound.unprocessed(limit=100)]


async def settled(gateway: TelegramGateway) -> None:
    await gateway.drain(5)
    await asyncio.sleep(0)


async def test_a_good_update_is_recorded_answered_and_processed(uow, clock):
    gateway, driver = gateway_for(uow, clock)
    async with client_for(gateway) as client:
        answer = await client.post(PATH, json=tg.text_message(11, 1, 1, "在吗"), headers=HEADERS)
        replay = await client.post(PATH, json=tg.text_message(11, 1, 1, "在吗"), headers=HEADERS)
    await settled(gateway)
    assert (answer.status_code, answer.json()) == (200, {"ok": True})
    assert replay.status_code == 200
    assert driver.processed == [11]  # the replay was recognised and not processed again


@pytest.mark.parametrize("secret", [None, "wrong", SECRET + "x", ""])
async def test_a_wrong_or_missing_secret_is_403_and_nothing_is_recorded(uow, clock, secret):
    gateway, driver = gateway_for(uow, clock)
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with client_for(gateway) as client:
        answer = await client.post(PATH, json=tg.text_message(12, 1, 1, "hi"), headers=headers)
    assert answer.status_code == 403 and answer.json()["ok"] is False
    assert await recorded(uow) == [] and driver.processed == []


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b'{"message": {}}', b'{"update_id": "7"}', b"\xff\xfe"]
)
async def test_a_body_that_is_not_an_update_is_400(uow, clock, body):
    gateway, driver = gateway_for(uow, clock)
    async with client_for(gateway) as client:
        answer = await client.post(PATH, content=body, headers=HEADERS)
    assert answer.status_code == 400 and answer.json()["ok"] is False
    assert await recorded(uow) == [] and driver.processed == []


async def test_an_oversized_body_is_413_without_recording(uow, clock):
    gateway, driver = gateway_for(uow, clock)
    huge = json.dumps({"update_id": 13, "pad": "x" * MAX_BODY}).encode()
    async with client_for(gateway) as client:
        answer = await client.post(PATH, content=huge, headers=HEADERS)
    assert answer.status_code == 413
    assert await recorded(uow) == [] and driver.processed == []


async def test_other_methods_are_405_and_other_paths_pass_through(uow, clock):
    gateway, _ = gateway_for(uow, clock)
    async with client_for(gateway) as client:
        got = await client.get(PATH)
        other = await client.post("/webhooks/telegram/extra", json={})
    assert got.status_code == 405 and got.headers["allow"] == "POST"
    assert (other.status_code, other.content) == (299, b"inner")


async def test_without_a_telegram_driver_the_route_is_404():
    async with client_for(None) as client:
        answer = await client.post(PATH, json={"update_id": 1}, headers=HEADERS)
    assert answer.status_code == 404


async def test_a_database_that_is_away_is_503_and_the_redelivery_is_processed(uow, clock):
    away = create_engine("postgresql://postgres@127.0.0.1:9/nowhere")
    down, lost = gateway_for(SqlUnitOfWorkFactory(away), clock)
    update = tg.text_message(14, 1, 1, "楼道灯坏了")
    async with client_for(down) as client:
        answer = await client.post(PATH, json=update, headers=HEADERS)
    await away.dispose()
    assert answer.status_code == 503 and lost.processed == []
    gateway, driver = gateway_for(uow, clock)  # the database is back; Telegram redelivers
    async with client_for(gateway) as client:
        again = await client.post(PATH, json=update, headers=HEADERS)
    await settled(gateway)
    assert again.status_code == 200 and driver.processed == [14]


class StalledDriver(RecordingDriver):
    """Fails every update, so each stays recorded and unprocessed, as after a crash."""

    async def process_update(self, update: dict[str, Any]) -> bool:
        raise RuntimeError("the core is down")


async def test_the_update_is_stored_as_it_arrived_and_read_back_whole(uow, clock):
    """The body is stored as received (no second JSON encoding); any other encoding json
    accepts is stored re-encoded. The recovery sweep reads every one back as the update."""
    from sqlalchemy import text

    gateway = TelegramGateway(driver=StalledDriver(), uow=uow, clock=clock, secret=SECRET)  # type: ignore[arg-type]
    # Each update is built once: the fake's default date is the wall clock, and a second
    # copy built a tick later would differ from the stored one by its date alone.
    greeting = tg.text_message(33, 1, 1, "你好")
    polite = tg.text_message(34, 1, 1, "您好")
    utf8 = json.dumps(tg.text_message(31, 1, 1, "漏水 \\ud83d <b>&")).encode()
    lone = b'{"update_id": 32, "message": {"text": "\\ud800 broken emoji"}}'
    bom = "\ufeff".encode() + json.dumps(greeting).encode()
    utf16 = json.dumps(polite, ensure_ascii=False).encode("utf-16")
    async with client_for(gateway) as client:
        for body in (utf8, lone, bom, utf16):
            answer = await client.post(PATH, content=body, headers=HEADERS)
            assert answer.status_code == 200, body
    await settled(gateway)
    async with uow() as tx:
        stored = {u.update_id: u.payload for u in await tx.inbound.unprocessed(limit=10)}
        as_text = await tx.session.scalar(
            text("SELECT CAST(payload AS TEXT) FROM inbound_updates WHERE update_id = '31'")
        )
    assert stored["31"] == json.loads(utf8) and as_text == utf8.decode()
    assert stored["32"]["message"] == {"text": "\ud800 broken emoji"}
    assert stored["33"] == greeting
    assert stored["34"] == polite


class GatedDriver(RecordingDriver):
    """Holds every update until the test opens the gate: processing slower than arrival."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def process_update(self, update: dict[str, Any]) -> bool:
        await self.gate.wait()
        return await super().process_update(update)


async def test_a_full_backlog_holds_the_next_answer_until_there_is_room(uow, clock):
    """Updates answered but unprocessed are bounded: the next request waits (unrecorded, so
    nothing is lost if Telegram gives up and redelivers) instead of memory growing."""
    driver = GatedDriver()
    gateway = TelegramGateway(driver=driver, uow=uow, clock=clock, secret=SECRET, max_backlog=2)  # type: ignore[arg-type]
    async with client_for(gateway) as client:
        first = [
            await client.post(PATH, json=tg.text_message(n, n, n, "你好"), headers=HEADERS)
            for n in (41, 42)
        ]
        assert [a.status_code for a in first] == [200, 200] and gateway.backlog == 2
        third = asyncio.create_task(
            client.post(PATH, json=tg.text_message(43, 43, 43, "你好"), headers=HEADERS)
        )
        await asyncio.sleep(0.2)
        assert not third.done() and await recorded(uow) == ["41", "42"]
        driver.gate.set()
        assert (await asyncio.wait_for(third, 5)).status_code == 200
    await settled(gateway)
    assert sorted(driver.processed) == [41, 42, 43] and gateway.backlog == 0


async def test_replays_and_failures_give_their_room_back(uow, clock):
    """With room for one update, a replay or a 503 that kept its room would hang the next."""

    async def post(gateway: TelegramGateway, update: dict[str, Any]) -> int:
        async with client_for(gateway) as client:
            answer = await asyncio.wait_for(client.post(PATH, json=update, headers=HEADERS), 5)
        await settled(gateway)
        return answer.status_code

    driver = RecordingDriver()
    gateway = TelegramGateway(driver=driver, uow=uow, clock=clock, secret=SECRET, max_backlog=1)  # type: ignore[arg-type]
    update = tg.text_message(51, 1, 1, "你好")
    assert [await post(gateway, update) for _ in range(3)] == [200, 200, 200]
    assert await post(gateway, tg.text_message(52, 1, 1, "在吗")) == 200
    assert driver.processed == [51, 52]
    away = create_engine("postgresql://postgres@127.0.0.1:9/nowhere")
    down = TelegramGateway(
        driver=driver, uow=SqlUnitOfWorkFactory(away), clock=clock, secret=SECRET, max_backlog=1
    )  # type: ignore[arg-type]
    try:
        statuses = [await post(down, tg.text_message(n, 1, 1, "在吗")) for n in (53, 54)]
    finally:
        await away.dispose()
    assert statuses == [503, 503]
