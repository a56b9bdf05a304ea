"""Health endpoints over real HTTP semantics (ASGI transport), against real databases."""

from __future__ import annotations

import httpx

from webhooks.app import create_app
from webhooks.runtime import Runtime
from webhooks.settings import Settings


async def client_for(settings: Settings) -> tuple[httpx.AsyncClient, Runtime]:
    runtime = Runtime.build(settings)
    app = create_app(settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://guanjia.test"), runtime


async def test_healthz_and_readyz_with_a_database(db_url):
    client, runtime = await client_for(Settings(database_url=db_url))
    async with client:
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
    await runtime.close()
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


async def test_readyz_is_503_when_the_database_is_gone():
    client, runtime = await client_for(
        Settings(database_url="postgresql://nobody:pw@127.0.0.1:9/none")
    )
    async with client:
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
    await runtime.close()
    assert ready.status_code == 503 and ready.json()["database"] == "down"


def test_redacted_settings_hide_secrets():
    settings = Settings(
        database_url="postgresql://app:hunter2@db/guanjia", telegram_token="123456:ABCDEF"
    )
    shown = str(settings.redacted())
    assert "hunter2" not in shown and "ABCDEF" not in shown and "***" in shown


async def test_the_webhook_is_answered_ahead_of_fastapi_and_everything_else_by_it(
    db_url, monkeypatch
):
    """The webhook path never enters FastAPI's request machinery; other paths still do."""
    from fastapi import FastAPI

    entered: list[str] = []
    original = FastAPI.__call__

    async def spy(self, scope, receive, send):  # type: ignore[no-untyped-def]
        entered.append(scope.get("path", scope["type"]))
        await original(self, scope, receive, send)

    monkeypatch.setattr(FastAPI, "__call__", spy)
    client, runtime = await client_for(Settings(database_url=db_url))
    async with client:
        wrong_method = await client.get("/webhooks/telegram")
        no_driver = await client.post("/webhooks/telegram", content=b"{}")
        health = await client.get("/healthz")
    await runtime.close()
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    assert no_driver.status_code == 404 and no_driver.json()["ok"] is False
    assert health.status_code == 200
    assert entered == ["/healthz"]
