"""SQLAlchemy 2 (async) implementation of the workflow ports, with Alembic migrations.

SQLite is the embedded default, run on the event loop's own thread through SQLAlchemy's
aiosqlite dialect (``sqlite_inline``); PostgreSQL through asyncpg runs at scale. The same
repositories and the same contract tests serve both; the statements every chat message runs
are hand-written (``rawsql``), everything else goes through the ORM.
"""
