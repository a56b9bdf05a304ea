"""In-process publish/subscribe between the outbox sender and open browser streams.

Every open tab subscribes to its chat's topic; one chat id per demo resident means every tab of
that resident receives every push. A tab that stops reading is not allowed to grow memory: its
queue is bounded, and on overflow it is told to reload its history instead.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Event = dict[str, Any]
STAFF_TOPIC = "staff"
QUEUE_SIZE = 200


def chat_topic(chat_id: str) -> str:
    return f"chat:{chat_id}"


class Subscription:
    """One open stream: a bounded queue and a flag saying events were dropped."""

    def __init__(self, topic: str, size: int = QUEUE_SIZE) -> None:
        self.topic = topic
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=size)
        self.overflowed = False
        self.closed = False

    def offer(self, event: Event) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True  # the stream sends a "reset": the tab reloads its history

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)  # wake the reader

    async def next(self, wait: float) -> Event | None:
        """The next event, or None after ``wait`` seconds or once closed."""
        if self.closed:
            return None
        try:
            async with asyncio.timeout(wait):  # not wait_for: see bot.core.dispatcher
                return await self.queue.get()
        except TimeoutError:
            return None


class WebHub:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)
        self.closed = False

    @contextmanager
    def subscribe(self, topic: str) -> Iterator[Subscription]:
        subscription = Subscription(topic)
        if self.closed:
            subscription.close()
        self._subscribers[topic].add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers.get(topic)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[topic]

    def publish(self, topic: str, event: Event) -> int:
        """Hand ``event`` to every subscriber of ``topic``; returns how many there were."""
        subscribers = list(self._subscribers.get(topic, ()))
        for subscription in subscribers:
            subscription.offer(event)
        return len(subscribers)

    def subscribers(self, topic: str) -> int:
        return len(self._subscribers.get(topic, ()))

    def close(self) -> None:
        """End every open stream (shutdown), so the server does not wait on them."""
        self.closed = True
        for subscribers in list(self._subscribers.values()):
            for subscription in list(subscribers):
                subscription.close()
