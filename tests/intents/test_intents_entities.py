"""Entities: unit addresses in every listed form, phones, plates and wanted times."""

from __future__ import annotations

from datetime import datetime

import pytest

from intents import Classifier, UnitRef
from intents.address import find_unit
from intents.contacts import find_phone, find_plate
from intents.normalize import normalise
from intents.times import SHANGHAI, find_time

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a Tuesday


def unit(text: str) -> UnitRef | None:
    return find_unit(normalise(text).text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("我住3栋2单元1502", UnitRef("3", "2", "1502")),
        ("3-2-1502 漏水了", UnitRef("3", "2", "1502")),
        ("三号楼二单元1502室", UnitRef("3", "2", "1502")),
        ("三号楼二单元一五零二室", UnitRef("3", "2", "1502")),
        ("5号楼1单元302", UnitRef("5", "1", "302")),
        ("B座1203", UnitRef("B", None, "1203")),
        ("b座1203的业主", UnitRef("B", None, "1203")),
        ("十二栋三单元801", UnitRef("12", "3", "801")),
        ("7幢402室", UnitRef("7", None, "402")),
        ("我是6栋的", UnitRef("6", None, None)),
        ("２栋１单元７０１", UnitRef("2", "1", "701")),
    ],
)
def test_unit_forms(text: str, expected: UnitRef) -> None:
    assert unit(text) == expected


@pytest.mark.parametrize("text", ["电话13812345678", "明天下午三点", "粤B12345", "你好"])
def test_no_unit(text: str) -> None:
    assert unit(text) is None


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话13812345678", "13812345678"),
        ("联系我 138-1234-5678", "13812345678"),
        ("手机 138 1234 5678", "13812345678"),
        ("+86 139 1234 5678", "13912345678"),
        ("座机021-61234567", "02161234567"),
        ("座机 0571 8765 4321", "057187654321"),
        ("(010)12345678", "01012345678"),
    ],
)
def test_phones(text: str, phone: str) -> None:
    assert find_phone(normalise(text).text) == phone


@pytest.mark.parametrize("text", ["3-2-1502", "单号1234567", "订单号123456789012345"])
def test_no_phone(text: str) -> None:
    assert find_phone(normalise(text).text) is None


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        ("车牌浙A12345", "浙A12345"),
        ("粤B8Z123来访", "粤B8Z123"),
        ("新能源车粤B12345D", "粤B12345D"),
        ("京AD12345", "京AD12345"),
        ("沪a·12345", "沪A12345"),
        ("车牌是 苏E 56789", "苏E56789"),
    ],
)
def test_plates(text: str, plate: str) -> None:
    assert find_plate(normalise(text).text) == plate


@pytest.mark.parametrize("text", ["B座1203", "浙江人", "京东快递"])
def test_no_plate(text: str) -> None:
    assert find_plate(normalise(text).text) is None


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天下午三点", at(25, 15)),
        ("周六上午", at(28, 9)),
        ("今晚7点", at(24, 19)),
        ("后天", at(26, 9)),
        ("下周一", at(30, 9)),
        ("3点半", at(24, 15, 30)),
        ("明天上午十点", at(25, 10)),
        ("明早", at(25, 8)),
        ("周日下午", at(29, 14)),
        ("下午", at(24, 14)),
        ("晚上", at(24, 19)),
        ("早上8点", at(25, 8)),
        ("明天14:30", at(25, 14, 30)),
        ("11月30日下午2点半", at(30, 14, 30)),
        ("半小时后", at(24, 10, 30)),
        ("周二下午4点", at(24, 16)),
        ("大后天晚上八点", at(27, 20)),
        ("12月3号上午", at(3, 9, month=12)),
    ],
)
def test_times(text: str, expected: datetime) -> None:
    assert find_time(normalise(text).text, NOW) == expected


@pytest.mark.parametrize("text", ["快一点来", "马上派人", "三号楼二单元1502室", "修了3次"])
def test_no_time(text: str) -> None:
    assert find_time(normalise(text).text, NOW) is None


def test_times_are_shanghai_even_when_now_is_utc() -> None:
    utc_now = datetime(2026, 11, 24, 2, 0, tzinfo=SHANGHAI).astimezone(SHANGHAI)
    resolved = find_time("明天下午三点", utc_now)
    assert resolved is not None and resolved.utcoffset() is not None
    assert resolved.isoformat() == "2026-11-25T15:00:00+08:00"


def test_now_late_evening_rolls_bare_hour_to_tomorrow() -> None:
    late = datetime(2026, 11, 24, 21, 0, tzinfo=SHANGHAI)
    assert find_time("3点半", late) == at(25, 15, 30)


def test_entities_in_one_message(clf: Classifier) -> None:
    result = clf.classify("我住3栋2单元1502,明天下午三点来修马桶,电话13812345678", NOW)
    assert result.entities.unit == UnitRef("3", "2", "1502")
    assert result.entities.phone == "13812345678"
    assert result.entities.time == at(25, 15)
    assert result.to_json()["entities"] == {
        "unit": {"building": "3", "entrance": "2", "room": "1502"},
        "phone": "13812345678",
        "plate": None,
        "time": "2026-11-25T15:00:00",
    }
