"""Rules over stored documents, on SQLite and PostgreSQL: results kept per rule, the queue
ordered by them, corrections re-checked, approval refused while an error fails, duplicates
found even when two workers decide at the same moment, and auto-approval only when allowed."""

from __future__ import annotations

import threading
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.worker import Worker
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentStatus, JournalEntry, RuleCheck
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import FIELDS, TODAY, ingest_inbox, settle, stored

# --- results, route, queue ----------------------------------------------------------------


def test_results_are_stored_per_rule_and_a_clean_invoice_waits_for_review(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document = stored(sessions, settle(sessions, settings, "a.pdf"))
    assert document.status is DocumentStatus.REVIEW  # auto-approval is off by default
    checks = {check.rule: check for check in document.rule_checks}
    assert checks["invoice.totals_add_up"].passed
    assert all(check.passed for check in checks.values() if check.severity == "error"), {
        c.rule: c.message for c in checks.values() if not c.passed
    }
    assert document.review_priority == 0
    assert {r["rule"] for r in document.record["rules"]} == set(checks)


def test_failing_errors_come_first_in_the_queue_naming_their_rules(
    settings: Settings, sessions: sessionmaker[Session], client: TestClient
) -> None:
    clean = settle(sessions, settings, "clean.pdf")
    wrong = settle(
        sessions, settings, "wrong.pdf", FIELDS | {"invoice_number": "9", "total": "1200000"}
    )
    queue = client.get("/api/v1/review-queue").json()["items"]
    assert [item["id"] for item in queue] == [wrong, clean]
    assert queue[0]["review_priority"] == 2
    assert "invoice.totals_add_up" in queue[0]["failed_rules"]
    only = client.get("/api/v1/review-queue", params={"rule": "invoice.totals_add_up"}).json()
    assert [item["id"] for item in only["items"]] == [wrong]
    detail = client.get(f"/api/v1/documents/{wrong}").json()
    totals = next(r for r in detail["rules"] if r["rule"] == "invoice.totals_add_up")
    assert not totals["passed"] and "1200000" in totals["values"].values()


def test_a_correction_reruns_the_rules_and_a_stale_one_is_refused(
    settings: Settings, sessions: sessionmaker[Session], client: TestClient
) -> None:
    wrong = settle(sessions, settings, "w.pdf", FIELDS | {"total": "1200000"})
    version = client.get(f"/api/v1/documents/{wrong}").json()["version"]
    refused = client.post(f"/api/v1/documents/{wrong}/approve")
    assert refused.status_code == 422
    assert [f["rule"] for f in refused.json()["failing"]] == ["invoice.totals_add_up"] or (
        "invoice.totals_add_up" in [f["rule"] for f in refused.json()["failing"]]
    )
    version = client.get(f"/api/v1/documents/{wrong}").json()["version"]
    fixed = client.patch(
        f"/api/v1/documents/{wrong}", json={"version": version, "fields": {"total": "1100000"}}
    )
    assert fixed.status_code == 200, fixed.text
    body = fixed.json()
    assert body["fields"]["total"] == "1100000" and body["confidence"]["total"] == 1.0
    assert next(r for r in body["rules"] if r["rule"] == "invoice.totals_add_up")["passed"]
    stale = client.patch(
        f"/api/v1/documents/{wrong}", json={"version": version, "fields": {"total": "1"}}
    )
    assert stale.status_code == 409
    invalid = client.patch(
        f"/api/v1/documents/{wrong}",
        json={"version": body["version"], "fields": {"total": "1.100.000"}},
    )
    assert invalid.status_code == 422
    approved = client.post(f"/api/v1/documents/{wrong}/approve")
    assert approved.status_code == 200, approved.text
    history = [event["kind"] for event in approved.json()["history"]]
    assert "corrected" in history


# --- duplicates ---------------------------------------------------------------------------


def test_a_second_copy_of_an_invoice_is_flagged_and_the_first_stays_clean(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = settle(sessions, settings, "first.pdf")
    second = settle(sessions, settings, "second.pdf")
    original, copy = stored(sessions, first), stored(sessions, second)
    assert original.duplicate_of_id is None and copy.duplicate_of_id == first
    failing = {c.rule: c.message for c in copy.rule_checks if not c.passed}
    assert "invoice.not_duplicate" in failing and "first.pdf" in failing["invoice.not_duplicate"]
    assert all(c.passed for c in original.rule_checks if c.rule == "invoice.not_duplicate")


def test_a_rejected_original_does_not_make_a_later_copy_a_duplicate(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    first = settle(sessions, settings, "first.pdf")
    with transaction(sessions) as session:
        session.get_one(Document, first).status = DocumentStatus.REJECTED
    assert stored(sessions, settle(sessions, settings, "again.pdf")).duplicate_of_id is None


def test_two_copies_decided_at_the_same_moment_yield_one_original_and_one_duplicate(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    start = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            ids.append(settle(sessions, settings, name, hold_seconds=0.5, start=start))
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(name,)) for name in ("x.pdf", "y.pdf")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    documents = [stored(sessions, document_id) for document_id in ids]
    flagged = [d for d in documents if d.duplicate_of_id is not None]
    assert len(flagged) == 1, [(d.id, d.duplicate_of_id) for d in documents]
    original = next(d for d in documents if d.duplicate_of_id is None)
    assert flagged[0].duplicate_of_id == original.id


def test_a_copy_whose_series_was_not_read_is_still_found_by_its_content(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """A rescan that lost the series (`Ký hiệu`) has no symbol key, but the same seller,
    number, date and total: the same invoice. Either copy may arrive first."""
    no_series = {**FIELDS, "invoice_series": None}
    first = settle(sessions, settings, "scan.pdf", no_series)
    second = settle(sessions, settings, "clean.pdf")
    third = settle(sessions, settings, "rescan.pdf", {**no_series, "invoice_number": "123"})
    assert stored(sessions, first).duplicate_of_id is None
    assert stored(sessions, second).duplicate_of_id == first
    assert stored(sessions, third).duplicate_of_id == first
    failing = {c.rule for c in stored(sessions, second).rule_checks if not c.passed}
    assert "invoice.not_duplicate" in failing


def test_another_invoice_of_the_same_seller_and_number_is_not_a_duplicate(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """Content alone makes a duplicate only when number, date and total all agree: a seller
    numbers each series from 1, so another series' invoice 123 is another invoice."""
    settle(sessions, settings, "a.pdf", {**FIELDS, "invoice_series": None})
    other_total = {**FIELDS, "invoice_series": None, "total": "1100001"}
    other_series = {**FIELDS, "invoice_series": f"C{TODAY.year % 100:02d}TBB"}
    other_day = {**FIELDS, "invoice_series": None, "issue_date": TODAY.replace(day=2).isoformat()}
    for name, fields in (("b.pdf", other_total), ("c.pdf", other_day)):
        assert stored(sessions, settle(sessions, settings, name, fields)).duplicate_of_id is None
    # same content as a.pdf, and a series a.pdf did not show: still the same invoice
    assert stored(sessions, settle(sessions, settings, "d.pdf", other_series)).duplicate_of_id


def test_a_worker_flags_a_re_sent_pdf_of_the_same_invoice(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    generated = docgen.invoice(3)
    docgen.write(generated, settings.inbox / "hd.pdf")
    # The same invoice saved again by the supplier's system: other bytes, same invoice.
    (settings.inbox / "hd-resent.pdf").write_bytes(generated.content + b"\n% resent\n")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 2
    finally:
        worker.close()
    with sessions() as session:
        documents = session.scalars(select(Document).order_by(Document.id)).all()
        assert [d.duplicate_of_id for d in documents] == [None, documents[0].id]
        failing = session.scalars(
            select(RuleCheck.rule).where(
                RuleCheck.document_id == documents[1].id, RuleCheck.passed.is_(False)
            )
        ).all()
        assert "invoice.not_duplicate" in failing


# --- auto-approval ------------------------------------------------------------------------


def test_auto_approval_only_when_enabled_every_error_passes_and_fields_are_confident(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    master = tmp_path / "company.yaml"
    master.write_text('own_tax_codes: {"0100109106": An Bình}\n', encoding="utf-8")
    auto = settings.model_copy(
        update={"auto_approve_types": frozenset({"invoice"}), "master_data": master}
    )
    approved = stored(sessions, settle(sessions, auto, "ok.pdf"))
    assert approved.status is DocumentStatus.POSTED, [
        (c.rule, c.message) for c in approved.rule_checks if not c.passed
    ]
    with sessions() as session:
        assert session.scalars(select(JournalEntry)).all()
    failing = stored(
        sessions, settle(sessions, auto, "bad.pdf", FIELDS | {"invoice_number": "8", "total": "9"})
    )
    assert failing.status is DocumentStatus.REVIEW
    unsure = auto.model_copy(update={"auto_approve_confidence": 0.999})
    doubtful = stored(
        sessions, settle(sessions, unsure, "low.pdf", FIELDS | {"invoice_number": "7"})
    )
    assert doubtful.status is DocumentStatus.REVIEW


def test_a_clean_generated_invoice_is_approved_through_the_worker_and_a_wrong_total_held(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # Read from the file, not stated: its values earn their confidence from the page's own
    # cross-checks (totals add up with the lines and the words, tax code checksum, labels).
    auto = settings.model_copy(update={"auto_approve_types": frozenset({"invoice"})})
    docgen.write(docgen.invoice(5), auto.inbox / "clean.pdf")
    docgen.write(docgen.invoice(6, fault="total"), auto.inbox / "total.pdf")
    ingest_inbox(auto)
    worker = Worker(auto)
    try:
        assert worker.run(exit_when_idle=True) == 2
    finally:
        worker.close()
    with sessions() as session:
        clean, wrong = session.scalars(select(Document).order_by(Document.filename)).all()
        assert clean.filename == "clean.pdf"
        assert clean.status is DocumentStatus.POSTED, [
            (c.rule, c.message) for c in clean.rule_checks if not c.passed
        ]
        assert wrong.status is DocumentStatus.REVIEW
        assert not next(c for c in wrong.rule_checks if c.rule == "invoice.totals_add_up").passed
        assert wrong.record["confidence"]["total"] < auto.auto_approve_confidence
