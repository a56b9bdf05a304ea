"""Wanted times (明天下午三点, 周六上午, 今晚7点, 后天, 下周一, 3点半) resolved in Asia/Shanghai.

Resolution rules, all against the message's "now" converted to Asia/Shanghai:
- a day word (今天/明天/后天/大后天, 周X/星期X = the next such weekday, today included; 下周X = that
  weekday of next week; X月X日; X号 = next such day of the month) gives the date;
- a part of day without an hour resolves to its start: 早上 08:00, 上午 09:00, 中午 12:00,
  下午 14:00, 傍晚 18:00, 晚上 19:00; a date with neither resolves to 09:00 (for 今天, to the
  later of 09:00 and the next full hour);
- an hour after 下午/傍晚/晚上 is afternoon or evening; a bare hour 1-6 (三点半) is taken as
  afternoon, since nobody books a visit at 3 a.m.;
- a time without a date is today if still ahead, otherwise tomorrow;
- "半小时后" / "两个小时后" / "20分钟后" are relative to now.
Chinese numeral hours need a day or part-of-day word before them, so "快一点" is not 01:00.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from intents.normalize import CN_NUMERAL, cn_to_int
from intents.prefilter import Gate

SHANGHAI = ZoneInfo("Asia/Shanghai")
_NUM = rf"(?:[0-9]{{1,2}}|{CN_NUMERAL}{{1,3}})"
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEKDAYS.update({str(i + 1): i for i in range(7)})

_DAY_WORDS = (("大后天", 3), ("后天", 2), ("明", 1), ("今", 0))
_DAY = re.compile(r"大后天|后天|明天|明日|明儿|明早|明晚|今天|今日|今儿|今早|今晚")
_WEEK = re.compile(r"(下下|下|这|本)?(?:个)?(?:周|星期|礼拜)([一二三四五六日天七1-7])")
_MONTH_DAY = re.compile(rf"({_NUM})月({_NUM})(?:日|号)")
_DAY_OF_MONTH = re.compile(
    rf"(?<![0-9月座栋楼元幢])({_NUM})(?:日|号)(?!楼|栋|单元|门|线|床|房|室|座|车位|位|口|馆|院|机|[0-9A-Za-z-])"
)
_PARTS = (
    ("凌晨", 1),
    ("早上", 8),
    ("早晨", 8),
    ("明早", 8),
    ("今早", 8),
    ("一早", 8),
    ("上午", 9),
    ("中午", 12),
    ("下午", 14),
    ("傍晚", 18),
    ("晚上", 19),
    ("今晚", 19),
    ("明晚", 19),
    ("夜里", 21),
)
_PART = re.compile("|".join(p for p, _ in _PARTS))
_PM_PARTS = {"下午", "傍晚", "晚上", "今晚", "明晚", "夜里"}
_CONTEXT = (
    r"(?:上午|下午|晚上|早上|早晨|中午|傍晚|凌晨|今晚|明晚|明早|今早"
    r"|天|日|周[一二三四五六日天七]|号)的?"
)
_HOUR_DIGITS = re.compile(r"(?<![0-9])([0-9]{1,2})(?:点|时|:)(半|一刻|三刻|([0-9]{1,2})分?)?")
_HOUR_CN = re.compile(rf"{_CONTEXT}({CN_NUMERAL}{{1,3}})(?:点|时)(半|一刻|三刻|({_NUM})分)?")
_HOUR_CN_SUFFIX = re.compile(rf"({CN_NUMERAL}{{1,3}})点(半|钟|整|一刻|三刻|({_NUM})分)")
_RELATIVE = re.compile(rf"({_NUM}|半)个?(小时|钟头|分钟)(?:后|以后|之后)")


def _num(text: str) -> int | None:
    return int(text) if text.isdigit() else cn_to_int(text)


def _find_date(text: str, today: date) -> date | None:
    week = _WEEK.search(text)
    if week is not None:
        weekday = _WEEKDAYS[week.group(2)]
        if week.group(1) in ("下", "下下"):
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            if week.group(1) == "下下":
                monday += timedelta(days=7)
            return monday + timedelta(days=weekday)
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    day = _DAY.search(text)
    if day is not None:
        word = day.group(0)
        offset = next(off for prefix, off in _DAY_WORDS if word.startswith(prefix))
        return today + timedelta(days=offset)
    month_day = _MONTH_DAY.search(text)
    if month_day is not None:
        month, dom = _num(month_day.group(1)), _num(month_day.group(2))
        if month and dom and 1 <= month <= 12 and 1 <= dom <= 31:
            for year in (today.year, today.year + 1):
                try:
                    candidate = date(year, month, dom)
                except ValueError:
                    continue
                if candidate >= today:
                    return candidate
    dom_match = _DAY_OF_MONTH.search(text)
    if dom_match is not None:
        dom = _num(dom_match.group(1))
        if dom and 1 <= dom <= 31:
            year, month = today.year, today.month
            for _ in range(3):
                try:
                    in_month: date | None = date(year, month, dom)
                except ValueError:
                    in_month = None
                if in_month is not None and in_month >= today:
                    return in_month
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _find_clock(text: str) -> tuple[int, int] | None:
    """(hour, minute) as written, before any afternoon adjustment."""
    for pattern in (_HOUR_DIGITS, _HOUR_CN, _HOUR_CN_SUFFIX):
        match = pattern.search(text)
        if match is None:
            continue
        hour = _num(match.group(1))
        if hour is None or hour > 24:
            continue
        extra = match.group(2) or ""
        minute = {"半": 30, "一刻": 15, "三刻": 45}.get(extra, 0)
        if match.group(3):
            minute = _num(match.group(3)) or 0
        if minute < 60:
            return hour, minute
    return None


#: Exact pre-check: text with none of the patterns' trigger characters holds no time.
_GATE = Gate(
    _RELATIVE,
    _WEEK,
    _DAY,
    _MONTH_DAY,
    _DAY_OF_MONTH,
    _PART,
    _HOUR_DIGITS,
    _HOUR_CN,
    _HOUR_CN_SUFFIX,
)


def find_time(text: str, now: datetime) -> datetime | None:
    """The wanted time in `text`, tz-aware in Asia/Shanghai, or None when there is none."""
    if not _GATE.may_match(text):
        return None
    local = now.astimezone(SHANGHAI) if now.tzinfo else now.replace(tzinfo=SHANGHAI)
    relative = _RELATIVE.search(text)
    if relative is not None:
        amount = 0.5 if relative.group(1) == "半" else float(_num(relative.group(1)) or 0)
        minutes = amount * (1 if relative.group(2) == "分钟" else 60)
        return (local + timedelta(minutes=minutes)).replace(second=0, microsecond=0)
    day = _find_date(text, local.date())
    part_match = _PART.search(text)
    part = part_match.group(0) if part_match else None
    clock = _find_clock(text)
    if day is None and part is None and clock is None:
        return None
    if clock is not None:
        hour, minute = clock
        if hour < 12 and (part in _PM_PARTS or (part == "中午" and hour <= 3)):
            hour += 12
        elif hour == 12 and part in ("晚上", "夜里", "今晚", "明晚"):
            hour = 24
        elif part is None and 1 <= hour <= 6:
            hour += 12
    elif part is not None:
        hour, minute = dict(_PARTS)[part], 0
    else:
        hour, minute = 9, 0
    extra_day = hour // 24
    hour %= 24
    base = day if day is not None else local.date()
    result = datetime.combine(base, time(hour, minute), tzinfo=SHANGHAI) + timedelta(days=extra_day)
    if day is None and result < local:
        result += timedelta(days=1)
    elif day == local.date() and clock is None and part is None and result < local:
        next_hour = local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        result = max(result, next_hour)
    return result
