"""Supplier master data over the API, on both databases, as an accounting system or an
accountant uses it: import a list, see what is still uncoded, code a supplier."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from pipeline.store.settings import Settings
from tests.support.documents import add_document
from tests.support.signin import add_token, api


@pytest.fixture
def accountant(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    secret = add_token(sessions, "misa", "accountant")
    with api(settings) as client:
        client.headers["Authorization"] = f"Bearer {secret}"
        yield client


def test_an_accountant_imports_codes_and_lists_suppliers(
    accountant: TestClient, sessions: sessionmaker[Session], settings: Settings
) -> None:
    listed = "Mã số thuế;Mã nhà cung cấp;Tên nhà cung cấp\n0312345673;NCC002;Công ty CP An Bình\n"
    imported = accountant.post(
        "/api/v1/supplier-lists", files={"file": ("ncc.csv", listed.encode())}
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"created": 1, "updated": 0, "unchanged": 0, "problems": []}

    # An approved invoice of a seller not in the list: it waits to be coded.
    secret = add_token(sessions, "rita", "reviewer")
    document_id = add_document(sessions, name="hd")
    approved = accountant.post(
        f"/api/v1/documents/{document_id}/approve", headers={"Authorization": f"Bearer {secret}"}
    )
    assert approved.status_code == 200, approved.text
    waiting = accountant.get("/api/v1/suppliers", params={"uncoded": "true"}).json()["items"]
    assert [(s["tax_id"], s["code"]) for s in waiting] == [("0101243150", None)]

    coded = accountant.patch(
        "/api/v1/suppliers/0101243150", json={"code": "NCC001", "payment_terms_days": 30}
    )
    assert coded.status_code == 200, coded.text
    assert (coded.json()["code"], coded.json()["updated_by"]) == ("NCC001", "token:misa")
    assert accountant.get("/api/v1/suppliers", params={"uncoded": "true"}).json()["items"] == []
    everyone = accountant.get("/api/v1/suppliers").json()["items"]
    assert [(s["tax_id"], s["code"]) for s in everyone] == [
        ("0101243150", "NCC001"),
        ("0312345673", "NCC002"),
    ]
    taken = accountant.patch("/api/v1/suppliers/0312345673", json={"code": "NCC001"})
    assert taken.status_code == 409
    assert accountant.get("/api/v1/suppliers/0100109106").status_code == 404


def test_a_refused_import_names_each_row_and_imports_nothing(accountant: TestClient) -> None:
    listed = "Mã số thuế,Tên nhà cung cấp\n0312345673,An Bình\n123,Sai\n"
    refused = accountant.post(
        "/api/v1/supplier-lists", files={"file": ("ncc.csv", listed.encode())}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"]["problems"] == [
        {"row": 3, "problem": "'123' is not a tax code"}
    ]
    assert accountant.get("/api/v1/suppliers").json()["items"] == []
    unknown_field = accountant.patch("/api/v1/suppliers/0312345673", json={"colour": "red"})
    assert unknown_field.status_code == 422
