"""The web chat channel's HTTP side: the page, the resident endpoints, the live stream.

A third door to the same core and outbox: a POSTed message becomes an ``Inbound`` handed to
``Services.handle``; replies come back through the outbox, whose web sender publishes them to
every open tab of the chat (server-sent events). In demo mode a visitor picks a demo resident
and chats as them; otherwise the page is a kiosk where visitors chat as unbound guests.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles

from bot.adapters.web import BadInput, WebHub, WebPost, chat_topic, parse_post, to_inbound
from bot.adapters.web.hub import STAFF_TOPIC, Event
from bot.adapters.web.translate import MAX_BODY_BYTES, TOO_LONG
from bot.adapters.web.view import user_view
from webhooks import webchat_store as store
from webhooks.runtime import Runtime
from webhooks.settings import Settings
from webhooks.webchat_sse import sse_response, stream

if TYPE_CHECKING:
    from webhooks.services import Services

log = logging.getLogger("guanjia.webchat")
STATIC = Path(__file__).resolve().parent / "static"
DEMO_CHAT = re.compile(r"^demo-(\d{1,12})$")
VISITOR_CHAT = re.compile(r"^v-[0-9a-f]{24}$")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
BUSY = "系统繁忙，请稍后再试。"


@dataclass
class WebChat:
    """What the web endpoints need, built once in the app's lifespan."""

    settings: Settings
    runtime: Runtime
    services: Services
    hub: WebHub

    @property
    def staff_mode(self) -> str:
        if self.settings.demo:
            return "open"
        return "token" if self.settings.web_staff_token is not None else "off"

    def staff_allowed(self, authorization: str | None) -> bool:
        if self.settings.demo:
            return True
        token = self.settings.web_staff_token
        if token is None or not authorization:
            return False
        scheme, _, given = authorization.partition(" ")
        expected = token.get_secret_value()
        return scheme.lower() == "bearer" and secrets.compare_digest(
            given.strip().encode(), expected.encode()
        )


class Unavailable(Exception):
    """The service has not started yet (or is stopping)."""


def webchat(request: Request) -> WebChat:
    chat = getattr(request.app.state, "webchat", None)
    if not isinstance(chat, WebChat):
        raise Unavailable
    return chat


Chat = Annotated[WebChat, Depends(webchat)]


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=status)


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes the limit."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise BadInput(413, TOO_LONG)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BadInput(413, TOO_LONG)
    return bytes(body)


def chat_allowed(chat: WebChat, chat_id: str) -> bool:
    if DEMO_CHAT.match(chat_id):
        return chat.settings.demo
    return VISITOR_CHAT.match(chat_id) is not None


router = APIRouter()


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html", headers=SECURITY_HEADERS)


@router.get("/api/web/config")
async def config(chat: Chat) -> dict[str, Any]:
    async with chat.runtime.uow() as tx:
        estates = await tx.directory.estates()
    return {
        "demo": chat.settings.demo,
        "staff": chat.staff_mode,
        "telegram": chat.settings.telegram_token is not None,
        "estate": estates[0].name if len(estates) == 1 else "",
    }


@router.get("/api/web/residents")
async def residents(chat: Chat) -> Response:
    if not chat.settings.demo:
        return error(403, "演示住户仅在演示模式下开放。")
    return JSONResponse({"residents": await store.demo_residents(chat.runtime.uow)})


@router.post("/api/web/session")
async def session(chat: Chat, request: Request) -> Response:
    """Start chatting: as a demo resident (demo mode), or as a guest."""
    try:
        body = await read_body(request)
    except BadInput as exc:
        return error(exc.status, exc.message)
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return error(400, "请求格式有误，请刷新页面后重试。")
    resident_id = data.get("resident_id") if isinstance(data, dict) else None
    now = chat.runtime.clock.now()
    if resident_id is None:
        chat_id = "v-" + secrets.token_hex(12)
        opened: dict[str, Any] | None = {"chat_id": chat_id, "name": "访客", "units": []}
    elif not chat.settings.demo:
        return error(403, "演示住户仅在演示模式下开放。")
    elif not isinstance(resident_id, int) or isinstance(resident_id, bool):
        return error(400, "请选择一位演示住户。")
    else:
        chat_id = f"demo-{resident_id}"
        opened = await store.bind_demo_resident(
            chat.runtime.uow, resident_id=resident_id, chat_id=chat_id, now=now
        )
        if opened is None:
            return error(404, "没有找到这位住户，请重新选择。")
    assert opened is not None
    if not await store.has_history(chat.runtime.uow, chat_id):
        await _greet(chat, chat_id)
    return JSONResponse({"ok": True, **opened})


async def _greet(chat: WebChat, chat_id: str) -> None:
    """The first visit opens with /start, once per chat however many tabs race to open it."""
    update_id = f"{chat_id}:start"
    payload = {"chat_id": chat_id, "hidden": True}
    await store.record_inbound(
        chat.runtime.uow, update_id=update_id, payload=payload, now=chat.runtime.clock.now()
    )
    post = WebPost(text="/start", client_id="start")
    await chat.services.handle(
        to_inbound(post, chat_id=chat_id, user_id=chat_id, update_id=update_id)
    )


@router.get("/api/web/chats/{chat_id}/history")
async def history(chat: Chat, chat_id: str) -> Response:
    if not chat_allowed(chat, chat_id):
        return error(403, "这个会话无法打开，请重新选择住户。")
    return JSONResponse({"messages": await store.history(chat.runtime.uow, chat_id)})


@router.get("/api/web/chats/{chat_id}/events")
async def events(chat: Chat, chat_id: str) -> Response:
    if not chat_allowed(chat, chat_id):
        return error(403, "这个会话无法打开，请重新选择住户。")
    return _chat_stream(chat, chat_id)


def _chat_stream(chat: WebChat, chat_id: str) -> StreamingResponse:
    async def body() -> Any:
        with chat.hub.subscribe(chat_topic(chat_id)) as subscription:

            async def first() -> list[Event]:
                messages = await store.history(chat.runtime.uow, chat_id)
                return [{"type": "history", "messages": messages}]

            async for piece in stream(subscription, first=first):
                yield piece

    return sse_response(body())


@router.post("/api/web/chats/{chat_id}/messages")
async def post_message(chat: Chat, chat_id: str, request: Request) -> Response:
    if not chat_allowed(chat, chat_id):
        return error(403, "这个会话无法打开，请重新选择住户。")
    try:
        post = parse_post(await read_body(request))
    except BadInput as exc:
        return error(exc.status, exc.message)
    update_id = f"{chat_id}:{post.client_id}"
    now = chat.runtime.clock.now()
    try:
        fresh = await store.record_inbound(
            chat.runtime.uow,
            update_id=update_id,
            payload={"chat_id": chat_id, "shown": post.shown, "button": post.button},
            now=now,
        )
        if fresh and post.shown:
            chat.hub.publish(chat_topic(chat_id), user_view(update_id, post.shown, now))
        outcome = await chat.services.handle(
            to_inbound(post, chat_id=chat_id, user_id=chat_id, update_id=update_id)
        )
    except Exception:
        log.exception("web message could not be handled")
        return error(503, BUSY)
    chat.hub.publish(STAFF_TOPIC, {"type": "changed"})
    return JSONResponse(
        {"ok": True, "ack": outcome.ack, "alert": outcome.alert, "replay": not fresh}
    )


def mount_webchat(app: FastAPI) -> None:
    """Add the page, its static files and the web endpoints to ``app``."""
    from webhooks.webchat_staff import router as staff_router

    @app.exception_handler(Unavailable)
    async def unavailable(request: Request, exc: Unavailable) -> JSONResponse:
        return error(503, "服务正在启动，请稍后刷新页面。")

    app.include_router(router)
    app.include_router(staff_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
