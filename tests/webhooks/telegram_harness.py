"""The whole service on loopback: uvicorn serving the app, a real Telegram driver, the fake
Bot API delivering webhooks. Used by the conformance suite, once per driver."""

from __future__ import annotations

import asyncio
import itertools
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn

from tests.fakes.telegram_api import FakeTelegramAPI
from webhooks.app import create_app
from webhooks.runtime import Runtime
from webhooks.settings import Settings

TOKEN = "123456:TEST-token-for-the-conformance-suite"
_ids = itertools.count(50_000)


def next_update_id() -> int:
    return next(_ids)


@dataclass
class Service:
    api: FakeTelegramAPI
    runtime: Runtime
    base_url: str

    async def deliver(self, update: dict[str, Any]) -> int:
        status, _ = await self.api.deliver_webhook(update)
        return status

    async def wait_text(self, chat_id: int, pattern: str, *, timeout: float = 15.0) -> str:  # noqa: ASYNC109
        """The first message to ``chat_id`` (sent or edited) matching ``pattern``."""
        regex = re.compile(pattern)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            for call in self.api.calls:
                if call.method not in ("sendMessage", "editMessageText") or not call.ok:
                    continue
                if str(call.params.get("chat_id")) != str(chat_id):
                    continue
                text = str(call.params.get("text", ""))
                if regex.search(text):
                    return text
            await asyncio.sleep(0.05)
        seen = [
            (c.method, c.params.get("chat_id"), str(c.params.get("text", ""))[:60])
            for c in self.api.calls
        ]
        raise AssertionError(f"no message to {chat_id} matching {pattern!r}; calls: {seen}")

    def last_markup(self, chat_id: int) -> dict[str, Any]:
        for call in reversed(self.api.calls):
            if call.method == "sendMessage" and str(call.params.get("chat_id")) == str(chat_id):
                markup = call.params.get("reply_markup") or {}
                return markup if isinstance(markup, dict) else {}
        return {}


@asynccontextmanager
async def running_service(db_url: str, driver: str, **extra: Any) -> AsyncIterator[Service]:
    async with FakeTelegramAPI(token=TOKEN) as api:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        settings = Settings(
            database_url=db_url,
            telegram_token=TOKEN,
            telegram_api_url=api.base_url,
            telegram_driver=driver,
            public_url=base,
            **extra,
        )
        runtime = Runtime.build(settings)
        server = uvicorn.Server(
            uvicorn.Config(create_app(settings, runtime=runtime), log_level="warning")
        )
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            for _ in range(400):
                if server.started:
                    break
                await asyncio.sleep(0.025)
            assert server.started, "uvicorn did not start"
            yield Service(api, runtime, base)
        finally:
            server.should_exit = True
            await asyncio.wait_for(task, 20)
            await runtime.close()
            sock.close()
