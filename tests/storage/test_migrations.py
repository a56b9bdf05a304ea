"""Migrations: the models and the migration history describe the same schema, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from storage.migrate import current_revision, head_revision, upgrade
from storage.schema import Base


async def test_migrated_schema_matches_the_models(engine):
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), Base.metadata
            )
        )
    assert diff == []


async def test_upgrade_on_an_up_to_date_database_is_a_no_op(engine, db_url):
    assert await current_revision(engine) == head_revision()
    await _upgrade_in_thread(db_url)
    assert await current_revision(engine) == head_revision()


async def _upgrade_in_thread(url: str) -> None:
    import asyncio

    await asyncio.to_thread(upgrade, url)
