"""The Telegram webhook: check the secret, record the update, answer 200, work in the background.

Telegram redelivers an update it did not get a 2xx for, so the order is: authenticate (403 and
nothing recorded), parse (400), record the update id in the database (503 if the database is
down, so Telegram retries), answer 200 at once, then process. Processing of one chat is
serialised; an update that failed half-way is retried by the recovery sweep, and a replayed
``update_id`` is recognised and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.adapters.telegram import TelegramDriver
from webhooks.receipts import ReceiptLog
from workflows.clock import Clock
from workflows.estate import Platform
from workflows.messaging import InboundUpdate
from workflows.ports import UnitOfWorkFactory

log = logging.getLogger("guanjia.telegram")
MAX_BODY = 1_000_000
SECRET_HEADER = "x-telegram-bot-api-secret-token"


class Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def chat_key(update: dict[str, Any]) -> str:
    """The chat an update belongs to, for per-chat ordering (falls back to the update id)."""
    for field in ("message", "edited_message", "channel_post"):
        message = update.get(field)
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return str(message["chat"].get("id"))
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        message = callback.get("message")
        if isinstance(message, dict) and isinstance(message.get("chat"), dict):
            return str(message["chat"].get("id"))
        sender = callback.get("from")
        if isinstance(sender, dict):
            return str(sender.get("id"))
    return f"update:{update.get('update_id')}"


class TelegramGateway:
    def __init__(
        self,
        *,
        driver: TelegramDriver,
        uow: UnitOfWorkFactory,
        clock: Clock,
        secret: str,
        on_processed: Callable[[], None] = lambda: None,
        max_in_flight: int = 16,
        max_backlog: int = 512,
    ) -> None:
        self.driver = driver
        self._uow = uow
        self._clock = clock
        self._secret = secret.encode()
        self._on_processed = on_processed
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # Bounded work in flight: a burst queues here instead of exhausting the connection
        # pool (which would also starve the recording of new updates and time out Telegram).
        # 16: below PostgreSQL's pool of 20, leaving room for receipts and the dispatcher;
        # on SQLite a full batch for the turns' group commit (8 gave 10-20 % fewer updates/s).
        self._slots = asyncio.Semaphore(max_in_flight)
        # Bounded backlog: updates answered 200 but not yet processed are held in memory, so
        # when they arrive faster than they are processed the next request waits for room
        # before it is recorded and answered. Telegram then sends more slowly (it keeps a few
        # connections, each waiting for its answer) instead of the process growing without
        # bound: a 20,000-update burst took the aiogram process from 264 to 324 MiB.
        self._room = asyncio.Semaphore(max_backlog)
        self._receipts = ReceiptLog(uow)

    def check_secret(self, header: str | None) -> None:
        if header is None or not hmac.compare_digest(header.encode(), self._secret):
            raise Rejected(403, "wrong or missing secret token")

    @staticmethod
    def parse(body: bytes) -> dict[str, Any]:
        if len(body) > MAX_BODY:
            raise Rejected(413, "update too large")
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Rejected(400, "body is not JSON") from None
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            raise Rejected(400, "not a Telegram update (no integer update_id)")
        return update

    async def accept(self, body: bytes) -> bool:
        """Parse and record an authenticated request (``check_secret`` first, before reading
        the body); True if the update is new and its processing was scheduled."""
        update = self.parse(body)
        # Kept as received when it is plain UTF-8 JSON text (Telegram's): json also reads
        # UTF-16/32 and a byte-order mark, which are stored re-encoded instead.
        text: str | None = None
        if body[:1] == b"{":
            with contextlib.suppress(UnicodeDecodeError):
                text = body.decode()
        record = InboundUpdate(
            channel=Platform.TELEGRAM,
            update_id=str(update["update_id"]),
            payload=update,
            received_at=self._clock.now(),
            payload_json=text,
        )
        await self._room.acquire()
        try:
            fresh = await self._receipts.record(record)
        except BaseException:
            self._room.release()
            raise
        if not fresh:
            self._room.release()
            return False
        self.schedule(update).add_done_callback(self._release_room)
        return True

    def _release_room(self, _: asyncio.Task[None]) -> None:
        self._room.release()

    @property
    def backlog(self) -> int:
        """Updates recorded and answered but not yet processed (tasks in this process)."""
        return len(self._tasks)

    def schedule(self, update: dict[str, Any]) -> asyncio.Task[None]:
        task = asyncio.create_task(self.process(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def process(self, update: dict[str, Any]) -> None:
        key = chat_key(update)
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock, self._slots:
                handled = await self.driver.process_update(update)
                if not handled:
                    await self._mark_processed(str(update["update_id"]))
        except Exception:
            log.exception("update %s failed; the recovery sweep will retry it", update["update_id"])
        finally:
            if not lock.locked() and self._locks.get(key) is lock:
                del self._locks[key]
        self._on_processed()

    async def _mark_processed(self, update_id: str) -> None:
        async with self._uow() as uow:
            await uow.inbound.mark_processed(Platform.TELEGRAM, update_id, at=self._clock.now())
            await uow.commit()

    async def recover(self, *, limit: int = 200, grace_seconds: float = 30.0) -> int:
        """Process updates recorded but never finished (a crash, a database outage).

        Only updates older than ``grace_seconds`` are taken, so the sweep does not race the
        live path; if it does anyway, the core's processed-check makes the second run a no-op.
        """
        before = self._clock.now() - timedelta(seconds=grace_seconds)
        async with self._uow() as uow:
            pending = await uow.inbound.unprocessed(limit=limit, received_before=before)
        for item in pending:
            if item.channel is Platform.TELEGRAM:
                await self.process(dict(item.payload))
        return len(pending)

    async def drain(self, seconds: float = 10.0) -> None:
        """Let in-flight updates finish before shutdown (bounded)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=seconds)


Processor = Callable[[dict[str, Any]], Awaitable[bool]]
