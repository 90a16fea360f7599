"""One invoice, one posting, whatever its files' formats, on SQLite and PostgreSQL: an XML, a
born-digital PDF, a scan or a photo of one invoice are matched on seller, series and number;
a copy whose number cannot be read is matched on seller, issue date and total and held as a
probable duplicate until a reviewer rejects it or says it is another invoice."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from extractors.record import Record, Source
from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker
from pipeline.ledger import posting
from pipeline.review import checking
from pipeline.review.documents import InvalidTransition
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentEvent, DocumentStatus, Job, JournalEntry
from pipeline.store.settings import Settings
from tests import docgen
from tests.docgen.scans import photo, scanned_pdf
from tests.support.documents import FIELDS, file_row, ingest_inbox

XML, PDF = "application/xml", "application/pdf"
SEED = 9  # docgen.invoice(9) and docgen.einvoice_xml(9) are one invoice
PROBABLE = "invoice.not_probable_duplicate"


def process(settings: Settings, sessions: sessionmaker[Session], name: str, data: bytes) -> int:
    """Drop a file in the inbox and let a real worker read it; the document's id."""
    (settings.inbox / name).write_bytes(data)
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        worker.run(exit_when_idle=True)
    finally:
        worker.close()
    with sessions() as session:
        return session.scalars(select(Document.id).where(Document.filename == name)).one()


def stored(sessions: sessionmaker[Session], document_id: int) -> Document:
    with sessions() as session:
        document = session.get_one(Document, document_id)
        document.rule_checks  # noqa: B018 - loaded before the session closes
        session.expunge_all()
        return document


def failing(document: Document) -> dict[str, str]:
    return {check.rule: check.message for check in document.rule_checks if not check.passed}


def entries(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(JournalEntry)) or 0


def approve_directly(sessions: sessionmaker[Session], document_id: int) -> None:
    """The service's approval, without the API's re-check of the rules."""
    with transaction(sessions) as session:
        posting.approve(session, document_id=document_id, actor="rita")


def unreadable_number(seed: int) -> docgen.GeneratedDocument:
    blotted = docgen.invoice(seed, number_legible=False)
    assert blotted.fields["invoice_number"] is None
    return blotted


@pytest.mark.slow
def test_a_scan_of_a_posted_xml_invoice_whose_number_is_unreadable_cannot_post_again(
    settings: Settings,
    sessions: sessionmaker[Session],
    client: TestClient,  # noqa: F811
) -> None:
    xml_id = process(settings, sessions, "hd.xml", docgen.einvoice_xml(SEED).content)
    approve_directly(sessions, xml_id)
    assert stored(sessions, xml_id).status is DocumentStatus.POSTED

    scan = scanned_pdf(unreadable_number(SEED), seed=SEED, noise=0.001)
    scan_id = process(settings, sessions, "scan.pdf", scan)
    document = stored(sessions, scan_id)
    assert document.record is not None
    fields = document.record["fields"]
    assert fields["invoice_number"] is None  # really unreadable, not left out by the test
    assert fields["total"] == docgen.invoice(SEED).fields["total"]
    assert document.status is DocumentStatus.REVIEW
    assert document.duplicate_of_id == xml_id
    assert f"document {xml_id} (hd.xml, posted)" in failing(document)[PROBABLE]

    refused = client.post(f"/api/v1/documents/{scan_id}/approve")
    assert refused.status_code == 422, refused.text
    reasons = {f["rule"]: f["message"] for f in refused.json()["failing"]}
    assert "probably the same invoice as document" in reasons[PROBABLE]
    with pytest.raises(posting.DuplicateInvoice, match=f"duplicate of document {xml_id}"):
        approve_directly(sessions, scan_id)
    assert entries(sessions) == 1


@pytest.mark.slow
def test_an_xml_arriving_after_its_photo_whose_number_is_unreadable_waits_for_a_reviewer(
    settings: Settings,
    sessions: sessionmaker[Session],
    client: TestClient,  # noqa: F811
) -> None:
    picture = photo(unreadable_number(SEED), seed=SEED, image_format="JPEG", shade=0.1)
    photo_id = process(settings, sessions, "hd.jpg", picture)
    assert stored(sessions, photo_id).duplicate_of_id is None
    xml_id = process(settings, sessions, "hd.xml", docgen.einvoice_xml(SEED).content)
    xml = stored(sessions, xml_id)
    assert xml.status is DocumentStatus.REVIEW and xml.duplicate_of_id == photo_id
    assert f"document {photo_id} (hd.jpg, review)" in failing(xml)[PROBABLE]

    refused = client.post(f"/api/v1/documents/{xml_id}/approve")
    assert refused.status_code == 422, refused.text
    assert PROBABLE in {f["rule"] for f in refused.json()["failing"]}
    assert entries(sessions) == 0

    # The reviewer sees they are one invoice and rejects the photo: the XML then posts, once.
    rejected = client.post(f"/api/v1/documents/{photo_id}/reject", json={"reason": "the XML"})
    assert rejected.status_code == 200, rejected.text
    approved = client.post(f"/api/v1/documents/{xml_id}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "posted"
    assert entries(sessions) == 1


@pytest.mark.slow
def test_a_pdf_and_its_xml_read_by_two_workers_at_the_same_instant_are_one_invoice(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    docgen.write(docgen.invoice(SEED), settings.inbox / "hd.pdf")
    docgen.write(docgen.einvoice_xml(SEED), settings.inbox / "hd.xml")
    ingest_inbox(settings)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            worker = Worker(settings, name=name)
            try:
                start.wait()
                worker.run(exit_when_idle=True)
            finally:
                worker.close()
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with sessions() as session:
        documents = {d.filename: d for d in session.scalars(select(Document)).all()}
        owners = session.scalars(
            select(DocumentEvent.actor).where(DocumentEvent.kind == "processed")
        ).all()
    assert len(owners) == 2
    view, original = documents["hd.pdf"], documents["hd.xml"]
    assert original.status is DocumentStatus.REVIEW and original.duplicate_of_id is None
    assert view.status is DocumentStatus.SUPERSEDED and view.superseded_by_id == original.id
    approve_directly(sessions, original.id)
    with pytest.raises(InvalidTransition, match="superseded"):
        approve_directly(sessions, view.id)
    assert entries(sessions) == 1


# --- the deciding moment, forced to overlap ------------------------------------------------


def record(name: str, media_type: str, fields: dict[str, Any]) -> Record:
    return Record(
        source=Source(filename=name, sha256=name.ljust(64, "0"), media_type=media_type),
        doc_type="invoice",
        language="vi",
        fields=fields,
        confidence=dict.fromkeys(
            ["invoice_number", "issue_date", "currency", "seller.name", "total"], 0.99
        ),
    )


def settle(
    sessions: sessionmaker[Session],
    settings: Settings,
    name: str,
    media_type: str = PDF,
    fields: dict[str, Any] = FIELDS,
    *,
    hold_seconds: float = 0.0,
    start: threading.Barrier | None = None,
) -> int:
    with transaction(sessions) as session:
        document = file_row(name, status=DocumentStatus.PROCESSING, media_type=media_type)
        session.add(document)
        session.flush()
        session.add(Job(document_id=document.id))
        document_id = document.id
    if start is not None:
        start.wait()
    with transaction(sessions) as session:
        document = session.get_one(Document, document_id)
        checking.settle(
            session,
            document=document,
            record=record(name, media_type, fields),
            rules=rule_book(settings).current(),
            settings=settings,
            actor="test",
        )
        # A slow transaction: a second decision that did not wait for this one would miss it.
        time.sleep(hold_seconds)
    return document_id


@pytest.mark.parametrize("number_read", [True, False], ids=["number", "no-number"])
def test_an_xml_and_a_scan_decided_at_the_same_moment_leave_one_invoice_to_post(
    settings: Settings, sessions: sessionmaker[Session], number_read: bool
) -> None:
    start = threading.Barrier(2)
    ids: dict[str, int] = {}
    errors: list[BaseException] = []
    scan_fields = FIELDS if number_read else {**FIELDS, "invoice_number": None}

    def run(name: str, media_type: str, fields: dict[str, Any]) -> None:
        try:
            ids[name] = settle(
                sessions, settings, name, media_type, fields, hold_seconds=0.5, start=start
            )
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=("hd.xml", XML, FIELDS)),
        threading.Thread(target=run, args=("scan.png", "image/png", scan_fields)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    xml, scan = stored(sessions, ids["hd.xml"]), stored(sessions, ids["scan.png"])
    if number_read:
        assert xml.status is DocumentStatus.REVIEW and xml.duplicate_of_id is None
        assert scan.status is DocumentStatus.SUPERSEDED and scan.superseded_by_id == xml.id
    else:
        # Whichever was decided second is held for a reviewer, naming the first.
        flagged = [d for d in (xml, scan) if d.duplicate_of_id is not None]
        assert len(flagged) == 1, [(d.id, d.duplicate_of_id) for d in (xml, scan)]
        assert PROBABLE in failing(flagged[0])
        with pytest.raises(posting.DuplicateInvoice):
            approve_directly(sessions, flagged[0].id)


def test_a_reviewer_tells_a_probable_duplicate_apart_and_it_is_kept_in_the_history(
    settings: Settings,
    sessions: sessionmaker[Session],
    client: TestClient,  # noqa: F811
) -> None:
    """Same seller, day and total, one number not read: held until the reviewer, who knows
    the seller billed twice that day, says so; a duplicate by number cannot be waved through."""
    smudged = settle(sessions, settings, "smudged.pdf", fields={**FIELDS, "invoice_number": None})
    clean = settle(sessions, settings, "clean.pdf")
    assert stored(sessions, clean).duplicate_of_id == smudged
    refused = client.post(f"/api/v1/documents/{clean}/approve")
    assert refused.status_code == 422
    assert PROBABLE in {f["rule"] for f in refused.json()["failing"]}

    version = client.get(f"/api/v1/documents/{clean}").json()["version"]
    marked = client.post(
        f"/api/v1/documents/{clean}/not-duplicate",
        json={"version": version, "reason": "two deliveries billed on one day"},
    )
    assert marked.status_code == 200, marked.text
    body = marked.json()
    assert body["duplicate_of_id"] is None
    assert next(r for r in body["rules"] if r["rule"] == PROBABLE)["passed"]
    event = next(e for e in body["history"] if e["kind"] == "not_duplicate")
    assert event["actor"] == "rita"
    assert event["data"] == {"of": smudged, "reason": "two deliveries billed on one day"}
    approved = client.post(f"/api/v1/documents/{clean}/approve")
    assert approved.status_code == 200, approved.text

    # Told apart either way round: the smudged one, checked again now that the other is
    # posted, is not flagged against the invoice it was told apart from.
    version = client.get(f"/api/v1/documents/{smudged}").json()["version"]
    corrected = client.patch(
        f"/api/v1/documents/{smudged}", json={"version": version, "fields": {"po_number": "7"}}
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["duplicate_of_id"] is None
    assert next(r for r in corrected.json()["rules"] if r["rule"] == PROBABLE)["passed"]

    # The same seller, series and number is the same invoice: no reviewer can wave it through.
    again = settle(sessions, settings, "again.pdf")
    assert stored(sessions, again).duplicate_of_id == clean
    version = client.get(f"/api/v1/documents/{again}").json()["version"]
    waved = client.post(
        f"/api/v1/documents/{again}/not-duplicate", json={"version": version, "reason": "x"}
    )
    assert waved.status_code == 409
    assert "same invoice" in waved.json()["detail"]
    assert entries(sessions) == 1
