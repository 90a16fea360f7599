"""`Idempotency-Key` on the API's POSTs: a repeat gets the first answer and runs nothing."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.deps import CSRF_HEADER
from pipeline.access import idempotency
from pipeline.store.db import transaction
from pipeline.store.models import AuditEvent, Document, IdempotencyKey, JournalEntry, utcnow
from pipeline.store.settings import Settings
from tests.support.documents import add_document
from tests.support.signin import add_token, api, sign_in

KEY = "5f0c6a2e-8d1b-4c43-9a57-2b1f0e7d9c11"


def bearer(sessions: sessionmaker[Session], name: str, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {add_token(sessions, name, role)}"}


def count(sessions: sessionmaker[Session], what: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(what)) or 0


def test_the_same_approval_posted_twice_with_one_key_posts_once(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    reviewer = bearer(sessions, "review-bot", "reviewer")
    approve = f"/api/v1/documents/{document_id}/approve"
    with api(settings) as client:
        first = client.post(approve, headers=reviewer | {"Idempotency-Key": KEY})
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "posted"
        repeat = client.post(approve, headers=reviewer | {"Idempotency-Key": KEY})
        assert repeat.status_code == 200
        assert repeat.content == first.content
        assert repeat.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert count(sessions, JournalEntry) == 1
        with sessions() as session:
            kinds = session.scalars(
                select(AuditEvent.kind).where(AuditEvent.document_id == document_id)
            ).all()
        assert kinds == ["approved", "posted"]

        # The same key on another request is a client's mistake, said plainly.
        other = client.post(
            approve, json={"version": 1}, headers=reviewer | {"Idempotency-Key": KEY}
        )
        assert other.status_code == 422
        assert "different request" in other.json()["detail"]
        elsewhere = client.post(
            f"/api/v1/documents/{document_id}/reject",
            json={"reason": "x"},
            headers=reviewer | {"Idempotency-Key": KEY},
        )
        assert elsewhere.status_code == 422
        # Without the key a repeat runs, and the invoice's own guard refuses it.
        assert client.post(approve, headers=reviewer).status_code == 409
        assert count(sessions, JournalEntry) == 1


def test_a_json_body_counts_by_its_value_and_a_key_belongs_to_its_principal(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    first_bot = bearer(sessions, "bot-one", "reviewer")
    second_bot = bearer(sessions, "bot-two", "reviewer")
    reject = f"/api/v1/documents/{document_id}/reject"
    with api(settings) as client:
        first = client.post(
            reject,
            content=b'{"reason": "not ours", "version": 1}',
            headers=first_bot | {"Idempotency-Key": KEY, "Content-Type": "application/json"},
        )
        assert first.status_code == 200, first.text
        reordered = client.post(
            reject,
            content=b'{"version":1,"reason":"not ours"}',
            headers=first_bot | {"Idempotency-Key": KEY, "Content-Type": "application/json"},
        )
        assert reordered.status_code == 200
        assert reordered.headers["idempotent-replayed"] == "true"
        # Another system's key of the same spelling is its own: its request runs.
        theirs = client.post(
            reject,
            json={"reason": "not ours", "version": 1},
            headers=second_bot | {"Idempotency-Key": KEY},
        )
        assert theirs.status_code == 409
        assert "idempotent-replayed" not in theirs.headers
        # and what it was answered (409 is an answer) is kept for it in turn
        again = client.post(
            reject,
            json={"reason": "not ours", "version": 1},
            headers=second_bot | {"Idempotency-Key": KEY},
        )
        assert (again.status_code, again.headers["idempotent-replayed"]) == (409, "true")


# SQLite writes one at a time: the first request cannot be held mid-way.
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_repeat_while_the_first_still_runs_is_refused(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    reviewer = bearer(sessions, "review-bot", "reviewer")
    approve = f"/api/v1/documents/{document_id}/approve"
    answers: list[Response] = []
    with api(settings) as client:
        # Another transaction holds the document: the first approval waits on it, its key
        # claimed.
        with sessions() as blocker:
            blocker.execute(
                select(Document).where(Document.id == document_id).with_for_update()
            ).one()
            first = threading.Thread(
                target=lambda: answers.append(
                    client.post(approve, headers=reviewer | {"Idempotency-Key": KEY})
                )
            )
            first.start()
            deadline = time.monotonic() + 30
            while count(sessions, IdempotencyKey) == 0:
                assert time.monotonic() < deadline, "the first request never claimed its key"
                time.sleep(0.05)
            running = client.post(approve, headers=reviewer | {"Idempotency-Key": KEY})
            assert running.status_code == 409
            assert "still being processed" in running.json()["detail"]
            blocker.rollback()
        first.join(30)
        (answer,) = answers
        assert answer.status_code == 200, answer.text
        repeat = client.post(approve, headers=reviewer | {"Idempotency-Key": KEY})
        assert (repeat.status_code, repeat.content) == (200, answer.content)
    assert count(sessions, JournalEntry) == 1


@pytest.mark.slow
def test_a_claim_left_by_a_dead_process_is_taken_over_and_keys_expire(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    reviewer = bearer(sessions, "review-bot", "reviewer")
    approve = f"/api/v1/documents/{document_id}/approve"
    with api(settings) as client:
        assert client.post(approve, headers=reviewer | {"Idempotency-Key": KEY}).status_code == 200
        # As if the process had died after running the request, before keeping its answer.
        with transaction(sessions) as session:
            session.execute(update(IdempotencyKey).values(status_code=None, body=None))
        running = client.post(approve, headers=reviewer | {"Idempotency-Key": KEY})
        assert running.status_code == 409
        with transaction(sessions) as session:
            session.execute(
                update(IdempotencyKey).values(
                    created_at=utcnow() - idempotency.ABANDONED_AFTER - timedelta(seconds=1)
                )
            )
        # Run again; the invoice's own guard keeps it from being posted twice.
        again = client.post(approve, headers=reviewer | {"Idempotency-Key": KEY})
        assert again.status_code == 409
        assert "idempotent-replayed" not in again.headers
        assert count(sessions, JournalEntry) == 1

        # Past its lifetime a key is forgotten: the same key is a new request.
        with transaction(sessions) as session:
            session.execute(update(IdempotencyKey).values(expires_at=IdempotencyKey.created_at))
        fresh = client.post(
            f"/api/v1/documents/{document_id}/reject",
            json={"reason": "x"},
            headers=reviewer | {"Idempotency-Key": KEY},
        )
        assert fresh.status_code == 409  # posted: it cannot be rejected, but it ran
        assert count(sessions, IdempotencyKey) == 1


def test_a_refusal_before_the_request_runs_is_not_kept(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    reject = f"/api/v1/documents/{document_id}/reject"
    with api(settings) as client:
        sign_in(client, sessions, "rita", "reviewer")
        csrf = client.headers.pop(CSRF_HEADER)
        refused = client.post(reject, json={"reason": "x"}, headers={"Idempotency-Key": KEY})
        assert refused.status_code == 403
        done = client.post(
            reject, json={"reason": "x"}, headers={"Idempotency-Key": KEY, CSRF_HEADER: csrf}
        )
        assert done.status_code == 200
        assert done.json()["status"] == "rejected"
        anonymous = TestClient(client.app, base_url="https://testserver")
        assert (
            anonymous.post(
                reject, json={"reason": "x"}, headers={"Idempotency-Key": KEY}
            ).status_code
            == 401
        )
        bad = client.post(
            reject, json={"reason": "x"}, headers={"Idempotency-Key": "", CSRF_HEADER: csrf}
        )
        assert bad.status_code == 422
        assert "Idempotency-Key" in bad.json()["detail"]


def test_an_upload_repeated_with_its_key_is_received_once(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    clerk = bearer(sessions, "scanner", "clerk")
    with api(settings) as client:
        answers = [
            client.post(
                "/api/v1/documents",
                files={"file": ("hd 1.pdf", b"%PDF-1.4 scanned")},
                headers=clerk | {"Idempotency-Key": KEY},
            )
            for _ in range(2)
        ]
    # Each multipart body has its own boundary; the file is what counts.
    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json() == {"id": 1, "duplicate": False}
    assert answers[1].headers["idempotent-replayed"] == "true"


def test_every_post_but_login_documents_the_header(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # The OpenAPI document is for callers: any token will do.
    bearer = {"Authorization": f"Bearer {add_token(sessions, 'reader', 'accountant')}"}
    with api(settings) as client:
        paths = client.get("/openapi.json", headers=bearer).json()["paths"]
    posts = {path: item["post"] for path, item in paths.items() if "post" in item}
    assert "/api/v1/entries/ack" in posts and "/api/v1/documents" in posts
    for path, operation in posts.items():
        headers = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert headers == ([] if path == "/login" else ["Idempotency-Key"]), path
        if path != "/login":
            assert {"409", "422"} <= set(operation["responses"]), path
