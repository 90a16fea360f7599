"""Worker processes for tests: spawned as the supervisor spawns them, and the queue watched
until they have done everything."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs import queue
from pipeline.jobs.worker import worker_main
from pipeline.store.models import DocumentEvent
from pipeline.store.settings import Settings


def processed_counts(sessions: sessionmaker[Session]) -> Counter[int]:
    with sessions() as session:
        rows = session.scalars(
            select(DocumentEvent.document_id).where(DocumentEvent.kind == "processed")
        ).all()
    return Counter(rows)


def spawn_workers(settings: Settings, count: int) -> list[multiprocessing.process.BaseProcess]:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=worker_main, args=(settings, index)) for index in range(count)
    ]
    for process in processes:
        process.start()
    return processes


def wait_until_drained(sessions: sessionmaker[Session], *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sessions() as session:
            open_jobs = queue.count_open(session)
        if open_jobs == 0:
            return
        time.sleep(0.5)
    pytest.fail(f"{open_jobs} jobs still open after {timeout} s")
