"""Each service-level clock, as filed on the demo estate on Tuesday 24 Nov 2026 (Shanghai)."""

from __future__ import annotations

from datetime import timedelta

from tests.sla.conftest import at, file
from workflows.clock import SHANGHAI
from workflows.clocks import add_working_days, warning_at
from workflows.tickets import TicketKind, TicketLevel


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
