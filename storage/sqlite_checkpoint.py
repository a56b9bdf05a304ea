"""WAL checkpoints on a thread of their own, so no commit on the event loop pays for one.

In WAL mode each commit appends pages to the log; a checkpoint copies them back into the
database file and syncs it. Left to SQLite, the commit that crosses the threshold runs the
checkpoint itself — on the event loop's thread, where it stalls every chat for ~10 ms. Here
the automatic checkpoint is off (see :mod:`storage.sqlite_inline`) and this thread runs a
PASSIVE checkpoint every ``interval`` seconds: PASSIVE never waits for readers or writers
and never takes the write lock, so the loop's connection is never blocked by it. If the
thread falls behind, the log only grows until the next pass; SQLite also checkpoints when
the last connection to the file closes.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger("guanjia.storage")
DEFAULT_INTERVAL = 0.5


def is_file_database(database: str) -> bool:
    """True for a database on disk (an in-memory database has no log to checkpoint)."""
    if not database or database == ":memory:":
        return False
    return not (database.startswith("file:") and "mode=memory" in database)


class Checkpointer:
    """A daemon thread with its own connection, checkpointing until :meth:`stop`."""

    def __init__(
        self, database: str, *, uri: bool = False, interval: float = DEFAULT_INTERVAL
    ) -> None:
        self._database = database
        self._uri = uri
        self._interval = interval
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
        self.last: tuple[int, int, int] | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to finish; it ends after at most the checkpoint in progress."""
        self._stopped.set()

    def checkpoint_now(self, connection: sqlite3.Connection) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, log frames, frames copied)."""
        row = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        self.last = (int(row[0]), int(row[1]), int(row[2]))
        return self.last

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(
                self._database, timeout=0, check_same_thread=True, uri=self._uri
            )
        except sqlite3.Error as exc:
            log.warning("WAL checkpointer could not open the database: %s", exc)
            return
        try:
            while not self._stopped.wait(self._interval):
                try:
                    self.checkpoint_now(connection)
                except sqlite3.Error as exc:  # a locked or vanished file: try again next pass
                    log.debug("WAL checkpoint skipped: %s", exc)
        finally:
            connection.close()
