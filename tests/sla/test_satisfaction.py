"""Satisfaction sampling: ≥ 10 % of occupied households monthly, every grid each half year,
answers by buttons, the report's figures, and the written survey twice a year."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from sqlalchemy import select

from storage.schema import OutboxRow
from tests.bot.conftest import Person
from tests.sla.conftest import MANAGERS, at, sweep, texts
from workflows.estate import Platform
from workflows.satisfaction import choose
from workflows.satisfaction_ports import HouseholdContact, SatisfactionSurvey


async def surveys(uow, estate_id):
    async with uow() as tx:
        return await tx.satisfaction.sent_since(estate_id, datetime(2026, 1, 1, tzinfo=UTC))


async def test_a_tenth_of_households_are_asked_every_month_and_every_building_is_covered(
    uow, demo_estate
):
    await sweep(uow, at(1, 9, month=12))
    async with uow() as tx:
        households = await tx.satisfaction.households(demo_estate)
    sent = await surveys(uow, demo_estate)
    assert len(sent) >= math.ceil(len(households) / 10) and len(households) > 0
    reachable_buildings = {h.building_id for h in households if h.resident_id is not None}
    assert {s.building_id for s in sent} == reachable_buildings
    assert len({s.unit_id for s in sent}) == len(sent)  # one survey per household
    async with uow() as tx:
        rows = list(await tx.session.scalars(
            select(OutboxRow).where(OutboxRow.dedupe_key.like("satisfaction:%"))
        ))  # fmt: skip
    assert len(rows) == len(sent)
    first = rows[0]
    assert "满意度调查" in first.text and len(first.buttons) == 5
    assert first.buttons[1][2]["data"].endswith(":r:u")  # 维修 · 不满意
    await sweep(uow, at(1, 10, month=12))  # the same month again: nobody is asked twice
    assert len(await surveys(uow, demo_estate)) == len(sent)


async def test_answers_count_once_per_item_and_only_from_the_household_asked(
    uow, demo_estate, core
):
    await sweep(uow, at(1, 9, month=12))
    survey = (await surveys(uow, demo_estate))[0]
    async with uow() as tx:
        chat = await tx.residents.identity_of(survey.resident_id, Platform.TELEGRAM)
    assert chat is not None
    asked = Person(core, chat, chat)
    stranger = Person(core, "123456789", "123456789")
    assert (await asked.presses(f"sv:{survey.id}:o:s")).alert is False
    assert (await asked.presses(f"sv:{survey.id}:o:u")).alert is True  # already rated
    assert (await asked.presses(f"sv:{survey.id}:r:n")).alert is False
    assert (await stranger.presses(f"sv:{survey.id}:c:s")).alert is True
    (stored,) = [s for s in await surveys(uow, demo_estate) if s.id == survey.id]
    assert stored.ratings == {"o": "satisfied", "r": "neutral"}

    await sweep(uow, at(1, 9, month=1).replace(year=2027))  # January: December's report
    report = next(t for t in await texts(uow, MANAGERS) if "2026年12月投诉统计" in t)
    sent = len([s for s in await surveys(uow, demo_estate) if s.period == "2026-12"])
    assert f"满意度抽样：发出 {sent} 户，回收 1 户" in report
    assert "总体满意率：1/1（100.0%）" in report and "维修 0/1（0.0%）" in report
    assert any("书面满意度调查" in t and "上半年" in t for t in await texts(uow, MANAGERS))


def test_uncovered_buildings_come_first_then_households_not_asked_this_half_year():
    households = [HouseholdContact(unit, building, 100 + unit)
                  for unit, building in [(1, 1), (2, 1), (3, 1), (4, 2), (5, 3)]]  # fmt: skip
    households.append(HouseholdContact(6, 4, None))  # nobody reachable: the written survey
    asked = [SatisfactionSurvey(estate_id=1, period="2026-11", unit_id=1, building_id=1,
                                resident_id=101, sent_at=at(1, 9))]  # fmt: skip
    picked = choose(households, asked, target=4, seed="x")
    assert {h.building_id for h in picked[:2]} == {2, 3}  # buildings not yet covered
    assert {h.unit_id for h in picked[2:]} == {2, 3}  # then households not asked yet
    assert all(h.resident_id is not None for h in picked)
    assert choose(households, asked, target=4, seed="x") == picked  # reproducible
