"""Which callback (回访) rule a repair falls under, from the manual's table.

Within 24 h: water/power emergencies, repairs involving neighbours, dangerous ones (burst supply
pipe, indoor flooding). Within 2 days: safety facilities and general repairs. Leak repairs: after
the first rainy day following the repair (3 days after it when no rain is recorded).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from workflows.service_levels import ServiceLevels
from workflows.tickets import Ticket, TicketLevel


class CallbackRule(StrEnum):
    URGENT = "urgent"  # 24 h
    SAFETY = "safety"  # 2 days
    LEAK = "leak"  # after the first rain, else 3 days
    GENERAL = "general"  # 2 days


WATER_POWER = ("停水", "没水", "断水", "停电", "没电", "断电", "跳闸", "爆管", "爆了", "水管爆",
               "漏电", "no water", "no power", "power cut", "burst")  # fmt: skip
NEIGHBOURS = ("楼下", "楼上", "邻居", "隔壁", "对门", "渗到", "漏到", "neighbour", "downstairs")
DANGEROUS = ("水浸", "淹", "积水", "火花", "冒烟", "焦味", "危险", "flood", "spark", "smoke")
SAFETY = ("消防", "烟感", "灭火器", "应急灯", "疏散", "安全出口", "消火栓", "喷淋", "门禁",
          "监控", "护栏", "防盗门", "fire alarm", "extinguisher", "sprinkler")  # fmt: skip
LEAK = ("渗漏", "渗水", "漏水", "返潮", "墙面潮", "天花板滴", "屋顶漏", "窗户漏", "leak", "seep")


def rule_for(ticket: Ticket) -> CallbackRule:
    text = ticket.summary.lower()
    urgent_level = ticket.level in (TicketLevel.URGENT, TicketLevel.EMERGENCY)
    if (urgent_level and any(w in text for w in WATER_POWER)) or any(
        w in text for w in NEIGHBOURS + DANGEROUS
    ):
        return CallbackRule.URGENT
    if any(w in text for w in SAFETY):
        return CallbackRule.SAFETY
    if any(w in text for w in LEAK):
        return CallbackRule.LEAK
    return CallbackRule.GENERAL


def due_after(rule: CallbackRule, resolved_at: datetime, levels: ServiceLevels) -> datetime:
    """When the callback falls due; callbacks are spread within the window, asked at its end."""
    if rule is CallbackRule.URGENT:
        return resolved_at + levels.duration("callback_urgent")
    if rule is CallbackRule.LEAK:
        return resolved_at + levels.duration("callback_leak_fallback")
    return resolved_at + levels.duration("callback_general")


def after_rain(rain_at: datetime, tz: ZoneInfo) -> datetime:
    """The morning after a rainy day, 10:00 local: the leak has been tested by the rain."""
    day = rain_at.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(day, time(10, 0), tzinfo=tz)
