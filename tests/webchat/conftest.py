"""Fixtures for the web chat suite: the demo estate behind a running web-only service."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from tests.webchat.harness import WebService, web_service


async def load_demo(url: str) -> None:
    from storage.engine import create_engine, session_factory
    from storage.estate_file import read_estate_file
    from storage.estate_sync import sync_estate

    engine = create_engine(url)
    try:
        spec = read_estate_file(EXAMPLES / "demo-estate.yaml")
        async with session_factory(engine)() as session, session.begin():
            await sync_estate(session, spec, now=datetime(2026, 11, 1, tzinfo=UTC))
    finally:
        await engine.dispose()


@pytest.fixture
async def sqlite_demo(tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated SQLite file with the demo estate: for tests not worth running twice."""
    target = tmp_path / "web.db"
    shutil.copy(sqlite_template, target)
    url = f"sqlite+aiosqlite:///{target}"
    await load_demo(url)
    return url


@pytest.fixture
async def service(db_url: str, demo_estate: int) -> AsyncIterator[WebService]:
    async with web_service(db_url, demo=True) as running:
        yield running


@pytest.fixture
async def demo(sqlite_demo: str) -> AsyncIterator[WebService]:
    async with web_service(sqlite_demo, demo=True) as running:
        yield running
