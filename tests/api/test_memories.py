"""Layout memories through the API, on both databases: admins list, inspect and forget them
(audited, with the caller as actor); nobody else may; reviewers read each sender's learning
curve, which counts the fields corrected through the correction endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from extractors.memory import get_path
from pipeline.store.settings import Settings
from tests.docgen import catalogue
from tests.support.documents import FIELDS, add_checked
from tests.support.memories import (
    CORRECTED,
    GRID,
    REVIEWER,
    Taught,
    grid_invoice,
    read_by_worker,
    teach,
)
from tests.support.signin import api, sign_in


@pytest.fixture
def admin(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    with api(settings) as test_client:
        yield sign_in(test_client, sessions, "ada", "admin")


@pytest.fixture
def taught(settings: Settings, sessions: sessionmaker[Session]) -> Taught:
    return teach(settings, sessions)


def test_an_admin_lists_and_inspects_the_memories_a_correction_taught(
    admin: TestClient, taught: Taught
) -> None:
    listed = admin.get("/api/v1/memories")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert sorted(item["path"] for item in items) == sorted(CORRECTED)
    assert {item["path"]: item["id"] for item in items} == taught.memory_ids
    for item in items:
        assert item["sender"] == taught.sender
        assert item["doc_type"] == "invoice"
        assert item["learned_from_document_id"] == taught.corrected_id
        assert item["learned_by"] == REVIEWER
        assert item["live"] is True and item["weight"] == 1.0
        assert (item["times_used"], item["times_corrected_again"]) == (1, 0)  # by the copy
        assert item["field"]["path"] == item["path"]
    assert listed.json()["next_offset"] is None

    first, second = sorted(taught.memory_ids.values())
    page = admin.get("/api/v1/memories", params={"limit": 1}).json()
    assert [item["id"] for item in page["items"]] == [first]
    assert page["next_offset"] == 1
    rest = admin.get("/api/v1/memories", params={"limit": 1, "offset": 1}).json()
    assert [item["id"] for item in rest["items"]] == [second]

    by_sender = {"sender": taught.sender, "doc_type": "invoice"}
    assert len(admin.get("/api/v1/memories", params=by_sender).json()["items"]) == 2
    for other in ({"sender": "tax:0100109106"}, {"doc_type": "contract"}):
        assert admin.get("/api/v1/memories", params=other).json()["items"] == []

    one = admin.get(f"/api/v1/memories/{first}")
    assert one.status_code == 200
    assert one.json() == next(item for item in items if item["id"] == first)


def test_forgetting_a_memory_is_audited_and_restores_the_generic_reading(
    admin: TestClient, taught: Taught, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    learned = admin.get(f"/api/v1/documents/{taught.learned_id}").json()["provenance"]
    assert {path: learned[path].get("learned_from") for path in CORRECTED} == taught.memory_ids

    for memory_id in taught.memory_ids.values():
        assert admin.delete(f"/api/v1/memories/{memory_id}").status_code == 204
        assert admin.get(f"/api/v1/memories/{memory_id}").status_code == 404
        assert admin.delete(f"/api/v1/memories/{memory_id}").status_code == 404
    assert admin.get("/api/v1/memories").json()["items"] == []

    events = admin.get("/api/v1/audit", params={"kind": "memory_forgotten"}).json()["items"]
    assert {event["data"]["memory_id"] for event in events} == set(taught.memory_ids.values())
    assert {event["actor"] for event in events} == {"ada"}
    assert {event["data"]["sender"] for event in events} == {taught.sender}

    # The next copy is read generically again: no value says a memory read it.
    again = read_by_worker(settings, sessions, "grid-again.pdf", grid_invoice() + b"\n\n")
    provenance = admin.get(f"/api/v1/documents/{again}").json()["provenance"]
    assert not any("learned_from" in where for where in provenance.values())


def test_only_admins_see_or_forget_memories(
    client: TestClient, taught: Taught, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    # `client` is a reviewer (and accountant): the curve yes, the memories no.
    memory_id = taught.memory_ids["seller.address"]
    assert client.get("/api/v1/memories").status_code == 403
    assert client.get(f"/api/v1/memories/{memory_id}").status_code == 403
    refused = client.delete(f"/api/v1/memories/{memory_id}")
    assert refused.status_code == 403
    assert "admin" in refused.json()["detail"]
    curve = client.get(f"/api/v1/senders/{taught.sender}/learning-curve")
    assert curve.status_code == 200

    with api(settings) as clerk:
        sign_in(clerk, sessions, "cleo", "clerk")
        assert clerk.delete(f"/api/v1/memories/{memory_id}").status_code == 403
        assert clerk.get(f"/api/v1/senders/{taught.sender}/learning-curve").status_code == 403
    with api(settings) as anonymous:
        assert anonymous.get("/api/v1/memories").status_code == 401
        assert anonymous.delete(f"/api/v1/memories/{memory_id}").status_code == 401

    with api(settings) as admin:
        sign_in(admin, sessions, "ada", "admin")
        assert admin.get(f"/api/v1/memories/{memory_id}").status_code == 200


def test_malformed_memory_requests_are_refused_clearly(admin: TestClient) -> None:
    for bad in ("0", "-1", str(2**31), "abc"):
        assert admin.get(f"/api/v1/memories/{bad}").status_code == 422, bad
        assert admin.delete(f"/api/v1/memories/{bad}").status_code == 422, bad
    missing = admin.get(f"/api/v1/memories/{2**31 - 1}")
    assert missing.status_code == 404
    assert missing.json() == {"detail": f"no memory {2**31 - 1}"}
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"sender": "a\x01b"}):
        response = admin.get("/api/v1/memories", params=params)
        assert response.status_code == 422, params
        assert response.json()["detail"][0]["loc"][0] == "query"
    too_long = admin.get(f"/api/v1/senders/{'x' * 301}/learning-curve")
    assert too_long.status_code == 422
    assert admin.get("/api/v1/senders/tax:1/learning-curve", params={"limit": 0}).status_code == 422


def _correct(client: TestClient, document_id: int, fields: dict[str, object]) -> None:
    version = client.get(f"/api/v1/documents/{document_id}").json()["version"]
    response = client.patch(
        f"/api/v1/documents/{document_id}", json={"version": version, "fields": fields}
    )
    assert response.status_code == 200, response.text


def test_the_learning_curve_counts_fields_corrected_through_the_api(
    client: TestClient, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    ids = [
        add_checked(sessions, settings, f"hd{n}", received_at=start + timedelta(hours=n))
        for n in range(4)
    ]
    another_seller = {"name": "Công ty CP An Bình", "tax_id": "0100109106"}
    other = add_checked(
        sessions, settings, "other", fields=FIELDS | {"seller": another_seller}, received_at=start
    )
    sender = "tax:" + FIELDS["seller"]["tax_id"]  # as the worker keys an invoice's seller

    seller = FIELDS["seller"]
    _correct(client, ids[0], {"po_number": "PO-1", "seller": seller | {"name": "Minh Phát"}})
    _correct(client, ids[0], {"due_date": "2026-12-31"})
    _correct(client, ids[1], {"po_number": "PO-2"})
    _correct(client, ids[1], {"po_number": "PO-3"})  # the same field again counts once
    _correct(client, other, {"po_number": "PO-9"})

    curve = client.get(f"/api/v1/senders/{sender}/learning-curve")
    assert curve.status_code == 200
    body = curve.json()
    assert body["sender"] == sender
    assert [(p["document_id"], p["corrected_fields"]) for p in body["points"]] == [
        (ids[0], 3),
        (ids[1], 1),
        (ids[2], 0),
        (ids[3], 0),
    ]
    recent = client.get(f"/api/v1/senders/{sender}/learning-curve", params={"limit": 2}).json()
    assert [p["document_id"] for p in recent["points"]] == ids[2:]
    nobody = client.get("/api/v1/senders/tax:0000000000/learning-curve").json()
    assert nobody == {"sender": "tax:0000000000", "points": []}


def test_the_learned_document_names_its_memories_in_its_provenance(
    client: TestClient, taught: Taught
) -> None:
    body = client.get(f"/api/v1/documents/{taught.learned_id}").json()
    made = catalogue.BY_ID[GRID].make(700)
    for path, memory_id in taught.memory_ids.items():
        assert get_path(body["fields"], path) == get_path(made.fields, path)
        assert body["provenance"][path]["learned_from"] == memory_id
