"""The reviewer's API over a real database (SQLite and PostgreSQL): the queue's filters and
cursor, field and line-item corrections with their types checked and their versions
enforced, reopening, and reassigning a document's type; each write in the audit trail with
the signed-in reviewer as its actor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker
from pipeline.review import checking
from pipeline.store.db import make_engine, transaction
from pipeline.store.migrate import alembic_config
from pipeline.store.models import Document, DocumentStatus
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import FIELDS, TODAY, add_checked, ingest_inbox
from tests.support.signin import api, sign_in

QUEUE = "/api/v1/review-queue"


REVIEWER = "rita"


@pytest.fixture
def client(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, REVIEWER, "reviewer")


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


# --- the queue ----------------------------------------------------------------------------


def test_queue_filters_by_type_status_rule_confidence_supplier_and_dates(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    minh_phat = add_checked(
        sessions, settings, "a.pdf", received_at=datetime(2026, 1, 10, 9, tzinfo=UTC)
    )
    other_seller = FIELDS | {
        "invoice_number": "77",
        "seller": {"name": "CÔNG TY CP ĐÔNG Á", "tax_id": "0100109106-001"},
        "issue_date": f"{TODAY.year}-01-02",
    }
    dong_a = add_checked(
        sessions,
        settings,
        "b.pdf",
        fields=other_seller,
        confidence=0.4,
        received_at=datetime(2026, 1, 12, 9, tzinfo=UTC),
    )
    wrong_total = add_checked(
        sessions,
        settings,
        "c.pdf",
        fields=FIELDS | {"invoice_number": "78", "total": "1"},
        received_at=datetime(2026, 1, 14, 9, tzinfo=UTC),
    )
    contract = add_checked(
        sessions,
        settings,
        "d.pdf",
        doc_type="contract",
        fields={"title": "HỢP ĐỒNG", "signing_date": f"{TODAY.year}-01-03"},
        received_at=datetime(2026, 1, 15, 9, tzinfo=UTC),
    )
    approved = add_checked(
        sessions,
        settings,
        "e.pdf",
        fields=FIELDS | {"invoice_number": "79"},
        status=DocumentStatus.APPROVED,
    )

    # Failing errors first (the bare contract lacks its parties), oldest first within.
    assert ids(client.get(QUEUE)) == [wrong_total, contract, minh_phat, dong_a]
    assert ids(client.get(QUEUE, params={"type": "contract"})) == [contract]
    assert ids(client.get(QUEUE, params={"status": "approved"})) == [approved]
    assert ids(client.get(QUEUE, params={"rule": "invoice.totals_add_up"})) == [wrong_total]
    # The document type's own confidence (0.3 here) is not a field's.
    assert ids(client.get(QUEUE, params={"confidence_below": 0.5})) == [dong_a]
    assert ids(client.get(QUEUE, params={"confidence_below": 1})) == [
        wrong_total,
        contract,
        minh_phat,
        dong_a,
    ]
    # Any case, Vietnamese letters included; a tax id exactly, branch and all.
    assert ids(client.get(QUEUE, params={"supplier": "đông á"})) == [dong_a]
    assert ids(client.get(QUEUE, params={"supplier": "minh PHÁT"})) == [wrong_total, minh_phat]
    assert ids(client.get(QUEUE, params={"supplier": "0100109106-001"})) == [dong_a]
    assert ids(client.get(QUEUE, params={"supplier": "0100109106"})) == []
    assert ids(client.get(QUEUE, params={"supplier": "100%"})) == []
    received = {"received_from": "2026-01-11T00:00:00", "received_before": "2026-01-15T00:00Z"}
    assert ids(client.get(QUEUE, params=received)) == [wrong_total, dong_a]
    # An offset is honoured: 16:00 at UTC+7 is 09:00 UTC, when a.pdf arrived.
    assert ids(client.get(QUEUE, params={"received_before": "2026-01-10T16:00:01+07:00"})) == [
        minh_phat
    ]
    dated = {"dated_from": f"{TODAY.year}-01-02", "dated_to": f"{TODAY.year}-01-03"}
    assert ids(client.get(QUEUE, params=dated)) == [contract, dong_a]


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "x"},
        {"cursor": "MS0x" * 20},
        {"cursor": "bm9wZQ"},  # base64 of "nope"
        {"status": "nope"},
        {"confidence_below": "2"},
        {"confidence_below": "nan"},
        {"supplier": ""},
        {"received_from": "yesterday"},
        {"received_before": "9999-12-31T23:00:00-05:00"},
        {"dated_from": "2026-02-30"},
        {"limit": "99999999999999999999999"},
        {"supplier": "Minh\x00Phát"},
        {"rule": "\x00"},
    ],
)
def test_a_malformed_queue_request_is_refused_with_422(
    client: TestClient, params: dict[str, str]
) -> None:
    assert client.get(QUEUE, params=params).status_code == 422


def test_the_queue_pages_in_priority_order_with_opaque_cursors(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    clean = [
        add_checked(sessions, settings, f"ok{i}.pdf", fields=FIELDS | {"invoice_number": str(i)})
        for i in range(3)
    ]
    wrong = [
        add_checked(
            sessions,
            settings,
            f"bad{i}.pdf",
            fields=FIELDS | {"invoice_number": f"9{i}", "total": "1"},
        )
        for i in range(2)
    ]
    seen: list[int] = []
    cursor = None
    while True:
        page = client.get(QUEUE, params={"limit": 2} | ({"cursor": cursor} if cursor else {}))
        seen += ids(page)
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
        assert "-" not in cursor  # nothing for a client to take apart
    assert seen == wrong + clean


# --- corrections: types checked, versions enforced ----------------------------------------


def detail(client: TestClient, document_id: int) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/api/v1/documents/{document_id}").json()
    return body


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"total": 1100000}, ["body", "fields", "total"]),
        ({"total": "1.100.000"}, ["body", "fields", "total"]),
        ({"issue_date": "05/03/2026"}, ["body", "fields", "issue_date"]),
        ({"issue_date": "2026-02-30"}, ["body", "fields", "issue_date"]),
        ({"vat_rate": "8%"}, ["body", "fields", "vat_rate"]),
        ({"seller": {"tax_id": "01012431"}}, ["body", "fields", "seller", "tax_id"]),
        ({"seller": {"tax_id": 101243150}}, ["body", "fields", "seller", "tax_id"]),
        ({"currency": "đồng"}, ["body", "fields", "currency"]),
        ({"line_items": [{"amount": "1,5"}]}, ["body", "fields", "line_items", 0, "amount"]),
        ({"line_items": ["Giấy A4"]}, ["body", "fields", "line_items", 0]),
        ({"line_items": [{"vat_rate": "ten"}]}, ["body", "fields", "line_items", 0, "vat_rate"]),
        ({"totl": "1"}, ["body", "fields", "totl"]),
        ({"total": "１１０００００"}, ["body", "fields", "total"]),  # full-width digits
        ({"seller": {"tax_id": "٠١٠١٢٤٣١٥٠"}}, ["body", "fields", "seller", "tax_id"]),
        # A foreign VAT number is kept without spaces, and is longer than a postcode.
        ({"seller": {"tax_id": "DE 182 917 077"}}, ["body", "fields", "seller", "tax_id"]),
        ({"buyer": {"tax_id": "DE80333"}}, ["body", "fields", "buyer", "tax_id"]),
        # PostgreSQL cannot store it: refused as a value, never a 500 from the database.
        ({"invoice_number": "12\x003"}, ["body", "fields", "invoice_number"]),
    ],
)
def test_a_correction_of_the_wrong_type_is_refused_with_its_path_and_nothing_stored(
    client: TestClient,
    sessions: sessionmaker[Session],
    settings: Settings,
    fields: dict[str, Any],
    loc: list[Any],
) -> None:
    document_id = add_checked(sessions, settings, "a.pdf")
    before = detail(client, document_id)
    response = client.patch(
        f"/api/v1/documents/{document_id}", json={"version": before["version"], "fields": fields}
    )
    assert response.status_code == 422, response.text
    assert loc in [error["loc"] for error in response.json()["detail"]]
    after = detail(client, document_id)
    assert after["fields"] == before["fields"] and after["version"] == before["version"]


def test_schema_forms_are_accepted_and_an_unchanged_odd_value_is_not_held_against_it(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    # OCR read a tax id badly; the reviewer corrects something else first.
    odd = FIELDS | {"buyer": {"name": "An Bình", "tax_id": "O1OO1O9106"}}
    document_id = add_checked(sessions, settings, "a.pdf", fields=odd)
    version = detail(client, document_id)["version"]
    response = client.patch(
        f"/api/v1/documents/{document_id}",
        json={
            "version": version,
            "fields": {
                "vat_rate": "KCT",
                "seller": {"tax_id": "0101243150-001"},
                "buyer": {"name": "Công ty CP An Bình"},
                "due_date": "2026-12-31",
            },
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fields"]["vat_rate"] == "KCT"
    assert body["fields"]["seller"]["tax_id"] == "0101243150-001"
    assert body["fields"]["buyer"] == {
        "name": "Công ty CP An Bình",
        "tax_id": "O1OO1O9106",
        "address": None,
        "bank_account": None,
    }
    assert body["version"] > version
    corrected = body["history"][-1]
    assert (corrected["kind"], corrected["actor"]) == ("corrected", REVIEWER)
    assert corrected["data"]["fields"]["vat_rate"] == {"old": FIELDS["vat_rate"], "new": "KCT"}


def test_a_foreign_vat_number_is_accepted_as_a_correction_and_no_mst_rule_holds_it_wrong(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    document_id = add_checked(sessions, settings, "a.pdf")
    version = detail(client, document_id)["version"]
    response = client.patch(
        f"/api/v1/documents/{document_id}",
        json={"version": version, "fields": {"seller": {"tax_id": "DE182917077"}}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fields"]["seller"]["tax_id"] == "DE182917077"
    failed = {check["rule"] for check in body["rules"] if not check["passed"]}
    assert "invoice.seller_tax_code_valid" not in failed


def test_of_two_reviewers_on_one_version_the_second_gets_409_and_the_first_value_stays(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    document_id = add_checked(sessions, settings, "a.pdf")
    url = f"/api/v1/documents/{document_id}"
    version = detail(client, document_id)["version"]  # both reviewers opened it at once
    first = client.patch(url, json={"version": version, "fields": {"po_number": "PO-1"}})
    assert first.status_code == 200
    second = client.patch(url, json={"version": version, "fields": {"po_number": "PO-2"}})
    assert second.status_code == 409
    assert "reload" in second.json()["detail"]
    for stale in (
        client.post(f"{url}/line-items", json={"version": version, "item": {"amount": "1"}}),
        client.patch(f"{url}/line-items/0", json={"version": version, "changes": {"unit": "kg"}}),
        client.request("DELETE", f"{url}/line-items/0", json={"version": version}),
        client.post(f"{url}/approve", json={"version": version}),
        client.post(f"{url}/reject", json={"version": version, "reason": "no"}),
        client.post(f"{url}/type", json={"version": version, "doc_type": "contract"}),
    ):
        assert stale.status_code == 409, stale.text
    after = detail(client, document_id)
    assert after["fields"]["po_number"] == "PO-1" and after["status"] == "review"
    assert len(after["fields"]["line_items"]) == 1


# SQLite serialises writers: the second transaction would read the first's write.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_concurrent_change_committed_after_our_read_fails_at_commit(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    document_id = add_checked(sessions, settings, "a.pdf")
    rules = rule_book(settings).current()
    first, second = sessions(), sessions()
    try:
        mine = first.get_one(Document, document_id)
        theirs = second.get_one(Document, document_id)  # read before the first change lands
        assert mine.version == theirs.version
        checking.correct_fields(
            first,
            document=mine,
            version=mine.version,
            changes={"po_number": "PO-1"},
            rules=rules,
            actor="test",
        )
        first.commit()
        with pytest.raises(StaleDataError):
            checking.correct_fields(
                second,
                document=theirs,
                version=theirs.version,  # passes the check: the copy in hand is the stale one
                changes={"po_number": "PO-2"},
                rules=rules,
                actor="test",
            )
            second.commit()
    finally:
        first.close()
        second.close()
    with sessions() as session:
        assert session.get_one(Document, document_id).record["fields"]["po_number"] == "PO-1"


# --- line items ---------------------------------------------------------------------------


def test_line_items_are_added_edited_and_removed_with_history_and_rules_rerun(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    document_id = add_checked(sessions, settings, "a.pdf")
    url = f"/api/v1/documents/{document_id}"
    with transaction(sessions) as session:  # the one line was read with some doubt, on page 1
        document = session.get_one(Document, document_id)
        record = dict(document.record)
        record["confidence"] = record["confidence"] | {"line_items[0].amount": 0.6}
        record["provenance"] = {"line_items[0].amount": {"page": 1, "bbox": [1, 2, 3, 4]}}
        document.record = record
    version = detail(client, document_id)["version"]

    added = client.post(
        f"{url}/line-items",
        json={
            "version": version,
            "position": 0,
            "item": {"description": "Phí vận chuyển", "quantity": "1", "amount": "100000"},
        },
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert [item["description"] for item in body["fields"]["line_items"]] == [
        "Phí vận chuyển",
        "Giấy A4",
    ]
    # The read line moved to place 1 with what was known of it.
    assert body["confidence"]["line_items[1].amount"] == 0.6
    assert body["provenance"]["line_items[1].amount"]["bbox"] == [1, 2, 3, 4]
    assert body["confidence"]["line_items[0].amount"] == 1.0
    lines_rule = [r for r in body["rules"] if "line" in r["rule"] and not r["passed"]]
    assert body["history"][-1]["kind"] == "line_item_added"
    assert body["history"][-1]["data"]["new"]["amount"] == "100000"
    assert body["history"][-1]["actor"] == REVIEWER

    bad = client.patch(
        f"{url}/line-items/0", json={"version": body["version"], "changes": {"vat_rate": "8%"}}
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "changes", "vat_rate"]
    wrong_type = client.patch(
        f"{url}/line-items/0", json={"version": body["version"], "changes": {"amount": 5}}
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["detail"][0]["loc"][:3] == ["body", "changes", "amount"]
    assert (
        client.patch(
            f"{url}/line-items/2", json={"version": body["version"], "changes": {"unit": "kg"}}
        ).status_code
        == 404
    )

    edited = client.patch(
        f"{url}/line-items/1", json={"version": body["version"], "changes": {"unit": "ram"}}
    )
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["fields"]["line_items"][1]["unit"] == "ram"
    assert body["fields"]["line_items"][1]["amount"] == "1000000"
    event = body["history"][-1]
    assert event["kind"] == "line_item_changed"
    assert (event["data"]["old"]["unit"], event["data"]["new"]["unit"]) == (None, "ram")
    assert event["actor"] == REVIEWER

    removed = client.request("DELETE", f"{url}/line-items/0", json={"version": body["version"]})
    assert removed.status_code == 200, removed.text
    body = removed.json()
    assert [item["description"] for item in body["fields"]["line_items"]] == ["Giấy A4"]
    assert body["confidence"]["line_items[0].amount"] == 0.6
    assert body["history"][-1]["kind"] == "line_item_removed"
    assert body["history"][-1]["data"]["old"]["description"] == "Phí vận chuyển"
    assert body["history"][-1]["actor"] == REVIEWER
    # Rules ran on each version: the lines add up again once the extra line is gone.
    assert lines_rule == [] or all(
        r["passed"] for r in body["rules"] if r["rule"] in {x["rule"] for x in lines_rule}
    )

    contract = add_checked(
        sessions, settings, "c.pdf", doc_type="contract", fields={"title": "HỢP ĐỒNG"}
    )
    refused = client.post(
        f"/api/v1/documents/{contract}/line-items",
        json={"version": detail(client, contract)["version"], "item": {"amount": "1"}},
    )
    assert refused.status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("PATCH", "/api/v1/documents/99999999999999999999999", {"version": 1, "fields": {"a": 1}}),
        ("GET", "/api/v1/documents/0", None),
        ("PATCH", "/api/v1/documents/1/line-items/-1", {"version": 1, "changes": {}}),
        ("DELETE", "/api/v1/documents/1/line-items/999999999999", {"version": 1}),
        ("POST", "/api/v1/documents/1/line-items", {"version": 10**40, "item": {}}),
        ("POST", "/api/v1/documents/1/type", {"version": 1, "doc_type": "letter"}),
        ("POST", "/api/v1/documents/1/reopen", "{"),
    ],
)
def test_malformed_writes_get_422_never_a_5xx(
    client: TestClient,
    sessions: sessionmaker[Session],
    settings: Settings,
    method: str,
    path: str,
    payload: Any,
) -> None:
    add_checked(sessions, settings, "a.pdf")
    if isinstance(payload, str):
        response = client.request(method, path, content=payload.encode())
    else:
        response = client.request(method, path, json=payload)
    assert response.status_code == 422, response.text


# --- reopening, reassigning the type --------------------------------------------------------


def test_rejected_approved_and_posted_documents_reopen(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    rejected = add_checked(sessions, settings, "a.pdf")
    version = detail(client, rejected)["version"]
    client.post(f"/api/v1/documents/{rejected}/reject", json={"reason": "wrong buyer"})
    stale = client.post(f"/api/v1/documents/{rejected}/reopen", json={"version": version})
    assert stale.status_code == 409
    version = detail(client, rejected)["version"]
    reopened = client.post(
        f"/api/v1/documents/{rejected}/reopen", json={"version": version, "reason": "misread"}
    )
    assert reopened.status_code == 200, reopened.text
    body = reopened.json()
    assert body["status"] == "review"
    assert body["history"][-1]["kind"] == "reopened"
    # The status change as every decision in the audit trail writes it, beside `from`.
    assert body["history"][-1]["data"] == {
        "from": "rejected",
        "reason": "misread",
        "status": {"old": "rejected", "new": "review"},
    }
    assert body["history"][-1]["actor"] == REVIEWER
    assert rejected in ids(client.get(QUEUE))

    posted = client.post(f"/api/v1/documents/{rejected}/approve")
    assert posted.json()["status"] == "posted"
    # A posted invoice reopens with a reversing entry (issue 8): its entry is cancelled.
    back = client.post(
        f"/api/v1/documents/{rejected}/reopen", json={"version": posted.json()["version"]}
    )
    assert back.status_code == 200, back.text
    assert back.json()["status"] == "review"
    kinds = [event["kind"] for event in back.json()["history"]]
    assert kinds[-2:] == ["reversed", "reopened"]
    assert back.json()["history"][-1]["data"]["status"] == {"old": "posted", "new": "review"}

    letter = add_checked(
        sessions,
        settings,
        "cv.pdf",
        doc_type="cv",
        fields={"full_name": "Nguyễn Văn A"},
        status=DocumentStatus.APPROVED,
    )
    again = client.post(
        f"/api/v1/documents/{letter}/reopen", json={"version": detail(client, letter)["version"]}
    )
    assert again.status_code == 200 and again.json()["status"] == "review"
    in_review = client.post(
        f"/api/v1/documents/{letter}/reopen", json={"version": again.json()["version"]}
    )
    assert in_review.status_code == 409


def test_a_reassigned_type_is_read_again_by_the_worker_as_that_type(
    client: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    docgen.write(docgen.invoice(3), settings.inbox / "hd.pdf")
    ingest_inbox(settings)
    worker = Worker(settings)
    try:
        assert worker.run(exit_when_idle=True) == 1
        [item] = client.get(QUEUE).json()["items"]
        assert item["doc_type"] == "invoice"
        url = f"/api/v1/documents/{item['id']}"
        version = detail(client, item["id"])["version"]

        queued = client.post(f"{url}/type", json={"version": version, "doc_type": "contract"})
        assert queued.status_code == 202, queued.text
        assert queued.json()["status"] == "received"
        assert queued.json()["forced_type"] == "contract"
        assert client.get(QUEUE).json()["items"] == []
        assert worker.run(exit_when_idle=True) == 1
    finally:
        worker.close()
    body = detail(client, item["id"])
    assert body["status"] == "review"
    assert body["doc_type"] == "contract"
    assert body["confidence"]["doc_type"] == 1.0
    assert "invoice_number" not in body["fields"]
    assert [e["kind"] for e in body["history"]][-2:] == ["type_reassigned", "processed"]
    reassigned = body["history"][-2]
    assert reassigned["actor"] == REVIEWER
    assert reassigned["data"] == {
        "old": "invoice",
        "new": "contract",
        "status": {"old": "review", "new": "received"},
    }


# --- the migration ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_0006_fills_the_queue_columns_of_documents_already_stored(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'old.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("empty_pg_database")
    )
    config = alembic_config(url)
    # From before issue 7's 0004 and 0005, with a document and its history stored: the
    # upgrade runs the whole chain, and stepping back through 0006 keeps both.
    command.upgrade(config, "0003")
    engine = make_engine(url)
    try:
        documents = sa.Table("documents", sa.MetaData(), autoload_with=engine)
        now = datetime.now(UTC)
        record = {
            "doc_type": "invoice",
            "fields": {
                "seller": {"name": "CÔNG TY  Minh Phát", "tax_id": "0101243150"},
                "issue_date": "2026-03-05",
            },
            "confidence": {"doc_type": 0.2, "total": 0.7, "seller.name": 0.9},
        }
        with engine.begin() as connection:
            connection.execute(
                documents.insert().values(
                    sha256="a" * 64,
                    filename="a.pdf",
                    relative_path="a.pdf",
                    size=1,
                    media_type="application/pdf",
                    received_at=now,
                    archive_path="x",
                    status="review",
                    version=1,
                    updated_at=now,
                    record=record,
                )
            )
            events = sa.Table("document_events", sa.MetaData(), autoload_with=connection)
            connection.execute(
                events.insert().values(
                    document_id=1, at=now, actor="ingest", kind="processed", data={}
                )
            )
        command.upgrade(config, "head")
        with engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT min_confidence, seller_name_folded, seller_tax_id, record_date "
                    "FROM documents"
                )
            ).one()
        assert row[0] == 0.7
        assert row[1] == "công ty minh phát"
        assert row[2] == "0101243150"
        assert str(row[3]) == "2026-03-05"
        command.downgrade(config, "0005")
        with engine.connect() as connection:
            columns = sa.inspect(connection).get_columns("documents")
            assert "min_confidence" not in {column["name"] for column in columns}
            assert connection.execute(sa.text("SELECT count(*) FROM audit_events")).scalar() == 1
        command.downgrade(config, "0003")
        command.upgrade(config, "head")
        with engine.connect() as connection:
            history = connection.execute(sa.text("SELECT actor, kind FROM audit_events")).all()
            assert history == [("ingest", "processed")]
            queue = connection.execute(sa.text("SELECT seller_tax_id FROM documents")).scalar()
            assert queue == "0101243150"
    finally:
        engine.dispose()
