"""Shared fixtures: real databases (SQLite always, PostgreSQL when reachable), a fixed clock,
and a guard that fails any test trying to reach a non-loopback address.

PostgreSQL: ``GUANJIA_TEST_POSTGRES_URL`` (default postgresql://postgres@127.0.0.1:5432/test).
Without a server the PostgreSQL half of each contract test is skipped with the reason shown;
with ``GUANJIA_REQUIRE_POSTGRES=1`` (set by .ci/run) it fails instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.fakes.network_guard import install_network_guard
from workflows.clock import FixedClock

os.environ.setdefault("PTB_TIMEDELTA", "1")  # PTB 22: timedelta retry_after, no warning
PG_URL = os.environ.get("GUANJIA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("GUANJIA_REQUIRE_POSTGRES") == "1"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def pytest_sessionstart(session: pytest.Session) -> None:
    install_network_guard()


def _postgres_reason() -> str | None:
    """None if PostgreSQL answers, else why not (shown as the skip reason)."""

    async def probe() -> None:
        import asyncpg

        from storage.engine import normalise_url

        url = normalise_url(PG_URL)
        conn = await asyncpg.connect(
            host=url.host, port=url.port or 5432, user=url.username,
            database=url.database, password=url.password, timeout=3,
        )  # fmt: skip
        await conn.close()

    try:
        asyncio.run(probe())
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__}: {exc})"
    return None


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    reason = _postgres_reason()
    if reason:
        if REQUIRE_PG:
            pytest.fail(f"{reason}; GUANJIA_REQUIRE_POSTGRES=1 forbids skipping")
        pytest.skip(reason)
    from storage.migrate import upgrade

    asyncio.run(_reset_pg_schema())
    upgrade(PG_URL)
    return PG_URL


async def _reset_pg_schema() -> None:
    from sqlalchemy import text

    from storage.engine import create_engine

    engine = create_engine(PG_URL)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session, copied for each test (migrating is ~0.5 s)."""
    from storage.migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A migrated, empty database of each kind: the contract suite runs once per backend."""
    if request.param == "sqlite":
        target = tmp_path / "guanjia.db"
        shutil.copy(sqlite_template, target)
        return f"sqlite+aiosqlite:///{target}"
    url: str = request.getfixturevalue("postgres_migrated")
    asyncio.run(_truncate_pg())
    return url


async def _truncate_pg() -> None:
    from sqlalchemy import text

    from storage.engine import create_engine
    from storage.schema import Base

    engine = create_engine(PG_URL)
    tables = ", ".join(f'"{name}"' for name in Base.metadata.tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[object]:
    from storage.engine import create_engine

    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
def uow(engine: object) -> object:
    from storage.uow import SqlUnitOfWorkFactory

    return SqlUnitOfWorkFactory(engine)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))  # 10:00 in Shanghai


@pytest.fixture
async def demo_estate(engine: object) -> int:
    """The demo estate loaded into the test database; returns its id."""
    from storage.engine import session_factory
    from storage.estate_file import read_estate_file
    from storage.estate_sync import sync_estate

    spec = read_estate_file(EXAMPLES / "demo-estate.yaml")
    async with session_factory(engine)() as session, session.begin():  # type: ignore[arg-type]
        estate_id, _ = await sync_estate(session, spec, now=datetime(2026, 11, 1, tzinfo=UTC))
    return estate_id


@pytest.fixture
def examples() -> Iterator[Path]:
    yield EXAMPLES
