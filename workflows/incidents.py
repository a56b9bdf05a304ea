"""One problem, many reports: linking a new repair to the open ticket already handling it.

When the lift stops, ten residents report it. The first report is the ticket; later ones within
``WINDOW`` for the same building and kind family (repair/emergency) are *not* filed as new
tickets: the reporter is added to the main ticket's ``details["linked"]`` list, the trail gets a
"linked" event, the building group gets a one-line note instead of a second card, and intake
returns the main ticket with ``linked=True`` so the reply can say "已有同一问题在处理中（单号 X）".
Choosing not to create tickets keeps digests, clocks and monthly numbers about real work.

Two reports are the same problem when their summaries are similar (they share a key noun such as
电梯/楼道灯/大门/水管, or their character bigrams overlap ≥ 0.5) and at least one of them is
about a common area; two in-home reports link only on a strong bigram overlap (≥ 0.5), because
two flats mentioning 水管 is usually a coincidence.

Listing tickets needs ``TicketRepository.search`` (see :class:`TicketSearch`); until storage
provides it, linking is skipped rather than guessed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime, timedelta

from workflows.cards import mask_name
from workflows.estate import Platform, Resident, Unit
from workflows.notify import to_group
from workflows.ports import ConcurrentUpdate, UnitOfWork
from workflows.tickets import ActorKind, Attachment, Ticket, TicketEvent, TicketKind

log = logging.getLogger("guanjia.incidents")
WINDOW = timedelta(hours=6)
FAMILY = frozenset({TicketKind.REPAIR, TicketKind.EMERGENCY})
KEY_NOUNS = (
    "电梯",
    "楼道灯",
    "路灯",
    "大门",
    "门禁",
    "单元门",
    "水管",
    "水泵",
    "停水",
    "停电",
    "跳闸",
    "燃气",
    "煤气",
    "消防",
    "监控",
    "道闸",
    "下水道",
    "化粪池",
    "积水",
    "水箱",
    "配电",
)
_CJK = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def bigrams(text: str) -> set[str]:
    chars = "".join(_CJK.findall(text.lower()))
    return {chars[i : i + 2] for i in range(len(chars) - 1)}


def overlap(a: str, b: str) -> float:
    """Shared bigrams over the smaller set: a short report inside a long one still matches."""
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / min(len(left), len(right))


def same_problem(new: str, new_location: str | None, main: Ticket) -> bool:
    strong = overlap(new, main.summary) >= 0.5
    if "common" in (new_location, main.location):
        shared_noun = any(noun in new and noun in main.summary for noun in KEY_NOUNS)
        return strong or shared_noun
    return strong


async def find_incident(
    uow: UnitOfWork,
    *,
    estate_id: int,
    building_id: int | None,
    kind: TicketKind,
    summary: str,
    location: str | None,
    now: datetime,
) -> Ticket | None:
    """The open ticket this report duplicates, if any (most recent first)."""
    if kind not in FAMILY or building_id is None:
        return None
    candidates = await uow.tickets.search(
        estate_id=estate_id,
        building_id=building_id,
        kinds=FAMILY,
        open_only=True,
        created_from=now - WINDOW,
    )
    for ticket in reversed(candidates):
        if same_problem(summary, location, ticket):
            return ticket
    return None


async def link_report(
    uow: UnitOfWork,
    main: Ticket,
    *,
    reporter: Resident | None,
    unit: Unit | None,
    summary: str,
    photo: str | None,
    channel: Platform | None,
    now: datetime,
) -> Ticket | None:
    """Add the reporter to ``main``; None if ``main`` changed under us (file a ticket instead)."""
    assert main.id is not None
    current = await uow.tickets.get(main.id, for_update=True)
    if current is None or not current.is_open:
        return None
    linked = [item for item in _linked(current)]
    linked.append(
        {
            "reporter_id": reporter.id if reporter else None,
            "unit_id": unit.id if unit else None,
            "summary": summary[:200],
            "at": now.isoformat(),
        }
    )
    attachments = current.attachments + ((Attachment("photo", photo),) if photo else ())
    try:
        saved = await uow.tickets.save(
            replace(current, details={**current.details, "linked": linked}, attachments=attachments)
        )
    except ConcurrentUpdate:
        return None
    assert saved.id is not None
    await uow.tickets.append_event(
        TicketEvent(
            ticket_id=saved.id,
            at=now,
            action="linked",
            actor_kind=ActorKind.RESIDENT if reporter else ActorKind.SYSTEM,
            actor_id=reporter.id if reporter else None,
            channel=channel,
            note=summary[:200],
            data={
                "reporter_id": reporter.id if reporter else None,
                "unit_id": unit.id if unit else None,
            },
        )
    )
    who = mask_name(reporter.name) if reporter else "住户"
    where = f"（{unit.display}）" if unit else ""
    text = f"📎 {saved.number} 又有住户报告同一问题：{who}{where}，共 {len(linked) + 1} 位住户。"
    for group in await uow.directory.groups_for_building(saved.building_id or 0, Platform.TELEGRAM):
        await to_group(
            uow,
            group=group,
            text=text,
            now=now,
            ticket_id=saved.id,
            dedupe_key=f"ticket:{saved.id}:linked:{len(linked)}:g{group.id}",
        )
    return saved


def _linked(ticket: Ticket) -> list[dict[str, object]]:
    value = ticket.details.get("linked")
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


async def reporters_of(uow: UnitOfWork, ticket: Ticket) -> list[int]:
    """Everyone who reported this problem: the reporter first, then linked reporters, once each.

    Residents who no longer exist are left out, so progress pushes never address a ghost.
    """
    ids: list[int] = []
    candidates: list[object] = [ticket.reporter_id] + [
        i.get("reporter_id") for i in _linked(ticket)
    ]
    for value in candidates:
        if isinstance(value, int) and value not in ids and await uow.residents.get(value):
            ids.append(value)
    return ids
