"""Reminders follow the real balance: scheduled on import, private, capped, stopped by payment."""

from __future__ import annotations

from sqlalchemy import select

from storage.schema import BillAdjustmentRow, OutboxRow, TimerRow
from tests.bot.conftest import GRID_1_2, RESIDENT_TG, messages_to, texts_to
from tests.fees.conftest import NEIGHBOUR_TG, NOV_24_10AM, import_csv, local, pay_csv, sweep

DECEMBER = "1-1-1502,property,2026-12,250.60,2026-12-15,\n"


async def reminder_timers(uow: object, state: str = "pending") -> list[TimerRow]:
    async with uow() as tx:  # type: ignore[operator]
        rows = list(
            await tx.session.scalars(
                select(TimerRow)
                .where(TimerRow.kind == "fee.remind", TimerRow.state == state)
                .order_by(TimerRow.due_at)
            )
        )
        tx.session.expunge_all()
        return rows


async def group_texts(uow: object) -> list[str]:
    async with uow() as tx:  # type: ignore[operator]
        return list(
            await tx.session.scalars(select(OutboxRow.text).where(OutboxRow.chat_id.like("-%")))
        )


async def test_import_remind_pay_stop(uow, demo_estate):
    await import_csv(uow, DECEMBER, now=NOV_24_10AM)
    due = [t.due_at for t in await reminder_timers(uow)]
    # The demo estate reminds 7 days and 1 day before the due date, and on it, at 10:00.
    assert due == [local(2026, 12, 8), local(2026, 12, 14), local(2026, 12, 15)]

    await sweep(uow, local(2026, 12, 8))
    (reminder,) = await messages_to(uow, RESIDENT_TG)
    assert "张伟您好" in reminder.text and "1栋1单元1502" in reminder.text
    assert "物业费 2026-12：¥250.60，请于2026-12-15前缴纳" in reminder.text
    assert "https://pay.example.com/lanting" in reminder.text
    assert not await group_texts(uow)  # never in a group

    report = await pay_csv(
        uow, "1-1-1502,property,2026-12,2026-12-10,250.60\n", now=local(2026, 12, 10)
    )
    assert report.updated == 1 and report.committed  # type: ignore[attr-defined]
    assert await reminder_timers(uow) == []  # pending reminders cancelled on payment import
    assert len(await reminder_timers(uow, "cancelled")) == 2

    await sweep(uow, local(2026, 12, 15))
    assert len(await messages_to(uow, RESIDENT_TG)) == 1  # nothing after the payment


async def test_reminder_rechecks_the_balance_when_it_fires(uow, demo_estate, core, steward_in_grid):
    await import_csv(uow, DECEMBER, now=NOV_24_10AM)
    core.clock.current = local(2026, 12, 7, 16)
    await steward_in_grid.command("paid", "1-1-1502 物业费 2026-12")
    assert "已登记缴费：1-1-1502 物业费 2026-12" in (await texts_to(uow, GRID_1_2))[-1]
    await sweep(uow, local(2026, 12, 16))
    assert await texts_to(uow, RESIDENT_TG) == []


async def test_re_import_is_idempotent_and_a_changed_amount_is_an_adjustment(uow, demo_estate):
    first = await import_csv(uow, DECEMBER, now=NOV_24_10AM)
    again = await import_csv(uow, DECEMBER, now=NOV_24_10AM)
    assert (first.created, again.unchanged) == (1, 1)  # type: ignore[attr-defined]
    assert len(await reminder_timers(uow)) == 3
    changed = await import_csv(uow, DECEMBER.replace("250.60", "260.60"), now=local(2026, 11, 25))
    assert changed.updated == 1  # type: ignore[attr-defined]
    async with uow() as tx:
        (adjustment,) = list(await tx.session.scalars(select(BillAdjustmentRow)))
        bill = await tx.bills.get(adjustment.bill_id)
        assert (adjustment.old_fen, adjustment.new_fen) == (25060, 26060)
    assert bill.amount_fen == 26060
    assert len(await reminder_timers(uow)) == 3  # a re-import adds no reminders


async def test_at_most_one_reminder_per_household_per_day(uow, demo_estate):
    await import_csv(
        uow,
        DECEMBER + "1-1-1502,parking,2026-12,300.00,2026-12-16,\n",
        now=NOV_24_10AM,
    )
    await sweep(uow, local(2026, 12, 8, 18))  # the sweep ran late: 18:00
    await sweep(uow, local(2026, 12, 9, 10))  # the parking bill's 7-day reminder: capped
    texts = await texts_to(uow, RESIDENT_TG)
    assert len(texts) == 1 and "物业费" in texts[0]
    assert "停车费" not in texts[0]  # due in 8 days: beyond the 7-day horizon on 12-08
    await sweep(uow, local(2026, 12, 9, 18))  # deferred until 24 hours had passed
    texts = await texts_to(uow, RESIDENT_TG)
    assert len(texts) == 2 and "停车费 2026-12：¥300.00" in texts[1] and "合计 ¥550.60" in texts[1]


async def test_reminders_wait_for_the_end_of_quiet_hours(uow, demo_estate):
    await import_csv(uow, DECEMBER, now=NOV_24_10AM)
    await sweep(uow, local(2026, 12, 8, 22, 30))  # the machine was down until 22:30
    (reminder,) = await messages_to(uow, RESIDENT_TG)
    assert reminder.not_before == local(2026, 12, 9, 8) and not reminder.urgent


async def test_two_households_never_see_each_others_bills(uow, demo_estate, resident, neighbour):
    await import_csv(
        uow,
        "1-1-1502,property,2026-11,250.60,2026-11-15,\n"
        "2-1-1101,property,2026-11,313.60,2026-11-15,\n",
        now=NOV_24_10AM,
    )
    await sweep(uow, NOV_24_10AM)
    mine, theirs = await texts_to(uow, RESIDENT_TG), await texts_to(uow, NEIGHBOUR_TG)
    assert "250.60" in mine[0] and "313.60" not in mine[0] and "2栋" not in mine[0]
    assert "313.60" in theirs[0] and "250.60" not in theirs[0] and "1栋" not in theirs[0]
    await resident.command("fees")
    await neighbour.says("还欠多少物业费")
    mine, theirs = await texts_to(uow, RESIDENT_TG), await texts_to(uow, NEIGHBOUR_TG)
    assert "1栋1单元1502" in mine[-1] and "2栋" not in mine[-1] and "313.60" not in mine[-1]
    assert "2栋1单元1101" in theirs[-1] and "1栋" not in theirs[-1] and "250.60" not in theirs[-1]
    assert not [t for t in await group_texts(uow) if "250.60" in t or "313.60" in t]
