"""The ticket card staff groups see: masked resident, clear deadline, action buttons.

Groups see the surname initial and a masked phone only; the full number is in the private trail.
Button data is ``t:<ticket id>:<action>`` and is re-authorised on every press. Repairs being
visited also get 无人在家 (``t:<id>:away``) on a second row, which pauses the clocks and asks the
resident to rebook (``workflows.rebooking``).
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.estate import Resident, Staff, Unit
from workflows.messaging import Button
from workflows.tickets import Ticket, TicketKind, TicketLevel, TicketStatus

KIND_LABEL = {
    TicketKind.REPAIR: "🔧 报修",
    TicketKind.EMERGENCY: "🚨 紧急",
    TicketKind.COMPLAINT: "📣 投诉",
    TicketKind.ENQUIRY: "❓ 咨询",
    TicketKind.SERVICE: "🧹 特约服务",
    TicketKind.DECORATION: "🏗 装修",
    TicketKind.RELEASE: "📦 放行",
    TicketKind.VISITOR: "🚪 访客",
    TicketKind.SUGGESTION: "💡 建议",
    TicketKind.PRAISE: "👍 表扬",
    TicketKind.FEE_DISPUTE: "💰 缴费",
    TicketKind.STAFF_TASK: "📝 任务",
}
LEVEL_LABEL = {
    TicketLevel.EMERGENCY: "紧急",
    TicketLevel.URGENT: "急修",
    TicketLevel.NORMAL: "一般",
    TicketLevel.SCHEDULED: "预约",
    TicketLevel.MAJOR: "重大",
    TicketLevel.IMPORTANT: "重要",
    TicketLevel.GENERAL: "一般",
}
STATUS_LABEL = {
    TicketStatus.NEW: "待接单",
    TicketStatus.CLAIMED: "已接单",
    TicketStatus.ON_SITE: "已到场",
    TicketStatus.PAUSED: "已暂停",
    TicketStatus.DONE: "待住户确认",
    TicketStatus.RESOLVED: "已完成",
    TicketStatus.CLOSED: "已关闭",
    TicketStatus.CANCELLED: "已取消",
}


def mask_name(name: str) -> str:
    name = name.strip()
    if not name:
        return "住户"
    return name[0] + ("***" if name.isascii() else "*" * max(1, len(name) - 1))


def mask_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "*" * len(digits)


def _local(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%m-%d %H:%M")


def card_text(
    ticket: Ticket,
    *,
    unit: Unit | None,
    reporter: Resident | None,
    assignee: Staff | None,
    tz: ZoneInfo,
) -> str:
    e = html.escape
    title = f"{KIND_LABEL[ticket.kind]} <b>{e(ticket.number or '')}</b>"
    if ticket.level:
        title += f" · {LEVEL_LABEL[ticket.level]}"
    lines = [title, f"状态：{STATUS_LABEL[ticket.status]}"]
    where = unit.display if unit else "未指定房号"
    if ticket.location == "common":
        where += "（公共区域）"
    elif ticket.location == "home":
        where += "（室内）"
    lines.append(f"位置：{e(where)}")
    lines.append(f"内容：{e(ticket.summary[:500])}")
    if reporter:
        lines.append(f"报事人：{e(mask_name(reporter.name))} {mask_phone(reporter.phone)}")
    if ticket.wanted_time:
        lines.append(f"预约时间：{_local(ticket.wanted_time, tz)}")
    m = ticket.milestones
    if m.on_site_by:
        lines.append(f"到场时限：{_local(m.on_site_by, tz)} 前")
    if m.resolve_by:
        lines.append(f"完成时限：{_local(m.resolve_by, tz)} 前")
    elif m.respond_by:
        lines.append(f"响应时限：{_local(m.respond_by, tz)} 前")
    if ticket.status is TicketStatus.PAUSED and ticket.details.get("paused_reason"):
        lines.append("暂停原因：上门无人在家，等待住户改约时间")
    linked = ticket.details.get("linked")
    if isinstance(linked, list) and linked:
        lines.append(f"同一问题报事：共 {len(linked) + 1} 位住户")
    if ticket.attachments:
        lines.append(f"附件：{len(ticket.attachments)} 张照片")
    lines.append(f"负责人：{e(assignee.name) if assignee else '待接单'}")
    return "\n".join(lines)


def card_buttons(ticket: Ticket) -> tuple[tuple[Button, ...], ...]:
    assert ticket.id is not None
    t = ticket.id
    if ticket.status is TicketStatus.NEW:
        return ((Button("接单", f"t:{t}:claim"),),)
    visit = ticket.kind in (TicketKind.REPAIR, TicketKind.EMERGENCY)
    away = (Button("无人在家", f"t:{t}:away"),)
    if ticket.status is TicketStatus.CLAIMED:
        if visit:
            return ((Button("已到场", f"t:{t}:arrive"), Button("已完成", f"t:{t}:done")), away)
        if ticket.kind is TicketKind.COMPLAINT and ticket.level is TicketLevel.GENERAL:
            return ((Button("已完成", f"t:{t}:done"), Button("申请延期", f"t:{t}:extend")),)
        return ((Button("已完成", f"t:{t}:done"),),)
    if ticket.status is TicketStatus.ON_SITE:
        return (
            ((Button("已完成", f"t:{t}:done"),), away)
            if visit
            else ((Button("已完成", f"t:{t}:done"),),)
        )
    return ()
