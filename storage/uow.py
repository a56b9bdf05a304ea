"""The unit of work: one connection, one transaction, every repository on it.

Leaving the ``async with`` block without ``commit()`` rolls back, so a workflow that raises
half-way leaves no half-written ticket behind.

The connection is taken at the start; the ORM session is created only when a repository
first needs it, bound to that same connection. A chat message whose statements are all
hand-written (:mod:`storage.rawsql`) therefore never pays for a session.

The transaction is never begun explicitly: the first statement begins it (SQLAlchemy's
autobegin; on SQLite the ``sqlite3`` module's implicit BEGIN before the first write, exactly
what SQLAlchemy's own ``begin()`` amounts to there). Every explicit step on an async
connection is a greenlet hop of its own — an empty unit of work cost 0.33 ms with begin,
commit and re-begin, most of it in hops — so commit and rollback act only on a transaction
that exists, and on SQLite settle the hand-written statements' transaction on the driver.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from storage.rawsql import RawSql
from storage.repositories.bills import SqlBillRepository
from storage.repositories.conversations import SqlConversationStore
from storage.repositories.directory import SqlEstateDirectory
from storage.repositories.faq import SqlFaqRepository
from storage.repositories.inbound import SqlInboundLog
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.residents import SqlResidentRepository
from storage.repositories.satisfaction import SqlSatisfactionRepository
from storage.repositories.surveys import SqlSurveyRepository
from storage.repositories.tickets import SqlTicketRepository
from storage.repositories.timers import SqlTimerRepository


class LazySession:
    """Stands in for the unit of work's session until a repository first touches it."""

    __slots__ = ("_uow",)

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow.session, name)


class SqlUnitOfWork:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._session: AsyncSession | None = None

    @property
    def connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._conn

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            # "control_fully": the session's commit and rollback are the connection's own.
            self._session = AsyncSession(
                bind=self.connection,
                expire_on_commit=False,
                autoflush=False,
                join_transaction_mode="control_fully",
            )
        return self._session

    async def _flush_pending(self) -> None:
        """Hand-written statements must see what the ORM has added but not yet flushed."""
        session = self._session
        if session is not None and (session.new or session.dirty or session.deleted):
            await session.flush()

    async def __aenter__(self) -> Self:
        conn = await self._engine.connect()
        self._conn = conn
        self.raw = RawSql(conn, self._flush_pending)
        lazy: Any = LazySession(self)
        self.directory = SqlEstateDirectory(lazy, self.raw)
        self.residents = SqlResidentRepository(lazy, self.raw)
        self.tickets = SqlTicketRepository(lazy, self.raw)
        self.timers = SqlTimerRepository(lazy, self.raw)
        self.outbox = SqlOutboxRepository(lazy, self.raw)
        self.inbound = SqlInboundLog(lazy, self.raw)
        self.bills = SqlBillRepository(lazy, self.raw)
        self.surveys = SqlSurveyRepository(lazy)
        self.satisfaction = SqlSatisfactionRepository(lazy)
        self.conversations = SqlConversationStore(self.raw)
        self.faq = SqlFaqRepository(lazy)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn = self.connection
        try:
            if self._session is not None:
                await self._session.close()  # rolls back unless committed
            if conn.in_transaction():
                await conn.rollback()
            self.raw.settle(commit=False)
        finally:
            self._session = None
            self._conn = None
            await conn.close()

    async def commit(self) -> None:
        conn = self.connection
        if self._session is not None and self._session.in_transaction():
            await self._session.commit()
        if conn.in_transaction():
            await conn.commit()
        self.raw.settle(commit=True)

    async def rollback(self) -> None:
        conn = self.connection
        if self._session is not None and self._session.in_transaction():
            await self._session.rollback()
        if conn.in_transaction():
            await conn.rollback()
        self.raw.settle(commit=False)


class SqlUnitOfWorkFactory:
    """What the composition root hands to workflows: call it for a fresh unit of work."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
