"""Failed documents over the API and in the pages, on each database: why a document failed
in words (both languages, the code and detail kept), a retry that queues it once, and a
rejection of what cannot be read."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs import queue
from pipeline.jobs.worker import Worker
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import ingest_inbox

ENCRYPTED_VI = "Tệp PDF có mật khẩu: hãy gửi bản không khoá."
ENCRYPTED_EN = "The PDF is password-protected: please send an unlocked copy."


def processed(settings: Settings) -> None:
    docgen.encrypted_pdf(settings.inbox / "locked.pdf")
    docgen.write(docgen.invoice(4), settings.inbox / "good.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 2
    finally:
        worker.close()


def test_a_failed_document_says_why_in_words_in_the_list_and_the_detail(
    client: TestClient, settings: Settings
) -> None:
    processed(settings)
    (locked,) = client.get("/api/v1/documents", params={"status": "failed"}).json()["items"]
    assert locked["filename"] == "locked.pdf"
    reason = locked["failure_reason"]
    assert (reason["code"], reason["vi"], reason["en"]) == (
        "encrypted_pdf",
        ENCRYPTED_VI,
        ENCRYPTED_EN,
    )
    assert reason["detail"] == locked["error"]["message"] != ""
    detail = client.get(f"/api/v1/documents/{locked['id']}").json()
    assert detail["failure_reason"] == reason
    (good,) = client.get("/api/v1/documents", params={"status": "review"}).json()["items"]
    assert good["failure_reason"] is None


def test_a_retry_queues_a_failed_document_once_and_only_a_failed_one(
    client: TestClient, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    processed(settings)
    (locked,) = client.get("/api/v1/documents", params={"status": "failed"}).json()["items"]
    url = f"/api/v1/documents/{locked['id']}"
    version = client.get(url).json()["version"]

    assert client.post(f"{url}/retry", json={"version": version + 1}).status_code == 409
    retried = client.post(f"{url}/retry", json={"version": version})
    assert retried.status_code == 202, retried.text
    body = retried.json()
    assert body["status"] == "received"
    assert body["failure_reason"] is None
    event = body["history"][-1]
    assert (event["kind"], event["actor"], event["data"]["code"]) == (
        "retried",
        "rita",
        "encrypted_pdf",
    )
    # Queued once: a second retry finds it no longer failed.
    assert client.post(f"{url}/retry", json={"version": body["version"]}).status_code == 409
    with sessions() as session:
        assert queue.count_open(session) == 1
    (good,) = client.get("/api/v1/documents", params={"status": "review"}).json()["items"]
    refused = client.post(f"/api/v1/documents/{good['id']}/retry", json={"version": 1})
    assert refused.status_code == 409


def test_a_failed_document_can_be_rejected(client: TestClient, settings: Settings) -> None:
    processed(settings)
    (locked,) = client.get("/api/v1/documents", params={"status": "failed"}).json()["items"]
    rejected = client.post(
        f"/api/v1/documents/{locked['id']}/reject", json={"reason": "bản có mật khẩu"}
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["history"][-1]["data"]["status"] == {"old": "failed", "new": "rejected"}


def test_the_failed_page_lists_the_file_with_its_reason_linked_from_the_queue(
    client: TestClient, settings: Settings
) -> None:
    processed(settings)
    (locked,) = client.get("/api/v1/documents", params={"status": "failed"}).json()["items"]
    assert 'href="/review/failed"' in client.get("/review?lang=vi").text
    page = client.get("/review/failed?lang=vi")
    assert page.status_code == 200
    assert "locked.pdf" in page.text and ENCRYPTED_VI in page.text
    assert "good.pdf" not in page.text
    assert ENCRYPTED_EN in client.get("/review/failed?lang=en").text
    document_page = client.get(f"/review/{locked['id']}?lang=vi").text
    assert 'id="failure-reason"' in document_page and ENCRYPTED_VI in document_page
