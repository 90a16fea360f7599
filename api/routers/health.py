"""Liveness and readiness, for a load balancer, an orchestrator or a person.

`/healthz` says only that this API process answers: restarting it would not bring back a
database. `/readyz` says whether documents are being processed: the database answers, at
least one worker said it is alive lately (each does every `heartbeat_seconds`, see
pipeline/jobs/worker.py), and the disk holding the blobs (and SQLite's file) has room. It answers
503 when not, with what is wrong, and reports how long the oldest job has waited.
"""

from __future__ import annotations

import shutil
from datetime import UTC, timedelta
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.engine import make_url

from api.deps import SessionDep, SettingsDep
from pipeline.jobs import queue
from pipeline.store.models import utcnow
from pipeline.store.outage import describe
from pipeline.store.settings import Settings

router = APIRouter(tags=["health"])

# Below this the next file, or SQLite's next write, may not fit: no longer ready.
MIN_FREE_BYTES = 1 << 20
# A worker is alive when it said so within this many of its heartbeat periods: a beat can
# be late when the machine is busy.
ALIVE_HEARTBEATS = 3
ALIVE_MIN_SECONDS = 10.0


class Health(BaseModel):
    status: Literal["ok"] = Field(description="This API process answers.")


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    problems: list[str] = Field(description="Why not ready; empty when ready.")
    database: Literal["ok", "unreachable"]
    workers_alive: int | None = Field(
        description="Worker processes that said they were alive lately; null when the "
        "database cannot be read."
    )
    waiting_jobs: int | None = Field(description="Documents queued for a worker.")
    oldest_waiting_seconds: float | None = Field(
        description="How long the longest-waiting queued document has waited; null when none "
        "waits or the database cannot be read."
    )
    inbox_scanned_seconds_ago: float | None = Field(
        default=None,
        description="How long ago an inbox watcher last looked at the inbox; null when none "
        "runs (an API-only deployment) or the database cannot be read.",
    )
    disk_free_bytes: int = Field(description="Free space where blobs (and SQLite) are kept.")


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """Liveness: the process answers. It does not touch the database (see `/readyz`)."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={
        status.HTTP_503_SERVICE_UNAVAILABLE: {
            "model": Readiness,
            "description": "Not ready: the database is unreachable, no worker is alive, or "
            "the disk is full (`problems` says which).",
        }
    },
)
def readyz(session: SessionDep, settings: SettingsDep, response: Response) -> Readiness:
    """Readiness: documents are being processed. 503 when they are not."""
    problems: list[str] = []
    database: Literal["ok", "unreachable"] = "ok"
    alive = waiting = None
    oldest_seconds = scanned_seconds = None
    now = utcnow()
    window = max(ALIVE_HEARTBEATS * settings.heartbeat_seconds, ALIVE_MIN_SECONDS)
    try:
        alive = len(queue.live_workers(session, seen_since=now - timedelta(seconds=window)))
        waiting = queue.count_waiting(session)
        oldest = queue.oldest_waiting(session)
        scanned = queue.last_inbox_scan(session)
    except Exception as exc:  # noqa: BLE001 - any failure to read means "not reachable"
        database = "unreachable"
        problems.append(f"database unreachable: {describe(exc)}")
    else:
        if oldest is not None:
            # SQLite hands back UTC timestamps without their zone.
            oldest = oldest if oldest.tzinfo is not None else oldest.replace(tzinfo=UTC)
            oldest_seconds = round(max(0.0, (now - oldest).total_seconds()), 1)
        if alive == 0:
            problems.append(f"no worker said it was alive in the last {window:.0f} s")
        if scanned is not None:
            scanned = scanned if scanned.tzinfo is not None else scanned.replace(tzinfo=UTC)
            scanned_seconds = round(max(0.0, (now - scanned).total_seconds()), 1)
            stale = max(ALIVE_HEARTBEATS * settings.heartbeat_seconds, settings.inbox_stale_seconds)
            if scanned_seconds > stale:
                problems.append(
                    f"the inbox watcher has not looked at the inbox for {scanned_seconds:.0f} s"
                )
    free = _free_bytes(settings)
    if free < MIN_FREE_BYTES:
        problems.append(f"disk full: {free} bytes free for blobs and data")
    if problems:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Readiness(
        status="not ready" if problems else "ready",
        problems=problems,
        database=database,
        workers_alive=alive,
        waiting_jobs=waiting,
        oldest_waiting_seconds=oldest_seconds,
        inbox_scanned_seconds_ago=scanned_seconds,
        disk_free_bytes=free,
    )


def _free_bytes(settings: Settings) -> int:
    places = [settings.resolved_blob_dir]
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        places.append(Path(url.database).parent)
    return min(shutil.disk_usage(_existing(place)).free for place in places)


def _existing(path: Path) -> Path:
    """The path, or its nearest existing parent (a fresh install has no blob folder yet)."""
    path = path.resolve()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
