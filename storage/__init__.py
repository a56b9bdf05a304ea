"""SQLAlchemy 2 (async) implementation of the workflow ports, with Alembic migrations.

SQLite through aiosqlite is the embedded default; PostgreSQL through asyncpg runs at scale. The
same repositories and the same contract tests serve both.
"""
