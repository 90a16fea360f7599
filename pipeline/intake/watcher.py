"""The inbox watcher: decides only *when* a file is complete, then hands it to ingest.

inotify does not see writes made by other hosts on SMB/NFS shares, so a polling observer is
used when `polling_interval` is set, and a full rescan runs at start-up and periodically in
every mode so nothing is stranded by a missed event or a restart.

A file is taken once its size and mtime stayed unchanged for the stability delay, or at once
when inotify says a writer is done with it and its format shows it whole (see `settled`).
"""

from __future__ import annotations

import enum
import errno
import fcntl
import logging
import os
import signal
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from pipeline.intake.ingest import FAILED_DIR, Ingestor, Outcome
from pipeline.jobs import queue
from pipeline.jobs.queue import WATCHER_PREFIX
from pipeline.store.db import transaction
from pipeline.store.outage import Backoff, ErrorDigest, is_outage, reconnect

log = logging.getLogger(__name__)

JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", "@eadir"})
JUNK_PREFIXES = ("~$", ".")
JUNK_SUFFIXES = (".part", ".crdownload", ".tmp", ".partial", ".download")
# The longest wait between ingest tries while the database or the disk is out.
OUTAGE_MAX_WAIT_SECONDS = 5.0


def is_junk(relative: Path) -> bool:
    """System litter, temporary and partial downloads, and anything in hidden folders.

    Dot-files cover `.DS_Store`, `._*` resource forks and the hidden temporaries of
    rsync and similar copy tools; the inbox's own `.done`/`.failed` folders are hidden too.
    """
    for part in relative.parts:
        lowered = part.lower()
        if lowered in JUNK_NAMES or part.startswith(JUNK_PREFIXES):
            return True
    return relative.name.lower().endswith(JUNK_SUFFIXES)


class Hint(enum.Enum):
    """What an inotify event says about a file, besides that it changed."""

    # A writer closed it (IN_CLOSE_WRITE).
    CLOSED = "closed"
    # It appeared under its name: renamed or moved in, whole once its writer is done with
    # it; or created by a writer that usually still has it open.
    ARRIVED = "arrived"


class StabilityTracker:
    """A file is ready once its size and mtime stay unchanged for `delay` seconds, or at once
    when an event hinted that its writer is done and `settled` agrees (checked once per hint,
    and only while the file is as it was when the event came)."""

    def __init__(
        self,
        delay: float,
        clock: Callable[[], float] = time.monotonic,
        settled: Callable[[Path, Hint], bool] | None = None,
    ) -> None:
        self.delay = delay
        self.clock = clock
        self.settled = settled
        self._candidates: dict[Path, tuple[tuple[int, int], float]] = {}
        self._hints: dict[Path, tuple[tuple[int, int], Hint]] = {}
        self._lock = threading.Lock()

    def observe(self, path: Path, hint: Hint | None = None) -> None:
        signature = _signature(path)
        if signature is None:
            return
        with self._lock:
            known = self._candidates.get(path)
            if known is None or known[0] != signature:
                self._candidates[path] = (signature, self.clock())
            if hint is not None and self.settled is not None:
                # A close outweighs an arrival of the same content: it says more where the
                # kernel will not tell whether a writer still has the file (see `settled`).
                held = self._hints.get(path)
                if held is None or held[0] != signature or held[1] is not Hint.CLOSED:
                    self._hints[path] = (signature, hint)

    def __len__(self) -> int:
        return len(self._candidates)

    def due(self, *, hinted_only: bool = False) -> list[Path]:
        """The files ready now; `hinted_only` looks only at those an event hinted at since
        the last look, not at every file in the inbox waiting for the delay."""
        now = self.clock()
        ready: list[Path] = []
        with self._lock:
            for path in list(self._hints if hinted_only else self._candidates):
                signature, since = self._candidates[path]
                current = _signature(path)
                hinted = self._hints.pop(path, None)
                if current is None:
                    del self._candidates[path]
                elif current != signature:
                    self._candidates[path] = (current, now)
                elif now - since >= self.delay or (
                    hinted is not None
                    and hinted[0] == current
                    and self.settled is not None
                    and self.settled(path, hinted[1])
                    and _signature(path) == current
                ):
                    del self._candidates[path]
                    ready.append(path)
        return sorted(ready)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


# What a complete file of each kind ends with, and how far from the end it may sit: PDF
# readers look for `%%EOF` in the last 1024 bytes; a JPEG ends with its EOI marker, a PNG
# with its IEND chunk (trailing bytes some cameras add are allowed); a ZIP (DOCX, XLSX) with
# its end of central directory record, followed by a comment of at most 65535 bytes.
_ENDINGS: tuple[tuple[Callable[[bytes], bool], bytes, int, str], ...] = (
    (lambda head: b"%PDF-" in head[:1024], b"%%EOF", 1024, "a PDF without %%EOF at its end"),
    (lambda head: head.startswith(b"\xff\xd8\xff"), b"\xff\xd9", 1024, "a JPEG without EOI"),
    (
        lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
        b"IEND\xaeB`\x82",
        1024,
        "a PNG without IEND",
    ),
    (
        lambda head: head.startswith(b"PK\x03\x04"),
        b"PK\x05\x06",
        22 + 65535,
        "a ZIP (DOCX, XLSX) without its end of central directory",
    ),
)


def missing_end(path: Path) -> str | None:
    """Why a regular file's format shows it is not completely written yet, or None: the
    stability delay alone takes a writer that pauses (a copy over a slow share) for done."""
    return _ending(path)[1]


def shows_end(path: Path) -> bool:
    """Whether a regular file is of a format that shows where it ends, and ends there: a
    file of any other format (XML, text, TIFF) could be cut anywhere and look the same."""
    known, missing = _ending(path)
    return known and missing is None


def _ending(path: Path) -> tuple[bool, str | None]:
    """Whether the file's format is one that shows its end, and if so why it is missing."""
    try:
        # A FIFO, device or link is never opened (opening a FIFO blocks): ingest refuses it by
        # its type. Non-blocking and not following links, should one be swapped in meanwhile.
        if not stat.S_ISREG(path.lstat().st_mode):
            return False, None
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW), "rb") as handle:
            head = handle.read(1024)
            for matches, ending, reach, what in _ENDINGS:
                if matches(head):
                    handle.seek(max(0, os.fstat(handle.fileno()).st_size - reach))
                    return True, None if ending in handle.read() else what
    except OSError:
        return False, None  # gone or unreadable: ingest says which
    return False, None


def open_for_writing(path: Path) -> bool | None:
    """Whether any process on this machine holds the regular file open for writing; None
    when the kernel will not say: a file of another owner without CAP_LEASE, a file system
    without leases. A read lease is granted only while no one has the file open for writing
    (fcntl(2), F_SETLEASE), and is given back at once."""
    try:
        # A FIFO or a device is never opened (see `_ending`).
        if not stat.S_ISREG(path.lstat().st_mode):
            return None
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        try:
            # Should a writer open the file in the instant the lease is held, the kernel
            # signals the holder: SIGURG is ignored unless handled, SIGIO would end the
            # process. The writer waits only until the lease is given back, just below.
            fcntl.fcntl(descriptor, fcntl.F_SETSIG, signal.SIGURG)
            fcntl.fcntl(descriptor, fcntl.F_SETLEASE, fcntl.F_RDLCK)
        except OSError as exc:
            return True if exc.errno == errno.EAGAIN else None
        fcntl.fcntl(descriptor, fcntl.F_SETLEASE, fcntl.F_UNLCK)
        return False
    finally:
        os.close(descriptor)


def scan(inbox: Path) -> Iterator[Path]:
    """Every candidate file below the inbox; symlinks are yielded, never followed."""
    for root, dirs, files in os.walk(inbox, followlinks=False):
        base = Path(root)
        kept = []
        for name in dirs:
            path = base / name
            if is_junk(path.relative_to(inbox)):
                continue
            if path.is_symlink():
                yield path
            else:
                kept.append(name)
        dirs[:] = kept
        for name in files:
            path = base / name
            if not is_junk(path.relative_to(inbox)):
                yield path


def settled(path: Path, hint: Hint) -> bool:
    """Whether a file an inotify event hinted at can be taken without the stability delay.

    Its writer must be done with it: no process on this machine holds it open for writing,
    or, where the kernel cannot tell, the event was its writer closing it (a file renamed in
    may still be open for writing, so an arrival alone is not enough). And its format must
    show it whole: a writer may close a part and reopen it to append the rest. Writers on
    other machines (a share mounted here) raise no inotify events, so they never get here.
    """
    if not shows_end(path):
        return False
    writing = open_for_writing(path)
    return writing is False or (writing is None and hint is Hint.CLOSED)


_HINTS = {"closed": Hint.CLOSED, "created": Hint.ARRIVED, "moved": Hint.ARRIVED}


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: InboxWatcher, *, hints: bool) -> None:
        self.watcher = watcher
        # A polling observer's events come from comparing listings: they say nothing of
        # writers (and a file renamed in from outside arrives as "created").
        self.hints = hints

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("created", "modified", "moved", "closed"):
            target = getattr(event, "dest_path", "") or event.src_path
            path = Path(os.fsdecode(target))
            hint = _HINTS.get(event.event_type) if self.hints else None
            if not event.is_directory or path.is_symlink():
                self.watcher.offer(path, hint)
            elif event.event_type in ("created", "moved"):
                # A folder moved in whole brings files that raise no events of their own.
                for inner in scan(path):
                    self.watcher.offer(inner, hint)


class _StopEvent(threading.Event):
    """Setting it also wakes the loop waiting for news."""

    def __init__(self, wake: threading.Event) -> None:
        super().__init__()
        self._wake = wake

    def set(self) -> None:
        super().set()
        self._wake.set()


class InboxWatcher:
    def __init__(
        self,
        *,
        inbox: Path,
        ingestor: Ingestor,
        stability_delay: float,
        polling_interval: float | None,
        rescan_interval: float,
        incomplete_max_wait: float = 3600.0,
        heartbeat_seconds: float = 5.0,
        take_finished_files_at_once: bool = True,
    ) -> None:
        self.inbox = inbox.resolve()
        self.heartbeat_seconds = heartbeat_seconds
        self.name = f"{WATCHER_PREFIX}{socket.gethostname()}:{os.getpid()}"
        self._last_beat = float("-inf")
        self.ingestor = ingestor
        self.tracker = StabilityTracker(
            stability_delay, settled=settled if take_finished_files_at_once else None
        )
        self.polling_interval = polling_interval
        self.rescan_interval = rescan_interval
        self.incomplete_max_wait = incomplete_max_wait
        # When each stable file whose format shows it incomplete was first found so.
        self._incomplete_since: dict[Path, float] = {}
        # Set when an event may have made a file ready at once, so it is not left waiting
        # for the loop's next round.
        self._news = threading.Event()
        self.stop_event: threading.Event = _StopEvent(self._news)
        self.observer: BaseObserver | None = None
        self._errors = ErrorDigest(log)
        # Faults of single files, kept apart: another file going in does not clear them.
        self._file_errors = ErrorDigest(log)
        self._backoff = Backoff(maximum=OUTAGE_MAX_WAIT_SECONDS)

    def offer(self, path: Path, hint: Hint | None = None) -> None:
        try:
            relative = path.relative_to(self.inbox)
        except ValueError:
            return
        if not is_junk(relative):
            self.tracker.observe(path, hint)
            if hint is not None:
                self._news.set()

    def rescan(self) -> None:
        for path in list(self._incomplete_since):
            if not path.exists():
                del self._incomplete_since[path]
        for path in scan(self.inbox):
            self.offer(path)

    def start_observer(self) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        if self.polling_interval is not None:
            observer: BaseObserver = PollingObserver(timeout=self.polling_interval)
        else:
            observer = Observer()
        observer.schedule(
            _Handler(self, hints=self.polling_interval is None), str(self.inbox), recursive=True
        )
        observer.start()
        self.observer = observer

    def run(self) -> None:
        """Watch until `stop_event` is set. While the database or the disk is out, files wait
        in the inbox and ingest is tried again with back-off; they go in once it is back."""
        if not self._until_reconciled():
            return
        self.start_observer()
        self.rescan()
        last_rescan = time.monotonic()
        tick = max(0.05, min(0.5, self.tracker.delay / 4))
        resume_at = 0.0
        looked = time.monotonic()
        try:
            while not self.stop_event.is_set():
                self._news.wait(max(0.0, looked + tick - time.monotonic()))
                self._news.clear()
                if self.stop_event.is_set():
                    break
                # Between rounds, only the files events hinted at: a stream of events does
                # not have every file waiting for the delay looked at again for each.
                every = time.monotonic() - looked >= tick
                if every:
                    looked = time.monotonic()
                self._beat()
                if time.monotonic() >= resume_at:
                    due = self.tracker.due(hinted_only=not every)
                    for index, path in enumerate(due):
                        self._beat()  # a scanner's thousand files take a while
                        if self.stop_event.is_set() or not self._ingest(path):
                            # One outage, not one per file: the rest wait with this one.
                            for waiting in due[index:]:
                                self.tracker.observe(waiting)
                            resume_at = time.monotonic() + self._backoff.next_delay()
                            break
                if time.monotonic() - last_rescan >= self.rescan_interval:
                    self.rescan()
                    last_rescan = time.monotonic()
        finally:
            assert self.observer is not None
            self.observer.stop()
            self.observer.join()
            self._forget()

    def _beat(self) -> None:
        """Say, from the loop itself, that the inbox is being looked at: a watcher stuck (an
        unresponsive network share, a deadlock) stops saying it, and readiness reports it."""
        now = time.monotonic()
        if now - self._last_beat < self.heartbeat_seconds:
            return
        try:
            with transaction(self.ingestor.session_factory) as session:
                queue.beat(session, worker=self.name)
        except Exception as exc:
            if not is_outage(exc):
                raise
            return  # readiness reports the database itself meanwhile
        self._last_beat = now

    def _forget(self) -> None:
        try:
            with transaction(self.ingestor.session_factory) as session:
                queue.forget(session, worker=self.name)
        except Exception as exc:
            if not is_outage(exc):
                raise
            log.warning("could not say the watcher stopped: %s", exc)

    def _until_reconciled(self) -> bool:
        """Reconcile, waiting out an outage; False when told to stop meanwhile."""
        while not self.stop_event.is_set():
            try:
                self.ingestor.reconcile()
            except Exception as exc:
                if not is_outage(exc):
                    raise
                self._outage("reconciling the inbox with the database", exc)
                self.stop_event.wait(self._backoff.next_delay())
                continue
            self._errors.cleared()
            self._backoff.reset()
            return True
        return False

    def _ingest(self, path: Path) -> bool:
        """Ingest one due file; False when the database or the disk is out (the file stays
        put and is offered again)."""
        reason = missing_end(path)
        if reason is not None:
            since = self._incomplete_since.setdefault(path, time.monotonic())
            if time.monotonic() - since < self.incomplete_max_wait:
                self.tracker.observe(path)  # looked at again after the stability delay
                return True
        self._incomplete_since.pop(path, None)
        if reason is not None:
            try:
                self.ingestor.refuse(
                    path, f"{reason}: still incomplete after {self.incomplete_max_wait:g} s"
                )
            except OSError:  # gone meanwhile, or the disk is full: the next rescan finds it
                log.exception("could not move the incomplete %s to %s", path, FAILED_DIR)
            return True
        try:
            result = self.ingestor.ingest(path)
        except Exception as exc:
            self.tracker.observe(path)
            if is_outage(exc):
                self._outage("ingest", exc)
                return False
            # A fault of this file, not an outage: the others go on.
            self._file_errors.error(f"ingest of {path.relative_to(self.inbox)}", exc)
            return True
        if self._errors.failing:
            self._errors.cleared()
            self._backoff.reset()
            # A file moved out just as the database went away is still unmarked: mark it.
            try:
                self.ingestor.reconcile()
            except Exception as exc:
                if not is_outage(exc):
                    raise
                self._outage("reconciling the inbox with the database", exc)
        if result.outcome is Outcome.UNSTABLE:
            self.tracker.observe(path)
        else:
            log.info("%s: %s", path.relative_to(self.inbox), result.outcome.value)
        return True

    def _outage(self, what: str, exc: Exception) -> None:
        self._errors.error(what, exc)
        engine = self.ingestor.session_factory.kw.get("bind")
        if isinstance(engine, Engine):
            reconnect(engine)
