"""Liveness and readiness as an orchestrator reads them: `/healthz` answers while the process
does; `/readyz` is 200 only while a real worker says it is alive, and reports the queue.
(An unreachable database and a full disk: tests/pipeline/test_outages.py, on the real service.)"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.worker import Worker
from pipeline.store.outage import ErrorDigest
from pipeline.store.settings import Settings
from tests.support.documents import add_document
from tests.support.machine import BACKOFFICE, ROOT
from tests.support.signin import api


def _until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)


def test_readiness_follows_the_workers_and_reports_the_queue(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    with api(settings) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        idle = client.get("/readyz")
        assert idle.status_code == 503
        assert idle.json()["workers_alive"] == 0
        assert idle.json()["problems"] == ["no worker said it was alive in the last 10 s"]

        worker = Worker(settings)
        running = threading.Thread(target=worker.run)
        running.start()
        try:
            _until(lambda: client.get("/readyz").status_code == 200)
            ready = client.get("/readyz").json()
            assert ready["status"] == "ready"
            assert ready["workers_alive"] == 1
            assert ready["database"] == "ok"
            assert ready["problems"] == []
            assert ready["waiting_jobs"] == 0
            assert ready["oldest_waiting_seconds"] is None
            assert ready["disk_free_bytes"] > 0
        finally:
            worker.stop.set()
            running.join()
            worker.close()
        # A worker stopping cleanly takes its sign of life with it: not ready at once.
        assert client.get("/readyz").status_code == 503

        add_document(sessions, name="waiting")  # queued, and no worker to take it
        waiting = client.get("/readyz").json()
        assert waiting["waiting_jobs"] == 1
        assert waiting["oldest_waiting_seconds"] >= 0


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_repeated_error_is_logged_once_then_counted(caplog: pytest.LogCaptureFixture) -> None:
    clock = _Clock()
    digest = ErrorDigest(logging.getLogger("test.digest"), every=60.0, clock=clock)
    outage = ConnectionRefusedError(111, "Connection refused")
    with caplog.at_level(logging.INFO, logger="test.digest"):
        for second in range(0, 90, 3):  # a try every 3 s for 90 s, as the watcher did
            clock.now = float(second)
            digest.error("ingest", outage)
        clock.now = 91.0
        digest.cleared()
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "ingest: ConnectionRefusedError: [Errno 111] Connection refused; will retry "
        "(repeats are counted, not logged)",
        "ingest: ConnectionRefusedError: [Errno 111] Connection refused: still failing, "
        "20 more times in the last 60 s",
        "recovered from ingest: ConnectionRefusedError: [Errno 111] Connection refused "
        "after 91 s (29 repeats)",
    ]
    assert caplog.records[0].exc_info is not None  # the first one with its traceback
    assert all(record.exc_info is None for record in caplog.records[1:])


def test_readiness_reports_an_inbox_watcher_that_stopped_going_round(
    settings: Settings, tmp_path: Path
) -> None:
    """A watcher stuck on an unresponsive network share, or frozen, looks alive to the
    supervisor; files dropped meanwhile wait unseen. Readiness must say so, and stop saying
    so once it moves again. Frozen here for real, with SIGSTOP."""
    stale = 3.0
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKOFFICE_")}
    env |= {
        "BACKOFFICE_DATA_DIR": str(settings.data_dir),
        "BACKOFFICE_INBOX": str(settings.inbox),
        "BACKOFFICE_DATABASE_URL": settings.resolved_database_url,
        "BACKOFFICE_HEARTBEAT_SECONDS": "0.5",
        "BACKOFFICE_STABILITY_DELAY": "0.3",
    }
    ready_settings = settings.model_copy(update={"inbox_stale_seconds": stale})
    log = (tmp_path / "watch.log").open("wb")
    watcher = subprocess.Popen(
        [*BACKOFFICE, "watch"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    stuck = "the inbox watcher has not looked at the inbox"
    try:
        with api(ready_settings) as client:

            def readiness() -> dict[str, Any]:
                answer: dict[str, Any] = client.get("/readyz").json()
                return answer

            # Before the watcher's first round: no watcher, nothing to report.
            _until(lambda: readiness()["inbox_scanned_seconds_ago"] is not None)
            assert readiness()["inbox_scanned_seconds_ago"] < stale
            assert not any(stuck in problem for problem in readiness()["problems"])

            watcher.send_signal(signal.SIGSTOP)
            _until(lambda: any(stuck in problem for problem in readiness()["problems"]))
            assert readiness()["status"] == "not ready"

            watcher.send_signal(signal.SIGCONT)
            _until(lambda: not any(stuck in problem for problem in readiness()["problems"]))

            # Stopped cleanly: its row goes with it, and an API-only deployment is not "stuck".
            watcher.send_signal(signal.SIGTERM)
            assert watcher.wait(timeout=30) == 0
            assert readiness()["inbox_scanned_seconds_ago"] is None
            assert not any(stuck in problem for problem in readiness()["problems"])
    finally:
        if watcher.poll() is None:
            watcher.send_signal(signal.SIGCONT)
            watcher.kill()
            watcher.wait()
        log.close()
