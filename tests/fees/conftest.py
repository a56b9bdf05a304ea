"""Fee scenarios: the demo estate, bills imported at a fixed moment, timers swept as cron does."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.engine import ConversationCore
from tests.bot.conftest import (  # noqa: F401  (clock, core, resident: fixtures)
    GRID_1_2,
    RESIDENT_TG,
    STEWARD_TG,
    SUPERVISOR_TG,
    SUPERVISORS,
    TUESDAY_10AM,
    Person,
    clock,
    core,
    resident,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV_24_10AM = TUESDAY_10AM  # the harness clock's start: Tuesday 10:00 in Shanghai
NEIGHBOUR_TG = "800000003"  # 周敏, 2-1-1101
HEADER = "unit,item,period,amount,due_date,paid_at\n"


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def neighbour(core: ConversationCore) -> Person:  # noqa: F811 - the imported fixture
    return Person(core, NEIGHBOUR_TG, NEIGHBOUR_TG, name="周敏")


@pytest.fixture
def supervisor(core: ConversationCore) -> Person:  # noqa: F811 - the imported fixture
    """The supervisor typing in the supervisors' group (where /arrears is allowed)."""
    return Person(core, SUPERVISOR_TG, SUPERVISORS, is_group=True, name="陈静")


@pytest.fixture
def steward_in_grid(core: ConversationCore) -> Person:  # noqa: F811 - the imported fixture
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
