"""Who may call what: every route's roles, API tokens, browser sessions with CSRF, the login
rate limit, and the user and token commands."""

from __future__ import annotations

import hashlib
import itertools
import stat
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from pydantic import ValidationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from api.app import create_app
from api.deps import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from api.routers import web, web_failed, web_overview, web_portal
from pipeline import commands as cli
from pipeline.access import auth
from pipeline.intake.blobs import BlobStore
from pipeline.jobs import queue
from pipeline.jobs.processing import rule_book
from pipeline.jobs.worker import Worker
from pipeline.ledger import portal, posting, rates, registers, suppliers
from pipeline.review import checking
from pipeline.store.db import transaction
from pipeline.store.models import (
    ApiToken,
    AuditEvent,
    Document,
    DocumentStatus,
    LayoutMemory,
    PortalInvoice,
    SavedView,
)
from pipeline.store.settings import Settings
from tests import docgen
from tests.support.documents import INVOICE_FIELDS, LINE, ONE_PAGE_PDF, add_document
from tests.support.signin import PASSWORD, add_token, add_user, api, sign_in

ROLES = ("clerk", "reviewer", "approver", "accountant", "admin")
PUBLIC = "public"  # no authentication at all
ANYONE = "anyone signed in"
# Routes only people signed in may call, with the roles above: every API token is refused.
PEOPLE_ONLY = {("POST", "/api/v1/portal-invoices/import")}
SENDER = f"tax:{INVOICE_FIELDS['seller']['tax_id']}"
SUPPLIER = INVOICE_FIELDS["seller"]["tax_id"]
# What the e-invoice view is asked of: an e-invoice XML original.
EINVOICE = docgen.einvoice_xml(1).content

# Every route of the API and who may call it; admin may call everything. A route missing
# here fails the matrix test: a new route must say who may use it.
EXPECTED_ROLES: dict[tuple[str, str], str | frozenset[str]] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): ANYONE,
    ("GET", "/api/v1/documents"): frozenset({"clerk", "reviewer", "approver"}),
    ("POST", "/api/v1/documents"): frozenset({"clerk"}),
    ("GET", "/api/v1/documents/{document_id}"): frozenset({"clerk", "reviewer", "approver"}),
    ("GET", "/api/v1/documents/{document_id}/history"): frozenset(
        {"clerk", "reviewer", "approver"}
    ),
    ("GET", "/api/v1/documents/{document_id}/file"): frozenset({"clerk", "reviewer", "approver"}),
    ("GET", "/api/v1/documents/{document_id}/pages"): frozenset({"clerk", "reviewer", "approver"}),
    ("GET", "/api/v1/documents/{document_id}/einvoice"): frozenset(
        {"clerk", "reviewer", "approver"}
    ),
    ("GET", "/api/v1/documents/{document_id}/pages/{number}.png"): frozenset(
        {"clerk", "reviewer", "approver"}
    ),
    ("PATCH", "/api/v1/documents/{document_id}"): frozenset({"reviewer"}),
    ("POST", "/api/v1/documents/{document_id}/line-items"): frozenset({"reviewer"}),
    ("PATCH", "/api/v1/documents/{document_id}/line-items/{index}"): frozenset({"reviewer"}),
    ("DELETE", "/api/v1/documents/{document_id}/line-items/{index}"): frozenset({"reviewer"}),
    ("POST", "/api/v1/approvals"): frozenset({"reviewer", "approver"}),
    ("POST", "/api/v1/documents/{document_id}/approve"): frozenset({"reviewer"}),
    ("POST", "/api/v1/documents/{document_id}/second-approval"): frozenset({"approver"}),
    ("POST", "/api/v1/documents/{document_id}/reject"): frozenset({"reviewer"}),
    ("POST", "/api/v1/documents/{document_id}/reopen"): frozenset({"reviewer"}),
    ("POST", "/api/v1/documents/{document_id}/not-duplicate"): frozenset({"reviewer"}),
    ("POST", "/api/v1/documents/{document_id}/type"): frozenset({"reviewer"}),
    ("POST", "/api/v1/documents/{document_id}/retry"): frozenset({"reviewer", "approver"}),
    ("GET", "/api/v1/review-queue"): frozenset({"reviewer", "approver"}),
    ("GET", "/api/v1/entries"): frozenset({"accountant"}),
    ("POST", "/api/v1/entries/ack"): frozenset({"accountant"}),
    ("GET", "/api/v1/purchase-register"): frozenset({"accountant"}),
    ("GET", "/api/v1/misa-purchases"): frozenset({"accountant"}),
    ("GET", "/api/v1/registers/contracts"): frozenset({"accountant"}),
    ("GET", "/api/v1/registers/contracts/expiring"): frozenset({"accountant"}),
    ("GET", "/api/v1/registers/candidates"): frozenset({"accountant"}),
    ("GET", "/api/v1/registers/correspondence"): frozenset({"accountant"}),
    ("POST", "/api/v1/registers/{register}/ack"): frozenset({"accountant"}),
    ("PUT", "/api/v1/registers/correspondence/{document_id}/handling-unit"): frozenset(
        {"reviewer"}
    ),
    ("GET", "/api/v1/audit"): frozenset(),
    ("GET", "/api/v1/memories"): frozenset(),
    ("GET", "/api/v1/memories/{memory_id}"): frozenset(),
    ("DELETE", "/api/v1/memories/{memory_id}"): frozenset(),
    ("GET", "/api/v1/periods"): frozenset({"accountant"}),
    ("POST", "/api/v1/periods/{month}/close"): frozenset(),
    ("POST", "/api/v1/periods/{month}/reopen"): frozenset(),
    ("GET", "/api/v1/suppliers"): frozenset({"accountant"}),
    ("GET", "/api/v1/suppliers/{tax_id}"): frozenset({"accountant"}),
    ("PATCH", "/api/v1/suppliers/{tax_id}"): frozenset({"accountant"}),
    ("POST", "/api/v1/supplier-lists"): frozenset({"accountant"}),
    ("GET", "/api/v1/exchange-rates/{currency}/{day}"): frozenset(
        {"reviewer", "approver", "accountant"}
    ),
    ("POST", "/api/v1/exchange-rates/import"): frozenset({"accountant"}),
    ("POST", "/api/v1/portal-invoices/import"): frozenset({"accountant"}),
    ("GET", "/api/v1/portal-reconciliation"): frozenset({"reviewer", "approver", "accountant"}),
    ("POST", "/api/v1/documents/{document_id}/portal-decision"): frozenset({"reviewer"}),
    ("GET", "/api/v1/senders/{sender}/learning-curve"): frozenset({"reviewer", "approver"}),
    ("GET", "/api/v1/overview"): frozenset({"reviewer", "approver"}),
    ("GET", "/api/v1/views"): frozenset({"reviewer", "approver"}),
    ("POST", "/api/v1/views"): frozenset({"reviewer", "approver"}),
    ("DELETE", "/api/v1/views/{view_id}"): frozenset({"reviewer", "approver"}),
    ("GET", "/api/v1/schema"): ANYONE,
}


def routes(client: TestClient) -> list[tuple[str, str]]:
    paths: dict[str, dict[str, Any]] = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


def test_every_route_is_in_the_expected_roles_table(settings: Settings) -> None:
    with api(settings) as client:
        found = routes(client)
    missing = [route for route in found if route not in EXPECTED_ROLES]
    assert missing == [], f"routes with no expected roles: {missing}"
    assert set(EXPECTED_ROLES) == set(found)


def test_every_route_needing_a_caller_documents_401_and_403(settings: Settings) -> None:
    # What a client is told to expect: no caller, or a caller without the role (or a
    # session's write without its CSRF token).
    with api(settings) as client:
        paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    undocumented = [
        f"{method.upper()} {path}"
        for path, item in paths.items()
        for method, operation in item.items()
        if operation.get("security") and not {"401", "403"} <= set(operation["responses"])
    ]
    assert undocumented == []


_documents = itertools.count()


def _request(
    client: TestClient,
    sessions: sessionmaker[Session],
    method: str,
    path: str,
    headers: dict[str, str],
) -> int:
    """Call the route as its users would: on a fresh invoice in review (or, to reopen it,
    rejected; for its second approval, approved once by someone else) that the clerk's
    token uploaded, with one line item and its original, a one-page PDF, in the blob
    store, and with a body the route accepts."""
    number = next(_documents)
    # Each its own invoice: a second copy of one would fail the duplicate rule on approval.
    fields = INVOICE_FIELDS | {"invoice_number": f"{number:07d}", "line_items": [LINE]}
    if path.endswith("/not-duplicate"):
        # Its own day, so that the copy below matches this invoice and no other.
        fields["issue_date"] = (date(2025, 1, 1) + timedelta(days=number)).isoformat()
    document_id = add_document(sessions, name=f"matrix{number}-", fields=fields)
    if path.endswith("/not-duplicate"):
        # A probable duplicate: an earlier copy of the same seller, day and total, whose
        # number was not read.
        copy = add_document(
            sessions, name=f"matrix{number}-copy", fields=fields | {"invoice_number": None}
        )
        rules = rule_book(client.app.state.settings).current()  # type: ignore[attr-defined]
        with transaction(sessions) as session:
            for checked in (copy, document_id):
                checking.recheck(session, document=session.get_one(Document, checked), rules=rules)
    with sessions() as session, session.begin():
        document = session.get_one(Document, document_id)
        document.uploaded_by = "token:as-clerk"
        if path.endswith("/reopen"):
            document.status = DocumentStatus.REJECTED
        if path.endswith("/retry"):
            # its processing failed: a retry reads it again
            document.status = DocumentStatus.FAILED
            document.error_code = "timeout"
        if path.endswith("/einvoice"):
            document.media_type = "application/xml"
        if path.endswith("/second-approval"):
            # approved once by a reviewer, awaiting an approver's second approval
            document.status = DocumentStatus.APPROVED
            session.add(
                AuditEvent(
                    document_id=document_id, actor="a-reviewer", kind="approved", data={"step": 1}
                )
            )
        if path.startswith(("/api/v1/registers/correspondence/", "/api/v1/registers/{register}")):
            # a letter entered in the register (the handling unit is each call's own)
            document.doc_type = "dispatch"
            document.record = (document.record or {}) | {
                "doc_type": "dispatch",
                "fields": {"subject": "Mời họp", "issuer": "Sở Tài chính"},
            }
    if path.startswith(("/api/v1/registers/correspondence/", "/api/v1/registers/{register}")):
        with sessions() as session, session.begin():
            posting.approve(session, document_id=document_id, actor="matrix")
    memory_id = 0
    if "{memory_id}" in path:
        # what a reviewer's type change on this invoice would have taught (each call its own)
        with sessions() as session, session.begin():
            memory = LayoutMemory(
                doc_type="invoice",
                sender=SENDER,
                layout={"words": []},
                doc_type_as="invoice",
                learned_from_document_id=document_id,
                learned_by="a-reviewer",
            )
            session.add(memory)
            session.flush()
            memory_id = memory.id
    view_id = 0
    if "{view_id}" in path:
        # a view of the caller's own (a person deletes only theirs)
        secret = headers.get("Authorization", "").removeprefix("Bearer ")
        with sessions() as session, session.begin():
            token = session.scalar(
                select(ApiToken).where(ApiToken.token_hash == auth.secret_hash(secret))
            )
            owner = auth.token_actor(token) if token is not None else "nobody"
            view = SavedView(owner=owner, name=f"matrix{number}", filters={"q": "hoa don"})
            session.add(view)
            session.flush()
            view_id = view.id
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    blob = BlobStore(settings.resolved_blob_dir).path_for(document.sha256)
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(EINVOICE if path.endswith("/einvoice") else ONE_PAGE_PDF)
    url = (
        path.replace("{document_id}", str(document_id))
        .replace("{index}", "0")
        .replace("{number}", "1")
        .replace("{register}", "correspondence")
        .replace("{memory_id}", str(memory_id))
        .replace("{view_id}", str(view_id))
        .replace("{sender}", SENDER)
        .replace("{month}", "2020-01")  # a month nothing in the matrix posts into
        .replace("{tax_id}", SUPPLIER)
        .replace("{currency}", "USD")
        .replace("{day}", "2026-03-05")
    )
    if "{currency}" in path:
        with transaction(sessions) as session:
            rates.set_rate(
                session,
                currency="USD",
                day=date(2026, 3, 5),
                kind="sell",
                rate=Decimal("25400"),
                source="VCB",
                actor="test",
            )
    if "{tax_id}" in path:
        with transaction(sessions) as session:
            suppliers.update_supplier(
                session,
                tax_id=SUPPLIER,
                changes=suppliers.SupplierChanges(name="Công ty TNHH Minh Phát"),
                actor="test",
                mapping=posting.current_mapping(),
            )
    kwargs: dict[str, Any] = {}
    if path.endswith("/line-items"):
        kwargs["json"] = {
            "version": document.version,
            "item": {"description": "Phí", "amount": "1"},
        }
    elif path.startswith("/api/v1/suppliers/{tax_id}"):
        kwargs["json"] = {"code": f"NCC{number}"}
    elif path == "/api/v1/exchange-rates/import":
        table = 'Mã ngoại tệ,Bán\nUSD,"25,400.00"\n'
        kwargs["params"] = {"day": "2026-03-06"}
        kwargs["files"] = {"file": ("tygia.csv", table.encode())}
    elif path == "/api/v1/portal-invoices/import":
        kwargs["files"] = {"file": ("hoa-don.csv", _portal_list(number, "Hóa đơn mới"))}
    elif path == "/api/v1/portal-reconciliation":
        kwargs["params"] = {"start": "2026-03-01", "end": "2026-03-31"}
    elif path.endswith("/portal-decision"):
        # The portal marks the invoice cancelled: a reviewer decides it stands.
        with transaction(sessions) as session:
            portal.import_list(
                session, content=_portal_list(number, "Hóa đơn đã bị hủy"), actor="test"
            )
        kwargs["json"] = {"reason": "reissued under the same number"}
    elif path in ("/api/v1/purchase-register", "/api/v1/misa-purchases"):
        kwargs["params"] = {"from": "2026-03-01", "to": "2026-03-31"}
    elif path == "/api/v1/supplier-lists":
        listed = f"Mã số thuế,Tên nhà cung cấp\n{SUPPLIER},Công ty TNHH Minh Phát\n"
        kwargs["files"] = {"file": ("ncc.csv", listed.encode())}
    elif method == "PATCH" and path.endswith("{index}"):
        kwargs["json"] = {"version": document.version, "changes": {"unit": "ram"}}
    elif method == "DELETE" or path.endswith("/reopen"):
        kwargs["json"] = {"version": document.version}
    elif path.endswith("/type"):
        kwargs["json"] = {"version": document.version, "doc_type": "contract"}
    elif method == "PATCH":
        kwargs["json"] = {"version": document.version, "fields": {"po_number": "PO-7"}}
    elif (method, path) == ("POST", "/api/v1/views"):
        kwargs["json"] = {"name": f"matrix{number}", "filters": {"q": "hoa don"}}
    elif path.endswith("/handling-unit"):
        kwargs["json"] = {"handling_unit": f"Phòng {number}"}
    elif path.endswith("/reject"):
        kwargs["json"] = {"reason": "not ours"}
    elif path.endswith("/retry"):
        with sessions() as session:
            kwargs["json"] = {"version": session.get_one(Document, document_id).version}
    elif path.endswith("/not-duplicate"):
        with sessions() as session:
            version = session.get_one(Document, document_id).version
        kwargs["json"] = {"version": version, "reason": "another delivery that day"}
    elif path == "/api/v1/approvals":
        kwargs["json"] = {"documents": [{"id": document_id}]}
    elif (method, path) == ("POST", "/api/v1/documents"):
        kwargs["files"] = {"file": (f"{document_id}.pdf", f"%PDF-1.4 {url}".encode())}
    elif path == "/api/v1/entries/ack":
        with transaction(sessions) as session:
            posting.approve(session, document_id=document_id, actor="test")
            entry = posting.live_entry(session, document_id=document_id)
            assert entry is not None
        kwargs["json"] = {"ids": [entry.id]}
    elif path.endswith("/ack"):
        with sessions() as session:
            row = registers.current_row(
                session, register=registers.Register.CORRESPONDENCE, document_id=document_id
            )
            assert row is not None
        kwargs["json"] = {"ids": [row.id]}
    elif path == "/login":
        kwargs["data"] = {"username": "someone", "password": PASSWORD}
    return client.request(method, url, headers=headers, **kwargs).status_code


def _portal_list(number: int, status: str) -> bytes:
    """The tax portal's list of one invoice: the matrix's invoice `number`."""
    header = "Ký hiệu mẫu số,Ký hiệu hóa đơn,Số hóa đơn,Ngày lập,MST người bán,Trạng thái hóa đơn"
    seller, series = INVOICE_FIELDS["seller"]["tax_id"], INVOICE_FIELDS["invoice_series"]
    return f"{header}\n1,{series},{number},05/03/2026,{seller},{status}\n".encode()


@pytest.fixture
def role_tokens(sessions: sessionmaker[Session]) -> dict[str, dict[str, str]]:
    return {
        role: {"Authorization": f"Bearer {add_token(sessions, f'as-{role}', role)}"}
        for role in ROLES
    }


def test_authorisation_matrix(
    settings: Settings,
    sessions: sessionmaker[Session],
    role_tokens: dict[str, dict[str, str]],
) -> None:
    add_user(sessions, "someone", "clerk")
    with transaction(sessions) as session:
        queue.beat(session, worker="matrix")  # a live worker: readiness answers 200
    with api(settings) as client:
        for method, path in routes(client):
            expected = EXPECTED_ROLES[(method, path)]
            route = f"{method} {path}"
            anonymous = _request(client, sessions, method, path, {})
            client.cookies.clear()
            if expected == PUBLIC:
                assert anonymous < 300, route
                continue
            assert anonymous == 401, route
            allowed = set(ROLES) if expected == ANYONE else {"admin", *expected}
            if (method, path) in PEOPLE_ONLY:
                allowed = set()  # the callers here are tokens
            for role in ROLES:
                got = _request(client, sessions, method, path, role_tokens[role])
                if role in allowed:
                    # Real success: every call acts on a fresh document in review.
                    assert 200 <= got < 300, f"{route} as {role}: {got}"
                else:
                    assert got == 403, f"{route} as {role}: {got}"


def test_only_people_import_the_portal_list_never_a_token(
    settings: Settings,
    sessions: sessionmaker[Session],
    role_tokens: dict[str, dict[str, str]],
) -> None:
    """The list flags invoices and blocks their posting: the ERP's accountant token must not
    send it, an accountant or an admin signed in may."""
    numbers = itertools.count(900000)

    def send(client: TestClient, headers: dict[str, str]) -> Response:
        listed = _portal_list(next(numbers), "Hóa đơn đã bị hủy")
        return client.post(
            "/api/v1/portal-invoices/import",
            files={"file": ("hoa-don.csv", listed)},
            headers=headers,
        )

    with api(settings) as client:
        for role in ("accountant", "admin"):
            refused = send(client, role_tokens[role])
            assert refused.status_code == 403, role
            assert "not an API token" in refused.json()["detail"]
    for name, role, status in (
        ("lan", "accountant", 200),
        ("root", "admin", 200),
        ("rita", "reviewer", 403),
    ):
        with api(settings) as client:
            sign_in(client, sessions, name, role)
            assert send(client, {}).status_code == status, name
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(PortalInvoice)) == 2


def test_a_clerk_sees_only_their_own_uploads(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    from_the_share = add_document(sessions, name="shared")
    with api(settings) as client:
        sign_in(client, sessions, "carol", "clerk")
        uploaded = client.post(
            "/api/v1/documents", files={"file": ("hd 1.pdf", b"%PDF-1.4 carol's")}
        )
        assert uploaded.status_code == 201, uploaded.text
        own = uploaded.json()["id"]
        listed = client.get("/api/v1/documents").json()["items"]
        assert [item["id"] for item in listed] == [own]
        assert client.get(f"/api/v1/documents/{own}").json()["source"]["filename"] == "hd 1.pdf"
        assert client.get(f"/api/v1/documents/{from_the_share}").status_code == 404
        assert client.get(f"/api/v1/documents/{from_the_share}/history").status_code == 404
        again = client.post("/api/v1/documents", files={"file": ("copy.pdf", b"%PDF-1.4 carol's")})
        assert again.status_code == 200
        assert again.json() == {"id": own, "duplicate": True}
    with sessions() as session:
        assert session.get_one(Document, own).uploaded_by == "carol"
        assert session.get_one(Document, from_the_share).uploaded_by is None


def test_an_uploaded_invoice_is_processed_like_a_dropped_one(
    settings: Settings, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    generated = docgen.invoice(5)
    pdf = docgen.write(generated, tmp_path / "hd_0005.pdf").read_bytes()
    with api(settings) as clerk:
        sign_in(clerk, sessions, "carol", "clerk")
        uploaded = clerk.post("/api/v1/documents", files={"file": ("C:\\scans\\hd_0005.pdf", pdf)})
        assert uploaded.status_code == 201, uploaded.text
        document_id = uploaded.json()["id"]
        worker = Worker(settings)
        try:
            assert worker.run(exit_when_idle=True) == 1
        finally:
            worker.close()
        mine = clerk.get(f"/api/v1/documents/{document_id}").json()
        assert mine["source"]["filename"] == "hd_0005.pdf"
        assert mine["fields"]["invoice_number"] == generated.fields["invoice_number"]
        assert mine["history"][0]["actor"] == "carol"
        assert clerk.get("/api/v1/review-queue").status_code == 403


# --- browser sessions and CSRF --------------------------------------------------------------


def test_login_sets_a_secure_http_only_session_cookie(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    with api(settings) as client:
        response = client.post("/login", data={"username": "rita", "password": PASSWORD})
        assert response.status_code == 200
        assert response.json()["user"] == "rita"
        assert response.json()["roles"] == ["reviewer"]
        cookies = {
            header.split("=", 1)[0]: header.lower()
            for header in response.headers.get_list("set-cookie")
        }
        for attribute in ("httponly", "secure", "samesite=lax", "path=/"):
            assert attribute in cookies[SESSION_COOKIE]
        assert "httponly" not in cookies[CSRF_COOKIE]  # the page's script reads it
        assert client.cookies[CSRF_COOKIE] == response.json()["csrf_token"]
        assert client.get("/api/v1/review-queue").status_code == 200


def test_an_empty_name_or_password_is_refused_as_the_document_says(settings: Settings) -> None:
    # The form reads an empty field as a missing one; the OpenAPI document says so too.
    with api(settings) as client:
        form = client.app.openapi()["components"]["schemas"]["Body_login_login_post"]  # type: ignore[attr-defined]
        assert {form["properties"][name]["minLength"] for name in ("username", "password")} == {1}
        for data in ({"username": "", "password": PASSWORD}, {"username": "rita", "password": ""}):
            assert client.post("/login", data=data).status_code == 422


def test_a_state_changing_request_with_the_cookie_needs_the_csrf_token(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    reject = f"/api/v1/documents/{document_id}/reject"
    with api(settings) as client:
        sign_in(client, sessions, "rita", "reviewer")
        csrf = client.headers.pop(CSRF_HEADER)
        missing = client.post(reject, json={"reason": "x"})
        assert missing.status_code == 403
        assert CSRF_HEADER in missing.json()["detail"]
        wrong = client.post(reject, json={"reason": "x"}, headers={CSRF_HEADER: csrf[::-1]})
        assert wrong.status_code == 403
        assert client.get(f"/api/v1/documents/{document_id}").json()["status"] == "review"
        done = client.post(reject, json={"reason": "x"}, headers={CSRF_HEADER: csrf})
        assert done.status_code == 200
        assert done.json()["status"] == "rejected"


def test_the_csrf_token_of_one_session_does_not_fit_another(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    with api(settings) as first, api(settings) as second:
        sign_in(first, sessions, "rita", "reviewer")
        sign_in(second, sessions, "ravi", "reviewer")
        second.headers[CSRF_HEADER] = first.headers[CSRF_HEADER]
        refused = second.post(f"/api/v1/documents/{document_id}/reject", json={"reason": "x"})
        assert refused.status_code == 403


def test_a_bearer_token_needs_no_csrf_token(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="hd")
    token = add_token(sessions, "review-bot", "reviewer")
    with api(settings) as client:
        response = client.post(
            f"/api/v1/documents/{document_id}/reject",
            json={"reason": "x"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
        assert response.json()["history"][-1]["actor"] == "token:review-bot"


def test_logout_ends_the_session(settings: Settings, sessions: sessionmaker[Session]) -> None:
    with api(settings) as client:
        sign_in(client, sessions, "rita", "reviewer")
        cookie = {"Cookie": f"{SESSION_COOKIE}={client.cookies[SESSION_COOKIE]}"}
        assert client.post("/logout").status_code == 204
        assert SESSION_COOKIE not in client.cookies
    with api(settings) as stolen:
        # The cookie's secret is worth nothing once the session ended.
        assert stolen.get("/api/v1/review-queue", headers=cookie).status_code == 401


def test_wrong_password_unknown_and_disabled_users_get_the_same_answer(
    settings: Settings, sessions: sessionmaker[Session], run_cli: CliRunner
) -> None:
    add_user(sessions, "rita", "reviewer")
    add_user(sessions, "old", "reviewer")
    with api(settings) as client:
        sign_in(client, sessions, "dana", "reviewer")
        result = run_cli.invoke(cli.app, ["users", "disable", "dana"])
        assert result.exit_code == 0, result.output
        # The disabled user's open session ends too.
        assert client.get("/api/v1/review-queue").status_code == 401
        answers = [
            client.post("/login", data={"username": name, "password": password})
            for name, password in (("rita", "wrong"), ("nobody", PASSWORD), ("dana", PASSWORD))
        ]
    assert [answer.status_code for answer in answers] == [401, 401, 401]
    assert len({answer.text for answer in answers}) == 1
    assert answers[0].json() == {"detail": "invalid username or password"}


# --- the login rate limit -------------------------------------------------------------------


def test_five_failed_logins_for_a_name_lock_it_for_a_while(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    add_user(sessions, "ravi", "reviewer")
    with api(settings) as client:
        for _ in range(5):
            wrong = client.post("/login", data={"username": "rita", "password": "guess"})
            assert wrong.status_code == 401
        locked = client.post("/login", data={"username": "rita", "password": PASSWORD})
        assert locked.status_code == 429
        assert 800 < int(locked.headers["Retry-After"]) <= 901
        # Another name from the same address is not locked by them.
        ravi = client.post("/login", data={"username": "ravi", "password": PASSWORD})
        assert ravi.status_code == 200
    # The count is in the database: another process (a new app) sees the same lock.
    with api(settings) as other_worker:
        again = other_worker.post("/login", data={"username": "rita", "password": PASSWORD})
        assert again.status_code == 429


def test_failed_logins_from_one_address_lock_that_address(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    add_user(sessions, "rita", "reviewer")
    strict = settings.model_copy(update={"login_max_failures_per_ip": 3})
    with TestClient(create_app(strict), base_url="https://testserver") as client:
        for name in ("a", "b", "c"):
            assert (
                client.post("/login", data={"username": name, "password": "x"}).status_code == 401
            )
        locked = client.post("/login", data={"username": "rita", "password": PASSWORD})
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0


# --- API tokens -----------------------------------------------------------------------------


def test_a_token_is_shown_once_stored_hashed_works_and_stops_when_revoked(
    settings: Settings, sessions: sessionmaker[Session], run_cli: CliRunner
) -> None:
    created = run_cli.invoke(cli.app, ["tokens", "create", "--name", "erp", "--role", "accountant"])
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip().splitlines()[-1]
    assert len(secret) > 40

    listed = run_cli.invoke(cli.app, ["tokens", "list"])
    assert "erp\taccountant\tnever used\tactive" in listed.stdout
    assert secret not in listed.output

    with sessions() as session:
        token = session.scalars(select(ApiToken)).one()
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        (row,) = session.execute(text("SELECT * FROM api_tokens")).all()
        assert all(secret not in str(value) for value in row)
        token_id = token.id

    bearer = {"Authorization": f"Bearer {secret}"}
    with api(settings) as client:
        assert client.get("/api/v1/entries", headers=bearer).status_code == 200
        # One role only: an accountant's token cannot review.
        assert client.get("/api/v1/review-queue", headers=bearer).status_code == 403
        assert "active" in run_cli.invoke(cli.app, ["tokens", "list"]).stdout
        assert "never used" not in run_cli.invoke(cli.app, ["tokens", "list"]).stdout

        revoked = run_cli.invoke(cli.app, ["tokens", "revoke", str(token_id)])
        assert revoked.exit_code == 0, revoked.output
        assert client.get("/api/v1/entries", headers=bearer).status_code == 401
        wrong = {"Authorization": f"Bearer {secret}x"}
        assert client.get("/api/v1/entries", headers=wrong).status_code == 401
    assert "revoked" in run_cli.invoke(cli.app, ["tokens", "list"]).stdout


def test_users_are_added_with_roles_and_listed(settings: Settings, run_cli: CliRunner) -> None:
    added = run_cli.invoke(
        cli.app,
        ["users", "add", "minh", "--role", "reviewer", "--role", "approver", "--password-stdin"],
        input="s3cret pass phrase\n",
    )
    assert added.exit_code == 0, added.output
    assert run_cli.invoke(cli.app, ["users", "list"]).stdout == "minh\tapprover,reviewer\tactive\n"
    refused = run_cli.invoke(
        cli.app, ["users", "add", "x", "--role", "boss", "--password-stdin"], input="p\n"
    )
    assert refused.exit_code == 1
    assert "boss" in refused.output
    with api(settings) as client:
        login = client.post("/login", data={"username": "minh", "password": "s3cret pass phrase"})
        assert login.status_code == 200
        assert login.json()["roles"] == ["approver", "reviewer"]


# --- the secret key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", [None, "short", "changethis" * 4, "replace-with-a-random-secret-key"]
)
def test_production_refuses_a_missing_or_placeholder_secret(key: str | None) -> None:
    with pytest.raises(ValidationError, match="BACKOFFICE_SECRET_KEY"):
        Settings(environment="production", secret_key=key)
    assert Settings(environment="production", secret_key="k" * 40).resolved_secret_key() == (
        b"k" * 40
    )


def test_development_generates_one_secret_per_data_directory(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    key = settings.resolved_secret_key()
    assert len(key) >= 32
    assert Settings(data_dir=tmp_path / "data").resolved_secret_key() == key
    assert stat.S_IMODE((tmp_path / "data" / "secret_key").stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "other").resolved_secret_key() != key


# --- the pages ------------------------------------------------------------------------------

# Every page and who may open it (admin opens all). Pages are not in the OpenAPI document, so
# the API matrix above does not see them; a page missing here fails like a route missing there.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "/": frozenset({"clerk", "reviewer", "approver"}),
    "/review": frozenset({"reviewer", "approver"}),
    "/review/{document_id}": frozenset({"reviewer", "approver"}),
    "/review/failed": frozenset({"reviewer", "approver"}),
    "/upload": frozenset({"clerk"}),
    "/overview": frozenset({"reviewer", "approver"}),
    "/audit": frozenset(),
    "/reconciliation": frozenset({"reviewer", "approver", "accountant"}),
}
PUBLIC_PAGES = {"/login"}


def test_every_page_is_in_the_page_roles_table(settings: Settings) -> None:
    pages = {
        route.path: route
        for router in (web.router, web_failed.router, web_overview.router, web_portal.router)
        for route in router.routes
        if isinstance(route, APIRoute)
    }
    assert set(pages) == set(PAGE_ROLES) | PUBLIC_PAGES
    for path, route in pages.items():
        assert route.methods == {"GET"}, f"{path}: pages only show; changes go through the API"
    with api(settings) as client:
        # Served, and left out of the API's description (and so of the matrix above).
        assert {("GET", path) for path in pages}.isdisjoint(routes(client))
        assert client.get("/login").status_code == 200


@pytest.mark.slow
def test_pages_send_anonymous_visitors_to_sign_in_and_refuse_other_roles(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    document_id = add_document(sessions, name="page")
    for role in ROLES:
        add_user(sessions, f"as-{role}", role)
    with api(settings) as client:
        assert client.get("/login").status_code == 200
        for number, (page, roles) in enumerate(PAGE_ROLES.items()):
            url = page.replace("{document_id}", str(document_id))
            anonymous = client.get(url, follow_redirects=False)
            assert anonymous.status_code == 303, page
            assert anonymous.headers["location"] == f"/login?next={quote(url, safe='')}"
            for role in ROLES:
                client.cookies.clear()
                login = client.post("/login", data={"username": f"as-{role}", "password": PASSWORD})
                assert login.status_code == 200
                got = client.get(url, follow_redirects=False).status_code
                if role in roles or role == "admin":
                    # `/` sends each role on to its own page.
                    assert got in ((303,) if page == "/" else (200,)), f"{page} as {role}: {got}"
                else:
                    assert got == 403, f"{page} as {role}: {got}"
            client.cookies.clear()
            # A token is for systems: pages want a signed-in person.
            bearer = {"Authorization": f"Bearer {add_token(sessions, f'page{number}', 'admin')}"}
            assert client.get(url, headers=bearer, follow_redirects=False).status_code == 303
