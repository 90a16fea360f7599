"""Riding out an outage: telling one from a bug, waiting it out, and logging it once.

A database that cannot be reached (PostgreSQL down, connections terminated, new ones refused)
and a full disk (SQLite's "database or disk is full", a blob that cannot be written) are
transient: the long-running loops wait with back-off and go on where they were. Logging
each failed try would write a traceback per waiting file every few seconds; `ErrorDigest`
logs an error the first time, then a count now and then while it lasts, and a line when it
has cleared.
"""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

_T = TypeVar("_T")

# Out of space or quota, or the storage itself failing: all waited out, none a bug.
_STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS})


# SQLite reports a schema or statement fault as an OperationalError too: a bug, or a
# database not migrated, which no amount of waiting mends.
_SQLITE_FAULTS = ("no such table", "no such column", "syntax error", "has no column named")


def is_outage(exc: BaseException) -> bool:
    """Whether the error says the database or the disk is unavailable right now, as opposed
    to a fault of the work at hand."""
    if isinstance(exc, OperationalError) and any(
        fault in str(exc.orig) for fault in _SQLITE_FAULTS
    ):
        return False
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OSError) and exc.errno in _STORAGE_ERRNOS


def reconnect(engine: Engine) -> None:
    """Drop pooled connections: after an outage they are dead (PostgreSQL terminated them,
    or SQLite's is left mid-failure), and the next use opens fresh ones."""
    engine.dispose()


@dataclass
class Backoff:
    """Waits that double on each failure in a row, from `initial` up to `maximum`."""

    initial: float = 0.5
    maximum: float = 5.0
    failures: int = 0

    def next_delay(self) -> float:
        self.failures += 1
        return min(self.maximum, self.initial * 2.0 ** min(self.failures - 1, 30))

    def reset(self) -> None:
        self.failures = 0


def describe(exc: BaseException) -> str:
    """The error in one line: its type and the first line of its message (drivers append
    SQL, parameters and a documentation link on the following lines)."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


@dataclass
class _Ongoing:
    first_seen: float
    last_report: float
    repeats: int = 0
    unreported: int = 0


@dataclass
class ErrorDigest:
    """Logs a repeated identical error once with its traceback, then every `every` seconds a
    line with how often it repeated, and one line when it stops (`cleared`)."""

    log: logging.Logger
    every: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _ongoing: dict[str, _Ongoing] = field(default_factory=dict)

    def error(self, what: str, exc: BaseException) -> None:
        """`what` says what was being tried, without the detail that varies per try (a file
        name): the error is the same whichever file met it."""
        key = f"{what}: {describe(exc)}"
        now = self.clock()
        ongoing = self._ongoing.get(key)
        if ongoing is None:
            self._ongoing[key] = _Ongoing(first_seen=now, last_report=now)
            self.log.error("%s; will retry (repeats are counted, not logged)", key, exc_info=exc)
            return
        ongoing.repeats += 1
        ongoing.unreported += 1
        if now - ongoing.last_report >= self.every:
            self.log.error(
                "%s: still failing, %d more times in the last %.0f s",
                key,
                ongoing.unreported,
                now - ongoing.last_report,
            )
            ongoing.last_report = now
            ongoing.unreported = 0

    def cleared(self) -> None:
        """The operation succeeded: every error seen so far has stopped."""
        if not self._ongoing:
            return
        now = self.clock()
        for key, ongoing in self._ongoing.items():
            self.log.warning(
                "recovered from %s after %.0f s (%d repeats)",
                key,
                now - ongoing.first_seen,
                ongoing.repeats,
            )
        self._ongoing.clear()

    @property
    def failing(self) -> bool:
        return bool(self._ongoing)


def wait_out(
    attempt: Callable[[], _T],
    *,
    what: str,
    log: logging.Logger,
    backoff: Backoff | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> _T:
    """`attempt()` once the outage it meets is over: tried again with back-off for as long as
    the database or disk stays unavailable, logged once (then counted). Any other error is a
    fault of the attempt and is raised at once."""
    backoff = backoff or Backoff()
    digest = ErrorDigest(log)
    while True:
        try:
            result = attempt()
        except Exception as exc:
            if not is_outage(exc):
                raise
            digest.error(what, exc)
            sleep(backoff.next_delay())
            continue
        digest.cleared()
        return result
