"""Helpers shared by the python-telegram-bot driver tests: a recording core, outbox rows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from bot.core.inbound import Inbound, Outcome
from workflows.estate import Platform
from workflows.messaging import OutboxMessage

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class RecordingCore:
    """A stand-in for the conversation core: records each Inbound and answers ``outcome``.

    ``fail(exc, times)`` makes the next calls raise, like a database outage would.
    """

    def __init__(self) -> None:
        self.seen: list[Inbound] = []
        self.outcome = Outcome()
        self._failure: Exception | None = None
        self._failures_left = 0
        self._changed = asyncio.Event()

    def fail(self, exc: Exception, times: int = 1) -> None:
        self._failure, self._failures_left = exc, times

    async def __call__(self, inbound: Inbound) -> Outcome:
        self.seen.append(inbound)
        self._changed.set()
        if self._failure is not None and self._failures_left > 0:
            self._failures_left -= 1
            raise self._failure
        return self.outcome

    async def wait_for(self, count: int, within: float = 5.0) -> list[Inbound]:
        """Wait until ``count`` updates reached the core (for polling tests)."""
        async with asyncio.timeout(within):
            while len(self.seen) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.seen


def outbox(text: str = "您好", chat_id: str = "1001", **fields: Any) -> OutboxMessage:
    """An outbox row as the dispatcher hands it to a sender."""
    return OutboxMessage(
        channel=Platform.TELEGRAM,
        chat_id=chat_id,
        text=text,
        dedupe_key="test",
        created_at=T0,
        not_before=T0,
        **fields,
    )
