"""Button presses. Button data is never trusted: it is parsed strictly and every press is
re-authorised against the database and the current dialogue state.

Data forms (≤ 64 bytes). Staff: ``t:<ticket>:claim|arrive|done|away|extend`` (away = nobody
home; extend = ask the director for more time), ``xa:<ticket>`` (the director approves it),
``a:<ticket>:r|o|s`` (supervisors acknowledge an escalation), ``f:<ticket>`` (add an answer to
the FAQ), ``ar:<ticket>`` (a manager approves archiving a complaint). Residents:
``r:<ticket>:ok|no`` (confirm), ``sv:<survey>:<item>:s|n|u`` (monthly satisfaction survey),
``cb:<ticket>:<round>:s|n|u`` (callback
rating), ``rb:<ticket>:<slot>`` (rebook a visit), ``u:<unit>``, ``loc:home|common``,
``skip:photo``, ``when:<slot>``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.core import reporting
from bot.core.inbound import Outcome
from bot.core.turn import Turn
from workflows.callbacks import record_rating
from workflows.complaint_archive import approve_archive
from workflows.complaint_extension import approve_extension, request_extension
from workflows.enquiries import add_to_faq
from workflows.escalation import acknowledge
from workflows.rebooking import nobody_home, rebook
from workflows.satisfaction import rate as rate_survey
from workflows.staff_actions import resident_confirm, staff_action

if TYPE_CHECKING:
    from bot.core.engine import ConversationCore

STAFF = re.compile(r"^t:(\d{1,12}):(claim|arrive|done|away|extend)$")
ACK = re.compile(r"^a:(\d{1,12}):(r|o|s)$")
REBOOK = re.compile(r"^rb:(\d{1,12}):(asap|tpm|mam|mpm)$")
RESIDENT = re.compile(r"^r:(\d{1,12}):(ok|no)$")
UNIT = re.compile(r"^u:(\d{1,12})$")
RATING = re.compile(r"^cb:(\d{1,12}):(\d{1,3}):(s|n|u)$")
FAQ = re.compile(r"^f:(\d{1,12})$")
ARCHIVE = re.compile(r"^ar:(\d{1,12})$")
EXTEND = re.compile(r"^xa:(\d{1,12})$")
SURVEY = re.compile(r"^sv:(\d{1,12}):(o|r|c|s|k):(s|n|u)$")
CHOICE = re.compile(r"^(loc|skip|when):(home|common|photo|asap|tpm|mam|mpm)$")
EXPECTED_STATE = {"loc": "await_location", "skip": "await_photo", "when": "await_time"}


def stale(turn: Turn) -> Outcome:
    return Outcome(ack=turn.t("stale_button"), alert=True)


async def pressed(core: ConversationCore, turn: Turn) -> Outcome:
    data = (turn.inbound.button_data or "")[:64]
    if match := STAFF.match(data):
        if turn.staff is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        if match[2] == "extend":
            asked = await request_extension(
                turn.uow, ticket_id=int(match[1]), staff=turn.staff,
                channel=turn.inbound.channel, now=turn.now,
            )  # fmt: skip
            return Outcome(ack=asked.message, alert=not asked.ok)
        if match[2] == "away":
            away = await nobody_home(
                turn.uow, ticket_id=int(match[1]), staff=turn.staff,
                channel=turn.inbound.channel, now=turn.now,
            )  # fmt: skip
            return Outcome(ack=away.message, alert=not away.ok)
        result = await staff_action(
            turn.uow,
            ticket_id=int(match[1]),
            action=match[2],
            staff=turn.staff,
            channel=turn.inbound.channel,
            now=turn.now,
        )
        if result.ok and result.follow_up and result.ticket is not None:
            turn.move(result.follow_up, {"ticket_id": result.ticket.id})
            await turn.answer(result.message)
        return Outcome(ack=result.message, alert=not result.ok)
    if match := ACK.match(data):
        if turn.staff is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        acked = await acknowledge(
            turn.uow, ticket_id=int(match[1]), milestone=match[2], staff=turn.staff,
            channel=turn.inbound.channel, now=turn.now,
        )  # fmt: skip
        return Outcome(ack=acked.message, alert=not acked.ok)
    if match := SURVEY.match(data):
        if turn.resident is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        rated = await rate_survey(
            turn.uow, survey_id=int(match[1]), item=match[2], code=match[3],
            resident=turn.resident, now=turn.now,
        )  # fmt: skip
        return Outcome(ack=rated.message, alert=not rated.ok)
    if match := EXTEND.match(data):
        if turn.staff is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        extended = await approve_extension(
            turn.uow, ticket_id=int(match[1]), staff=turn.staff, channel=turn.inbound.channel,
            now=turn.now,
        )  # fmt: skip
        return Outcome(ack=extended.message, alert=not extended.ok)
    if match := ARCHIVE.match(data):
        if turn.staff is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        approved = await approve_archive(
            turn.uow, ticket_id=int(match[1]), staff=turn.staff, channel=turn.inbound.channel,
            now=turn.now,
        )  # fmt: skip
        return Outcome(ack=approved.message, alert=not approved.ok)
    if match := FAQ.match(data):
        if turn.staff is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        added = await add_to_faq(
            turn.uow, ticket_id=int(match[1]), staff=turn.staff, channel=turn.inbound.channel,
            now=turn.now,
        )  # fmt: skip
        if added.ok:
            core.forget_caches()
        return Outcome(ack=added.message, alert=not added.ok)
    if turn.inbound.is_group:
        return stale(turn)
    if match := RESIDENT.match(data):
        if turn.resident is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        result = await resident_confirm(
            turn.uow,
            ticket_id=int(match[1]),
            answer=match[2],
            resident=turn.resident,
            channel=turn.inbound.channel,
            now=turn.now,
            language=turn.language,
        )
        if result.ok:
            await turn.answer(result.message, menu=turn.menu())
            return Outcome()
        return Outcome(ack=result.message, alert=True)
    if match := RATING.match(data):
        if turn.resident is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        rated = await record_rating(
            turn.uow, ticket_id=int(match[1]), round_no=int(match[2]), code=match[3],
            resident=turn.resident, channel=turn.inbound.channel, now=turn.now,
            language=turn.language,
        )  # fmt: skip
        if not rated.ok:
            return Outcome(ack=rated.message, alert=True)
        turn.move("await_comment", {"ticket_id": int(match[1])})
        await turn.answer(rated.message, menu=turn.menu())
        return Outcome()
    if match := REBOOK.match(data):
        if turn.resident is None:
            return Outcome(ack=turn.t("no_permission"), alert=True)
        booked = await rebook(
            turn.uow, ticket_id=int(match[1]), resident=turn.resident, slot_or_time=match[2],
            now=turn.now, language=turn.language,
        )  # fmt: skip
        if not booked.ok:
            return Outcome(ack=booked.message, alert=True)
        await turn.answer(booked.message, menu=turn.menu())
        return Outcome()
    if match := UNIT.match(data):
        return await choose_unit(core, turn, int(match[1]))
    if match := CHOICE.match(data):
        return await choose(core, turn, match[1], match[2])
    return stale(turn)


async def choose_unit(core: ConversationCore, turn: Turn, unit_id: int) -> Outcome:
    if turn.resident is None or turn.state != "await_unit":
        return stale(turn)
    owned = {link.unit_id for link in await turn.uow.residents.units_of(turn.resident.id)}
    if unit_id not in owned:
        return Outcome(ack=turn.t("no_permission"), alert=True)
    draft = turn.draft
    draft["unit_id"] = unit_id
    return await reporting.advance(core, turn, draft)


async def choose(core: ConversationCore, turn: Turn, field: str, value: str) -> Outcome:
    if turn.state != EXPECTED_STATE[field] or turn.resident is None:
        return stale(turn)
    draft = turn.draft
    if field == "loc" and value in ("home", "common"):
        draft["location"] = value
    elif field == "skip" and value == "photo":
        draft["asked_photo"] = True
    elif field == "when" and value in ("asap", "tpm", "mam", "mpm"):
        tz = ZoneInfo(turn.estate.timezone if turn.estate else "Asia/Shanghai")
        slot = reporting.slot_time(value, turn.now, tz)
        draft["wanted"] = slot.isoformat() if slot else None
        draft["asked_time"] = True
    else:
        return stale(turn)
    return await reporting.advance(core, turn, draft)
