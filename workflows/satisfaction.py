"""Satisfaction sampling: at least 10 % of occupied households asked every month, every grid
covered each half year, and a written survey reminder twice a year.

Runs with the monthly report. Households are picked so coverage comes first — one household in
every building not yet asked this half year — then households not asked this half year, then
any; the order within a tier is a shuffle seeded by estate and month, so a rerun of the same
month picks the same households (and the unique period/unit key makes it send nothing twice).
Only households with a resident reachable in chat can be asked here; the written surveys reach
the others. Answers come back as buttons, one row per item; each item counts once.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.clocks import levels_of
from workflows.estate import Estate, GroupPurpose, Resident
from workflows.fees import Rating
from workflows.messaging import Button
from workflows.notify import push_to_resident, to_purpose_groups
from workflows.ports import UnitOfWork
from workflows.satisfaction_ports import HouseholdContact, SatisfactionSurvey
from workflows.ticket_views import ActionResult

ITEMS = (("o", "总体"), ("r", "维修"), ("c", "保洁"), ("s", "安保"), ("k", "客服"))
ITEM_NAMES = dict(ITEMS)
CODES = {"s": Rating.SATISFIED, "n": Rating.NEUTRAL, "u": Rating.UNSATISFIED}
WORDS = {Rating.SATISFIED: "满意", Rating.NEUTRAL: "一般", Rating.UNSATISFIED: "不满意"}
WRITTEN_SURVEY_MONTHS = (1, 7)


def half_year_start(local: datetime) -> datetime:
    return local.replace(month=1 if local.month <= 6 else 7, day=1, hour=0, minute=0, second=0,
                         microsecond=0)  # fmt: skip


def choose(
    households: Sequence[HouseholdContact],
    asked_this_half: Sequence[SatisfactionSurvey],
    *,
    target: int,
    seed: str,
) -> list[HouseholdContact]:
    """Which reachable households to ask, coverage of buildings first (see the module doc)."""
    covered = {s.building_id for s in asked_this_half}
    asked_units = {s.unit_id for s in asked_this_half}
    candidates = [h for h in households if h.resident_id is not None]
    random.Random(seed).shuffle(candidates)
    picked: list[HouseholdContact] = []
    for building in sorted({h.building_id for h in candidates} - covered):
        picked.append(next(h for h in candidates if h.building_id == building))
    for fresh in (True, False):
        for household in candidates:
            if len(picked) >= target:
                return picked
            if household not in picked and (household.unit_id not in asked_units) == fresh:
                picked.append(household)
    return picked


async def sample_households(uow: UnitOfWork, estate: Estate, *, now: datetime) -> int:
    """Send this month's surveys (idempotent within the month); the number sent now."""
    local = now.astimezone(ZoneInfo(estate.timezone))
    period = f"{local:%Y-%m}"
    households = await uow.satisfaction.households(estate.id)
    percent = levels_of(estate).satisfaction_sample_percent
    target = math.ceil(len(households) * percent / 100)
    asked = await uow.satisfaction.sent_since(estate.id, half_year_start(local))
    this_month = [s for s in asked if s.period == period]
    if target == 0 or this_month:
        return 0
    sent = 0
    for household in choose(households, asked, target=target, seed=f"{estate.id}:{period}"):
        assert household.resident_id is not None
        survey = await uow.satisfaction.add(
            SatisfactionSurvey(estate_id=estate.id, period=period, unit_id=household.unit_id,
                               building_id=household.building_id,
                               resident_id=household.resident_id, sent_at=now)
        )  # fmt: skip
        if survey is None or survey.id is None:
            continue
        sent += await _ask(uow, estate, survey, local, now=now)
    if local.month in WRITTEN_SURVEY_MONTHS:
        await _written_survey_reminder(uow, estate, local, now=now)
    return sent


async def _ask(
    uow: UnitOfWork, estate: Estate, survey: SatisfactionSurvey, local: datetime, *, now: datetime
) -> int:
    sid = survey.id
    rows = tuple(
        (Button(f"{name}：满意", f"sv:{sid}:{item}:s"), Button("一般", f"sv:{sid}:{item}:n"),
         Button("不满意", f"sv:{sid}:{item}:u"))
        for item, name in ITEMS
    )  # fmt: skip
    text = (
        f"【{estate.name}】{local:%Y年%m月}服务满意度调查\n"
        "您好！本月您家被抽中参加满意度调查，请为以下各项点选评价（每项一次，约 10 秒）。"
        "您的意见会直接送到项目经理手中，谢谢支持！"
    )
    pushed = await push_to_resident(
        uow, resident_id=survey.resident_id, estate=estate, text=text, buttons=rows,
        dedupe_key=f"satisfaction:{sid}", now=now,
    )  # fmt: skip
    return int(pushed is not None)


async def _written_survey_reminder(
    uow: UnitOfWork, estate: Estate, local: datetime, *, now: datetime
) -> None:
    half = "上半年" if local.month <= 6 else "下半年"
    text = (
        f"📝 {local:%Y年}{half}书面满意度调查：请于本月内组织书面问卷，覆盖全部网格，"
        "回收后统计发出、回收、回收率及各项满意率。"
    )
    await to_purpose_groups(
        uow, estate_id=estate.id, purposes=(GroupPurpose.MANAGERS,), text=text,
        dedupe_key=f"written-survey:{estate.id}:{local:%Y%m}", now=now,
    )  # fmt: skip


async def rate(
    uow: UnitOfWork, *, survey_id: int, item: str, code: str, resident: Resident, now: datetime
) -> ActionResult:
    """One press of a survey button: re-authorised against the survey's own resident."""
    survey = await uow.satisfaction.get(survey_id)
    if survey is None or survey.resident_id != resident.id or item not in ITEM_NAMES:
        return ActionResult(False, "这份问卷不属于您，或已失效。")
    rating = CODES[code]
    if not await uow.satisfaction.rate(survey_id, item, rating.value, at=now):
        return ActionResult(False, f"「{ITEM_NAMES[item]}」您已评价过，谢谢！")
    return ActionResult(True, f"感谢您的评价：{ITEM_NAMES[item]} {WORDS[rating]}")


@dataclass(frozen=True)
class SatisfactionReport:
    sent: int
    returned: int
    items: dict[str, tuple[int, int]]  # item code → (satisfied, answered)


async def satisfaction_report(
    uow: UnitOfWork, estate: Estate, start: datetime, end: datetime
) -> SatisfactionReport:
    surveys = [s for s in await uow.satisfaction.sent_since(estate.id, start) if s.sent_at < end]
    items = {
        item: (
            sum(1 for s in surveys if s.ratings.get(item) == Rating.SATISFIED.value),
            sum(1 for s in surveys if item in s.ratings),
        )
        for item, _ in ITEMS
    }
    return SatisfactionReport(len(surveys), sum(1 for s in surveys if s.ratings), items)


def report_lines(report: SatisfactionReport, rate_of: object) -> list[str]:
    """The monthly report's survey lines; ``rate_of(part, whole)`` formats a rate."""
    assert callable(rate_of)
    per_item = "；".join(
        f"{ITEM_NAMES[item]} {rate_of(*report.items[item])}" for item, _ in ITEMS[1:]
    )
    return [
        f"满意度抽样：发出 {report.sent} 户，回收 {report.returned} 户，"
        f"回收率 {rate_of(report.returned, report.sent)}",
        f"总体满意率：{rate_of(*report.items['o'])}",
        f"分项满意率：{per_item}",
    ]
