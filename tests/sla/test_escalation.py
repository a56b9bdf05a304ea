"""The warning, the missed timer and the ladder: assignee → supervisors (已知悉) → managers."""

from __future__ import annotations

from tests.sla.conftest import (
    GM_TG,
    GRID_1_2,
    MANAGERS,
    SUPERVISORS,
    at,
    file,
    rows_to,
    staff,
    sweep,
    texts,
    trail,
)
from workflows.escalation import acknowledge
from workflows.estate import Platform
from workflows.staff_actions import staff_action
from workflows.tickets import TicketKind, TicketLevel


def steps(events):
    return [(d["milestone"], d["step"], d["stage"]) for a, d in events if a == "escalated"]


async def ack(uow, ticket_id, letter, who, now):
    actor = await staff(uow, who)
    async with uow() as tx:
        result = await acknowledge(
            tx, ticket_id=ticket_id, milestone=letter, staff=actor,
            channel=Platform.TELEGRAM, now=now,
        )  # fmt: skip
        await tx.commit()
    return result


async def test_complaint_ladder_repeats_until_a_supervisor_acknowledges(uow, demo_estate):
    filed = await file(
        uow, demo_estate, kind=TicketKind.COMPLAINT, level=TicketLevel.GENERAL,
        summary="楼下装修噪音太大", now=at(24, 10),
    )  # fmt: skip
    t = filed.ticket
    await sweep(uow, at(24, 10, 9))
    assert steps(await trail(uow, t.id)) == []

    await sweep(uow, at(24, 10, 10))  # warning: step 1 only
    warning = (await texts(uow, GRID_1_2))[-1]
    assert "即将到期" in warning and "@王丽娟" in warning and t.number in warning
    assert "张*" in warning and "13905710218" not in warning  # masked resident

    await sweep(uow, at(24, 10, 15))  # missed: step 1 again, now as missed
    assert "已超时" in (await texts(uow, GRID_1_2))[-1]
    assert await texts(uow, SUPERVISORS) == []

    await sweep(uow, at(24, 10, 45))  # +30 min: supervisors, with the acknowledge button
    (alert,) = await rows_to(uow, SUPERVISORS)
    assert "升级提醒（主管）" in alert.text
    assert alert.buttons[0][0]["data"] == f"a:{t.id}:r"
    assert await texts(uow, MANAGERS) == []

    await sweep(uow, at(24, 11, 15))  # managers
    await sweep(uow, at(24, 11, 45))  # managers again: the last step repeats
    managers = await texts(uow, MANAGERS)
    assert len(managers) == 2 and all("管理层" in text for text in managers)
    assert await texts(uow, GM_TG) == []  # not an emergency

    refused = await ack(uow, t.id, "r", "700000001", at(24, 11, 50))  # a steward may not
    assert not refused.ok
    done = await ack(uow, t.id, "r", "700000011", at(24, 11, 50))
    assert done.ok
    again = await ack(uow, t.id, "r", "700000021", at(24, 11, 51))
    assert not again.ok and "陈静" in again.message and "已" in again.message

    await sweep(uow, at(24, 12, 15))
    await sweep(uow, at(24, 13, 30))
    assert len(await texts(uow, MANAGERS)) == 2  # stopped
    events = await trail(uow, t.id)
    assert steps(events) == [
        ("respond", 1, "warning"),
        ("respond", 1, "missed"),
        ("respond", 2, "missed"),
        ("respond", 3, "missed"),
        ("respond", 3, "missed"),
    ]
    assert [a for a, _ in events].count("acknowledged") == 1


async def test_emergency_ladder_runs_every_10_minutes_and_reaches_the_gm(uow, demo_estate):
    filed = await file(
        uow, demo_estate, kind=TicketKind.EMERGENCY, level=TicketLevel.EMERGENCY,
        summary="厨房水管爆了", now=at(24, 10),
    )  # fmt: skip
    t = filed.ticket
    await sweep(uow, at(24, 10, 20))  # respond and on-site both missed
    await sweep(uow, at(24, 10, 30))
    alerts = await rows_to(uow, SUPERVISORS)
    data = {row.buttons[0][0]["data"] for row in alerts if row.buttons and "升级" in row.text}
    assert data == {f"a:{t.id}:r", f"a:{t.id}:o"}
    await sweep(uow, at(24, 10, 40))
    assert len([x for x in await texts(uow, MANAGERS) if "管理层" in x]) == 2
    gm = await rows_to(uow, GM_TG)
    assert len(gm) == 2 and gm[0].recipient_kind == "staff"

    assert (await ack(uow, t.id, "o", "700000021", at(24, 10, 41))).ok  # manager
    await sweep(uow, at(24, 10, 50))
    late = [d for a, d in await trail(uow, t.id) if a == "escalated" and d["step"] == 3]
    assert [d["milestone"] for d in late] == ["respond", "on_site", "respond"]


async def test_estate_may_set_the_escalation_interval(uow, demo_estate, engine):
    from sqlalchemy import update

    from storage.schema import EstateRow

    async with uow() as tx:
        estate = await tx.directory.estate(demo_estate)
        config = {**estate.config, "escalation": {"normal_minutes": 5}}
        await tx.session.execute(update(EstateRow).values(config=config))
        await tx.commit()
    filed = await file(
        uow, demo_estate, kind=TicketKind.COMPLAINT, level=TicketLevel.GENERAL,
        summary="垃圾没有及时清运", now=at(24, 10),
    )  # fmt: skip
    await sweep(uow, at(24, 10, 15))
    await sweep(uow, at(24, 10, 20))
    assert len(await texts(uow, SUPERVISORS)) == 1
    assert steps(await trail(uow, filed.ticket.id))[-1] == ("respond", 2, "missed")


async def test_met_milestones_silence_their_timers(uow, demo_estate):
    filed = await file(
        uow, demo_estate, kind=TicketKind.EMERGENCY, level=TicketLevel.EMERGENCY,
        summary="厨房水管爆了", now=at(24, 10),
    )  # fmt: skip
    wang = await staff(uow, "700000001")
    for action, when in (("claim", at(24, 10, 5)), ("arrive", at(24, 10, 14))):
        async with uow() as tx:
            result = await staff_action(
                tx, ticket_id=filed.ticket.id, action=action, staff=wang,
                channel=Platform.TELEGRAM, now=when,
            )  # fmt: skip
            assert result.ok
            await tx.commit()
    report = await sweep(uow, at(24, 10, 30))
    assert any(key.endswith(":miss") for key in report.fired)  # they fired, and said nothing
    assert steps(await trail(uow, filed.ticket.id)) == []
    assert not [x for x in await texts(uow, GRID_1_2) if "提醒" in x]
    assert await texts(uow, SUPERVISORS) == [
        x for x in await texts(uow, SUPERVISORS) if "升级" not in x
    ]
