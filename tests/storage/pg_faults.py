"""PostgreSQL going away under a test: server backends ended as a restart would end them."""

from __future__ import annotations

from sqlalchemy import text

from storage.engine import create_engine


async def terminate(url: str, *pids: int) -> None:
    """End these backends, waiting (up to 5 s each) until each has gone, not just been told."""
    killer = create_engine(url)
    try:
        async with killer.connect() as conn:
            for pid in pids:
                ended = text("SELECT pg_terminate_backend(:pid, 5000)")
                assert await conn.scalar(ended, {"pid": pid}), f"backend {pid} did not end"
    finally:
        await killer.dispose()


async def terminate_all_others(url: str) -> int:
    """End every other backend of the database, as a restart would; how many there were."""
    killer = create_engine(url)
    try:
        async with killer.connect() as conn:
            ended = await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            return len(ended.all())
    finally:
        await killer.dispose()
