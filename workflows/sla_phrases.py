"""Resident-facing texts of the service-level workflows (day-before notice, nobody home, rebook).

Kept apart from ``phrases.py`` (the lead's) so the two can change independently; ``sla_say``
escapes values exactly as ``phrases.say`` does. Staff-facing texts are Chinese only and live
beside the code that sends them. Traditional Chinese is converted from Simplified when sent.
"""

from __future__ import annotations

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.cards import KIND_LABEL, LEVEL_LABEL, mask_name, mask_phone
from workflows.estate import Estate, Resident, Staff, Unit
from workflows.messaging import Button
from workflows.phrases import Raw
from workflows.tickets import Ticket

SLA_PHRASES: dict[str, tuple[str, str]] = {
    "visit_tomorrow": (
        "温馨提醒：您的维修工单 {number} 已预约在 {time} 上门，请届时家中留人。"
        "如需改期，请直接在这里告诉我。",
        "Reminder: a technician will visit for ticket {number} at {time}. Please make sure "
        "someone is home; to change the time, just tell me here.",
    ),
    "nobody_home": (
        "您好，维修人员于 {time} 上门处理工单 {number} 时家中无人，工单已为您暂停。"
        "请选择方便的上门时间，我们重新为您安排：",
        "Hello, our technician came at {time} for ticket {number} but nobody was home, so the "
        "ticket is on hold. Please pick a convenient time and we will come again:",
    ),
    "slot_asap": ("尽快上门", "As soon as possible"),
    "slot_tpm": ("今天下午", "This afternoon"),
    "slot_mam": ("明天上午", "Tomorrow morning"),
    "slot_mpm": ("明天下午", "Tomorrow afternoon"),
    "rebooked": (
        "已为您重新预约：工单 {number} 将于 {time} 上门，谢谢您的配合。",
        "Rebooked: we will visit for ticket {number} at {time}. Thank you.",
    ),
    "rebook_stale": (
        "该工单已重新安排或已更新，请以最新消息为准。",
        "This ticket has already been rescheduled or updated; please see the latest message.",
    ),
    "rebook_not_yours": (
        "该工单不在您的名下，如需帮助请直接告诉我。",
        "This ticket is not one of yours; tell me here if you need help.",
    ),
}


def sla_say(key: str, language: str = "zh-Hans", **values: object) -> str:
    """The phrase in the reader's language (zh-Hant is converted at send time), values escaped."""
    chinese, english = SLA_PHRASES[key]
    template = english if language == "en" else chinese
    safe = {
        name: value if isinstance(value, Raw) else html.escape(str(value), quote=False)
        for name, value in values.items()
    }
    return template.format(**safe)


def both(key: str, **values: object) -> dict[str, str]:
    """``text_for`` for ``push_to_resident``: the phrase in every language a resident may read."""
    return {lang: sla_say(key, lang, **values) for lang in ("zh-Hans", "zh-Hant", "en")}


# --- staff-facing texts (Chinese only) -------------------------------------------------------

MILESTONE_LABEL = {"respond": "响应", "on_site": "到场", "resolve": "完成"}
STEP_TITLE = {1: "⏰ 工单提醒", 2: "🔺 升级提醒（主管）", 3: "🔺🔺 升级提醒（管理层）"}


def ack_button(ticket: Ticket, letter: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button("已知悉，跟进处理", f"a:{ticket.id}:{letter}"),),)


def step_text(
    ticket: Ticket,
    milestone: str,
    deadline: datetime,
    *,
    step: int,
    stage: str,
    estate: Estate,
    assignee: Staff | None,
    reporter: Resident | None,
    unit: Unit | None,
    now: datetime,
) -> str:
    """One escalation message: what is late, by how much, who holds it; the resident masked."""
    e = html.escape
    tz = ZoneInfo(estate.timezone)
    label = MILESTONE_LABEL[milestone]
    when = deadline.astimezone(tz).strftime("%m-%d %H:%M")
    kind = KIND_LABEL[ticket.kind] + (f"·{LEVEL_LABEL[ticket.level]}" if ticket.level else "")
    lines = [f"{STEP_TITLE[step]} <b>{e(ticket.number or '')}</b> {kind}"]
    if stage == "warning":
        lines.append(f"{label}时限 {when}，即将到期，请尽快处理。")
    else:
        late = max(0, int((now - deadline).total_seconds() // 60))
        lines.append(f"{label}时限 {when} 已超时 {late} 分钟。")
    where = unit.display if unit else "未指定房号"
    if ticket.location == "common":
        where += "（公共区域）"
    lines.append(f"位置：{e(where)}　内容：{e(ticket.summary[:80])}")
    if reporter:
        lines.append(f"报事人：{e(mask_name(reporter.name))} {mask_phone(reporter.phone)}")
    holder = f"@{e(assignee.name)}" if assignee else "当班管家"
    if step == 1:
        lines.append(f"请 {holder} 立即跟进，并在群内说明进展。")
    else:
        lines.append(f"负责人：{holder}。请确认跟进并点击下方「已知悉」。")
    return "\n".join(lines)
