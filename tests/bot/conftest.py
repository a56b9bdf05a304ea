"""A conversation harness: real core, real database, real classifier, no platform at all."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.core.engine import ConversationCore
from bot.core.inbound import Contact, Inbound, InboundKind, Outcome
from storage.schema import OutboxRow, TicketRow
from workflows.clock import FixedClock
from workflows.estate import Platform

TUESDAY_10AM = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # 10:00 Tuesday in Shanghai
RESIDENT_TG = "800000001"  # 张伟, 1-1-1502, bound in the demo estate
RESIDENT_PHONE = "13905710218"
STEWARD_TG = "700000001"  # 王丽娟, grid 1-2, off on Mondays
OTHER_STEWARD_TG = "700000003"  # 赵雅婷, grid 5-6
SUPERVISOR_TG = "700000011"
GRID_1_2 = "-1001000000101"
SUPERVISORS = "-1001000000201"
_update_ids = itertools.count(1000)


@dataclass
class Person:
    """Someone typing into a chat, the way a conversation test reads."""

    core: ConversationCore
    user_id: str
    chat_id: str
    is_group: bool = False
    name: str = "测试用户"
    outcomes: list[Outcome] = field(default_factory=list)

    async def _send(self, kind: InboundKind, **values: object) -> Outcome:
        inbound = Inbound(
            channel=Platform.TELEGRAM,
            update_id=str(next(_update_ids)),
            chat_id=self.chat_id,
            user_id=self.user_id,
            kind=kind,
            is_group=self.is_group,
            user_name=self.name,
            **values,  # type: ignore[arg-type]
        )
        outcome = await self.core.handle(inbound)
        self.outcomes.append(outcome)
        return outcome

    async def says(self, text: str) -> Outcome:
        return await self._send(InboundKind.TEXT, text=text, message_id="1")

    async def command(self, name: str, args: str = "") -> Outcome:
        return await self._send(InboundKind.COMMAND, command=name, command_args=args)

    async def shares_contact(self, phone: str, owner: str | None = None) -> Outcome:
        return await self._send(
            InboundKind.CONTACT, contact=Contact(phone=phone, user_id=owner or self.user_id)
        )

    async def presses(self, data: str) -> Outcome:
        return await self._send(
            InboundKind.BUTTON, button_data=data, callback_id="cb", button_message_id="9"
        )

    async def sends_photo(self, ref: str, caption: str = "") -> Outcome:
        return await self._send(InboundKind.PHOTO, photo_ref=ref, text=caption)

    async def sends(self, what: str) -> Outcome:
        return await self._send(InboundKind.UNSUPPORTED, unsupported_what=what)


async def messages_to(uow: object, chat_id: str) -> list[OutboxRow]:
    async with uow() as tx:  # type: ignore[operator]
        rows = list(
            await tx.session.scalars(
                select(OutboxRow).where(OutboxRow.chat_id == chat_id).order_by(OutboxRow.id)
            )
        )
        tx.session.expunge_all()  # plain values, readable after the session closes
        return rows


async def texts_to(uow: object, chat_id: str) -> list[str]:
    return [row.text for row in await messages_to(uow, chat_id)]


async def tickets(uow: object) -> list[TicketRow]:
    async with uow() as tx:  # type: ignore[operator]
        rows = list(await tx.session.scalars(select(TicketRow).order_by(TicketRow.id)))
        tx.session.expunge_all()
        return rows


def understand_fn() -> object:
    import intents

    intents.load_classifier()
    return intents.classify


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TUESDAY_10AM)


@pytest.fixture
def core(uow: object, clock: FixedClock, demo_estate: int) -> ConversationCore:
    from intents.textlibs import segmenter

    return ConversationCore(uow, clock, understand_fn(), segmenter().cut)  # type: ignore[arg-type]


@pytest.fixture
def resident(core: ConversationCore) -> Person:
    return Person(core, RESIDENT_TG, RESIDENT_TG, name="张伟")


@pytest.fixture
def stranger(core: ConversationCore) -> Person:
    return Person(core, "555000111", "555000111", name="Stranger")


@pytest.fixture
def steward(core: ConversationCore) -> Person:
    return Person(core, STEWARD_TG, GRID_1_2, is_group=True, name="王丽娟")


@pytest.fixture
def other_steward(core: ConversationCore) -> Person:
    return Person(core, OTHER_STEWARD_TG, GRID_1_2, is_group=True, name="赵雅婷")


@pytest.fixture
def supervisor(core: ConversationCore) -> Person:
    return Person(core, SUPERVISOR_TG, GRID_1_2, is_group=True, name="陈静")
