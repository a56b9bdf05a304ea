"""Fee scenarios: the demo estate, bills imported at a fixed moment, timers swept as cron does."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.engine import ConversationCore
from tests.bot.conftest import (
    GRID_1_2,
    RESIDENT_TG,
    STEWARD_TG,
    SUPERVISOR_TG,
    SUPERVISORS,
    Person,
    understand_fn,
)
from workflows.clock import FixedClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV_24_10AM = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
NEIGHBOUR_TG = "800000003"  # 周敏, 2-1-1101
HEADER = "unit,item,period,amount,due_date,paid_at\n"


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOV_24_10AM)


@pytest.fixture
def core(uow: object, clock: FixedClock, demo_estate: int) -> ConversationCore:
    from intents.textlibs import segmenter

    return ConversationCore(uow, clock, understand_fn(), segmenter().cut)  # type: ignore[arg-type]


@pytest.fixture
def resident(core: ConversationCore) -> Person:
    return Person(core, RESIDENT_TG, RESIDENT_TG, name="张伟")


@pytest.fixture
def neighbour(core: ConversationCore) -> Person:
    return Person(core, NEIGHBOUR_TG, NEIGHBOUR_TG, name="周敏")


@pytest.fixture
def supervisor(core: ConversationCore) -> Person:
    return Person(core, SUPERVISOR_TG, SUPERVISORS, is_group=True, name="陈静")


@pytest.fixture
def steward_in_grid(core: ConversationCore) -> Person:
    return Person(core, STEWARD_TG, GRID_1_2, is_group=True, name="王丽娟")


async def import_csv(uow: object, rows: str, *, now: datetime, estate_id: int = 1) -> object:
    from workflows.bill_import import import_bills

    return await import_bills(
        uow,  # type: ignore[arg-type]
        estate_id=estate_id,
        data=(HEADER + rows).encode("utf-8"),
        now=now,
        tz=SHANGHAI,
    )


async def pay_csv(uow: object, rows: str, *, now: datetime, estate_id: int = 1) -> object:
    from workflows.fee_payments import import_payments

    return await import_payments(
        uow,  # type: ignore[arg-type]
        estate_id=estate_id,
        data=("unit,item,period,paid_at,amount\n" + rows).encode("utf-8"),
        now=now,
    )


async def sweep(uow: object, at: datetime) -> object:
    """Exactly what ``guanjia timers run-due --at`` does after seeding recurring timers."""
    from workflows.sweep import run_due
    from workflows.timer_kinds import all_handlers, ensure_recurring

    async with uow() as tx:  # type: ignore[operator]
        await ensure_recurring(tx, now=at)
        await tx.commit()
    return await run_due(uow, all_handlers(), now=at, worker="test")  # type: ignore[arg-type]
