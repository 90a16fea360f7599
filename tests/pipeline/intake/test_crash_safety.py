"""Crash safety of ingest: SIGKILL at each step between hashing and moving, then restart.

The real command runs in a child process; a named crash point kills it with SIGKILL, as a
power cut would. After a clean restart every file is recorded exactly once, stored once,
and out of the inbox.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.models import Document, DuplicateDrop
from pipeline.store.settings import Settings
from tests.support.machine import BACKOFFICE, ROOT

# Slow: a child process killed at each crash point, then run again.
pytestmark = pytest.mark.slow

CRASH_POINTS = ["ingest.blob_stored", "ingest.committed", "ingest.moved"]


def run_ingest(settings: Settings, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "BACKOFFICE_DATABASE_URL": settings.resolved_database_url,
        "BACKOFFICE_DATA_DIR": str(settings.data_dir),
        "BACKOFFICE_INBOX": str(settings.inbox),
        "BACKOFFICE_CRASH_AT": json.dumps([crash_at] if crash_at else []),
    }
    return subprocess.run(
        [*BACKOFFICE, "watch", "--once"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def blobs_in(settings: Settings) -> list[str]:
    root = settings.resolved_blob_dir
    return sorted(p.name for p in root.glob("??/??/*") if p.is_file())


def inbox_files(settings: Settings) -> list[str]:
    return sorted(p.name for p in settings.inbox.iterdir() if p.is_file())


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_killed_while_ingesting_a_new_file(
    settings: Settings, sessions: sessionmaker[Session], crash_at: str
) -> None:
    payloads = {name: f"%PDF-1.4 {name}".encode() for name in ("a.pdf", "b.pdf", "c.pdf")}
    for name, payload in payloads.items():
        (settings.inbox / name).write_bytes(payload)

    crashed = run_ingest(settings, crash_at)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    restarted = run_ingest(settings)
    assert restarted.returncode == 0, restarted.stderr

    with sessions() as session:
        documents = session.scalars(select(Document).order_by(Document.filename)).all()
        assert [d.filename for d in documents] == ["a.pdf", "b.pdf", "c.pdf"]
        assert all(d.filed_at is not None for d in documents)
        assert session.scalars(select(DuplicateDrop)).all() == []
    expected = sorted(hashlib.sha256(p).hexdigest() for p in payloads.values())
    assert blobs_in(settings) == expected
    assert inbox_files(settings) == []
    archived = sorted(p.name for p in (settings.inbox / ".done").rglob("*") if p.is_file())
    assert archived == ["a.pdf", "b.pdf", "c.pdf"]


@pytest.mark.parametrize("crash_at", CRASH_POINTS)
def test_killed_while_ingesting_a_duplicate(
    settings: Settings, sessions: sessionmaker[Session], crash_at: str
) -> None:
    (settings.inbox / "a.pdf").write_bytes(b"%PDF-1.4 same")
    assert run_ingest(settings).returncode == 0
    (settings.inbox / "a (1).pdf").write_bytes(b"%PDF-1.4 same")

    assert run_ingest(settings, crash_at).returncode == -signal.SIGKILL
    assert run_ingest(settings).returncode == 0

    with sessions() as session:
        document = session.scalars(select(Document)).one()
        drops = session.scalars(select(DuplicateDrop)).all()
        assert [(d.document_id, d.filename) for d in drops] == [(document.id, "a (1).pdf")]
        assert drops[0].filed_at is not None
    assert blobs_in(settings) == [hashlib.sha256(b"%PDF-1.4 same").hexdigest()]
    assert inbox_files(settings) == []
