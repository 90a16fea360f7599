"""The HTTP API over a real database: queue, document, approve, reject, entries."""

from __future__ import annotations

import io
import json
from datetime import datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger import misa
from pipeline.ledger.misa import template
from pipeline.store.models import DocumentStatus
from pipeline.store.settings import Settings
from rules.functions import business_today
from tests.support.documents import INVOICE_FIELDS, add_document
from tests.support.signin import api, sign_in


def test_health_is_liveness_only(client: TestClient) -> None:
    # The database's state is readiness's to report (tests/api/test_health.py).
    assert client.get("/healthz").json() == {"status": "ok"}


def test_review_queue_lists_documents_waiting_for_review_oldest_first(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    first = add_document(sessions, name="a")
    add_document(sessions, name="b", status=DocumentStatus.FAILED)
    third = add_document(sessions, name="c", doc_type="contract", fields={"title": "HỢP ĐỒNG"})

    queue = client.get("/api/v1/review-queue").json()
    assert [item["id"] for item in queue["items"]] == [first, third]
    only_invoices = client.get("/api/v1/review-queue", params={"type": "invoice"}).json()
    assert [item["id"] for item in only_invoices["items"]] == [first]


def test_documents_paginate_with_a_cursor(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    ids = [add_document(sessions, name=f"doc{i}") for i in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/documents", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)
    assert client.get("/api/v1/documents", params={"cursor": "x"}).status_code == 422
    assert client.get("/api/v1/documents", params={"status": "nope"}).status_code == 422


def test_document_is_the_schema_record_with_status_and_history(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    body = client.get(f"/api/v1/documents/{document_id}").json()
    assert body["doc_type"] == "invoice"
    assert body["fields"]["invoice_number"] == "0000123"
    assert body["source"]["filename"] == "hd"
    assert body["status"] == "review"
    assert body["error"] is None
    assert isinstance(body["history"], list)
    assert client.get("/api/v1/documents/999999").status_code == 404


def test_approving_an_invoice_posts_one_balanced_entry(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")

    response = client.post(f"/api/v1/documents/{document_id}/approve")
    assert response.status_code == 200
    assert response.json()["status"] == "posted"
    assert [e["kind"] for e in response.json()["history"]] == ["approved", "posted"]
    assert {e["actor"] for e in response.json()["history"]} == {"rita"}

    entries = client.get("/api/v1/entries").json()["items"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry["document_id"] == document_id
    assert entry["currency"] == "VND"
    debits = sum(Decimal(line["debit"]) for line in entry["lines"])
    credits = sum(Decimal(line["credit"]) for line in entry["lines"])
    assert debits == credits == Decimal("1080000")
    # What an accounting system books it by: its voucher, its date and its đồng.
    # Posted on the approval day (the default), in its year; the invoice keeps its own date.
    today = business_today()
    assert entry["voucher_number"] == f"PN{today.year}/000001"
    assert (entry["entry_date"], entry["document_date"], entry["invoice_number"]) == (
        today.isoformat(),
        "2026-03-05",
        "0000123",
    )
    assert entry["exchange_rate"] == "1" and entry["reverses_id"] is None
    assert sum(Decimal(line["debit_vnd"]) for line in entry["lines"]) == Decimal("1080000")

    again = client.post(f"/api/v1/documents/{document_id}/approve")
    assert again.status_code == 409
    assert len(client.get("/api/v1/entries").json()["items"]) == 1


def test_an_invoice_that_does_not_add_up_is_not_posted(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="bad", fields=INVOICE_FIELDS | {"total": "999"})
    response = client.post(f"/api/v1/documents/{document_id}/approve")
    assert response.status_code == 422
    assert client.get(f"/api/v1/documents/{document_id}").json()["status"] == "review"
    assert client.get("/api/v1/entries").json()["items"] == []


def test_reject_needs_a_reason_and_records_it(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    assert client.post(f"/api/v1/documents/{document_id}/reject", json={}).status_code == 422
    assert client.post(f"/api/v1/documents/{document_id}/reject", content=b"{").status_code == 422
    response = client.post(
        f"/api/v1/documents/{document_id}/reject", json={"reason": "not our supplier"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    rejected = response.json()["history"][-1]
    assert rejected["data"] == {
        "reason": "not our supplier",
        "status": {"old": "review", "new": "rejected"},
    }
    assert rejected["actor"] == "rita"
    assert client.post(f"/api/v1/documents/{document_id}/approve").status_code == 409


def test_moments_are_rfc3339_date_times_with_an_offset(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    # SQLite hands stored moments back without an offset; the API still says they are UTC.
    document_id = add_document(sessions, name="hd")
    assert client.post(f"/api/v1/documents/{document_id}/approve").status_code == 200
    document = client.get(f"/api/v1/documents/{document_id}").json()
    queued = client.get("/api/v1/documents").json()["items"][0]
    entry = client.get("/api/v1/entries").json()["items"][0]
    moments = [
        document["received_at"],
        queued["received_at"],
        entry["posted_at"],
        *(event["at"] for event in document["history"]),
    ]
    assert all(datetime.fromisoformat(moment).utcoffset() is not None for moment in moments)


def test_a_wrong_method_is_told_every_method_the_path_takes(client: TestClient) -> None:
    # GET and PATCH of a document are two routes; Allow must name both.
    response = client.request("PUT", "/api/v1/documents/1")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} >= {"GET", "PATCH"}
    line = client.request("PUT", "/api/v1/documents/1/line-items/0")
    assert {m.strip() for m in line.headers["allow"].split(",")} == {"PATCH", "DELETE"}


def test_an_empty_upload_is_refused_naming_the_file_part(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # The documented 422 shape: where the bad value is, and why.
    with api(settings) as clerk:
        sign_in(clerk, sessions, "carol", "clerk")
        response = clerk.post("/api/v1/documents", files={"file": ("empty.pdf", b"")})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "file"], "msg": "empty file (0 bytes)", "type": "value_error"}
    ]


def test_query_values_are_taken_only_in_their_documented_form(client: TestClient) -> None:
    # A cursor is digits, an opaque token for the queue; a moment is ISO 8601, never the
    # Unix time pydantic would otherwise read a bare number as.
    assert client.get("/api/v1/documents", params={"cursor": ""}).status_code == 422
    assert client.get("/api/v1/review-queue", params={"cursor": "a+b"}).status_code == 422
    for name in ("received_from", "received_before", "dated_from", "dated_to"):
        refused = client.get("/api/v1/review-queue", params={name: "0.5"})
        assert refused.status_code == 422, name
        assert refused.json()["detail"][0]["loc"] == ["query", name]
    moment = {"received_from": "2026-03-05T10:00:00+07:00", "dated_to": "2026-03-05"}
    assert client.get("/api/v1/review-queue", params=moment).status_code == 200


def test_an_unreadable_body_is_a_documented_400(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    response = client.post(
        f"/api/v1/documents/{document_id}/reject",
        content=b"\xff",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    with_body = [
        (method, path)
        for path, item in paths.items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    assert with_body
    assert [
        route for route in with_body if "400" not in paths[route[1]][route[0]]["responses"]
    ] == []


def test_an_entries_cursor_past_any_position_is_refused_not_a_server_error(
    client: TestClient,
) -> None:
    assert client.get("/api/v1/entries", params={"after": str(2**63)}).status_code == 422
    assert client.get("/api/v1/entries", params={"after": str(2**63 - 1)}).json()["items"] == []


def test_the_purchase_register_of_a_period_is_downloaded_by_vat_rate(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd-bang-ke")
    assert client.post(f"/api/v1/documents/{document_id}/approve").status_code == 200
    (entry,) = client.get("/api/v1/entries").json()["items"]
    assert [(line["account"], line["vat_rate"]) for line in entry["lines"]] == [
        ("642", None),
        ("1331", "8"),
        ("331", None),
    ]
    today = business_today().isoformat()
    answer = client.get(
        "/api/v1/purchase-register", params={"from": today, "to": today, "format": "csv"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert (
        f'filename="purchase_register_{today}_{today}.csv"' in answer.headers["content-disposition"]
    )
    rows = answer.content.decode("utf-8-sig").splitlines()
    assert rows[1] == "1. Thuế suất 8%,,,,,,,,,"
    assert rows[-1] == "Tổng cộng,,,,,,,1000000,80000,"
    sheet = client.get("/api/v1/purchase-register", params={"from": today, "to": today})
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats")


def test_the_misa_file_waits_for_the_suppliers_code_then_is_the_templates_sheet(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd-misa")
    assert client.post(f"/api/v1/documents/{document_id}/approve").status_code == 200
    today = business_today().isoformat()
    asked = {"from": today, "to": today}
    refused = client.get("/api/v1/misa-purchases", params=asked)
    assert refused.status_code == 409
    assert "0101243150 Công ty TNHH Minh Phát" in refused.json()["detail"]
    coded = client.patch("/api/v1/suppliers/0101243150", json={"code": "NCC001"})
    assert coded.status_code == 200, coded.text
    answer = client.get("/api/v1/misa-purchases", params=asked)
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-left-out"] == "[]"
    assert answer.headers["x-left-out-count"] == "0"
    sheet = load_workbook(io.BytesIO(answer.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(template().headers)
    assert [cell.value for cell in sheet[2]][13] == "NCC001"


def test_the_misa_files_left_out_header_stays_short_however_many_are_left_out(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A year of reversals of earlier invoices: the header would outgrow what proxies accept.
    left_out = [
        f"PN2026/{number:06d} reverses PN2025/{number:06d}, posted outside the range: "
        "cancel that voucher in MISA"
        for number in range(1, 2001)
    ]
    monkeypatch.setattr(
        misa, "purchase_vouchers", lambda *_args, **_kwargs: misa.MisaFile([], left_out)
    )
    answer = client.get("/api/v1/misa-purchases", params={"from": "2026-01-01", "to": "2026-12-31"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["x-left-out-count"] == "2000"
    assert json.loads(answer.headers["x-left-out"]) == left_out[:20]
    assert len(answer.headers["x-left-out"]) < 4096
