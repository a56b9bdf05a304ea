"""Process-wide services, created once at start-up and shared by every request and job."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.uow import SqlUnitOfWorkFactory
from webhooks.settings import Settings
from workflows.clock import Clock, SystemClock


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    uow: SqlUnitOfWorkFactory
    clock: Clock

    @classmethod
    def build(cls, settings: Settings, *, clock: Clock | None = None) -> Runtime:
        engine = create_engine(settings.database_url)
        return cls(settings, engine, SqlUnitOfWorkFactory(engine), clock or SystemClock())

    async def close(self) -> None:
        await self.engine.dispose()
