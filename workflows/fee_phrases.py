"""What the bot says about fees (Simplified Chinese, English); merged into ``phrases.PHRASES``."""

from __future__ import annotations

FEE_PHRASES: dict[str, tuple[str, str]] = {
    "fees_none": (
        "您名下房屋目前没有待缴费用，感谢您的支持！",
        "There is nothing to pay for your home at the moment. Thank you!",
    ),
    "fees_header": ("您的待缴费用：", "Your open charges:"),
    "fees_line": (
        "• {unit} {item} {period}：¥{amount}（{due}前缴纳）",
        "• {unit} {item} {period}: ¥{amount} (due {due})",
    ),
    "fees_total": ("合计：<b>¥{total}</b>", "Total: <b>¥{total}</b>"),
    "fees_link": ("在线缴费：{link}", "Pay online: {link}"),
    "fees_desk": ("线下缴费：{desk}", "Pay at the desk: {desk}"),
}
