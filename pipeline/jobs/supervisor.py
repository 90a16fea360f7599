"""Supervision: the parent process keeps its children (workers, watcher, webhook notifier)
running, starting a new one in place of any that dies.

A child that dies (killed, out of memory, an unexpected error) is started again after a
back-off that doubles while it keeps dying soon after starting, so a crash loop does not
spin. A child that exits with status 0 was asked to stop (SIGTERM or Ctrl-C reach every
process of the group) and is left stopped. A job the dead worker held returns to the queue
when its lease runs out.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

log = logging.getLogger(__name__)

# How often the watch loop looks at the stop flag when no child exits meanwhile.
_TICK_SECONDS = 0.5


@dataclass(frozen=True)
class ChildSpec:
    name: str
    target: Callable[..., None]
    args: tuple[object, ...] = ()


@dataclass
class _Child:
    spec: ChildSpec
    process: BaseProcess | None = None
    started_at: float = 0.0
    failures: int = 0  # deaths in a row, each soon after starting
    restart_at: float | None = None
    finished: bool = False


@dataclass
class Supervisor:
    """Starts the children, restarts any that die (`watch`), stops them all (`stop`)."""

    specs: Sequence[ChildSpec]
    restart_initial_seconds: float = 1.0
    restart_max_seconds: float = 60.0
    # A child that ran this long before dying was healthy: its back-off starts over.
    steady_after_seconds: float = 60.0
    _children: list[_Child] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: bool = False

    def __post_init__(self) -> None:
        self._children = [_Child(spec) for spec in self.specs]

    def start(self) -> None:
        with self._lock:
            for child in self._children:
                self._start(child)

    @property
    def processes(self) -> list[BaseProcess]:
        return [child.process for child in self._children if child.process is not None]

    def watch(self, stop: threading.Event) -> None:
        """Restart dead children until `stop` is set."""
        while not stop.is_set():
            with self._lock:
                if self._stopping:
                    return
                next_restart = self._tend(time.monotonic())
            running = [
                child.process.sentinel
                for child in self._children
                if child.process is not None and child.process.exitcode is None
            ]
            timeout = _TICK_SECONDS
            if next_restart is not None:
                timeout = max(0.0, min(timeout, next_restart - time.monotonic()))
            if running:
                wait(running, timeout)
            else:
                stop.wait(timeout)

    def stop(self, grace_seconds: float) -> None:
        """Ask every child to finish its current work and exit; kill what is left after the
        grace period (a job still held returns to the queue when its lease expires)."""
        with self._lock:
            self._stopping = True
            processes = self.processes
        for process in processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + grace_seconds
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()

    def _tend(self, now: float) -> float | None:
        """Notice deaths and start the children whose back-off is over; returns when the
        next pending restart is due."""
        next_restart: float | None = None
        for child in self._children:
            if child.finished or child.process is None:
                continue
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child)
                else:
                    next_restart = min(next_restart or child.restart_at, child.restart_at)
                continue
            code = child.process.exitcode
            if code is None:
                continue
            if code == 0:
                log.info("%s (pid %s) stopped; not restarted", child.spec.name, child.process.pid)
                child.finished = True
                continue
            if now - child.started_at >= self.steady_after_seconds:
                child.failures = 0
            delay = min(
                self.restart_max_seconds,
                self.restart_initial_seconds * 2 ** min(child.failures, 30),
            )
            child.failures += 1
            child.restart_at = now + delay
            next_restart = min(next_restart or child.restart_at, child.restart_at)
            log.error(
                "%s (pid %s) died (%s); starting a new one in %.1f s",
                child.spec.name,
                child.process.pid,
                _exit_reason(code),
                delay,
            )
        return next_restart

    def _start(self, child: _Child) -> None:
        # Spawned, not forked: a fork would copy database connections and threads.
        context = multiprocessing.get_context("spawn")
        process = context.Process(
            target=child.spec.target, args=child.spec.args, name=child.spec.name
        )
        process.start()
        if child.process is not None:
            log.info("%s restarted as pid %s", child.spec.name, process.pid)
        child.process = process
        child.started_at = time.monotonic()
        child.restart_at = None


def _exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
