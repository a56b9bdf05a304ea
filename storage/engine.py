"""Engines and sessions: one engine per process, created at start-up, never per request.

SQLite gets WAL (readers never block the writer), foreign keys on, and a busy timeout so that
two processes on one file wait instead of failing. A bad URL or an unreachable server becomes
:class:`DatabaseUnavailable` with one readable line, never a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

from storage.idle_ping import ping_when_idle
from storage.sqlite_inline import inline_connector

DEFAULT_URL = "sqlite+aiosqlite:///./guanjia.db"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or the URL is wrong; the message is safe to print."""


def normalise_url(raw: str) -> URL:
    """Accept the URLs operators paste (postgres://, postgresql://, sqlite:///) and pick
    the async driver for them."""
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"GUANJIA_DATABASE_URL is not a database URL: {exc}") from None
    backend = url.get_backend_name()
    if backend in {"postgres", "postgresql"}:
        return url.set(drivername="postgresql+asyncpg")
    if backend == "sqlite":
        return url.set(drivername="sqlite+aiosqlite")
    raise DatabaseUnavailable(f"unsupported database {backend!r}: use sqlite or postgresql")


def safe_url(url: URL | str) -> str:
    """The URL with its password hidden, for logs and error messages."""
    parsed = url if isinstance(url, URL) else make_url(url)
    return parsed.render_as_string(hide_password=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_engine(raw_url: str = DEFAULT_URL, *, echo: bool = False) -> AsyncEngine:
    url = normalise_url(raw_url)
    kwargs: dict[str, Any] = {"echo": echo}
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        # Used on the loop thread (see storage.sqlite_inline): exactly one connection, so a
        # unit of work that yields mid-transaction makes the others wait in the pool (async)
        # rather than in SQLite's busy handler (which would block the loop). The price: a unit
        # of work must not open another inside itself — it would wait for its own connection.
        kwargs["async_creator"] = inline_connector(database or ":memory:", busy_timeout=10)
        if database and database != ":memory:":
            kwargs.update(pool_size=1, max_overflow=0, pool_timeout=30)
    else:
        # No pool_pre_ping: three round trips per checkout; see storage.idle_ping.
        kwargs.update(pool_size=10, max_overflow=10, pool_recycle=1800)
        kwargs["connect_args"] = {"timeout": 5, "command_timeout": 30}
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    else:
        ping_when_idle(engine)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def check_connection(engine: AsyncEngine) -> None:
    """Open one connection and run ``SELECT 1``; raise :class:`DatabaseUnavailable` if not."""
    from sqlalchemy import text

    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # driver errors differ per backend; all mean the same here
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatabaseUnavailable(
            f"cannot reach the database at {safe_url(engine.url)}: {reason}"
        ) from None
