"""The audit trail: who changed what, when, from where; read by auditors, never rewritten."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.access import auth
from pipeline.store.db import transaction
from pipeline.store.migrate import upgrade
from pipeline.store.models import ApiToken, AuditEvent
from pipeline.store.settings import Settings
from tests.support.documents import INVOICE_FIELDS, add_document
from tests.support.machine import BOTH_DATABASES
from tests.support.signin import PASSWORD, add_token, add_user, api, sign_in

BROWSER = {"User-Agent": "Firefox/140 (reviewer's desk)"}


@pytest.fixture
def auditor(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as client:
        yield sign_in(client, sessions, "audrey", "admin")


@pytest.fixture
def reviewer(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as client:
        client.headers.update(BROWSER)
        yield sign_in(client, sessions, "rita", "reviewer")


def events(client: TestClient, **filters: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/audit", params=filters)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_correction_an_approval_and_a_rejection_are_audited_with_old_and_new_values(
    sessions: sessionmaker[Session], reviewer: TestClient, auditor: TestClient
) -> None:
    corrected = add_document(sessions, name="a", fields=INVOICE_FIELDS | {"total": "999"})
    rejected = add_document(sessions, name="b", fields=INVOICE_FIELDS | {"invoice_number": "9"})
    version = reviewer.get(f"/api/v1/documents/{corrected}").json()["version"]
    patched = reviewer.patch(
        f"/api/v1/documents/{corrected}",
        json={"version": version, "fields": {"total": "1080000"}},
    )
    assert patched.status_code == 200, patched.text
    assert reviewer.post(f"/api/v1/documents/{corrected}/approve").status_code == 200
    refusal = {"reason": "not our supplier"}
    assert reviewer.post(f"/api/v1/documents/{rejected}/reject", json=refusal).status_code == 200

    trail = events(auditor, document=corrected)
    by_kind = {event["kind"]: event for event in trail}
    assert by_kind["corrected"]["data"]["fields"] == {"total": {"old": "999", "new": "1080000"}}
    assert by_kind["approved"]["data"]["status"] == {"old": "review", "new": "approved"}
    assert by_kind["posted"]["data"]["status"] == {"old": "approved", "new": "posted"}
    (rejection,) = events(auditor, document=rejected, kind="rejected")
    assert rejection["data"] == {
        "reason": "not our supplier",
        "status": {"old": "review", "new": "rejected"},
    }
    for event in [*trail, rejection]:
        assert event["actor"] == "rita"
        assert event["client_ip"] == "testclient"
        assert event["user_agent"] == BROWSER["User-Agent"]

    # The document's own history is the same events, for those who may see the document.
    history = reviewer.get(f"/api/v1/documents/{corrected}/history").json()
    assert [event["kind"] for event in history] == [event["kind"] for event in trail]
    assert history[0]["data"] == trail[0]["data"]


def test_line_items_reopening_and_a_type_reassignment_are_audited_with_old_and_new_values(
    sessions: sessionmaker[Session], reviewer: TestClient, auditor: TestClient
) -> None:
    line = {"description": "Giấy A4", "quantity": "10", "unit_price": "100000", "amount": "1000000"}
    invoice = add_document(sessions, name="a", fields=INVOICE_FIELDS | {"line_items": [line]})
    retyped = add_document(sessions, name="b", fields=INVOICE_FIELDS | {"invoice_number": "9"})
    url = f"/api/v1/documents/{invoice}"

    def version(document_url: str) -> int:
        current: int = reviewer.get(document_url).json()["version"]
        return current

    freight = {"description": "Cước vận chuyển", "amount": "50000"}
    added = reviewer.post(f"{url}/line-items", json={"version": version(url), "item": freight})
    assert added.status_code == 201, added.text
    changed = reviewer.patch(
        f"{url}/line-items/0", json={"version": version(url), "changes": {"unit": "ram"}}
    )
    assert changed.status_code == 200, changed.text
    removed = reviewer.request("DELETE", f"{url}/line-items/1", json={"version": version(url)})
    assert removed.status_code == 200, removed.text
    refusal = {"reason": "wrong buyer", "version": version(url)}
    assert reviewer.post(f"{url}/reject", json=refusal).status_code == 200
    reopening = {"version": version(url), "reason": "misread"}
    assert reviewer.post(f"{url}/reopen", json=reopening).status_code == 200
    other = f"/api/v1/documents/{retyped}"
    retyping = {"version": version(other), "doc_type": "contract"}
    assert reviewer.post(f"{other}/type", json=retyping).status_code == 202

    trail = events(auditor, document=invoice)
    by_kind = {event["kind"]: event for event in trail}
    item_added = by_kind["line_item_added"]["data"]
    assert (item_added["index"], item_added["old"]) == (1, None)
    assert item_added["new"]["description"] == "Cước vận chuyển"
    item_changed = by_kind["line_item_changed"]["data"]
    assert item_changed["index"] == 0
    assert (item_changed["old"]["unit"], item_changed["new"]["unit"]) == (None, "ram")
    assert item_changed["old"]["amount"] == item_changed["new"]["amount"] == "1000000"
    item_removed = by_kind["line_item_removed"]["data"]
    assert (item_removed["index"], item_removed["new"]) == (1, None)
    assert item_removed["old"]["description"] == "Cước vận chuyển"
    assert by_kind["reopened"]["data"]["status"] == {"old": "rejected", "new": "review"}
    assert by_kind["reopened"]["data"]["reason"] == "misread"
    (reassigned,) = events(auditor, document=retyped, kind="type_reassigned")
    assert reassigned["data"] == {
        "old": "invoice",
        "new": "contract",
        "status": {"old": "review", "new": "received"},
    }
    kinds = ["line_item_added", "line_item_changed", "line_item_removed", "rejected", "reopened"]
    assert [event["kind"] for event in trail] == kinds
    for event in [*trail, reassigned]:
        assert event["actor"] == "rita"
        assert event["client_ip"] == "testclient"
        assert event["user_agent"] == BROWSER["User-Agent"]


def test_logins_logouts_tokens_and_user_changes_are_audited(
    settings: Settings, sessions: sessionmaker[Session], auditor: TestClient
) -> None:
    add_user(sessions, "rita", "reviewer")
    document_id = add_document(sessions, name="hd")
    with api(settings) as browser:
        browser.headers.update(BROWSER)
        assert (
            browser.post("/login", data={"username": "rita", "password": "no"}).status_code == 401
        )
        signed_in = browser.post("/login", data={"username": "rita", "password": PASSWORD})
        browser.headers["X-CSRF-Token"] = signed_in.json()["csrf_token"]
        assert browser.post("/logout").status_code == 204
    secret = add_token(sessions, "erp", "reviewer")
    with api(settings) as system:
        bearer = {"Authorization": f"Bearer {secret}"}
        assert system.get("/api/v1/review-queue", headers=bearer).status_code == 200
        rejected = system.post(
            f"/api/v1/documents/{document_id}/reject", json={"reason": "x"}, headers=bearer
        )
        assert rejected.status_code == 200
    with transaction(sessions) as session:
        token = session.scalars(select(ApiToken)).one()
        auth.revoke_token(session, token_id=token.id, actor="audrey")
        auth.disable_user(session, name="rita", actor="audrey")

    rita = [(e["kind"], e["data"]) for e in events(auditor, actor="rita")]
    assert rita == [
        ("login_failed", {"reason": "wrong password"}),
        ("login", {}),
        ("logout", {}),
    ]
    (failed,) = events(auditor, kind="login_failed")
    assert (failed["client_ip"], failed["user_agent"]) == ("testclient", BROWSER["User-Agent"])

    # Only the write is audited as a use of the token; the read just marks it used.
    (used,) = events(auditor, kind="token_used")
    assert used["actor"] == "token:erp"
    assert used["data"] == {"method": "POST", "path": f"/api/v1/documents/{document_id}/reject"}
    assert events(auditor, document=document_id, kind="rejected")[0]["actor"] == "token:erp"
    assert [e["data"]["token"] for e in events(auditor, kind="token_created")] == ["erp"]
    assert [e["actor"] for e in events(auditor, kind="token_revoked")] == ["audrey"]
    assert [e["data"] for e in events(auditor, kind="user_created", actor="test")][-1] == {
        "user": "rita",
        "roles": {"old": None, "new": ["reviewer"]},
    }
    (disabled,) = events(auditor, kind="user_disabled")
    assert disabled["data"] == {"user": "rita", "disabled": {"old": False, "new": True}}


def test_the_trail_filters_by_date_pages_with_a_cursor_and_exports_csv(
    sessions: sessionmaker[Session], auditor: TestClient
) -> None:
    with transaction(sessions) as session:
        for name in ("=cmd|'/c calc'!A1", "b", "c", "d", "e"):
            session.add(AuditEvent(actor=name, kind="login_failed", data={"n": name}))
    everything = events(auditor, kind="login_failed")
    assert len(everything) == 5

    seen: list[int] = []
    cursor = None
    while True:
        params = {"kind": "login_failed", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = auditor.get("/api/v1/audit", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [event["id"] for event in everything]

    now = datetime.now(UTC)
    hour = timedelta(hours=1)
    assert len(events(auditor, kind="login_failed", since=(now - hour).isoformat())) == 5
    assert events(auditor, kind="login_failed", since=(now + hour).isoformat()) == []
    assert events(auditor, kind="login_failed", until=(now - hour).isoformat()) == []

    exported = auditor.get("/api/v1/audit", params={"kind": "login_failed", "format": "csv"})
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["id"] for row in rows] == [str(event["id"]) for event in everything]
    assert rows[1]["actor"] == "b"
    assert rows[1]["data"] == '{"n": "b"}'
    # A spreadsheet must not run what a caller typed as a user name.
    assert rows[0]["actor"] == "'=cmd|'/c calc'!A1"


def test_no_route_edits_or_deletes_an_event(
    sessions: sessionmaker[Session], auditor: TestClient
) -> None:
    document_id = add_document(sessions, name="hd")
    auditor.post(f"/api/v1/documents/{document_id}/reject", json={"reason": "kept"})
    (event,) = events(auditor, kind="rejected")
    for path in (
        "/api/v1/audit",
        f"/api/v1/audit/{event['id']}",
        f"/api/v1/documents/{document_id}/history",
    ):
        for method in ("PUT", "PATCH", "DELETE"):
            response = auditor.request(method, path, json={"data": {}})
            assert response.status_code in (404, 405), f"{method} {path}"
    assert events(auditor, kind="rejected") == [event]


def test_the_database_refuses_to_change_or_delete_an_event(
    sessions: sessionmaker[Session],
) -> None:
    document_id = add_document(sessions, name="hd")
    with transaction(sessions) as session:
        session.add(AuditEvent(document_id=document_id, actor="rita", kind="approved", data={}))
    for statement in (
        "UPDATE audit_events SET actor = 'mallory'",
        "DELETE FROM audit_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), transaction(sessions) as session:
            session.execute(text(statement))
    with sessions() as session:
        assert session.scalars(select(AuditEvent.actor)).all() == ["rita"]


@pytest.fixture(params=BOTH_DATABASES)
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    url: str = request.getfixturevalue("empty_pg_database")
    return url


def test_the_upgrade_keeps_every_document_event_and_ids_go_on_after_them(
    unmigrated_url: str,
) -> None:
    upgrade(unmigrated_url, "0003")
    engine = create_engine(unmigrated_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (id, sha256, filename, relative_path, size, media_type, "
                "received_at, archive_path, status, version, updated_at, review_priority) "
                "VALUES (1, 'x', 'a.pdf', 'a.pdf', 1, 'application/pdf', :at, '', 'review', 1, "
                ":at, 0)"
            ),
            {"at": datetime.now(UTC)},
        )
        conn.execute(
            text(
                "INSERT INTO document_events (id, document_id, at, actor, kind, data) "
                "VALUES (41, 1, :at, 'ingest', 'received', '{}')"
            ),
            {"at": datetime.now(UTC)},
        )
    upgrade(unmigrated_url)
    with Session(engine) as session, session.begin():
        (old,) = session.scalars(select(AuditEvent)).all()
        assert (old.id, old.document_id, old.actor, old.kind) == (41, 1, "ingest", "received")
        added = AuditEvent(actor="rita", kind="login", data={})
        session.add(added)
        session.flush()
        assert added.id > 41
    engine.dispose()


def test_audit_filters_out_of_range_are_refused_not_a_server_error(auditor: TestClient) -> None:
    # Each of these once reached the database, or date arithmetic, and came back as a 500.
    for params in (
        {"since": "0001-01-01T00:00:00+01:00"},
        {"until": "0.5"},
        {"cursor": str(2**31)},
        {"document": str(2**40)},
    ):
        refused = auditor.get("/api/v1/audit", params=params)
        assert refused.status_code == 422, params
        assert refused.json()["detail"][0]["loc"] == ["query", *params]
