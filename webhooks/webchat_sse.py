"""Server-sent events for the web chat: one long response per open tab.

A stream lives at most ``lifetime`` seconds and then ends; the page reconnects at once and is
sent the history again (merged by key, so nothing shows twice). Ending on our own keeps a stuck
proxy from holding a dead stream forever and lets the server shut down without waiting on tabs.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi.responses import StreamingResponse

from bot.adapters.web.hub import Event, Subscription

HEARTBEAT_SECONDS = 10.0
LIFETIME_SECONDS = 15.0
HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def frame(event: Event) -> bytes:
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


async def stream(
    subscription: Subscription,
    *,
    first: Callable[[], Awaitable[list[Event]]] | None = None,
    poll: Callable[[], Awaitable[Event | None]] | None = None,
    heartbeat: float = HEARTBEAT_SECONDS,
    lifetime: float = LIFETIME_SECONDS,
) -> AsyncIterator[bytes]:
    """Yield ``first()``'s events, then whatever is published, then end after ``lifetime``.

    ``poll`` is asked on every quiet interval, for changes nobody published (another process).
    """
    loop = asyncio.get_running_loop()
    ends = loop.time() + lifetime
    yield b"retry: 1000\n\n"
    if first is not None:
        for opening in await first():
            yield frame(opening)
    while True:
        remaining = ends - loop.time()
        if remaining <= 0:
            return
        event: Event | None = await subscription.next(min(heartbeat, remaining))
        if subscription.overflowed:
            subscription.overflowed = False
            yield frame({"type": "reset"})
            continue
        if subscription.closed:
            return
        if event is None:
            changed = await poll() if poll is not None else None
            yield frame(changed) if changed is not None else b": ping\n\n"
            continue
        yield frame(event)


def sse_response(body: AsyncIterator[bytes]) -> StreamingResponse:
    return StreamingResponse(body, media_type="text/event-stream", headers=HEADERS)


def as_event(kind: str, **values: Any) -> Event:
    return {"type": kind, **values}
