"""Writing outgoing messages: to the chat being answered, to a resident, to a staff group.

Every message becomes an outbox row in the caller's transaction. Pushes to residents that are
not urgent wait for the end of quiet hours; replies to what a resident just wrote never wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from workflows.clocks import quiet_hours_end
from workflows.estate import Estate, GroupPurpose, Platform, StaffGroup
from workflows.messaging import Button, OutboxMessage, RecipientKind
from workflows.ports import UnitOfWork

Buttons = tuple[tuple[Button, ...], ...]


SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Quiet:
    start: str = "21:30"
    end: str = "08:00"
    tz: ZoneInfo = SHANGHAI

    @classmethod
    def of(cls, estate: Estate) -> Quiet:
        hours = estate.config.get("quiet_hours")
        tz = ZoneInfo(estate.timezone)
        if isinstance(hours, dict):
            return cls(str(hours.get("start", "21:30")), str(hours.get("end", "08:00")), tz)
        return cls(tz=tz)

    def release(self, at: datetime) -> datetime:
        return quiet_hours_end(at, start=self.start, end=self.end, tz=self.tz)


async def reply(
    uow: UnitOfWork,
    *,
    channel: Platform,
    chat_id: str,
    text: str,
    dedupe_key: str,
    now: datetime,
    language: str = "zh-Hans",
    buttons: Buttons = (),
    menu: tuple[str, ...] = (),
    request_contact: str | None = None,
    remove_menu: bool = False,
    thread_id: int | None = None,
    recipient_id: int | None = None,
    ticket_id: int | None = None,
    recipient_kind: RecipientKind = RecipientKind.RESIDENT,
) -> OutboxMessage:
    """An answer in the chat the person is writing in: sent at once, whatever the hour."""
    return await uow.outbox.enqueue(
        OutboxMessage(
            channel=channel,
            chat_id=chat_id,
            text=text,
            dedupe_key=dedupe_key,
            created_at=now,
            not_before=now,
            thread_id=thread_id,
            buttons=buttons,
            menu=menu,
            request_contact=request_contact,
            remove_menu=remove_menu,
            recipient_kind=recipient_kind,
            recipient_id=recipient_id,
            ticket_id=ticket_id,
            urgent=True,
            language=language,
        )
    )


async def push_to_resident(
    uow: UnitOfWork,
    *,
    resident_id: int,
    estate: Estate,
    text_for: dict[str, str] | None = None,
    text: str = "",
    dedupe_key: str,
    now: datetime,
    urgent: bool = False,
    buttons: Buttons = (),
    ticket_id: int | None = None,
    prefer: Platform | None = None,
) -> OutboxMessage | None:
    """A message the resident did not just ask for; deferred past quiet hours unless urgent.

    ``text_for`` maps a language to its text so the push follows the resident's language.
    Returns None when the resident has no chat identity to reach.
    """
    resident = await uow.residents.get(resident_id)
    if resident is None:
        return None
    channels = [prefer] if prefer else []
    channels += [p for p in (Platform.TELEGRAM, Platform.WEB) if p not in channels]
    for channel in channels:
        chat_id = await uow.residents.identity_of(resident_id, channel)
        if chat_id is None:
            continue
        language = resident.language
        body = text_for.get(language, text_for.get("zh-Hans", "")) if text_for else text
        not_before = now if urgent else Quiet.of(estate).release(now)
        return await uow.outbox.enqueue(
            OutboxMessage(
                channel=channel,
                chat_id=chat_id,
                text=body,
                dedupe_key=dedupe_key,
                created_at=now,
                not_before=not_before,
                buttons=buttons,
                recipient_kind=RecipientKind.RESIDENT,
                recipient_id=resident_id,
                ticket_id=ticket_id,
                urgent=urgent,
                language=language,
            )
        )
    return None


async def to_group(
    uow: UnitOfWork,
    *,
    group: StaffGroup,
    text: str,
    dedupe_key: str,
    now: datetime,
    buttons: Buttons = (),
    ticket_id: int | None = None,
    edit_of: int | None = None,
) -> OutboxMessage:
    """A card or alert in a staff group (optionally editing an earlier card in place)."""
    return await uow.outbox.enqueue(
        OutboxMessage(
            channel=group.platform,
            chat_id=group.chat_id,
            thread_id=group.thread_id,
            text=text,
            dedupe_key=dedupe_key,
            created_at=now,
            not_before=now,
            buttons=buttons,
            recipient_kind=RecipientKind.GROUP,
            recipient_id=group.id,
            ticket_id=ticket_id,
            urgent=True,
            edit_of=edit_of,
        )
    )


async def to_purpose_groups(
    uow: UnitOfWork,
    *,
    estate_id: int,
    purposes: tuple[GroupPurpose, ...],
    text: str,
    dedupe_key: str,
    now: datetime,
    buttons: Buttons = (),
    ticket_id: int | None = None,
) -> int:
    """The same message to every staff group of the estate with one of ``purposes`` (reports,
    approval requests); each group's copy is deduplicated as ``<dedupe_key>:g<group id>``."""
    sent = 0
    for purpose in purposes:
        for group in await uow.directory.groups_with_purpose(estate_id, purpose, Platform.TELEGRAM):
            await to_group(
                uow, group=group, text=text, dedupe_key=f"{dedupe_key}:g{group.id}", now=now,
                buttons=buttons, ticket_id=ticket_id,
            )  # fmt: skip
            sent += 1
    return sent
