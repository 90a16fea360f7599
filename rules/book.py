"""The rules a long-running process evaluates with, reloaded when their files change.

A compliance officer edits a pack, the overlay or the master data while the service runs. Each
worker and the API hold a `RuleBook`: before evaluating they ask it for the current rules, and
at most once every `check_seconds` it compares the files' modification times and sizes with
those it loaded. On a change it loads everything again; if the new files are broken it logs
the error (file, line, rule), remembers it in `last_error`, and keeps evaluating with the last
rules that loaded. `reload()` forces a load. A book that never loaded refuses to start: a
service must not run with no rules at all.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from rules.engine import RuleSet
from rules.errors import RulePackError

log = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


class RuleBook:
    def __init__(
        self,
        load: Callable[[], RuleSet],
        *,
        watch: Callable[[], Iterable[Path]],
        check_seconds: float = 1.0,
    ) -> None:
        """`load` builds the rules (raising `RulePackError`); `watch` names the files and
        folders whose change means reloading (a folder: any file added to or removed from
        it)."""
        self._load = load
        self._watch = watch
        self._check_seconds = check_seconds
        self._lock = threading.Lock()
        self.last_error: str | None = None
        self._signature = self._current_signature()
        self._rules = load()
        self._checked = time.monotonic()

    def current(self) -> RuleSet:
        now = time.monotonic()
        if now - self._checked >= self._check_seconds:
            with self._lock:
                self._checked = now
                signature = self._current_signature()
                if signature != self._signature:
                    self._signature = signature
                    self._try_load()
        return self._rules

    def reload(self) -> RuleSet:
        """Load now, whether or not anything changed; the last good rules when that fails."""
        with self._lock:
            self._signature = self._current_signature()
            self._checked = time.monotonic()
            self._try_load()
        return self._rules

    def _try_load(self) -> None:
        try:
            rules = self._load()
        except RulePackError as error:
            self.last_error = str(error)
            log.error("rules not reloaded, the last good ones stay in force: %s", error)
            return
        self._rules = rules
        self.last_error = None
        log.info("rules reloaded: %d rules", sum(1 for _ in rules.rules()))

    def _current_signature(self) -> Signature:
        entries: list[tuple[str, int, int]] = []
        for path in self._watch():
            candidates = sorted(path.iterdir()) if path.is_dir() else [path]
            for candidate in candidates:
                try:
                    info = candidate.stat()
                except OSError:  # a file that is gone (or not there yet) is a state too
                    entries.append((str(candidate), -1, -1))
                    continue
                entries.append((str(candidate), info.st_mtime_ns, info.st_size))
        return tuple(entries)
