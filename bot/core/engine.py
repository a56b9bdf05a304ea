"""The conversation core: one entry point for every channel.

``handle`` resolves who is speaking, loads their dialogue state from the database, routes the
message, and commits replies, tickets and the processed-update mark in one transaction. A lost
race (two processes, one chat) is retried from a fresh read.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.core import routing
from bot.core.batching import TurnBatcher
from bot.core.inbound import Inbound, InboundKind, Outcome
from bot.core.ports import Tokenize, Understand
from bot.core.turn import Turn
from intents.language import detect_language
from workflows.clock import Clock
from workflows.estate import Estate
from workflows.faq import FaqIndex
from workflows.ports import ConcurrentUpdate, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger("guanjia.core")
MAX_TEXT = 4000  # longer messages are cut before understanding; the resident is told
CACHE_SECONDS = 30.0  # estate config and FAQ edits reach every process within this


class ConversationCore:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        understand: Understand,
        tokenize: Tokenize | None = None,
        *,
        group_commit: bool = True,
    ) -> None:
        self._uow = uow
        self._batcher = (
            TurnBatcher(self._handle_together, self.handle_alone) if group_commit else None
        )
        self.clock = clock
        self.understand = understand
        self.tokenize = tokenize
        self._faq: dict[int, tuple[float, int, FaqIndex]] = {}
        self._estates: dict[int, tuple[float, Estate]] = {}

    async def handle(self, inbound: Inbound) -> Outcome:
        """Handle one message; under load, with group commit on, it shares a transaction with
        other chats' turns (bot.core.batching), with the same result as handling it alone."""
        if self._batcher is None:
            return await self.handle_alone(inbound)
        return await self._batcher.submit(inbound)

    async def handle_alone(self, inbound: Inbound) -> Outcome:
        for attempt in range(3):
            try:
                async with self._uow() as uow:
                    outcome = await self._turn(uow, inbound)
                    await uow.commit()
                    return outcome
            except ConcurrentUpdate:
                log.info("conversation race on %s, retry %d", inbound.chat_id, attempt + 1)
        return Outcome(ack="系统繁忙，请稍后再试。", alert=True, handled=False)

    async def _handle_together(self, inbounds: Sequence[Inbound]) -> list[Outcome]:
        async with self._uow() as uow:
            outcomes = [await self._turn(uow, inbound) for inbound in inbounds]
            await uow.commit()
        return outcomes

    async def _turn(self, uow: UnitOfWork, inbound: Inbound) -> Outcome:
        now = self.clock.now()
        fresh = await uow.inbound.start_processing(inbound.channel, inbound.update_id, at=now)
        if not fresh:
            return Outcome(handled=False)  # a replay: it was answered already
        turn = await self._open(uow, inbound, now)
        loaded = turn.conversation
        outcome = await self._route(turn)
        if turn.conversation != loaded:
            await uow.conversations.save(turn.conversation, at=turn.now)
        return outcome

    async def _open(self, uow: UnitOfWork, inbound: Inbound, now: datetime) -> Turn:
        conversation = await uow.conversations.load(
            inbound.channel, inbound.chat_id, inbound.user_id
        )
        turn = Turn(uow=uow, inbound=inbound, now=now, conversation=conversation)
        turn.resident = await uow.residents.by_identity(inbound.channel, inbound.user_id)
        if turn.resident is None or inbound.is_group or inbound.kind is InboundKind.BUTTON:
            turn.staff = await uow.directory.staff_by_identity(inbound.channel, inbound.user_id)
        turn.estate = await self._estate_of(turn)
        stored = conversation.data.get("lang")
        if turn.resident is not None:
            turn.language = turn.resident.language
        elif isinstance(stored, str):
            turn.language = stored
        if inbound.text and inbound.kind is InboundKind.TEXT:
            detected = detect_language(inbound.text[:500]).value
            if detected != turn.language and _says_something(inbound.text):
                turn.language = detected
                turn.remember("lang", detected)
                if turn.resident is not None:
                    await uow.residents.set_language(turn.resident.id, detected)
        if len(inbound.text) > MAX_TEXT:
            turn.inbound = replace(inbound, text=inbound.text[:MAX_TEXT])
            turn.remember("truncated", True)
        return turn

    async def _estate_of(self, turn: Turn) -> Estate | None:
        uow = turn.uow
        if turn.resident is not None:
            return await self._cached_estate(uow, turn.resident.estate_id)
        if turn.staff is not None:
            return await self._cached_estate(uow, turn.staff.estate_id)
        remembered = turn.conversation.data.get("estate_id")
        if isinstance(remembered, int):
            return await self._cached_estate(uow, remembered)
        if turn.inbound.is_group:
            group = await uow.directory.group_by_chat(turn.inbound.channel, turn.inbound.chat_id)
            if group is not None:
                return await uow.directory.estate(group.estate_id)
        estates = await uow.directory.estates()
        return estates[0] if len(estates) == 1 else None

    async def _cached_estate(self, uow: UnitOfWork, estate_id: int) -> Estate | None:
        """Estates change only when the estate file is reloaded: cache them briefly."""
        hit = self._estates.get(estate_id)
        if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        estate = await uow.directory.estate(estate_id)
        if estate is not None:
            self._estates[estate_id] = (time.monotonic(), estate)
        return estate

    async def faq_index(self, turn: Turn) -> FaqIndex | None:
        """The estate's FAQ index, rebuilt at most every CACHE_SECONDS when entries change."""
        if turn.estate is None:
            return None
        cached = self._faq.get(turn.estate.id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[2]
        entries = await turn.uow.directory.faq(turn.estate.id)
        signature = hash(tuple((e.id, e.question, e.answer) for e in entries))
        if cached is None or cached[1] != signature:
            cached = (time.monotonic(), signature, FaqIndex(entries, self.tokenize))
        else:
            cached = (time.monotonic(), signature, cached[2])
        self._faq[turn.estate.id] = cached
        return cached[2]

    def forget_caches(self) -> None:
        """Drop cached estates and FAQ indexes (after an estate reload or an FAQ edit)."""
        self._estates.clear()
        self._faq.clear()

    async def _route(self, turn: Turn) -> Outcome:
        return await routing.route(self, turn)


_MARKUP = re.compile(r"<[^>]*>|https?://\S+|[^\w\s]")


def _says_something(text: str) -> bool:
    """Enough real words to decide a language: markup, links and symbols do not count, so a
    pasted ``<img onerror=…>`` cannot switch a Chinese speaker's replies to English."""
    words = _MARKUP.sub(" ", text)
    cjk = sum(1 for ch in words if "\u4e00" <= ch <= "\u9fff")
    latin_words = [w for w in words.split() if w.isascii() and w.isalpha() and len(w) > 1]
    return cjk >= 2 or len(latin_words) >= 2
