"""Pure domain rules: the status machine, money, service levels, the clock, button limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from workflows.clock import FixedClock, ensure_aware, local_day
from workflows.messaging import Button
from workflows.money import MoneyError, format_yuan, parse_yuan, yuan_to_fen
from workflows.service_levels import DEFAULT_SERVICE_LEVELS
from workflows.tickets import InvalidTransition, Ticket, TicketKind, TicketStatus

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def ticket(status: TicketStatus) -> Ticket:
    return Ticket(
        id=1,
        estate_id=1,
        kind=TicketKind.REPAIR,
        status=status,
        level=None,
        summary="x",
        created_at=NOW,
    )


def test_happy_path_through_the_status_machine():
    t = ticket(TicketStatus.NEW)
    for target in (
        TicketStatus.CLAIMED,
        TicketStatus.ON_SITE,
        TicketStatus.DONE,
        TicketStatus.RESOLVED,
        TicketStatus.CLOSED,
    ):
        t = t.moved_to(target)
    assert t.status is TicketStatus.CLOSED and not t.is_open


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (TicketStatus.CANCELLED, TicketStatus.CLAIMED),
        (TicketStatus.CLOSED, TicketStatus.DONE),
        (TicketStatus.NEW, TicketStatus.CLOSED),
        (TicketStatus.RESOLVED, TicketStatus.ON_SITE),
    ],
)
def test_disallowed_transitions_raise(start, target):
    with pytest.raises(InvalidTransition):
        ticket(start).moved_to(target)


def test_a_closed_ticket_can_be_reopened():
    assert ticket(TicketStatus.CLOSED).moved_to(TicketStatus.NEW).is_open


@pytest.mark.parametrize(
    ("text", "fen"),
    [("250.60", 25060), ("1,250.6", 125060), ("¥0.01", 1), ("300", 30000), (" 7.5 ", 750)],
)
def test_money_parses_exactly(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["-5", "abc", "", "1.005", "NaN", "inf", "1e3x"])
def test_bad_money_is_refused(text):
    with pytest.raises(MoneyError):
        parse_yuan(text)


def test_money_formatting_and_rounding():
    from decimal import Decimal

    assert format_yuan(25060) == "250.60" and format_yuan(123456789) == "1,234,567.89"
    assert yuan_to_fen(Decimal("89.5") * Decimal("2.80")) == 25060
    assert yuan_to_fen(Decimal("0.005")) == 1  # half up, as receipts round


def test_service_level_defaults_are_the_manuals_numbers():
    levels = DEFAULT_SERVICE_LEVELS
    assert levels.duration("emergency_on_site") == timedelta(minutes=20)
    assert levels.duration("emergency_resolve") == timedelta(hours=8)
    assert levels.duration("general_resolve_after_visit") == timedelta(hours=2)
    assert levels.duration("complaint_first_reply") == timedelta(minutes=15)
    assert levels.duration("callback_urgent") == timedelta(hours=24)
    assert levels.duration("callback_general") == timedelta(days=2)
    assert levels.duration("complaint_major_resolve") == timedelta(weeks=1)
    assert levels.dunning_letter_after_days == 90


def test_service_level_overrides_are_checked():
    assert DEFAULT_SERVICE_LEVELS.with_overrides({"emergency_on_site": 15}).emergency_on_site == 15
    with pytest.raises(ValueError, match="unknown"):
        DEFAULT_SERVICE_LEVELS.with_overrides({"emergency_onsite": 15})
    with pytest.raises(ValueError, match="positive"):
        DEFAULT_SERVICE_LEVELS.with_overrides({"emergency_on_site": 0})


def test_fixed_clock_moves_only_when_told():
    clock = FixedClock(NOW)
    assert clock.now() == NOW
    clock.advance(timedelta(minutes=20))
    assert clock.now() == NOW + timedelta(minutes=20)
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        ensure_aware(datetime(2026, 1, 1))


def test_ticket_numbers_use_the_estate_local_day():
    late_evening_utc = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)  # 01:30 on the 24th in Shanghai
    assert local_day(late_evening_utc) == "20261124"


def test_button_data_is_held_to_64_bytes():
    Button("接单", "t:123456:claim")
    with pytest.raises(ValueError, match="64 bytes"):
        Button("接单", "工" * 22)
