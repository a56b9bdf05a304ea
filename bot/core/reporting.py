"""Reporting a repair or complaint: ask only for what is missing, then file and confirm.

Emergencies skip every question: safety instructions and emergency numbers at once, and the
staff alert goes out in the same transaction. Every reply is re-checked for an emergency, so
"跳过, 楼道里冒烟了" during a repair dialogue still raises the alarm.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core import answers
from bot.core.inbound import Outcome
from bot.core.safety import emergency_reply
from bot.core.turn import Turn
from intents.model import Classification, Intent, UnitRef, Urgency
from workflows import complaints
from workflows.estate import Unit
from workflows.intake import Report, file_or_link
from workflows.messaging import Button
from workflows.phrases import Raw
from workflows.tickets import ActorKind, TicketEvent, TicketKind, TicketLevel

if TYPE_CHECKING:
    from bot.core.engine import ConversationCore

COMMON_AREA = (
    "楼道", "走廊", "电梯", "大堂", "车库", "地库", "公共", "门口", "单元门", "楼梯",
    "消防通道", "绿化", "路灯", "广场", "天台", "屋顶", "外墙", "corridor", "lift", "elevator",
    "lobby", "garage", "car park", "stair", "hallway",
)  # fmt: skip
HOME_WORDS = ("室内", "家里", "屋里", "户内", "我家", "厨房", "卫生间", "厕所", "客厅", "卧室",
              "阳台", "home", "flat", "apartment", "kitchen", "bathroom")  # fmt: skip
SKIP_WORDS = ("跳过", "不用", "没有", "不拍", "skip", "no")
ASAP_WORDS = ("尽快", "马上", "越快越好", "随时", "都行", "asap", "soon", "any time", "anytime")


async def understand_and_route(core: ConversationCore, turn: Turn, body: str) -> Outcome:
    result = core.understand(body, turn.now)
    if result.intent is Intent.EMERGENCY:
        return await emergency_reply(turn, result, body)
    if result.intent in (Intent.REPAIR, Intent.COMPLAINT):
        return await begin(core, turn, result.intent.value, result, body)
    return await answers.respond(core, turn, result, body)


async def begin(
    core: ConversationCore, turn: Turn, kind: str, result: Classification, body: str
) -> Outcome:
    if turn.resident is None:
        turn.move("idle")
        await turn.answer(turn.t("not_bound_yet"))
        return Outcome()
    draft: dict[str, object] = {
        "kind": kind,
        "summary": body[:1000],
        "urgency": (result.urgency or Urgency.NORMAL).value,
        "repeat": result.hints.repeat,
        "loss": result.hints.loss_or_injury,
        "anger": result.hints.anger,
        "location": guess_location(body) if kind == "repair" else None,
        "wanted": result.entities.time.isoformat() if result.entities.time else None,
        "photo": turn.conversation.data.get("pending_photo"),
    }
    turn.remember("pending_photo", None)
    unit = await match_unit(turn, result.entities.unit)
    if unit is not None:
        draft["unit_id"] = unit.id
    return await advance(core, turn, draft)


async def resident_units(turn: Turn) -> list[Unit]:
    assert turn.resident is not None
    units = []
    for link in await turn.uow.residents.units_of(turn.resident.id):
        unit = await turn.uow.directory.unit(link.unit_id)
        if unit is not None:
            units.append(unit)
    return units


async def match_unit(turn: Turn, ref: UnitRef | None) -> Unit | None:
    units = await resident_units(turn)
    if len(units) == 1:
        return units[0]
    if ref is None:
        return None
    for unit in units:
        if (
            ref.room == unit.room
            and ref.building in (None, unit.building_code)
            and ref.entrance in (None, unit.entrance_code)
        ):
            return unit
    return None


async def advance(core: ConversationCore, turn: Turn, draft: dict[str, object]) -> Outcome:
    """Ask the next missing thing, or file when nothing is missing."""
    if "unit_id" not in draft and turn.resident is not None:
        units = await resident_units(turn)
        if len(units) > 1:
            turn.move("await_unit", draft)
            choices = tuple((Button(u.display, f"u:{u.id}"),) for u in units[:8])
            await turn.answer(turn.t("ask_unit"), buttons=choices)
            return Outcome()
        draft["unit_id"] = units[0].id if units else None
    if draft["kind"] == "repair":
        if draft.get("location") is None:
            turn.move("await_location", draft)
            await turn.answer(
                turn.t("ask_location"),
                buttons=((Button(turn.t("loc_home"), "loc:home"),
                          Button(turn.t("loc_common"), "loc:common")),),
            )  # fmt: skip
            return Outcome()
        if not draft.get("photo") and not draft.get("asked_photo"):
            draft["asked_photo"] = True
            turn.move("await_photo", draft)
            await turn.answer(
                turn.t("ask_photo"), buttons=((Button(turn.t("skip"), "skip:photo"),),)
            )
            return Outcome()
        if (
            draft.get("urgency") == "normal"
            and not draft.get("wanted")
            and not draft.get("asked_time")
        ):
            draft["asked_time"] = True
            turn.move("await_time", draft)
            await turn.answer(turn.t("ask_time"), buttons=time_buttons(turn))
            return Outcome()
    return await file(turn, draft)


def time_buttons(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return (
        (Button(turn.t("when_asap"), "when:asap"), Button(turn.t("when_today_pm"), "when:tpm")),
        (Button(turn.t("when_tomorrow_am"), "when:mam"),
         Button(turn.t("when_tomorrow_pm"), "when:mpm")),
    )  # fmt: skip


def slot_time(code: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """A time-slot button → the slot's start in the estate's zone (None for 'as soon as')."""
    local = now.astimezone(tz)
    today = local.replace(minute=0, second=0, microsecond=0)
    if code == "tpm":
        slot = today.replace(hour=14)
        return slot if slot > local else local + timedelta(hours=1)
    if code == "mam":
        return (today + timedelta(days=1)).replace(hour=9)
    if code == "mpm":
        return (today + timedelta(days=1)).replace(hour=14)
    return None


async def continue_draft(core: ConversationCore, turn: Turn, body: str) -> Outcome:
    result = core.understand(body, turn.now)
    if result.intent is Intent.EMERGENCY:
        return await emergency_reply(turn, result, body)
    state, draft = turn.state, turn.draft
    lowered = body.lower()
    if state == "await_description":
        kind = str(draft.get("kind") or "repair")
        if result.intent in (Intent.REPAIR, Intent.COMPLAINT):
            kind = result.intent.value
        return await begin(core, turn, kind, result, body)
    if state == "await_question":
        turn.move("idle")
        return await answers.respond(core, turn, result, body, force_enquiry=True)
    if state == "await_unit":
        unit = await match_unit(turn, result.entities.unit)
        if unit is None:
            for candidate in await resident_units(turn):
                if candidate.room in body:
                    unit = candidate
        if unit is None:
            return await advance(core, turn, draft)
        draft["unit_id"] = unit.id
    elif state == "await_location":
        location = "home" if any(w in lowered for w in HOME_WORDS) else guess_location(body)
        if location is None:
            return await advance(core, turn, draft)
        draft["location"] = location
    elif state == "await_photo":
        if not any(w in lowered for w in SKIP_WORDS):
            draft["summary"] = f"{draft.get('summary', '')}；{body[:300]}"
    elif state == "await_time":
        if result.entities.time is not None:
            draft["wanted"] = result.entities.time.isoformat()
        elif not any(w in lowered for w in ASAP_WORDS):
            await turn.answer(turn.t("time_not_understood"), buttons=time_buttons(turn))
            return Outcome()
    else:
        turn.move("idle")
        return await understand_and_route(core, turn, body)
    return await advance(core, turn, draft)


async def photo(core: ConversationCore, turn: Turn) -> Outcome:
    ref = turn.inbound.photo_ref
    if turn.state == "await_photo":
        draft = turn.draft
        draft["photo"] = ref
        return await advance(core, turn, draft)
    caption = turn.inbound.text.strip()
    turn.remember("pending_photo", ref)
    if caption:
        return await understand_and_route(core, turn, caption)
    await turn.answer(turn.t("photo_received"))
    return Outcome()


def guess_location(text: str) -> str | None:
    lowered = text.lower()
    if any(word in lowered for word in COMMON_AREA):
        return "common"
    if any(word in lowered for word in HOME_WORDS):
        return "home"
    return None


def complaint_level(draft: dict[str, object]) -> TicketLevel:
    """Intake grading from the classifier's hints; the workflow may raise it later."""
    if draft.get("loss"):
        return TicketLevel.MAJOR
    if draft.get("repeat"):
        return TicketLevel.IMPORTANT
    return TicketLevel.GENERAL


async def file(turn: Turn, draft: dict[str, object]) -> Outcome:
    assert turn.estate is not None and turn.resident is not None
    kind = TicketKind.REPAIR if draft["kind"] == "repair" else TicketKind.COMPLAINT
    unit_id = draft.get("unit_id")
    unit = await turn.uow.directory.unit(unit_id) if isinstance(unit_id, int) else None
    wanted = draft.get("wanted")
    wanted_time = datetime.fromisoformat(wanted) if isinstance(wanted, str) else None
    why = "intake"
    if kind is TicketKind.REPAIR:
        level = TicketLevel.URGENT if draft.get("urgency") == "urgent" else TicketLevel.NORMAL
    else:
        level, why = await complaints.grade(
            turn.uow, reporter_id=turn.resident.id, proposed=complaint_level(draft)
        )
    summary = str(draft.get("summary", ""))
    about_steward = kind is TicketKind.COMPLAINT and await names_own_steward(turn, unit, summary)
    photo = draft.get("photo")
    location = draft.get("location")
    filed = await file_or_link(
        turn.uow,
        Report(
            estate=turn.estate,
            kind=kind,
            summary=summary,
            channel=turn.inbound.channel,
            level=level,
            reporter=turn.resident,
            unit=unit,
            location=location if isinstance(location, str) else None,
            wanted_time=wanted_time,
            photo=photo if isinstance(photo, str) else None,
            details={
                "hints": {k: bool(draft.get(k)) for k in ("repeat", "loss", "anger")},
                "level_reason": why,
            },
            route_to_supervisors=about_steward,
        ),
        now=turn.now,
    )
    ticket = filed.ticket
    turn.move("idle")
    number = ticket.number or ""
    if filed.linked:
        await turn.answer(turn.t("linked_report", number=number), menu=turn.menu())
        return Outcome()
    if kind is TicketKind.COMPLAINT:
        await complaints.on_filed(turn.uow, ticket, estate=turn.estate, now=turn.now)
        text = turn.t("complaint_filed", number=number)
    elif level is TicketLevel.URGENT:
        text = turn.t("repair_filed_urgent", number=number)
    else:
        when = ""
        if wanted_time is not None:
            local = wanted_time.astimezone(ZoneInfo(turn.estate.timezone))
            when = turn.t("visit_time", time=local.strftime("%m-%d %H:%M"))
        text = turn.t("repair_filed_normal", number=number, when=Raw(when))
    await turn.answer(text, menu=turn.menu(), ticket_id=ticket.id)
    return Outcome()


async def callback_comment(core: ConversationCore, turn: Turn, body: str) -> Outcome:
    """A note after a callback rating; anything urgent is still routed as such."""
    result = core.understand(body, turn.now)
    ticket_id = turn.draft.get("ticket_id")
    turn.move("idle")
    if result.intent in (Intent.EMERGENCY, Intent.REPAIR, Intent.COMPLAINT) or not isinstance(
        ticket_id, int
    ):
        return await understand_and_route(core, turn, body)
    await turn.uow.tickets.append_event(
        TicketEvent(ticket_id=ticket_id, at=turn.now, action="callback_comment",
                    actor_kind=ActorKind.RESIDENT,
                    actor_id=turn.resident.id if turn.resident else None,
                    channel=turn.inbound.channel, note=body[:1000])
    )  # fmt: skip
    await turn.answer(turn.t("comment_thanks"), menu=turn.menu())
    return Outcome()


async def names_own_steward(turn: Turn, unit: Unit | None, text: str) -> bool:
    """A complaint naming the building's steward goes to the supervisors, not to that steward."""
    if unit is None:
        return False
    return any(
        steward.name and steward.name in text
        for steward in await turn.uow.directory.stewards_of_building(unit.building_id)
    )
