"""The unit of work: one session, one transaction, every repository on it.

Leaving the ``async with`` block without ``commit()`` rolls back, so a workflow that raises
half-way leaves no half-written ticket behind.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.engine import session_factory
from storage.repositories.bills import SqlBillRepository
from storage.repositories.conversations import SqlConversationStore
from storage.repositories.directory import SqlEstateDirectory
from storage.repositories.faq import SqlFaqRepository
from storage.repositories.inbound import SqlInboundLog
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.residents import SqlResidentRepository
from storage.repositories.surveys import SqlSurveyRepository
from storage.repositories.tickets import SqlTicketRepository
from storage.repositories.timers import SqlTimerRepository


class SqlUnitOfWork:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        session = self._sessions()
        self._session = session
        self.directory = SqlEstateDirectory(session)
        self.residents = SqlResidentRepository(session)
        self.tickets = SqlTicketRepository(session)
        self.timers = SqlTimerRepository(session)
        self.outbox = SqlOutboxRepository(session)
        self.inbound = SqlInboundLog(session)
        self.bills = SqlBillRepository(session)
        self.surveys = SqlSurveyRepository(session)
        self.conversations = SqlConversationStore(session)
        self.faq = SqlFaqRepository(session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            await session.rollback()  # no-op after commit(); undoes everything otherwise
        finally:
            await session.close()
            self._session = None

    async def commit(self) -> None:
        await self.session.commit()

    async def rollback(self) -> None:
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    """What the composition root hands to workflows: call it for a fresh unit of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = session_factory(engine)

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions)
