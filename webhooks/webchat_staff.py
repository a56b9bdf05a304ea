"""The steward's side of the web chat: staff group cards, read-only, with usable buttons.

Open only in demo mode or with the configured staff token (``Authorization: Bearer ...``);
otherwise every endpoint answers 403 and the page hides the view. A press acts as one staff
member (the building's steward by default) through that person's web identity, and the core
re-authorises it exactly as it would a press in the Telegram group.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from bot.adapters.web import BadInput, parse_post, to_inbound
from bot.adapters.web.hub import STAFF_TOPIC, Event
from webhooks import webchat_store as store
from webhooks.webchat import BUSY, Chat, WebChat, error, read_body
from webhooks.webchat_sse import sse_response, stream

log = logging.getLogger("guanjia.webchat")
FORBIDDEN = "员工视图需要登录，仅在演示模式或配置员工令牌后开放。"
router = APIRouter(prefix="/api/web/staff")


def _denied(chat: WebChat, request: Request) -> Response | None:
    if chat.staff_allowed(request.headers.get("authorization")):
        return None
    return error(403, FORBIDDEN)


@router.get("/groups")
async def groups(chat: Chat, request: Request) -> Response:
    if denied := _denied(chat, request):
        return denied
    return JSONResponse({"groups": await store.groups(chat.runtime.uow)})


@router.get("/groups/{code}/cards")
async def cards(chat: Chat, code: str, request: Request) -> Response:
    if denied := _denied(chat, request):
        return denied
    group = await store.group_by_code(chat.runtime.uow, code)
    if group is None:
        return error(404, "没有这个员工群。")
    cards = await store.group_cards(chat.runtime.uow, group)
    return JSONResponse({"group": {"code": group.code, "name": group.name}, "cards": cards})


@router.post("/groups/{code}/press")
async def press(chat: Chat, code: str, request: Request) -> Response:
    if denied := _denied(chat, request):
        return denied
    try:
        body = await read_body(request)
        post = parse_post(body)
    except BadInput as exc:
        return error(exc.status, exc.message)
    if post.button is None:
        return error(400, "员工视图只能点击卡片上的按钮。")
    group = await store.group_by_code(chat.runtime.uow, code)
    if group is None:
        return error(404, "没有这个员工群。")
    acting = _acting_code(body) or await _default_actor(chat, code)
    member = (
        await store.staff_member(chat.runtime.uow, estate_id=group.estate_id, code=acting)
        if acting
        else None
    )
    if member is None:
        return error(400, "请选择操作的员工。")
    staff_id, name = member
    assert acting is not None
    update_id = f"s:{post.client_id}"
    try:
        await store.ensure_staff_identity(chat.runtime.uow, staff_id=staff_id, code=acting)
        await store.record_inbound(
            chat.runtime.uow,
            update_id=update_id,
            payload={"group": code, "staff": acting, "button": post.button, "hidden": True},
            now=chat.runtime.clock.now(),
        )
        outcome = await chat.services.handle(
            to_inbound(
                post,
                chat_id=group.chat_id,
                user_id=store.staff_external_id(acting),
                update_id=update_id,
                is_group=True,
                user_name=name,
            )
        )
    except Exception:
        log.exception("staff press could not be handled")
        return error(503, BUSY)
    chat.hub.publish(STAFF_TOPIC, {"type": "changed"})
    return JSONResponse({"ok": True, "ack": outcome.ack, "alert": outcome.alert, "as": name})


def _acting_code(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    staff = data.get("staff") if isinstance(data, dict) else None
    return staff[:64] if isinstance(staff, str) and staff else None


async def _default_actor(chat: WebChat, code: str) -> str | None:
    for group in await store.groups(chat.runtime.uow):
        if group["code"] == code:
            acting = group["acting"]
            return acting if isinstance(acting, str) else None
    return None


@router.get("/events")
async def events(chat: Chat, request: Request) -> Response:
    """Tells the staff view when cards may have changed; it then reloads the cards."""
    if denied := _denied(chat, request):
        return denied
    seen = {"version": await store.cards_version(chat.runtime.uow)}

    async def changed() -> Event | None:
        version = await store.cards_version(chat.runtime.uow)
        if version == seen["version"]:
            return None
        seen["version"] = version
        return {"type": "changed"}

    async def body() -> Any:
        with chat.hub.subscribe(STAFF_TOPIC) as subscription:

            async def first() -> list[Event]:
                return [{"type": "hello", "id": uuid.uuid4().hex}]

            async for piece in stream(subscription, first=first, poll=changed, heartbeat=3.0):
                yield piece

    return sse_response(body())
