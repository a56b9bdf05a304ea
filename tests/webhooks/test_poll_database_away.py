"""Long polling while the database is away: the update waits for it instead of being lost.

Long polling confirms an update to Telegram by asking for the next ones, and both drivers log
a failed update and go on, so an update that failed for want of a database would be gone.
A TCP relay in front of PostgreSQL is cut while `guanjia poll` runs, then restored.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import _truncate_pg
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_api import FakeTelegramAPI
from tests.webhooks.test_poll import RESIDENT, TOKEN, start_poll, wait_until


class SwitchableProxy:
    """A TCP relay to PostgreSQL on loopback that can be cut (every connection dropped, new
    ones closed at once) and restored: the database going away and coming back."""

    def __init__(self, port: int) -> None:
        self._target = port
        self.up = True
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.AbstractServer | None = None
        self.port = 0

    async def __aenter__(self) -> SwitchableProxy:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *_: object) -> None:
        self.cut()
        assert self._server is not None
        self._server.close()

    def cut(self) -> None:
        self.up = False
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._target)
        self._writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                with contextlib.suppress(OSError):  # one side was cut: so is the other
                    while data := await source.read(65536):
                        sink.write(data)
                        await sink.drain()
            finally:
                sink.transport.abort()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@pytest.fixture
def db_url(postgres_migrated: str) -> str:
    """PostgreSQL only: a server to cut off."""
    asyncio.run(_truncate_pg())
    return postgres_migrated


@pytest.mark.parametrize("driver", ["aiogram", "ptb"])
async def test_an_update_polled_while_the_database_is_away_waits_for_it(
    db_url, demo_estate, driver
):
    """Long polling confirms an update by asking for the next: one that failed for want of a
    database would be gone. It waits instead, and is answered once the database is back."""
    async with (
        SwitchableProxy(make_url(db_url).port or 5432) as proxy,
        FakeTelegramAPI(token=TOKEN) as api,
    ):
        url = make_url(db_url).set(host="127.0.0.1", port=proxy.port)
        process = await start_poll(url.render_as_string(hide_password=False), api, driver)
        try:
            api.push_update(tg.text_message(1, RESIDENT, RESIDENT, "你好"))
            await wait_until(lambda: bool(api.sent_texts(RESIDENT)))
            answered = len(api.sent_texts(RESIDENT))
            proxy.cut()
            api.push_update(tg.text_message(2, RESIDENT, RESIDENT, "请问物业费怎么交？"))
            await asyncio.sleep(3)  # polled at once, and failing against the missing database
            assert len(api.sent_texts(RESIDENT)) == answered
            proxy.up = True
            await wait_until(lambda: len(api.sent_texts(RESIDENT)) > answered, seconds=45)
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(process.communicate(), 30)
        assert "database unavailable" in output.decode() and "update 2 waits" in output.decode()
