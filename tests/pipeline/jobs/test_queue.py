"""The database queue: leases, expiry, exactly-once completion, back-off."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs import queue
from pipeline.store.db import transaction
from pipeline.store.models import Document, Job, JobState


def enqueue(sessions: sessionmaker[Session], count: int) -> list[int]:
    ids = []
    with transaction(sessions) as session:
        for i in range(count):
            document = Document(
                sha256=f"{i:064d}",
                filename=f"{i}.pdf",
                relative_path=f"{i}.pdf",
                size=1,
                media_type="application/pdf",
                archive_path=f".done/{i}.pdf",
            )
            session.add(document)
            session.flush()
            job = Job(document_id=document.id)
            session.add(job)
            session.flush()
            ids.append(job.id)
    return ids


def claim(sessions: sessionmaker[Session], owner: str, lease: float = 30) -> queue.Claim | None:
    with transaction(sessions) as session:
        return queue.claim(session, owner=owner, lease_seconds=lease)


def test_a_claimed_job_is_not_claimed_again_while_its_lease_holds(
    sessions: sessionmaker[Session],
) -> None:
    first, second = enqueue(sessions, 2)
    a = claim(sessions, "a")
    b = claim(sessions, "b")
    assert a is not None and b is not None
    assert (a.job_id, b.job_id) == (first, second)
    assert claim(sessions, "c") is None


def test_an_expired_lease_returns_the_job_and_the_old_owner_cannot_complete_it(
    sessions: sessionmaker[Session],
) -> None:
    (job_id,) = enqueue(sessions, 1)
    dead = claim(sessions, "dead-worker", lease=0.2)
    assert dead is not None and dead.attempt == 1
    assert claim(sessions, "other") is None
    time.sleep(0.3)

    revived = claim(sessions, "other")
    assert revived is not None
    assert (revived.job_id, revived.attempt) == (job_id, 2)
    with transaction(sessions) as session:
        assert not queue.complete(session, dead)
        assert not queue.heartbeat(session, dead, lease_seconds=30)
    with transaction(sessions) as session:
        assert queue.complete(session, revived)
    with sessions() as session:
        assert session.get_one(Job, job_id).state is JobState.DONE


def test_heartbeat_keeps_a_slow_job_owned(sessions: sessionmaker[Session]) -> None:
    enqueue(sessions, 1)
    slow = claim(sessions, "slow", lease=0.3)
    assert slow is not None
    for _ in range(3):
        time.sleep(0.15)
        with transaction(sessions) as session:
            assert queue.heartbeat(session, slow, lease_seconds=0.3)
    assert claim(sessions, "thief") is None


def test_retry_waits_for_its_back_off(sessions: sessionmaker[Session]) -> None:
    enqueue(sessions, 1)
    first = claim(sessions, "w")
    assert first is not None
    with transaction(sessions) as session:
        assert queue.retry_later(session, first, error="boom", delay_seconds=0.3)
    assert claim(sessions, "w") is None
    time.sleep(0.35)
    again = claim(sessions, "w")
    assert again is not None and again.attempt == 2


def test_release_gives_the_job_back_without_counting_an_attempt(
    sessions: sessionmaker[Session],
) -> None:
    enqueue(sessions, 1)
    held = claim(sessions, "w")
    assert held is not None
    with transaction(sessions) as session:
        assert queue.release(session, held)
    again = claim(sessions, "w2")
    assert again is not None and again.attempt == 1


def test_concurrent_claimers_never_share_a_job(sessions: sessionmaker[Session]) -> None:
    enqueue(sessions, 60)
    taken: list[int] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def claimer(name: str) -> None:
        try:
            while (c := claim(sessions, name)) is not None:
                with lock:
                    taken.append(c.job_id)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(f"t{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(taken) == 60
    assert len(set(taken)) == 60
