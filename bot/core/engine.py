"""The conversation core: one entry point for every channel.

``handle`` resolves who is speaking, loads their dialogue state from the database, routes the
message, and commits replies, tickets and the processed-update mark in one transaction. A lost
race (two processes, one chat) is retried from a fresh read.
"""

from __future__ import annotations

import logging
from dataclasses import replace

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


class ConversationCore:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        understand: Understand,
        tokenize: Tokenize | None = None,
    ) -> None:
        self._uow = uow
        self.clock = clock
        self.understand = understand
        self.tokenize = tokenize
        self._faq: dict[int, tuple[int, FaqIndex]] = {}

    async def handle(self, inbound: Inbound) -> Outcome:
        for attempt in range(3):
            try:
                async with self._uow() as uow:
                    if await uow.inbound.is_processed(inbound.channel, inbound.update_id):
                        return Outcome(handled=False)  # a replay: it was answered already
                    turn = await self._open(uow, inbound)
                    outcome = await self._route(turn)
                    await uow.conversations.save(turn.conversation, at=turn.now)
                    await uow.inbound.mark_processed(
                        inbound.channel, inbound.update_id, at=turn.now
                    )
                    await uow.commit()
                    return outcome
            except ConcurrentUpdate:
                log.info("conversation race on %s, retry %d", inbound.chat_id, attempt + 1)
        return Outcome(ack="系统繁忙，请稍后再试。", alert=True, handled=False)

    async def _open(self, uow: UnitOfWork, inbound: Inbound) -> Turn:
        now = self.clock.now()
        conversation = await uow.conversations.load(
            inbound.channel, inbound.chat_id, inbound.user_id
        )
        turn = Turn(uow=uow, inbound=inbound, now=now, conversation=conversation)
        turn.resident = await uow.residents.by_identity(inbound.channel, inbound.user_id)
        turn.staff = await uow.directory.staff_by_identity(inbound.channel, inbound.user_id)
        turn.estate = await self._estate_of(turn)
        stored = conversation.data.get("lang")
        if turn.resident is not None:
            turn.language = turn.resident.language
        elif isinstance(stored, str):
            turn.language = stored
        if inbound.text and inbound.kind is InboundKind.TEXT:
            detected = detect_language(inbound.text[:500]).value
            if detected != turn.language and _has_letters(inbound.text):
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
            return await uow.directory.estate(turn.resident.estate_id)
        if turn.staff is not None:
            return await uow.directory.estate(turn.staff.estate_id)
        remembered = turn.conversation.data.get("estate_id")
        if isinstance(remembered, int):
            return await uow.directory.estate(remembered)
        if turn.inbound.is_group:
            group = await uow.directory.group_by_chat(turn.inbound.channel, turn.inbound.chat_id)
            if group is not None:
                return await uow.directory.estate(group.estate_id)
        estates = await uow.directory.estates()
        return estates[0] if len(estates) == 1 else None

    async def faq_index(self, turn: Turn) -> FaqIndex | None:
        """The estate's FAQ index, rebuilt only when the entries change."""
        if turn.estate is None:
            return None
        entries = await turn.uow.directory.faq(turn.estate.id)
        signature = hash(tuple((e.id, e.question, e.answer) for e in entries))
        cached = self._faq.get(turn.estate.id)
        if cached is None or cached[0] != signature:
            cached = (signature, FaqIndex(entries, self.tokenize))
            self._faq[turn.estate.id] = cached
        return cached[1]

    async def _route(self, turn: Turn) -> Outcome:
        from bot.core import routing

        return await routing.route(self, turn)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)
