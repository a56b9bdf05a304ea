"""Everything the bot says, in Simplified Chinese and English.

Traditional Chinese is derived from the Simplified text when the message is sent (the outbox row
carries the reader's language), so there is one source per sentence. Values substituted into a
phrase are HTML-escaped unless wrapped in :class:`Raw`; a resident's ``<b>`` is shown, never run.
The wording follows the manuals' etiquette and never uses the phrases staff must not say.
"""

from __future__ import annotations

import html

from workflows.fee_phrases import FEE_PHRASES


class Raw(str):
    """Already-safe HTML (e.g. a phrase built from other phrases)."""


PHRASES: dict[str, tuple[str, str]] = {
    "privacy": (
        "您好，我是{estate}的物业服务助手「管家」。\n"
        "为了为您提供报修、投诉、咨询和缴费服务，{estate}物业服务中心会处理您的手机号、房号和您发来的"
        "消息与照片，仅用于处理您的服务请求，工单记录保存3年。您可以随时发送 /unbind 解除绑定并"
        "删除聊天身份。\n\n请点击下方按钮「分享手机号」完成住户身份绑定。",
        "Hello, I am the property service assistant of {estate}.\n"
        "To handle your repairs, complaints, enquiries and fees, the {estate} management office "
        "processes your phone number, unit and the messages and photos you send, only to serve "
        "your requests; ticket records are kept for 3 years. Send /unbind at any time to unlink "
        "and delete your chat identity.\n\nPlease tap “Share my phone number” below to verify "
        "that you are a resident.",
    ),
    "share_phone": ("📱 分享手机号", "📱 Share my phone number"),
    "bound": (
        "绑定成功，{name}您好！已为您关联：{units}。\n有任何需要，直接发消息告诉我就好，例如“厨房水管漏水了”。",
        "You are verified, {name}. Linked unit(s): {units}.\n"
        "Just tell me what you need, for example “the kitchen pipe is leaking”.",
    ),
    "contact_not_own": (
        "为保护住户信息，请分享您本人的手机号（点击下方「分享手机号」按钮），不能使用他人的名片。",
        "To protect residents' data, please share your own phone number with the button below, "
        "not someone else's contact.",
    ),
    "not_matched": (
        "暂时没有在住户档案中找到这个号码。我已请前台为您核实，核实后会在这里通知您。"
        "在此期间，您仍然可以向我咨询问题。",
        "I could not find this number in the residents' records yet. I have asked the front "
        "desk to verify it and will let you know here. Meanwhile you can still ask me questions.",
    ),
    "unbound": (
        "已解除绑定，您的聊天身份已删除。需要时发送 /start 重新绑定。",
        "You are unlinked and your chat identity has been deleted. Send /start to link again.",
    ),
    "not_bound_yet": (
        "您还没有完成住户身份绑定，暂时无法登记到您的房屋。请发送 /start 并分享手机号完成绑定；"
        "如需咨询，直接提问即可。",
        "You are not verified as a resident yet, so I cannot file this for your home. Send "
        "/start and share your phone number; questions are welcome meanwhile.",
    ),
    "help": (
        "我可以帮您：\n🔧 报修（如“卫生间漏水了”）\n📣 投诉与建议\n❓ 咨询（装修、停车、缴费、周边设施等）\n"
        "💰 缴费查询\n📋 /my 查看我的工单\n/cancel 取消当前操作 · /unbind 解除绑定",
        "I can help with:\n🔧 repairs (e.g. “the bathroom is leaking”)\n📣 complaints and "
        "suggestions\n❓ questions (renovation, parking, fees, neighbourhood)\n💰 fees\n"
        "📋 /my your tickets\n/cancel stop the current step · /unbind unlink",
    ),
    "menu_repair": ("报修", "Repair"),
    "menu_complaint": ("投诉", "Complaint"),
    "menu_enquiry": ("咨询", "Question"),
    "menu_fees": ("缴费", "Fees"),
    "menu_my": ("我的工单", "My tickets"),
    "ask_what_repair": (
        "请简单描述需要维修的问题，例如“客厅灯不亮了”。",
        "Please describe what needs fixing, e.g. “the living-room light is out”.",
    ),
    "ask_what_complaint": (
        "请告诉我您遇到的问题，我们会认真处理。",
        "Please tell me what went wrong; we will take it seriously.",
    ),
    "ask_what_enquiry": ("请问您想咨询什么？", "What would you like to ask?"),
    "ask_unit": ("请问是哪一户？", "Which unit is it for?"),
    "ask_location": (
        "请问问题在室内还是公共区域（楼道、电梯、车库等）？",
        "Is it inside your home or in a common area (corridor, lift, car park)?",
    ),
    "loc_home": ("室内", "Inside my home"),
    "loc_common": ("公共区域", "Common area"),
    "ask_photo": (
        "方便的话请拍一张照片发给我，便于师傅准备工具；也可以点“跳过”。",
        "If you can, send a photo so the technician brings the right tools, or tap “Skip”.",
    ),
    "skip": ("跳过", "Skip"),
    "ask_time": (
        "请问您方便的上门时间？可以点选，也可以直接回复，如“明天下午三点”。",
        "When would suit you for a visit? Tap one or reply, e.g. “tomorrow 3 pm”.",
    ),
    "when_asap": ("尽快", "As soon as possible"),
    "when_today_pm": ("今天下午", "This afternoon"),
    "when_tomorrow_am": ("明天上午", "Tomorrow morning"),
    "when_tomorrow_pm": ("明天下午", "Tomorrow afternoon"),
    "time_not_understood": (
        "抱歉，这个时间我没有理解，请点选一个时间段，或回复如“周六上午”。",
        "Sorry, I did not catch that time. Please tap an option or reply e.g. “Saturday morning”.",
    ),
    "repair_filed_urgent": (
        "已为您登记急修，单号 <b>{number}</b>。维修人员将在 <b>20 分钟内到场</b>，8 小时内修复；"
        "如现场无法修复，会先做好安全处置并给您明确的完成时间。",
        "Urgent repair filed, ticket <b>{number}</b>. A technician will be <b>on site within 20 "
        "minutes</b> and fix it within 8 hours; if it cannot be fixed at once, they will make it "
        "safe and give you a firm time.",
    ),
    "repair_filed_normal": (
        "已为您登记报修，单号 <b>{number}</b>。管家会在 15 分钟内与您确认，"
        "约定上门后 <b>2 小时内修复</b>。{when}",
        "Repair filed, ticket <b>{number}</b>. Your steward will confirm within 15 minutes; "
        "once they arrive it will be <b>fixed within 2 hours</b>. {when}",
    ),
    "visit_time": ("预约上门时间：{time}。", "Visit booked for {time}."),
    "complaint_filed": (
        "您的意见已登记，单号 <b>{number}</b>。给您带来不便非常抱歉，"
        "<b>15 分钟内</b>会有专人联系您说明处理方式和时限，处理完成前每天向您反馈进度。",
        "Your complaint is filed, ticket <b>{number}</b>. We are sorry for the trouble. Someone "
        "will contact you <b>within 15 minutes</b> with the plan and deadline, and update you "
        "daily until it is resolved.",
    ),
    "request_filed": (
        "已为您登记，单号 <b>{number}</b>，管家会尽快与您联系。",
        "Noted, ticket <b>{number}</b>. Your steward will contact you soon.",
    ),
    "visitor_pass": (
        "访客登记成功，临时通行证号 <b>{number}</b>，有效期 {start} 至 {until}（{days} 天）。"
        "请把通行证号告诉您的访客，进门时向门岗出示即可；门岗已收到登记信息。",
        "Your visitor is registered. Temporary pass <b>{number}</b>, valid {start} to {until} "
        "({days} days). Please give your visitor the pass number to show at the gate; the gate has "
        "the details.",
    ),
    "monthly_public": (
        "📢 {estate} {month}服务公示\n"
        "投诉 {complaints} 单：15 分钟内回复率 {timely}，处理率 {handled}，回访满意率 {satisfied}。\n"
        "报修 {repairs} 单，已完成 {finished} 单。\n感谢您的监督与支持，有任何意见欢迎随时告诉我们。",
        "📢 {estate} service report for {month_en}\n"
        "Complaints: {complaints}; replied within 15 minutes {timely}, handled {handled}, "
        "satisfied at callback {satisfied}.\nRepairs: {repairs}, finished {finished}.\n"
        "Thank you for your support; tell us anytime how we can do better.",
    ),
    "complaint_extended": (
        "关于您的投诉 <b>{number}</b>：我们仍在全力处理，经管理处主任批准，处理期限调整为 {when}，"
        "期间每天向您反馈进度。给您添麻烦了，感谢您的理解。",
        "About your complaint <b>{number}</b>: we are still working on it. With the estate "
        "director's approval the deadline is now {when}, and we will update you daily. Thank "
        "you for your patience.",
    ),
    "praise_thanks": (
        "非常感谢您的肯定！我们会把您的表扬转达给相关同事。",
        "Thank you very much! We will pass your kind words on to the team.",
    ),
    "suggestion_thanks": (
        "感谢您的宝贵建议，已登记（单号 <b>{number}</b>），我们会认真研究并给您答复。",
        "Thank you for the suggestion; it is logged as <b>{number}</b> and we will get back to you.",
    ),
    "deep_question": (
        "对不起，您的问题非常的有深度，我会将您的问题反馈给相关部门，我们将尽快给您回复，您看好吗？"
        "（单号 <b>{number}</b>）",
        "That is a very good question. I will pass it to the right colleague and we will reply "
        "here as soon as possible (ticket <b>{number}</b>).",
    ),
    "faq_answer": ("{answer}", "{answer}"),
    "greeting": (
        "您好！我是物业服务助手，请问有什么可以帮您？",
        "Hello! I am the property service assistant. How can I help?",
    ),
    "thanks_reply": ("不客气，祝您生活愉快！", "You are welcome, have a nice day!"),
    "cancelled": ("好的，已取消。还有什么可以帮您？", "Cancelled. Anything else I can do?"),
    "unsupported": (
        "抱歉，我暂时只能阅读文字、照片和位置。{help}",
        "Sorry, I can read text, photos and locations only for now. {help}",
    ),
    "too_long": (
        "您的消息较长，我已记录前面的内容。如有遗漏，请分几条发送。",
        "Your message is long; I kept the first part. Please send the rest separately.",
    ),
    "photo_received": (
        "照片已收到。请问需要报修或反映什么问题？",
        "Photo received. What would you like to report?",
    ),
    "my_none": ("您目前没有工单记录。", "You have no tickets yet."),
    "my_header": ("您的工单：", "Your tickets:"),
    "emergency_header": (
        "⚠️ <b>请先确保人身安全！</b>物业值班人员已收到警报，正在赶来（单号 <b>{number}</b>）。",
        "⚠️ <b>Stay safe first!</b> The duty team has been alerted and is on the way "
        "(ticket <b>{number}</b>).",
    ),
    "em_fire": (
        "发生火情请立即拨打 <b>119</b>，用湿毛巾捂住口鼻，沿安全通道撤离，不要乘坐电梯。",
        "For fire call <b>119</b> now; cover your nose and mouth, leave by the stairs, never "
        "the lift.",
    ),
    "em_gas": (
        "闻到燃气味：请立即开窗通风、关闭燃气总阀，<b>不要开关任何电器、不要使用明火或打电话</b>，"
        "离开房间后再拨打燃气公司或 <b>119</b>。",
        "Gas smell: open windows, shut the gas valve, <b>do not touch switches, flames or "
        "phones</b> inside; once outside call the gas company or <b>119</b>.",
    ),
    "em_lift_trapped": (
        "被困电梯请保持冷静，按下电梯内的警铃或对讲按钮，不要强行扒门。电梯维保单位已在通知中，"
        "值班人员会一直与您保持联系。{lift}",
        "If trapped in the lift, stay calm, press the alarm or intercom button and do not force "
        "the doors. The lift company is being called and the duty team will stay in touch. {lift}",
    ),
    "em_injury": (
        "有人受伤请立即拨打 <b>120</b>，不要随意移动伤者。",
        "If someone is hurt call <b>120</b> now and do not move the injured person.",
    ),
    "em_crime": (
        "请先到安全的地方并立即拨打 <b>110</b>，保安正在赶往现场。",
        "Get to a safe place and call <b>110</b> now; security is on the way.",
    ),
    "em_electric": (
        "请立即断开电源总闸，切勿用手接触触电者，如有人受伤请拨打 <b>120</b>。",
        "Switch off the main power at once; never touch a person in contact with current; call "
        "<b>120</b> if anyone is hurt.",
    ),
    "em_flood": (
        "请先关闭进水总阀，远离带电设备，把贵重物品移到高处；工程人员正在赶来保护电梯和配电房。",
        "Shut the main water valve, keep away from electrics and lift valuables; engineers are "
        "coming to protect the lifts and switch rooms.",
    ),
    "em_control_room": ("24小时监控中心：{phone}", "24-hour control room: {phone}"),
    "stale_button": (
        "该操作已失效，请以最新消息为准。",
        "This button is no longer valid; please use the latest message.",
    ),
    "no_permission": (
        "抱歉，您没有处理该工单的权限。",
        "Sorry, you are not allowed to act on this ticket.",
    ),
    "progress_claimed": (
        "您的工单 <b>{number}</b> 已由管家 {staff} 接单，稍后会与您联系。",
        "Your ticket <b>{number}</b> was taken by steward {staff}, who will contact you shortly.",
    ),
    "progress_on_site": (
        "工单 <b>{number}</b>：维修人员已到场。",
        "Ticket <b>{number}</b>: the technician has arrived.",
    ),
    "progress_done": (
        "工单 <b>{number}</b> 已处理完成，请确认是否已解决：",
        "Ticket <b>{number}</b> is done. Is the problem solved?",
    ),
    "confirm_ok": ("已解决", "Solved"),
    "confirm_not_yet": ("还没好", "Not yet"),
    "resident_confirmed": (
        "感谢确认！工单 <b>{number}</b> 已完成，稍后会有简短回访，欢迎评价。",
        "Thank you! Ticket <b>{number}</b> is complete; a short follow-up will come later.",
    ),
    "resident_reopened": (
        "抱歉问题还没解决，工单 <b>{number}</b> 已重新派给管家，会尽快再次处理。",
        "Sorry it is not solved yet. Ticket <b>{number}</b> went back to your steward.",
    ),
    "rate_s": ("满意", "Satisfied"),
    "rate_n": ("一般", "OK"),
    "rate_u": ("不满意", "Not satisfied"),
    "callback_ask": (
        "您好！工单 <b>{number}</b>（{summary}）已处理完毕，想了解一下您对这次服务是否满意？",
        "Hello! Ticket <b>{number}</b> ({summary}) is complete. Were you happy with the service?",
    ),
    "callback_reminder": (
        "打扰了，再请教一次：工单 <b>{number}</b>（{summary}）的处理您满意吗？点一下即可。",
        "Sorry to ask again: were you happy with ticket <b>{number}</b> ({summary})? One tap is enough.",
    ),
    "callback_thanks": (
        "感谢您的评价！如有任何补充，直接回复我就好。",
        "Thank you for your feedback! Reply here if you would like to add anything.",
    ),
    "callback_reopened": (
        "非常抱歉没能让您满意。工单 <b>{number}</b> 已重新派单，主管也已收到通知，我们会尽快再次处理。"
        "如方便，请直接回复说明还有哪些问题。",
        "We are sorry it fell short. Ticket <b>{number}</b> has been sent back for another visit "
        "and the supervisor is informed. Reply here to tell us what is still wrong.",
    ),
    "callback_already": ("已收到您的评价，感谢！", "We already have your rating, thank you!"),
    "callback_stale": (
        "这张工单已重新处理，完成后会再请您评价。",
        "This ticket is being handled again; we will ask for your rating when it is done.",
    ),
    "comment_thanks": ("已记录您的补充说明，谢谢！", "Your note is recorded, thank you!"),
    "complaint_ack": (
        "您的投诉 <b>{number}</b> 已由 {handler} 负责处理，我们会在 <b>{deadline}</b> 前给您处理结果，"
        "处理完成前每天向您反馈进度。",
        "Your complaint <b>{number}</b> is handled by {handler}. You will have the outcome by "
        "<b>{deadline}</b>, with an update every day until then.",
    ),
    "complaint_progress": (
        "进度反馈：您的投诉 <b>{number}</b> 正在处理中，负责人 {handler}，预计 {deadline} 前完成。"
        "如有新的情况，欢迎随时告诉我。",
        "Update: your complaint <b>{number}</b> is in progress with {handler}, due by "
        "{deadline}. Tell me any time if something changes.",
    ),
    "enquiry_answer": (
        "关于您咨询的“{question}”，管家回复如下：\n{answer}",
        "About your question “{question}”, the steward replies:\n{answer}",
    ),
    "linked_report": (
        "已有同一问题在处理中（单号 <b>{number}</b>），我们已记下您的反映，处理进展会同步通知您。",
        "This problem is already being handled (ticket <b>{number}</b>). We have added your "
        "report and will keep you updated.",
    ),
    "status_new": ("待受理", "received"),
    "status_claimed": ("已接单", "assigned"),
    "status_on_site": ("处理中", "in progress"),
    "status_paused": ("已暂停", "paused"),
    "status_done": ("待确认", "awaiting your confirmation"),
    "status_resolved": ("已完成", "completed"),
    "status_closed": ("已关闭", "closed"),
    "status_cancelled": ("已取消", "cancelled"),
}


PHRASES.update(FEE_PHRASES)


def say(key: str, language: str = "zh-Hans", **values: object) -> str:
    """The phrase in the reader's language with escaped values (zh-Hant converts at send time)."""
    chinese, english = PHRASES[key]
    template = english if language == "en" else chinese
    safe = {
        name: value if isinstance(value, Raw) else html.escape(str(value), quote=False)
        for name, value in values.items()
    }
    return template.format(**safe)
