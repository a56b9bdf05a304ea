"""A fake Telegram Bot API server speaking real HTTP on loopback.

Why: the guanjia Telegram drivers (aiogram 3 and python-telegram-bot 22) must be tested with
their *real* HTTP stacks — request encoding, response parsing, error mapping, long polling —
without ever reaching api.telegram.org. Mocking the libraries' ``Bot`` objects would skip
exactly the code that breaks in production (multipart uploads, ``retry_after`` handling,
``message is not modified`` errors, the offset handshake of ``getUpdates``). So this module
runs a small Bot API look-alike on ``127.0.0.1:<ephemeral port>`` and both libraries are simply
pointed at it::

    async with FakeTelegramAPI(token="123456:TEST") as api:
        # aiogram (or tests.fakes.clients.aiogram_bot(api))
        session = AiohttpSession(api=TelegramAPIServer.from_base(api.base_url))
        bot = aiogram.Bot(api.token, session=session)
        # python-telegram-bot (or tests.fakes.clients.ptb_bot / ptb_application_builder)
        bot = telegram.Bot(api.token, **api.ptb_urls())  # base_url=.../bot, base_file_url=...
        api.push_update(telegram_updates.command(1, user_id, chat_id, "/start"))
        await api.wait_for("sendMessage")
        assert api.sent_texts(chat_id) == [...]

URL layout (both verified against the installed library sources and by the tests):
``{base_url}/bot{token}/{method}`` for methods, ``{base_url}/file/bot{token}/{file_path}`` for
downloads.

Server choice: aiohttp's web server, run as part of the *current* event loop. aiohttp is a hard
dependency of aiogram, so it is always installed, and it parses urlencoded and multipart bodies
natively (Starlette's form parsing would need ``python-multipart``, which guanjia does not
depend on). Running in the test's own loop keeps ``push_update``/``fail_next`` free of
thread-safety concerns and lets pytest-asyncio tests use it directly; the price is that code
under test must not block the loop (it should not anyway), the test-facing methods must be
called from that loop's thread, and an instance serves one ``async with`` block (not
restartable).

Realism, on purpose: responses are ``{"ok": true, "result": ...}`` with Message objects shaped
like Telegram's (per-chat incrementing ``message_id``, ``date``, ``chat``, ``from`` = the bot,
inline ``reply_markup`` echoed); errors use the HTTP status equal to ``error_code`` with
Telegram's description texts; editing a message to identical content fails with "message is not
modified"; ``getUpdates`` is refused with 409 while a webhook is set; HTML and MarkdownV2 markup
is checked for the classic mistakes (unknown/unclosed tags, unescaped reserved characters) that
Telegram rejects with "can't parse entities". Each of these can be turned off via constructor
flags when a test needs a more forgiving server.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import hashlib
import inspect
import json
import re
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import TracebackType
from typing import Any, Self, TypedDict

from aiohttp import ClientSession, ClientTimeout, web
from multidict import MultiDictProxy

JSONDict = dict[str, Any]
Handler = Callable[[JSONDict], Any | Awaitable[Any]]

#: Methods whose successful calls ``FakeTelegramAPI.sent_messages`` reports.
SEND_METHODS: tuple[str, ...] = ("sendMessage", "sendPhoto", "sendDocument")

#: Form fields that must stay strings even if they look like JSON (``"123"``, ``"true"``).
#: Everything else sent as a form field is JSON-decoded when possible, because both libraries
#: serialise ints, bools, lists and objects as JSON text in form bodies.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "url",
        "file_id",
        "parse_mode",
        "secret_token",
        "language_code",
        "business_connection_id",
        "message_effect_id",
        "ip_address",
        "emoji",
        "title",
        "description",
        "short_description",
        "name",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "thumbnail",
        "certificate",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "address",
        "query",
        "switch_inline_query",
    }
)

_DEFAULT_DESCRIPTIONS: dict[int, str] = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

_EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})


class PTBUrls(TypedDict):
    """Keyword arguments that point ``telegram.Bot`` (or its builder) at the fake."""

    base_url: str
    base_file_url: str


class BotAPIError(Exception):
    """Raised by method handlers (including custom ones) to answer with a Bot API error."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(f"{status}: {description}")
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        """The JSON body Telegram sends for this error."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as received (``params`` values point at these)."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Call:
    """One Bot API request as the server saw it.

    ``params`` are decoded to Python values regardless of how the library encoded them (JSON
    body, urlencoded or multipart form with JSON-encoded values); uploaded files appear as
    :class:`UploadedFile` under their parameter name (``attach://`` references resolved).
    ``at`` is ``time.monotonic()`` on arrival, so gaps between calls (e.g. a retry after a 429)
    can be measured. ``status``/``response`` are filled when the answer is produced and are
    ``None`` while the call is in flight (e.g. a long poll or a delayed fault).
    """

    method: str
    params: JSONDict
    at: float
    files: dict[str, UploadedFile] = field(default_factory=dict)
    status: int | None = None
    response: JSONDict | None = None
    fault: Fault | None = None

    @property
    def done(self) -> bool:
        """Whether the server has answered this call."""
        return self.status is not None

    @property
    def ok(self) -> bool:
        """Whether the call was answered with ``{"ok": true}``."""
        return self.status == 200

    @property
    def result(self) -> Any:
        """The ``result`` the server returned (``None`` for failed or pending calls)."""
        return None if self.response is None else self.response.get("result")


@dataclass
class Fault:
    """A queued failure (or slowdown) for the next matching call of one method.

    ``status=None`` with a ``delay`` only slows the call down and then answers normally; a
    ``status`` answers with that Bot API error after the delay. ``body`` replaces the JSON
    error body with raw bytes (e.g. the HTML page nginx serves for a real 502).
    """

    method: str
    status: int | None = None
    retry_after: int | None = None
    description: str | None = None
    delay: float = 0.0
    chat_id: int | str | None = None
    parameters: JSONDict | None = None
    body: bytes | None = None

    def matches(self, params: JSONDict) -> bool:
        """Whether this fault applies to a call with these params (``chat_id`` filter)."""
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)

    def error(self) -> BotAPIError:
        """The Bot API error this fault answers with (``status`` must be set)."""
        assert self.status is not None
        parameters = dict(self.parameters or {})
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        elif self.status == 429:
            parameters["retry_after"] = 1
        if self.description is not None:
            description = self.description
        elif self.status == 400 and self.method in _EDIT_METHODS:
            description = NOT_MODIFIED
        else:
            template = _DEFAULT_DESCRIPTIONS.get(self.status, f"Error {self.status}")
            description = template.format(retry_after=parameters.get("retry_after"))
        return BotAPIError(self.status, description, parameters or None)


@dataclass
class StoredFile:
    """A file ``getFile`` knows about and ``/file/bot<token>/<path>`` serves."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes


# --------------------------------------------------------------------------------------------
# Markup checks (the mistakes Telegram rejects with "Bad Request: can't parse entities")
# --------------------------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    }
)


class _TelegramHTML(HTMLParser):
    """Validates Telegram's HTML subset and extracts the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.parts: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error:
            return
        if tag not in _HTML_TAGS:
            self.error = f'Unsupported start tag "{tag}" at byte offset {self.getpos()[1]}'
            return
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.error:
            return
        if not self.stack:
            self.error = f"Unexpected end tag at byte offset {self.getpos()[1]}"
        elif self.stack[-1] != tag:
            self.error = (
                f"Unmatched end tag at byte offset {self.getpos()[1]}, "
                f'expected "</{self.stack[-1]}>", found "</{tag}>"'
            )
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)
_MDV2_LINK_TARGET = re.compile(r"\]\((?:[^()\\]|\\.)*\)")
_MDV2_FORMATTING = frozenset("_*~|[]`")


def render_markup(text: str, parse_mode: str | None) -> str:
    """Return the visible text for ``text`` under ``parse_mode`` or raise a 400 like Telegram.

    Only the mistakes that bite chatbots are detected: unsupported or unbalanced HTML tags and,
    for MarkdownV2, reserved characters (``.``, ``!``, ``-``, ``(`` ...) left unescaped outside
    code spans and link targets. Legacy ``Markdown`` is passed through.
    """
    mode = (parse_mode or "").lower()
    if mode == "html":
        parser = _TelegramHTML()
        parser.feed(text)
        parser.close()
        if parser.error is None and parser.stack:
            parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
        if parser.error is not None:
            raise BotAPIError(400, f"Bad Request: can't parse entities: {parser.error}")
        return "".join(parser.parts)
    if mode == "markdownv2":
        scrubbed = _MDV2_LINK_TARGET.sub("]", _MDV2_CODE.sub("", text))
        i = 0
        while i < len(scrubbed):
            ch = scrubbed[i]
            if ch == "\\":
                i += 2
                continue
            at_line_start = i == 0 or scrubbed[i - 1] == "\n"
            if (
                ch in _MDV2_RESERVED
                and ch not in _MDV2_FORMATTING
                and not (ch == ">" and at_line_start)
            ):
                raise BotAPIError(
                    400,
                    "Bad Request: can't parse entities: "
                    f"Character '{ch}' is reserved and must be escaped with the preceding '\\'",
                )
            i += 1
        visible = re.sub(r"\\(.)", r"\1", text)
        return visible
    return text


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------


class FakeTelegramAPI:
    """In-process fake of the Telegram Bot API on ``http://127.0.0.1:<port>``.

    Use as ``async with FakeTelegramAPI() as api:``; see the module docstring for how to point
    aiogram and python-telegram-bot at it. Test-facing API:

    * ``push_update(update)`` queues an update for ``getUpdates``; ``deliver_webhook(update)``
      POSTs it to the URL registered with ``setWebhook`` instead.
    * ``fail_next(method, status=..., retry_after=..., delay=..., chat_id=...)`` queues faults.
    * ``calls``, ``calls_of(method)``, ``sent_messages(chat_id)``, ``wait_for(method, count)``
      inspect what the bot did; ``message(chat_id, message_id)`` is a message's current state.
    * ``add_file(data, file_id=...)`` makes a file downloadable via ``getFile``.
    * ``set_handler(method, fn)`` overrides or adds a method (``fn(params) -> result``).
    """

    def __init__(
        self,
        token: str = "123456:TEST",
        *,
        host: str = "127.0.0.1",
        bot_username: str = "guanjia_test_bot",
        bot_first_name: str = "Guanjia Test Bot",
        strict_edits: bool = True,
        check_markup: bool = True,
    ) -> None:
        """Configure (but do not start) the server.

        ``strict_edits``: answer "message is not modified" for no-op edits and "message to
        edit/delete not found" for unknown messages, as Telegram does. ``check_markup``:
        validate HTML/MarkdownV2 text as described in :func:`render_markup`.
        """
        bot_id, sep, _secret = token.partition(":")
        if not sep or not bot_id.isdigit():
            raise ValueError(f"token must look like '<digits>:<secret>', got {token!r}")
        self.token = token
        self.bot_id = int(bot_id)
        self.host = host
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict_edits = strict_edits
        self.check_markup = check_markup

        self.calls: list[Call] = []
        self.webhook: JSONDict | None = None
        self.commands: dict[str, list[JSONDict]] = {}

        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._poll_generation = 0
        self._updates_changed = asyncio.Event()
        self._calls_changed = asyncio.Event()
        self._faults: dict[str, deque[Fault]] = {}
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: dict[int, int] = {}
        self._chats: dict[int, JSONDict] = {}
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._custom: dict[str, Handler] = {}
        self._handlers: dict[str, Callable[[JSONDict], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendChatAction": self._true,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "getUpdates": self._get_updates,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getChat": self._get_chat,
        }

    # ---------------------------------------------------------------- lifecycle / addresses

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def start(self) -> None:
        """Bind an ephemeral loopback port and start serving in the running event loop."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner

    async def close(self) -> None:
        """Stop serving: pending long polls answer ``[]`` and delayed faults end at once."""
        self._closing.set()
        self._notify_updates()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The bound TCP port (only after ``start``)."""
        if self._port is None:
            raise RuntimeError("FakeTelegramAPI is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` — give it to ``TelegramAPIServer.from_base``."""
        return f"http://{self.host}:{self.port}"

    def ptb_urls(self) -> PTBUrls:
        """``base_url``/``base_file_url`` kwargs for ``telegram.Bot`` (PTB appends the token)."""
        return PTBUrls(base_url=f"{self.base_url}/bot", base_file_url=f"{self.base_url}/file/bot")

    def api_url(self, method: str) -> str:
        """Full URL of a Bot API method (for raw HTTP tests)."""
        return f"{self.base_url}/bot{self.token}/{method}"

    def file_url(self, file_path: str) -> str:
        """Full download URL of a stored file."""
        return f"{self.base_url}/file/bot{self.token}/{file_path}"

    @property
    def bot_user(self) -> JSONDict:
        """The bot's ``User`` object (``from`` of every message it sends)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # ---------------------------------------------------------------- test-facing controls

    def push_update(self, update: JSONDict) -> int:
        """Queue an update for ``getUpdates`` and wake long polls; returns its ``update_id``.

        A missing ``update_id`` is assigned (monotonic, like Telegram's). Messages inside the
        update are remembered, so later edits/deletes of them and ``getChat`` behave.
        """
        update = dict(update)
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self._remember_update(update)
        self._updates.append(update)
        self._updates.sort(key=lambda u: int(u["update_id"]))
        self._notify_updates()
        return update_id

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        return list(self._updates)

    def fail_next(
        self,
        method: str,
        status: int | None = None,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        delay: float = 0.0,
        chat_id: int | str | None = None,
        parameters: JSONDict | None = None,
        body: bytes | str | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (or stall for ``delay`` seconds).

        Faults queue up per method and are consumed in order; with ``chat_id`` only calls for
        that chat consume the fault. ``retry_after`` implies nothing about ``status``: pass
        ``status=429`` (a 429 without ``retry_after`` gets ``retry_after=1``). Descriptions
        default to Telegram's texts (403 "Forbidden: bot was blocked by the user", 400 on edit
        methods "message is not modified", 429 "Too Many Requests: retry after N", ...).
        """
        if status is None and delay <= 0 and body is None:
            raise ValueError("fail_next needs a status, a delay or a body")
        if status is None and body is not None:
            raise ValueError("a raw body needs a status")
        canonical = self._canonical(method)
        raw = body.encode() if isinstance(body, str) else body
        queue = self._faults.setdefault(canonical, deque())
        for _ in range(times):
            queue.append(
                Fault(
                    method=canonical,
                    status=status,
                    retry_after=retry_after,
                    description=description,
                    delay=delay,
                    chat_id=chat_id,
                    parameters=parameters,
                    body=raw,
                )
            )

    def clear_faults(self) -> None:
        """Drop all queued faults."""
        self._faults.clear()

    def set_handler(self, method: str, handler: Handler) -> None:
        """Override or add a method: ``handler(params)`` returns the ``result`` (may be async)
        or raises :class:`BotAPIError`. Calls are still recorded and faults still apply."""
        self._custom[method.lower()] = handler

    def add_file(
        self, data: bytes, *, file_id: str | None = None, file_path: str | None = None
    ) -> str:
        """Register downloadable bytes; returns the ``file_id`` to put in updates."""
        fid = file_id or f"fakefile-{len(self._files) + 1}-{hashlib.sha1(data).hexdigest()[:8]}"
        path = file_path or f"documents/file_{len(self._files) + 1}"
        stored = StoredFile(fid, hashlib.sha1(fid.encode()).hexdigest()[:16], path, data)
        self._files[fid] = stored
        self._files_by_path[path] = stored
        return fid

    def reset_calls(self) -> None:
        """Forget recorded calls (e.g. the start-up ``getMe``/``deleteWebhook`` noise)."""
        self.calls.clear()

    async def deliver_webhook(
        self,
        update: JSONDict,
        *,
        timeout: float = 10.0,  # noqa: ASYNC109 - an HTTP client timeout, not a cancel scope
    ) -> tuple[int, bytes]:
        """POST ``update`` to the URL registered via ``setWebhook``, with the secret header.

        Returns ``(status, body)``; lets webhook tests exercise the same handshake Telegram
        performs (``X-Telegram-Bot-Api-Secret-Token``).
        """
        if not self.webhook or not self.webhook.get("url"):
            raise RuntimeError("no webhook set (call setWebhook first)")
        self._remember_update(update)
        headers = {"Content-Type": "application/json"}
        secret = self.webhook.get("secret_token")
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = str(secret)
        async with (
            ClientSession(timeout=ClientTimeout(total=timeout)) as session,
            session.post(self.webhook["url"], data=json.dumps(update), headers=headers) as resp,
        ):
            return resp.status, await resp.read()

    # ---------------------------------------------------------------- inspection

    def calls_of(self, method: str, chat_id: int | str | None = None) -> list[Call]:
        """Recorded calls of ``method`` (case-insensitive), optionally for one chat."""
        canonical = self._canonical(method)
        return [
            c
            for c in self.calls
            if c.method == canonical
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def sent_messages(self, chat_id: int | str | None = None) -> list[JSONDict]:
        """Params of successful ``sendMessage``/``sendPhoto``/``sendDocument`` calls, in order.

        Failed attempts (faults, 4xx) are excluded: they were never delivered. Use ``calls`` to
        see retries.
        """
        return [
            c.params
            for c in self.calls
            if c.method in SEND_METHODS
            and c.ok
            and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """``text`` (or ``caption``) of each successfully sent message, in order."""
        return [str(p.get("text", p.get("caption", ""))) for p in self.sent_messages(chat_id)]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """Current server-side state of a message (after edits), or ``None`` if unknown."""
        return self._messages.get((int(chat_id), int(message_id)))

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the documented test-helper signature
        *,
        chat_id: int | str | None = None,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` have been *answered*; return them all.

        Raises ``AssertionError`` listing what was called if ``timeout`` passes first.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._calls_changed
            done = [c for c in self.calls_of(method, chat_id) if c.done]
            if len(done) >= count:
                return done
            remaining = deadline - loop.time()
            if remaining <= 0:
                seen = ", ".join(c.method for c in self.calls) or "none"
                raise AssertionError(
                    f"expected {count} answered {method} call(s) within {timeout}s, "
                    f"got {len(done)}; calls so far: {seen}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    # ---------------------------------------------------------------- HTTP plumbing

    def _canonical(self, method: str) -> str:
        lowered = method.lower()
        for name in (*self._handlers, *self._custom):
            if name.lower() == lowered:
                return name if name in self._handlers else method
        return method

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        params, files = await _read_params(request)
        method = self._canonical(request.match_info["method"])
        call = Call(method=method, params=params, at=time.monotonic(), files=files)
        self.calls.append(call)
        status, body = await self._answer(call, request.match_info["token"])
        return _respond(call, status, body, self._notify_calls)

    async def _answer(self, call: Call, token: str) -> tuple[int, JSONDict | bytes]:
        if token != self.token:
            return 401, BotAPIError(401, "Unauthorized").payload()
        fault = self._take_fault(call.method, call.params)
        call.fault = fault
        if fault is not None and fault.delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.delay)
        if fault is not None and fault.status is not None:
            error = fault.error()
            return error.status, fault.body if fault.body is not None else error.payload()
        try:
            result = await self._dispatch(call.method, call.params)
        except BotAPIError as exc:
            return exc.status, exc.payload()
        return 200, {"ok": True, "result": result}

    async def _dispatch(self, method: str, params: JSONDict) -> Any:
        custom = self._custom.get(method.lower())
        if custom is not None:
            result = custom(params)
            return await result if inspect.isawaitable(result) else result
        handler = self._handlers.get(method)
        if handler is None:
            raise BotAPIError(404, "Not Found")
        return await handler(params)

    def _take_fault(self, method: str, params: JSONDict) -> Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        for fault in queue:
            if fault.matches(params):
                queue.remove(fault)
                return fault
        return None

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self._files_by_path.get(request.match_info["path"])
        if request.match_info["token"] != self.token or stored is None:
            return web.json_response(BotAPIError(404, "Not Found").payload(), status=404)
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _notify_updates(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    def _notify_calls(self) -> None:
        self._calls_changed.set()
        self._calls_changed = asyncio.Event()

    # ---------------------------------------------------------------- state helpers

    def _remember_update(self, update: JSONDict) -> None:
        for key in ("message", "edited_message", "channel_post", "callback_query"):
            obj = update.get(key)
            if not isinstance(obj, dict):
                continue
            msg = obj.get("message") if key == "callback_query" else obj
            if isinstance(msg, dict) and "chat" in msg and "message_id" in msg:
                chat_id = int(msg["chat"]["id"])
                self._chats.setdefault(chat_id, dict(msg["chat"]))
                self._messages.setdefault((chat_id, int(msg["message_id"])), dict(msg))
                self._last_message_id[chat_id] = max(
                    self._last_message_id.get(chat_id, 0), int(msg["message_id"])
                )

    def _chat(self, chat_id: int) -> JSONDict:
        known = self._chats.get(chat_id)
        if known is not None:
            return dict(known)
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "User"}
        return {"id": chat_id, "type": "supergroup", "title": "Group"}

    @staticmethod
    def _chat_id(params: JSONDict) -> int:
        raw = params.get("chat_id")
        try:
            return int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BotAPIError(400, "Bad Request: chat not found") from None

    def _new_message(self, params: JSONDict, **content: Any) -> JSONDict:
        chat_id = self._chat_id(params)
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        msg: JSONDict = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": self._chat(chat_id),
            "date": int(time.time()),
        }
        reply_to = self._reply_to(params, chat_id)
        if reply_to is not None:
            msg["reply_to_message"] = reply_to
        msg.update({k: v for k, v in content.items() if v is not None})
        markup = _inline_markup(params.get("reply_markup"))
        if markup is not None:
            msg["reply_markup"] = markup
        self._messages[(chat_id, message_id)] = msg
        return msg

    def _reply_to(self, params: JSONDict, chat_id: int) -> JSONDict | None:
        reply = params.get("reply_parameters")
        target = reply.get("message_id") if isinstance(reply, dict) else None
        target = target or params.get("reply_to_message_id")
        if target is None:
            return None
        found = self._messages.get((chat_id, int(target)))
        if found is None:
            return None
        return {k: v for k, v in found.items() if k != "reply_to_message"}

    def _render(self, raw: Any, parse_mode: Any) -> str:
        text = "" if raw is None else str(raw)
        if self.check_markup:
            text = render_markup(text, parse_mode if isinstance(parse_mode, str) else None)
        return text

    def _existing(self, params: JSONDict, action: str) -> JSONDict | None:
        """The targeted message; ``None`` for inline messages. Unknown ones per strictness."""
        if params.get("inline_message_id"):
            return None
        chat_id = self._chat_id(params)
        message_id = int(params.get("message_id") or 0)
        msg = self._messages.get((chat_id, message_id))
        if msg is None:
            if self.strict_edits:
                raise BotAPIError(400, f"Bad Request: message to {action} not found")
            msg = {
                "message_id": message_id,
                "from": self.bot_user,
                "chat": self._chat(chat_id),
                "date": int(time.time()),
                "text": "",
            }
            self._messages[(chat_id, message_id)] = msg
        return msg

    def _apply_edit(self, msg: JSONDict, changes: JSONDict, params: JSONDict) -> JSONDict:
        markup = _inline_markup(params.get("reply_markup"))
        before = {k: msg.get(k) for k in (*changes, "reply_markup")}
        after = {**changes, "reply_markup": markup}
        if self.strict_edits and before == after:
            raise BotAPIError(400, NOT_MODIFIED)
        for key, value in after.items():
            if value is None:
                msg.pop(key, None)
            else:
                msg[key] = value
        msg["edit_date"] = int(time.time())
        return msg

    # ---------------------------------------------------------------- method handlers

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _send_message(self, params: JSONDict) -> JSONDict:
        text = self._render(params.get("text"), params.get("parse_mode"))
        if not text.strip():
            raise BotAPIError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise BotAPIError(400, "Bad Request: message is too long")
        return self._new_message(params, text=text, entities=_entities(params.get("entities")))

    def _store_upload(self, value: Any, kind: str, default_name: str) -> tuple[StoredFile, str]:
        """Turn an upload, a file_id or a URL into a stored file; returns it and its name.

        Unknown file_ids are accepted (and registered empty): tests often re-send ids taken
        from builder-made updates, which the real API would know.
        """
        if isinstance(value, UploadedFile):
            name = value.filename or default_name
            fid = self.add_file(value.data, file_path=f"{kind}/file_{len(self._files) + 1}")
            return self._files[fid], name
        if isinstance(value, str) and value:
            if value.startswith(("http://", "https://")):
                fid = self.add_file(b"", file_path=f"{kind}/file_{len(self._files) + 1}")
                return self._files[fid], value.rsplit("/", 1)[-1] or default_name
            if value not in self._files:
                self.add_file(b"", file_id=value, file_path=f"{kind}/file_{len(self._files) + 1}")
            return self._files[value], default_name
        raise BotAPIError(400, f"Bad Request: there is no {kind.rstrip('s')} in the request")

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        stored, _name = self._store_upload(params.get("photo"), "photos", "photo.jpg")
        caption = self._render(params.get("caption"), params.get("parse_mode"))
        sizes = [
            {
                "file_id": stored.file_id if i == 2 else f"{stored.file_id}-s{i}",
                "file_unique_id": f"{stored.file_unique_id[:14]}s{i}",
                "file_size": max(1, len(stored.data) // (3 - i)),
                "width": width,
                "height": width * 3 // 4,
            }
            for i, width in enumerate((90, 320, 1280))
        ]
        return self._new_message(
            params,
            photo=sizes,
            caption=caption or None,
            caption_entities=_entities(params.get("caption_entities")),
        )

    async def _send_document(self, params: JSONDict) -> JSONDict:
        stored, name = self._store_upload(params.get("document"), "documents", "document")
        caption = self._render(params.get("caption"), params.get("parse_mode"))
        upload = params.get("document")
        mime = upload.content_type if isinstance(upload, UploadedFile) else None
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": name,
            "mime_type": mime or "application/octet-stream",
            "file_size": len(stored.data),
        }
        return self._new_message(
            params,
            document=document,
            caption=caption or None,
            caption_entities=_entities(params.get("caption_entities")),
        )

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text = self._render(params.get("text"), params.get("parse_mode"))
        if not text.strip():
            raise BotAPIError(400, "Bad Request: message text is empty")
        msg = self._existing(params, "edit")
        if msg is None:
            return True
        changes = {"text": text, "entities": _entities(params.get("entities"))}
        return self._apply_edit(msg, changes, params)

    async def _edit_message_caption(self, params: JSONDict) -> JSONDict | bool:
        caption = self._render(params.get("caption"), params.get("parse_mode"))
        msg = self._existing(params, "edit")
        if msg is None:
            return True
        return self._apply_edit(msg, {"caption": caption or None}, params)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        msg = self._existing(params, "edit")
        if msg is None:
            return True
        return self._apply_edit(msg, {}, params)

    async def _delete_message(self, params: JSONDict) -> bool:
        chat_id = self._chat_id(params)
        key = (chat_id, int(params.get("message_id") or 0))
        if key not in self._messages and self.strict_edits:
            raise BotAPIError(400, "Bad Request: message to delete not found")
        self._messages.pop(key, None)
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        if not params.get("callback_query_id"):
            raise BotAPIError(400, "Bad Request: query is too old and response timeout expired")
        text = params.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise BotAPIError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url") or ""
        if not url:
            self.webhook = None
            return True
        if not str(url).startswith("https://") and not str(url).startswith("http://127.0.0.1"):
            raise BotAPIError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {k: v for k, v in params.items() if not isinstance(v, UploadedFile)}
        return True

    async def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self.webhook:
            info["max_connections"] = int(self.webhook.get("max_connections") or 40)
            if self.webhook.get("allowed_updates"):
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook:
            raise BotAPIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        allowed_types = set(allowed) if isinstance(allowed, list) and allowed else None
        if offset > 0:
            self._updates = [u for u in self._updates if int(u["update_id"]) >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

        def ready() -> list[JSONDict]:
            picked = [
                u
                for u in self._updates
                if allowed_types is None or any(k in allowed_types for k in u if k != "update_id")
            ]
            return picked[:limit]

        # Like Telegram, a newer getUpdates terminates an older one still waiting (409): this
        # is how two pollers on one token (e.g. both drivers started) show up in tests.
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify_updates()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._updates_changed
            if generation != self._poll_generation:
                raise BotAPIError(409, _DEFAULT_DESCRIPTIONS[409])
            found = ready()
            remaining = deadline - loop.time()
            if found or remaining <= 0 or self._closing.is_set():
                return found
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    async def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise BotAPIError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise BotAPIError(400, "Bad Request: can't parse commands JSON object")
        for cmd in commands:
            name = str(cmd.get("command", "")) if isinstance(cmd, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _get_chat(self, params: JSONDict) -> JSONDict:
        chat = self._chat(self._chat_id(params))
        chat.update(
            {
                "accent_color_id": 0,
                "max_reaction_count": 11,
                "accepted_gift_types": {
                    "unlimited_gifts": False,
                    "limited_gifts": False,
                    "unique_gifts": False,
                    "premium_subscription": False,
                    "gifts_from_channels": False,
                },
            }
        )
        return chat


# --------------------------------------------------------------------------------------------
# Request decoding / response encoding
# --------------------------------------------------------------------------------------------


def _decode_form_value(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


async def _read_params(request: web.Request) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """Decode query string + JSON/urlencoded/multipart body into Python values."""
    params: JSONDict = {k: _decode_form_value(k, v) for k, v in request.query.items()}
    files: dict[str, UploadedFile] = {}
    if request.method != "POST" or not request.can_read_body:
        return params, files
    if request.content_type == "application/json":
        body = await request.json()
        if isinstance(body, dict):
            params.update(body)
        return params, files
    form: MultiDictProxy[Any] = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = UploadedFile(key, value.filename, value.content_type, value.file.read())
        elif isinstance(value, bytes | bytearray):
            params[key] = _decode_form_value(key, value.decode())
        else:
            params[key] = _decode_form_value(key, str(value))
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            ref = files.get(value.removeprefix("attach://"))
            if ref is not None:
                params[key] = ref
    referenced = {id(v) for v in params.values()}
    for key, upload in files.items():
        if id(upload) not in referenced and key not in params:
            params[key] = upload
    return params, files


def _entities(value: Any) -> list[JSONDict] | None:
    """Explicit ``entities``/``caption_entities`` are echoed as sent (``None`` when absent)."""
    return value if isinstance(value, list) and value else None


def _inline_markup(markup: Any) -> JSONDict | None:
    """Telegram echoes only inline keyboards in ``Message.reply_markup``."""
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            return None
    if isinstance(markup, dict) and isinstance(markup.get("inline_keyboard"), list):
        return markup
    return None


def _respond(
    call: Call, status: int, body: JSONDict | bytes, notify: Callable[[], None]
) -> web.StreamResponse:
    call.status = status
    if isinstance(body, bytes):
        response: web.StreamResponse = web.Response(
            body=body, status=status, content_type="text/html"
        )
    else:
        # Snapshot: the result may be a live message dict that later edits mutate.
        call.response = copy.deepcopy(body)
        response = web.json_response(body, status=status)
    notify()
    return response


def iter_texts(calls: Iterable[Call]) -> list[str]:
    """``text``/``caption`` of the given calls (handy with ``calls_of("editMessageText")``)."""
    return [str(c.params.get("text", c.params.get("caption", ""))) for c in calls]
