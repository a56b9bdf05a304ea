"""Bill CSV parsing: every bad row is reported with its line and reason; good rows go on."""

from __future__ import annotations

from datetime import date

import pytest

from workflows.bill_import import parse_bills, parse_period
from workflows.csv_import import CsvFileError
from workflows.fees import FeeItem

HEADER = "unit,item,period,amount,due_date,paid_at\n"


def test_good_rows_parse_exactly():
    lines, errors, encoding = parse_bills(
        (HEADER + '1-1-1502,物业费,2026年11月,"1,250.60",2026/11/15,2026-11-20\n').encode()
    )
    assert errors == [] and encoding == "utf-8"
    (line,) = lines
    assert (line.building, line.entrance, line.room) == ("1", "1", "1502")
    assert line.item is FeeItem.PROPERTY and line.period == "2026-11"
    assert line.amount_fen == 125060 and line.due_date == date(2026, 11, 15)
    assert line.paid_on == date(2026, 11, 20)


def test_bad_rows_are_reported_with_line_numbers():
    body = (
        "1-1-101,property,2026-11,10,2026-11-15,\n"
        "1-1-101,rent,2026-11,10,2026-11-15,\n"
        "1-1-101,water,13/2026,10,2026-11-15,\n"
        "1-1-101,gas,2026-11,-1,2026-11-15,\n"
        "1-1-101,power,2026-11,1.234,2026-11-15,\n"
        "1-1-101,parking,2026-11,10,tomorrow,\n"
        "1101,other,2026-11,10,2026-11-15,\n"
        "\n"
        "1-1-101,property,2026-11,10,2026-11-15,\n"
    )
    lines, errors, _ = parse_bills((HEADER + body).encode())
    assert [line.line for line in lines] == [2]
    got = {(e.line, e.field) for e in errors}
    assert got == {
        (3, "item"),
        (4, "period"),
        (5, "amount"),
        (6, "amount"),
        (7, "due_date"),
        (8, "unit"),
        (10, ""),
    }
    assert any("duplicate of line 2" in e.reason for e in errors)


def test_gbk_files_are_read_and_said_so():
    data = (HEADER + "1-1-101,物业费,2026-11,10,2026-11-15,\n").encode("gbk")
    lines, errors, encoding = parse_bills(data)
    assert encoding == "gbk" and errors == [] and lines[0].item is FeeItem.PROPERTY


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"unit,item\n1-1-101,property\n", "missing column"),
        ((HEADER.strip() + ",colour\n").encode(), "unknown column"),
        (b"\xff\xfe\x00\x00garbage\x81\x00", "neither UTF-8 nor GBK"),
    ],
)
def test_unreadable_files_stop_with_a_reason(data, message):
    with pytest.raises(CsvFileError, match=message):
        parse_bills(data)


@pytest.mark.parametrize("text", ["2026-11", "2026/11", "2026.11", "2026年11月", "202611"])
def test_period_forms(text):
    assert parse_period(text) == "2026-11"


@pytest.mark.parametrize("text", ["Nov 2026", "11/2026", "2026-13", "26-11"])
def test_odd_periods_are_refused(text):
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period(text)
