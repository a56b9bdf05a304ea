"""The service on loopback with only the web channel, and a small server-sent-events client.

The clock starts at a Tuesday 10:00 in Shanghai and then runs at wall-clock speed, so the
conversation is the same whatever hour the suite runs at (quiet hours, stewards' days off) while
paced and deferred outbox messages still fall due.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import uvicorn

from webhooks.app import create_app
from webhooks.runtime import Runtime
from webhooks.settings import Settings

TUESDAY_10AM = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
TICKET = re.compile(r"[A-Z]{2}-\d{8}-\d{4}")
Event = dict[str, Any]


@dataclass
class RunningClock:
    start: datetime = TUESDAY_10AM
    _t0: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self._t0)


@dataclass
class WebService:
    base_url: str
    runtime: Runtime
    app: Any
    client: httpx.AsyncClient

    async def session(self, resident_id: int | None = None) -> dict[str, Any]:
        body = {} if resident_id is None else {"resident_id": resident_id}
        response = await self.client.post("/api/web/session", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def say(self, chat_id: str, text: str, **extra: Any) -> httpx.Response:
        return await self.client.post(
            f"/api/web/chats/{chat_id}/messages", json={"text": text, **extra}
        )

    async def press(self, chat_id: str, data: str, label: str = "") -> httpx.Response:
        return await self.client.post(
            f"/api/web/chats/{chat_id}/messages", json={"button": data, "label": label}
        )

    async def history(self, chat_id: str) -> list[Event]:
        response = await self.client.get(f"/api/web/chats/{chat_id}/history")
        assert response.status_code == 200, response.text
        return list(response.json()["messages"])

    async def wait_history(
        self,
        chat_id: str,
        pattern: str,
        *,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> list[Event]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = await self.history(chat_id)
            if any(re.search(pattern, m["text"]) for m in messages):
                return messages
            await asyncio.sleep(0.1)
        raise AssertionError(f"history of {chat_id} never matched {pattern!r}: {messages}")

    @contextlib.asynccontextmanager
    async def stream(self, path: str, **headers: str) -> AsyncIterator[SseReader]:
        reader = SseReader(self.client, path, headers)
        await reader.start()
        try:
            yield reader
        finally:
            await reader.stop()


class SseReader:
    """Reads one event stream in the background; tests wait for the events they expect."""

    def __init__(self, client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> None:
        self._client = client
        self._path = path
        self._headers = headers
        self.events: list[Event] = []
        self.status: int | None = None
        self._task: asyncio.Task[None] | None = None
        self._opened = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self._opened.wait(), 10)

    async def _run(self) -> None:
        try:
            async with self._client.stream(
                "GET", self._path, headers=self._headers, timeout=None
            ) as response:
                self.status = response.status_code
                self._opened.set()
                async for line in response.aiter_lines():
                    if line.startswith("data: "):
                        self.events.append(json.loads(line[6:]))
        finally:
            self._opened.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def messages(self) -> list[Event]:
        """Every chat message seen: the opening history, then live ones."""
        seen: list[Event] = []
        for event in self.events:
            if event.get("type") == "history":
                seen.extend(event["messages"])
            elif event.get("type") in ("bot", "user"):
                seen.append(event)
        return seen

    async def wait_for(
        self,
        test: Callable[[Event], bool],
        *,
        timeout: float = 15.0,  # noqa: ASYNC109
    ) -> Event:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages() + self.events:
                if test(message):
                    return message
            await asyncio.sleep(0.05)
        raise AssertionError(f"no matching event on {self._path}; saw {self.events}")

    async def wait_text(self, pattern: str, *, timeout: float = 15.0) -> Event:  # noqa: ASYNC109
        return await self.wait_for(
            lambda m: m.get("type") in ("bot", "user") and bool(re.search(pattern, m["text"])),
            timeout=timeout,
        )


def free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def web_service(db_url: str, **extra: Any) -> AsyncIterator[WebService]:
    """uvicorn serving the whole app on a loopback port, no Telegram token."""
    sock = free_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(database_url=db_url, scheduler_interval_seconds=1.0, **extra)
    runtime = Runtime.build(settings, clock=RunningClock())
    app = create_app(settings, runtime=runtime)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(600):
            if server.started:
                break
            await asyncio.sleep(0.025)
        assert server.started, "uvicorn did not start"
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            yield WebService(base, runtime, app, client)
    finally:
        webchat = getattr(app.state, "webchat", None)
        if webchat is not None:
            webchat.hub.close()  # end open event streams so shutdown does not wait on them
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        await runtime.close()
        sock.close()


async def report_leak(
    service: WebService, chat_id: str, reader: SseReader, text: str = "卫生间漏水了"
) -> str:
    """Report a leak and answer whatever the bot asks until a ticket number shows."""
    response = await service.say(chat_id, text)
    assert response.status_code == 200, response.text
    answered: set[str] = set()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for message in reader.messages():
            if message["type"] == "bot" and TICKET.search(message["text"]):
                return TICKET.search(message["text"])[0]  # type: ignore[index]
        for message in reader.messages():
            choices = [b for row in message.get("buttons", []) for b in row]
            if message["key"] in answered or not choices:
                continue
            if choices[0]["data"].split(":")[0] in ("skip", "loc", "when"):
                answered.add(message["key"])  # answer each question once, with its first choice
                await service.press(chat_id, choices[0]["data"], choices[0]["text"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"no ticket number; saw {reader.messages()}")
