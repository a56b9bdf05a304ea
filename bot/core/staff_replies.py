"""What staff type in their group when the bot asked them for something.

After 已完成 on a complaint the handler writes the cause and corrective action; after taking an
enquiry the steward writes the answer, which is relayed to the resident. ``下雨`` (or /rain)
records rain for leak callbacks; ``/reason <单号> <原因>`` records why a repair was not
finished today. Other chatter in staff groups is not for the bot.
"""

from __future__ import annotations

from bot.core.inbound import Outcome
from bot.core.turn import Turn
from workflows.callbacks import record_rain
from workflows.complaints import record_cause
from workflows.day_end import record_reason
from workflows.enquiries import relay_answer
from workflows.messaging import Button

RAIN_WORDS = ("下雨", "下雨了", "今天下雨", "/rain")


async def group_text(turn: Turn) -> Outcome:
    staff, body = turn.staff, turn.inbound.text.strip()
    if staff is None:
        return Outcome(handled=False)
    if body in RAIN_WORDS:
        return await rain(turn)
    ticket_id = turn.draft.get("ticket_id")
    if turn.state not in ("await_cause", "await_reply") or not isinstance(ticket_id, int):
        return Outcome(handled=False)
    if turn.state == "await_cause":
        result = await record_cause(
            turn.uow, ticket_id=ticket_id, staff=staff, text=body,
            channel=turn.inbound.channel, now=turn.now,
        )  # fmt: skip
        buttons: tuple[tuple[Button, ...], ...] = ()
    else:
        result = await relay_answer(
            turn.uow, ticket_id=ticket_id, staff=staff, text=body,
            channel=turn.inbound.channel, now=turn.now,
        )  # fmt: skip
        buttons = ((Button("加入常见问题", f"f:{ticket_id}"),),) if result.ok else ()
    if result.ok or "状态" in result.message or "已答复" in result.message:
        turn.move("idle")
    await turn.answer(result.message, buttons=buttons)
    return Outcome()


async def reason(turn: Turn) -> Outcome:
    """``/reason <单号> <原因>``: why a repair was not finished today (the 17:00 list asks)."""
    if turn.staff is None:
        return Outcome(handled=False)
    result = await record_reason(
        turn.uow, args=turn.inbound.command_args, staff=turn.staff,
        channel=turn.inbound.channel, now=turn.now,
    )  # fmt: skip
    await turn.answer(result.message)
    return Outcome()


async def rain(turn: Turn) -> Outcome:
    if turn.estate is None:
        return Outcome(handled=False)
    moved = await record_rain(turn.uow, estate=turn.estate, now=turn.now)
    await turn.answer(f"已记录下雨。{moved} 个渗漏维修的回访将在明天上午进行。")
    return Outcome()
