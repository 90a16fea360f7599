"""The whole service through the real `backoffice run` process, as a clerk and a reviewer
use it: drop a PDF into the inbox, see it in the review queue, approve it, and find the
posted entry that accounting pulls, each with the API token made for them on the command
line."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests import docgen
from tests.support.machine import BACKOFFICE, ROOT, free_port

# Slow: the real `backoffice run` process, started and stopped.
pytestmark = pytest.mark.slow


# `python -m` from the repository root: the code under test, wherever it is installed from.
@dataclass
class Service:
    process: subprocess.Popen[bytes]
    base_url: str
    inbox: Path
    log: Path
    env: dict[str, str]

    def token(self, name: str, role: str) -> dict[str, str]:
        """Headers carrying a new API token, made as an administrator would make it."""
        created = subprocess.run(
            [*BACKOFFICE, "tokens", "create", "--name", name, "--role", role],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert created.returncode == 0, created.stderr
        return {"Authorization": f"Bearer {created.stdout.strip()}"}


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """A fresh checkout's service: empty data directory, default settings but for where
    the files live; on PostgreSQL, an empty database the service migrates itself."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKOFFICE_")}
    env |= {
        "BACKOFFICE_DATA_DIR": str(tmp_path / "data"),
        "BACKOFFICE_INBOX": str(tmp_path / "inbox"),
        "BACKOFFICE_WORKERS": "2",
    }
    if request.param == "postgresql":
        env["BACKOFFICE_DATABASE_URL"] = request.getfixturevalue("empty_pg_database")
    port = free_port()
    log = tmp_path / "service.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*BACKOFFICE, "run", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    running = Service(process, base_url, tmp_path / "inbox", log, env)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "service did not start:\n" + log.read_text()
            time.sleep(0.2)
        yield running
    finally:
        # The whole session, even when the service itself is gone: a failed test must not
        # leave its workers polling in the background.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def test_a_dropped_invoice_reaches_review_within_ten_seconds_and_posts_on_approval(
    service: Service, tmp_path: Path
) -> None:
    reviewer = service.token("review-desk", "reviewer")
    accounting = service.token("ledger", "accountant")
    assert httpx.get(f"{service.base_url}/api/v1/review-queue").status_code == 401
    generated = docgen.invoice(11)
    staged = docgen.write(generated, tmp_path / "hd_0001.pdf")
    shutil.copy(staged, service.inbox / "hd_0001.pdf")
    dropped = time.monotonic()

    queued: list[dict[str, object]] = []
    while not queued:
        elapsed = time.monotonic() - dropped
        assert elapsed < 10, "not in the review queue after 10 s:\n" + service.log.read_text()
        queue = httpx.get(f"{service.base_url}/api/v1/review-queue", headers=reviewer)
        queued = queue.json()["items"]
        time.sleep(0.2)
    (item,) = queued
    assert item["filename"] == "hd_0001.pdf"
    assert item["doc_type"] == "invoice"

    approved = httpx.post(
        f"{service.base_url}/api/v1/documents/{item['id']}/approve", headers=reviewer
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "posted"

    (entry,) = httpx.get(f"{service.base_url}/api/v1/entries", headers=accounting).json()["items"]
    assert entry["document_id"] == item["id"]
    total = Decimal(generated.fields["total"])
    assert sum(Decimal(line["credit"]) for line in entry["lines"]) == total
    assert sum(Decimal(line["debit"]) for line in entry["lines"]) == total
    assert (service.inbox / ".done").is_dir()
    assert not (service.inbox / "hd_0001.pdf").exists()

    service.process.send_signal(signal.SIGTERM)
    assert service.process.wait(timeout=60) == 0, service.log.read_text()
    assert session_processes(service.process.pid) == [], "processes outlived the service"


def session_processes(session_id: int, *, grace: float = 5.0) -> list[str]:
    """Processes left in the service's session once `grace` seconds have passed (the
    multiprocessing resource tracker exits a moment after its parent)."""
    deadline = time.monotonic() + grace
    while True:
        found = subprocess.run(
            ["pgrep", "-a", "-s", str(session_id)], capture_output=True, text=True
        ).stdout.splitlines()
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)
