"""What the bot says about fees (Simplified Chinese, English); merged into ``phrases.PHRASES``.

Fee wording is the most sensitive the bot has: polite, exact, never blaming, and never showing
a household's debt where others can read it (group texts carry units and steps, not amounts).
"""

from __future__ import annotations

FEE_PHRASES: dict[str, tuple[str, str]] = {
    # —— the resident's statement (/fees) ——
    "fees_none": (
        "您名下房屋目前没有待缴费用，感谢您的支持！",
        "There is nothing to pay for your home at the moment. Thank you!",
    ),
    "fees_header": ("您的待缴费用：", "Your open charges:"),
    "fees_line": (
        "• {unit} {item} {period}：¥{amount}（{due}前缴纳）",
        "• {unit} {item} {period}: ¥{amount} (due {due})",
    ),
    "fees_line_late": (
        "• {unit} {item} {period}：¥{amount}（缴费截止{due}，已逾期{days}天，滞纳金¥{late}）",
        "• {unit} {item} {period}: ¥{amount} (was due {due}, {days} days overdue, "
        "late fee ¥{late})",
    ),
    "fees_line_checking": (
        "• {unit} {item} {period}：¥{amount}（核实中，暂停提醒）",
        "• {unit} {item} {period}: ¥{amount} (being checked; reminders paused)",
    ),
    "fees_total": ("合计：<b>¥{total}</b>", "Total: <b>¥{total}</b>"),
    "fees_total_late": (
        "合计：<b>¥{total}</b>（其中滞纳金¥{late}）",
        "Total: <b>¥{total}</b> (including ¥{late} late fees)",
    ),
    "fees_link": ("在线缴费：{link}", "Pay online: {link}"),
    "fees_desk": ("线下缴费：{desk}", "Pay at the desk: {desk}"),
    "fees_recent_header": ("近期已缴：", "Recently paid:"),
    "receipt_line": (
        "• {unit} {item} {period}：¥{amount}，{paid} 缴纳",
        "• {unit} {item} {period}: ¥{amount}, paid {paid}",
    ),
    "receipts_header": (
        "您最近的缴费记录（收据摘要）：",
        "Your recent payments (receipt summary):",
    ),
    "receipts_none": (
        "暂未查到您名下房屋的缴费记录。如需帮助，欢迎联系物业服务中心前台。",
        "I found no payments for your home yet. The front desk is glad to help.",
    ),
    "receipts_invoice": (
        "如需正式收据或电子发票，请告诉前台抬头和税号，我们会尽快为您开具。",
        "For a formal receipt or an e-invoice, give the front desk the title and tax number.",
    ),
    # —— "I already paid" ——
    "dispute_filed": (
        "收到，感谢您告知！已请财务核对您的缴费记录（单号 <b>{number}</b>），"
        "核实期间暂停相关缴费提醒。方便的话，可以把付款截图发给我，便于尽快核实。",
        "Thank you for letting us know. Finance will check your payment (ticket <b>{number}</b>) "
        "and reminders for these charges are paused meanwhile. A screenshot of the payment helps.",
    ),
    "dispute_exists": (
        "您反映的缴费情况正在核实中（单号 <b>{number}</b>），核实期间不会再提醒这些费用，"
        "有结果会第一时间告诉您。",
        "Your payment is being checked (ticket <b>{number}</b>); no reminders meanwhile. "
        "We will tell you the result here.",
    ),
    "dispute_photo_added": (
        "付款凭证已收到，已补充到核实单 <b>{number}</b>，谢谢您！",
        "Proof of payment received and added to ticket <b>{number}</b>. Thank you!",
    ),
    "dispute_nothing_open": (
        "查询到您名下房屋目前没有待缴费用，记录显示已缴清，感谢您的支持！",
        "Our records show nothing outstanding for your home. Thank you!",
    ),
    "dispute_summary": (
        "缴费核实：住户反映已缴纳 {items}，请核对到账记录",
        "Payment check: the resident says {items} is paid; please check the records",
    ),
    "dispute_settled_paid": (
        "您好，经核对，{items} 已确认缴清，系统已更新。给您带来打扰非常抱歉，感谢您的耐心！",
        "We checked: {items} is confirmed as paid and our records are updated. Sorry for the "
        "trouble, and thank you for your patience!",
    ),
    "dispute_settled_unpaid": (
        "您好，经财务核对，暂未查到 {items} 的到账记录。"
        "如您已付款，请携带付款凭证到物业服务中心前台，我们当面为您核实，咨询电话 {phone}。",
        "Finance could not yet find the payment for {items}. If you have paid, please bring the "
        "proof to the front desk and we will check it with you; phone {phone}.",
    ),
    # —— reminders (private pushes) ——
    "remind_head": (
        "【{estate}】{name}您好，温馨提示：您家（{unit}）有以下费用待缴：",
        "[{estate}] Dear {name}, a friendly reminder of the open charges for {unit}:",
    ),
    "remind_line": (
        "• {item} {period}：¥{amount}，请于{due}前缴纳",
        "• {item} {period}: ¥{amount}, due {due}",
    ),
    "remind_line_overdue": (
        "• {item} {period}：¥{amount}，缴费截止日为{due}（已逾期{days}天）",
        "• {item} {period}: ¥{amount}, was due {due} ({days} days ago)",
    ),
    "remind_total": ("合计 ¥{total}。", "Total ¥{total}."),
    "remind_tail": (
        "如您已缴纳，请忽略本提醒，或回复“已缴费”告诉我们，我们会为您核对。感谢您对物业工作的支持！",
        "If you have already paid, please ignore this or reply “already paid” and we will "
        "check. Thank you for your support!",
    ),
    # —— the dunning ladder (task tickets and supervisor notices: no names, no amounts) ——
    "dunning_step_2": ("书面催缴函", "formal dunning letter"),
    "dunning_step_3": ("上门拜访", "home visit"),
    "dunning_step_4": ("法务审核", "legal review"),
    "dunning_summary": (
        "催缴第{step}步：{what}（{unit}），欠费明细见工单详情",
        "Dunning step {step}: {what} ({unit}); the details are in the ticket",
    ),
    "dunning_notice": (
        "{unit} 催缴第{step}步：{what}任务已派给{staff}（单号 {number}）",
        "{unit} dunning step {step}: {what} assigned to {staff} (ticket {number})",
    ),
    "dunning_notice_open": (
        "{unit} 催缴第{step}步：{what}任务已派发，待认领（单号 {number}）",
        "{unit} dunning step {step}: {what} filed, waiting to be claimed (ticket {number})",
    ),
    # —— staff commands in groups ——
    "fee_staff_only": (
        "抱歉，该命令仅限物业工作人员使用。",
        "Sorry, this command is for estate staff only.",
    ),
    "fee_role_only": (
        "抱歉，该操作仅限客服主管、前台及以上岗位办理。",
        "Sorry, only supervisors, the front desk and managers may do this.",
    ),
    "arrears_wrong_group": (
        "为保护住户隐私，收费报表仅在客服主管群或管理层群中提供。",
        "To protect residents' privacy, the fee report is only given in the supervisors' or "
        "managers' group.",
    ),
    "paid_usage": (
        "用法：/paid 房号 费用项目 月份，例如 /paid 1-1-1502 物业费 2026-10",
        "Usage: /paid UNIT ITEM MONTH, e.g. /paid 1-1-1502 property 2026-10",
    ),
    "paid_done": (
        "已登记缴费：{unit} {item} {period}。",
        "Payment recorded: {unit} {item} {period}.",
    ),
    "paid_already": (
        "{unit} {item} {period} 此前已登记缴费，无需重复登记。",
        "{unit} {item} {period} was already recorded as paid.",
    ),
    "paid_not_found": (
        "未找到 {unit} {item} {period} 的账单，请核对房号、项目和月份。",
        "No bill for {unit} {item} {period}; please check the unit, item and month.",
    ),
    "settle_usage": (
        "用法：/settle 核实单号 paid（确认已缴）或 /settle 核实单号 unpaid（未到账，恢复提醒）",
        "Usage: /settle TICKET paid (confirmed paid) or /settle TICKET unpaid (resume reminders)",
    ),
    "settle_not_found": (
        "未找到待处理的缴费核实单 {number}，请核对单号。",
        "No open payment check {number}; please check the number.",
    ),
    "settle_done_paid": (
        "核实单 {number} 已办结：确认已缴，相关账单已登记缴费。",
        "Payment check {number} settled: paid, the bills are marked paid.",
    ),
    "settle_done_unpaid": (
        "核实单 {number} 已办结：未查到到账，已恢复缴费提醒并通知住户。",
        "Payment check {number} settled: not received; reminders resume, the resident is told.",
    ),
    # —— the supervisors' report (/arrears): counts and totals only ——
    "arrears_title": (
        "📊 {estate} 收费统计（截至 {date}）",
        "📊 {estate} fee collection (as of {date})",
    ),
    "arrears_rate_header": (
        "收缴率（本月 {month} ／ 本年 {year}）：",
        "Collection rate (this month {month} / this year {year}):",
    ),
    "arrears_rate_line": (
        "• {building}：{month_rate} ／ {year_rate}",
        "• {building}: {month_rate} / {year_rate}",
    ),
    "arrears_all_buildings": ("全小区", "Whole estate"),
    "arrears_building": ("{code}栋", "Building {code}"),
    "arrears_age_header": ("欠费账龄（逾期天数）：", "Arrears by age (days overdue):"),
    "arrears_age_line": (
        "• {bucket}天：{count}笔，¥{amount}",
        "• {bucket} days: {count}, ¥{amount}",
    ),
    "arrears_total": ("欠费合计：{count}笔，¥{amount}", "Arrears in total: {count}, ¥{amount}"),
}
