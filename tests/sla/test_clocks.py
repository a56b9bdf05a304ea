"""Each service-level clock, as filed on the demo estate on Tuesday 24 Nov 2026 (Shanghai)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tests.sla.conftest import at, file
from workflows.clock import SHANGHAI
from workflows.clocks import add_working_days, warning_at
from workflows.tickets import TicketKind, TicketLevel
from workflows.workdays import CHINA, calendar_from


async def test_urgent_repair_on_site_in_20_minutes_fixed_in_8_hours(uow, demo_estate):
    filed = await file(
        uow, demo_estate, kind=TicketKind.REPAIR, level=TicketLevel.URGENT,
        summary="家里停电了", now=at(24, 10),
    )  # fmt: skip
    m = filed.ticket.milestones
    assert (m.respond_by, m.on_site_by, m.resolve_by) == (
        at(24, 10, 15),
        at(24, 10, 20),
        at(24, 18),
    )


async def test_normal_repair_is_fixed_within_2_hours_of_the_agreed_visit(uow, demo_estate):
    filed = await file(uow, demo_estate, wanted=at(24, 14), now=at(24, 10))
    m = filed.ticket.milestones
    assert (m.on_site_by, m.resolve_by) == (at(24, 14), at(24, 16))


async def test_complaint_first_reply_within_15_minutes(uow, demo_estate):
    filed = await file(
        uow, demo_estate, kind=TicketKind.COMPLAINT, level=TicketLevel.GENERAL,
        summary="楼下装修噪音太大", now=at(24, 10),
    )  # fmt: skip
    m = filed.ticket.milestones
    assert m.respond_by == at(24, 10, 15) and m.resolve_by == at(26, 10)


async def test_decoration_approval_skips_the_weekend(uow, demo_estate):
    friday = await file(
        uow, demo_estate, kind=TicketKind.DECORATION, level=None,
        summary="申请装修审批", now=at(27, 10),
    )  # fmt: skip
    assert friday.ticket.milestones.resolve_by == at(2, 10, month=12)  # Wed, not Mon


def test_working_days_arithmetic():
    assert add_working_days(at(24, 10), 3, tz=SHANGHAI) == at(27, 10)  # Tue → Fri
    assert add_working_days(at(28, 10), 3, tz=SHANGHAI) == at(2, 10, month=12)  # Sat → Wed
    assert add_working_days(at(27, 23, 30), 1, tz=SHANGHAI) == at(30, 23, 30)  # Fri night → Mon


async def test_scheduled_repair_has_an_on_site_deadline_at_the_visit(uow, demo_estate):
    filed = await file(
        uow, demo_estate, level=TicketLevel.SCHEDULED, summary="外墙渗水大修",
        wanted=at(27, 9), now=at(24, 10),
    )  # fmt: skip
    m = filed.ticket.milestones
    assert m.on_site_by == at(27, 9) and m.resolve_by is None


def test_warning_lead_times():
    start = at(24, 10)
    assert warning_at(start, start + timedelta(minutes=15)) == at(24, 10, 10)
    assert warning_at(start, start + timedelta(minutes=20)) == at(24, 10, 15)
    assert warning_at(start, start + timedelta(hours=2)) == at(24, 11, 30)
    assert warning_at(start, start + timedelta(hours=8)) == at(24, 17)
    assert warning_at(start, start + timedelta(minutes=5)) is None


def test_working_days_follow_chinas_holidays_and_swapped_weekends():
    national_day_eve = at(30, 10, month=9)  # Wed 30 Sep 2026
    # 1–7 Oct are off; Thu 8, Fri 9 and the swapped Saturday 10 Oct are working days
    assert add_working_days(national_day_eve, 3, tz=SHANGHAI) == at(10, 10, month=10)
    before_spring_festival = at(13, 10, month=2)  # Fri 13 Feb; Sat 14 Feb is a working day
    assert add_working_days(before_spring_festival, 1, tz=SHANGHAI) == at(14, 10, month=2)
    assert add_working_days(before_spring_festival, 2, tz=SHANGHAI) == at(24, 10, month=2)


def test_an_estate_adds_its_own_days_to_the_calendar():
    calendar = calendar_from({"calendar": {"holidays": ["2026-12-31"], "workdays": ["2027-01-02"]}})
    # Wed 30 Dec + 1: Thu 31 Dec is the estate's day off; Fri 1 Jan 2027 is past the table
    after = add_working_days(at(30, 10, month=12), 1, tz=SHANGHAI, calendar=calendar)
    assert after == datetime(2027, 1, 1, 10, tzinfo=SHANGHAI)
    assert not calendar.is_working_day(date(2026, 12, 31))
    assert calendar.is_working_day(date(2027, 1, 2))  # a Saturday made a working day
    assert calendar_from({}) == CHINA


async def test_decoration_approval_skips_the_national_day_holiday(uow, demo_estate):
    filed = await file(uow, demo_estate, kind=TicketKind.DECORATION, level=None,
                       summary="装修申请", now=at(30, 10, month=9))  # fmt: skip
    assert filed.ticket.milestones.resolve_by == at(10, 10, month=10)
