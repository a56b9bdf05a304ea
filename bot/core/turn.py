"""One turn of a conversation: who is speaking, in which estate and language, and the replies.

A turn lives inside one unit of work. Replies are outbox rows whose dedupe keys derive from the
update id, so reprocessing an update after a crash can never send a reply twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.core.inbound import Inbound
from workflows.conversation import Conversation
from workflows.estate import Estate, Resident, Staff
from workflows.messaging import Button, RecipientKind
from workflows.notify import reply
from workflows.phrases import say
from workflows.ports import UnitOfWork

Buttons = tuple[tuple[Button, ...], ...]
MENU_KEYS = ("menu_repair", "menu_complaint", "menu_enquiry", "menu_fees", "menu_my")


@dataclass
class Turn:
    uow: UnitOfWork
    inbound: Inbound
    now: datetime
    conversation: Conversation
    estate: Estate | None = None
    resident: Resident | None = None
    staff: Staff | None = None
    language: str = "zh-Hans"
    _sent: int = field(default=0, init=False)

    @property
    def state(self) -> str:
        return self.conversation.state

    @property
    def draft(self) -> dict[str, object]:
        draft = self.conversation.data.get("draft")
        return dict(draft) if isinstance(draft, dict) else {}

    def move(self, state: str, draft: dict[str, object] | None = None) -> None:
        data = dict(self.conversation.data)
        if draft is None:
            data.pop("draft", None)
        else:
            data["draft"] = draft
        self.conversation = replace(self.conversation, state=state, data=data)

    def remember(self, key: str, value: object) -> None:
        self.conversation = replace(self.conversation, data={**self.conversation.data, key: value})

    def t(self, key: str, **values: object) -> str:
        return say(key, self.language, **values)

    def menu(self) -> tuple[str, ...]:
        return tuple(self.t(key) for key in MENU_KEYS)

    async def answer(
        self,
        text: str,
        *,
        buttons: Buttons = (),
        menu: tuple[str, ...] = (),
        request_contact: str | None = None,
        remove_menu: bool = False,
        ticket_id: int | None = None,
    ) -> None:
        self._sent += 1
        inbound = self.inbound
        await reply(
            self.uow,
            channel=inbound.channel,
            chat_id=inbound.chat_id,
            thread_id=inbound.thread_id,
            text=text,
            dedupe_key=f"{inbound.channel.value}:{inbound.update_id}:reply:{self._sent}",
            now=self.now,
            language=self.language,
            buttons=buttons,
            menu=menu,
            request_contact=request_contact,
            remove_menu=remove_menu,
            recipient_id=self.resident.id if self.resident else None,
            ticket_id=ticket_id,
            recipient_kind=RecipientKind.GROUP if inbound.is_group else RecipientKind.RESIDENT,
        )
