"""The outbox dispatcher: sends what the transactions wrote, paced, ordered, retried.

Messages to one chat go out in order; chats proceed in parallel. Pacing follows Telegram's
limits (about 1 message/s per chat, 20/min per group, 30/s overall); a 429 waits the
``retry_after`` it names; server errors and timeouts back off; a 403 marks the resident
unreachable and asks a steward to phone them. Every outcome is written back, so after a restart
nothing is sent twice and nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.core.localise import localise
from bot.core.sending import RateLimited, Rejected, Sender, Transient, Unreachable
from workflows.clock import Clock
from workflows.estate import Platform
from workflows.messaging import OutboxMessage, RecipientKind
from workflows.ports import UnitOfWorkFactory
from workflows.reachability import resident_unreachable

log = logging.getLogger("guanjia.outbox")
MAX_ATTEMPTS = 8


@dataclass
class Pacing:
    private_interval: float = 1.0
    group_interval: float = 3.0  # 20 per minute
    per_second: float = 30.0
    max_inline_wait: float = 1.5  # longer waits give the message back to the table
    _last: dict[str, float] = field(default_factory=dict)
    _global_next: float = 0.0
    paused_until: float = 0.0

    def wait_for(self, message: OutboxMessage) -> float:
        now = time.monotonic()
        interval = (
            self.group_interval
            if message.recipient_kind is RecipientKind.GROUP
            else self.private_interval
        )
        chat_ready = self._last.get(message.chat_id, 0.0) + interval
        return max(0.0, chat_ready - now, self._global_next - now, self.paused_until - now)

    def sent(self, message: OutboxMessage) -> None:
        now = time.monotonic()
        self._last[message.chat_id] = now
        self._global_next = max(self._global_next, now) + 1.0 / self.per_second


class OutboxDispatcher:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        senders: Mapping[Platform, Sender],
        *,
        worker: str,
        pacing: Pacing | None = None,
        batch: int = 100,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._senders = dict(senders)
        self._worker = worker
        self.pacing = pacing or Pacing()
        self._batch = batch
        self.wake = asyncio.Event()

    def register(self, channel: Platform, sender: Sender) -> None:
        """Add a channel's sender (drivers start after the dispatcher is built)."""
        self._senders[channel] = sender

    async def run_once(self) -> int:
        """Claim what is ready and send it; returns how many messages were handled."""
        if not self._senders:
            return 0
        async with self._uow() as uow:
            claimed = await uow.outbox.claim_ready(
                now=self._clock.now(),
                worker=self._worker,
                limit=self._batch,
                lease_seconds=120,
                channels=list(self._senders),
            )
            await uow.commit()
        by_chat: dict[tuple[Platform, str], list[OutboxMessage]] = defaultdict(list)
        for message in claimed:
            by_chat[(message.channel, message.chat_id)].append(message)
        await asyncio.gather(*(self._send_chat(messages) for messages in by_chat.values()))
        return len(claimed)

    async def run_forever(self, *, idle_seconds: float = 1.0) -> None:
        """Loop until cancelled; ``wake`` is set by whoever just committed new messages."""
        while True:
            try:
                handled = await self.run_once()
            except Exception:  # a database blip must not kill the loop
                log.exception("outbox sweep failed; retrying")
                handled = 0
            if handled == 0:
                self.wake.clear()
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a
                # cancellation that arrives as the wake is set, and shutdown waited for ever.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(idle_seconds):
                        await self.wake.wait()

    async def _send_chat(self, messages: list[OutboxMessage]) -> None:
        paced = self._senders[messages[0].channel].rate_limited
        for index, message in enumerate(messages):
            wait = self.pacing.wait_for(message) if paced else 0.0
            if wait > self.pacing.max_inline_wait:
                await self._defer(messages[index:], wait)
                return
            if wait:
                await asyncio.sleep(wait)
            await self._send_one(message)

    async def _defer(self, messages: list[OutboxMessage], wait: float) -> None:
        later = self._clock.now() + timedelta(seconds=wait)
        async with self._uow() as uow:
            for offset, message in enumerate(messages):
                assert message.id is not None
                await uow.outbox.defer(
                    message.id, not_before=later + timedelta(milliseconds=offset)
                )
            await uow.commit()

    async def _edit_target(self, message: OutboxMessage) -> tuple[str | None, bool]:
        """The platform message to edit, and whether to wait for it to be sent first."""
        if message.edit_message_id:
            return message.edit_message_id, False
        if message.edit_of is None:
            return None, False
        async with self._uow() as uow:
            original = await uow.outbox.get(message.edit_of)
        if original is None or original.state.value == "dead":
            return None, False  # nothing to edit: send the new state as a message
        if original.sent_message_id is None:
            return None, True
        return original.sent_message_id, False

    async def _send_one(self, message: OutboxMessage) -> None:
        assert message.id is not None
        sender = self._senders[message.channel]
        edit_id, wait_for_original = await self._edit_target(message)
        if wait_for_original:
            await self._defer([message], 2.0)
            return
        try:
            sent = await sender.send(localise(message), edit_message_id=edit_id)
        except RateLimited as exc:
            self.pacing.paused_until = time.monotonic() + exc.retry_after
            await self._retry(message, str(exc), exc.retry_after)
        except Transient as exc:
            if message.attempts >= MAX_ATTEMPTS:
                await self._dead(message, f"gave up: {exc}")
            else:
                await self._retry(message, str(exc), min(2.0**message.attempts, 300.0))
        except Unreachable as exc:
            await self._unreachable(message, str(exc))
        except Rejected as exc:
            if edit_id is not None:  # the card vanished: post the new state instead
                try:
                    sent = await sender.send(localise(message), edit_message_id=None)
                except Exception as retry_exc:
                    await self._dead(message, f"rejected: {retry_exc}")
                    return
                await self._sent(message, sent.message_id)
                return
            await self._dead(message, f"rejected: {exc}")
        else:
            if sender.rate_limited:
                self.pacing.sent(message)
            await self._sent(message, sent.message_id)

    async def _sent(self, message: OutboxMessage, message_id: str) -> None:
        assert message.id is not None
        async with self._uow() as uow:
            await uow.outbox.mark_sent(message.id, at=self._clock.now(), sent_message_id=message_id)
            await uow.commit()

    async def _retry(self, message: OutboxMessage, error: str, after: float) -> None:
        assert message.id is not None
        async with self._uow() as uow:
            await uow.outbox.retry_later(
                message.id,
                error=error,
                not_before=self._clock.now() + timedelta(seconds=after),
            )
            await uow.commit()

    async def _dead(self, message: OutboxMessage, error: str) -> None:
        assert message.id is not None
        log.warning("outbox %s dead: %s", message.id, error)
        async with self._uow() as uow:
            await uow.outbox.mark_dead(message.id, error=error)
            await uow.commit()

    async def _unreachable(self, message: OutboxMessage, error: str) -> None:
        assert message.id is not None
        async with self._uow() as uow:
            await uow.outbox.mark_dead(message.id, error=f"unreachable: {error}")
            if message.recipient_kind is RecipientKind.RESIDENT and message.recipient_id:
                await resident_unreachable(
                    uow,
                    resident_id=message.recipient_id,
                    now=self._clock.now(),
                    undelivered=message.text,
                )
            await uow.commit()
