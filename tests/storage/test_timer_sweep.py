"""The timer sweep: due order, once each, retries, unknown kinds, concurrent sweepers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from workflows.messaging import Timer, TimerState
from workflows.sweep import MAX_ATTEMPTS, run_due

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


async def schedule(uow, *timers: Timer) -> None:
    async with uow() as tx:
        for timer in timers:
            await tx.timers.schedule(timer)
        await tx.commit()


def timer(key: str, minutes_ago: int, kind: str = "note") -> Timer:
    return Timer(kind=kind, due_at=NOW - timedelta(minutes=minutes_ago), dedupe_key=key)


async def test_catch_up_fires_in_due_order_once_each(uow):
    await schedule(uow, timer("b", 5), timer("a", 60), timer("c", 1), timer("later", -10))
    fired: list[str] = []

    async def note(tx, t, now):
        fired.append(t.dedupe_key)

    report = await run_due(uow, {"note": note}, now=NOW, worker="w")
    assert fired == ["a", "b", "c"] and report.fired == fired
    again = await run_due(uow, {"note": note}, now=NOW, worker="w")
    assert again.count == 0 and fired == ["a", "b", "c"]


async def test_a_failing_handler_rolls_back_its_writes_and_retries_later(uow):
    await schedule(uow, timer("flaky", 1, kind="flaky"))
    calls = 0

    async def flaky(tx, t, now):
        nonlocal calls
        calls += 1
        await tx.timers.schedule(Timer(kind="side", due_at=now, dedupe_key=f"side-{calls}"))
        if calls == 1:
            raise RuntimeError("database hiccup")

    first = await run_due(uow, {"flaky": flaky}, now=NOW, worker="w")
    assert first.failed == ["flaky"]
    async with uow() as tx:
        assert (
            await tx.timers.claim_due(now=NOW, worker="peek", limit=10, lease_seconds=1) == []
        )  # the side effect of the failed attempt was rolled back; retry is not due yet
    second = await run_due(uow, {"flaky": flaky}, now=NOW + timedelta(minutes=5), worker="w")
    assert "flaky" in second.fired and calls == 2


async def test_unknown_kinds_and_exhausted_retries_are_kept_as_failed(uow):
    await schedule(uow, timer("mystery", 1, kind="no-such-kind"), timer("doomed", 1, kind="boom"))

    async def boom(tx, t, now):
        raise ValueError("always")

    report = await run_due(uow, {"boom": boom}, now=NOW, worker="w")
    assert report.unknown == ["mystery"] and report.failed == ["doomed"]
    later = NOW
    for _ in range(MAX_ATTEMPTS + 1):
        later += timedelta(hours=2)
        await run_due(uow, {"boom": boom}, now=later, worker="w")
    async with uow() as tx:
        from sqlalchemy import select

        from storage.schema import TimerRow

        states = dict((await tx.session.execute(select(TimerRow.dedupe_key, TimerRow.state))).all())
    assert states == {"mystery": TimerState.FAILED.value, "doomed": TimerState.FAILED.value}


async def test_two_sweepers_fire_each_timer_once(uow):
    await schedule(uow, *(timer(f"t{n}", n) for n in range(30)))
    fired: list[str] = []

    async def note(tx, t, now):
        await asyncio.sleep(0)
        fired.append(t.dedupe_key)

    await asyncio.gather(
        run_due(uow, {"note": note}, now=NOW, worker="p1", batch=3),
        run_due(uow, {"note": note}, now=NOW, worker="p2", batch=3),
    )
    assert sorted(fired) == sorted(f"t{n}" for n in range(30))
