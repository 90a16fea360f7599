"""Systems pulling posted entries over HTTP: exactly once, in commit order, while reviewers
approve in parallel."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger.posting import approve, entry_feed, post_invoice
from pipeline.lifecycle import transition
from pipeline.review.documents import get_document
from pipeline.store.db import transaction
from pipeline.store.models import AuditEvent, DocumentStatus, Job, JournalEntry
from pipeline.store.settings import Settings
from tests.support.documents import INVOICE_FIELDS, add_document, file_row
from tests.support.machine import ROOT
from tests.support.serving import serve
from tests.support.signin import add_token, api

# Slow: the app served for real, with reviewers approving in parallel.
pytestmark = pytest.mark.slow

README = ROOT / "README.md"
REVIEWERS = 8
INVOICES = 500
POLL_SECONDS = 0.05
# The series carries the year of issue (`C25TAA`).
LAST_YEAR = {"issue_date": "2025-11-05", "invoice_series": "C25TAA"}


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    with serve(settings) as url:
        yield url


def add_invoices(sessions: sessionmaker[Session], count: int) -> list[int]:
    """Invoices in review, each its own (a copy would fail the duplicate rule), issued in
    two years: each year has its own voucher counter, so entries of different years are not
    serialised by it and their ids can be handed out in another order than they commit."""
    ids = []
    with transaction(sessions) as session:
        for number in range(count):
            name = f"pull{number}-"
            fields = INVOICE_FIELDS | {
                "invoice_number": f"{number:07d}",
                **(LAST_YEAR if number % 2 else {}),
            }
            document = file_row(
                name,
                status=DocumentStatus.REVIEW,
                record={
                    "source": {
                        "filename": name,
                        "sha256": name.ljust(64, "0"),
                        "media_type": "application/pdf",
                    },
                    "doc_type": "invoice",
                    "language": "vi",
                    "fields": fields,
                },
            )
            session.add(document)
            session.flush()
            session.add(Job(document_id=document.id))
            ids.append(document.id)
    return ids


# The acceptance is on PostgreSQL; SQLite runs one writer at a time.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_poller_receives_every_entry_exactly_once_while_reviewers_approve(
    settings: Settings, sessions: sessionmaker[Session], server: str
) -> None:
    documents = add_invoices(sessions, INVOICES)
    reviewers = [add_token(sessions, f"reviewer{n}", "reviewer") for n in range(REVIEWERS)]
    accountant = add_token(sessions, "erp", "accountant")

    approvals_done = threading.Event()
    failures: list[str] = []
    received: list[dict[str, Any]] = []
    polls: list[list[dict[str, Any]]] = []

    def review(token: str, share: list[int]) -> None:
        with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}) as http:
            for document_id in share:
                # Each approval sent twice with its key, as by a client that lost the first
                # answer: the repeat gets that answer and posts nothing more.
                approve = f"/api/v1/documents/{document_id}/approve"
                key = {"Idempotency-Key": f"approve-{document_id}"}
                answer = http.post(approve, headers=key, timeout=60)
                if answer.status_code != 200 or answer.json()["status"] != "posted":
                    failures.append(f"{document_id}: {answer.status_code} {answer.text[:200]}")
                repeat = http.post(approve, headers=key, timeout=60)
                if (repeat.status_code, repeat.content) != (200, answer.content):
                    failures.append(f"{document_id} again: {repeat.status_code}")

    def poll() -> None:
        cursor: int | None = None
        with httpx.Client(
            base_url=server, headers={"Authorization": f"Bearer {accountant}"}
        ) as http:
            while True:
                done_before = approvals_done.is_set()
                params = {"limit": 100} | ({"after": cursor} if cursor is not None else {})
                answer = http.get("/api/v1/entries", params=params, timeout=60)
                if answer.status_code != 200:
                    failures.append(f"poll: {answer.status_code} {answer.text[:200]}")
                    return
                items = answer.json()["items"]
                if items:
                    polls.append(items)
                    received.extend(items)
                    cursor = items[-1]["position"]
                    taken = {"positions": [item["position"] for item in items]}
                    acked = http.post("/api/v1/entries/ack", json=taken, timeout=60)
                    if acked.status_code != 200:
                        failures.append(f"ack: {acked.status_code} {acked.text[:200]}")
                elif done_before:
                    return  # drained: nothing left once every approval had answered
                time.sleep(POLL_SECONDS)

    poller = threading.Thread(target=poll)
    workers = [
        threading.Thread(target=review, args=(token, documents[n::REVIEWERS]))
        for n, token in enumerate(reviewers)
    ]
    started = time.monotonic()
    poller.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    approvals_done.set()
    poller.join(timeout=60)
    elapsed = time.monotonic() - started

    assert failures == []
    assert not poller.is_alive()
    with sessions() as session:
        posted = set(session.scalars(select(JournalEntry.id)))
    ids = [item["id"] for item in received]
    assert len(posted) == INVOICES
    assert len(ids) == len(set(ids)) == INVOICES, "an entry came twice or not at all"
    assert set(ids) == posted
    assert [item["position"] for item in received] == list(range(1, INVOICES + 1))
    assert {item["document_id"] for item in received} == set(documents)
    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {accountant}"}) as http:
        left = http.get("/api/v1/entries", params={"unacked": "true"}).json()["items"]
    assert left == [], "every entry taken was acknowledged"
    # What a poller keeping the greatest id seen as its cursor would have missed: entries
    # that arrived after an entry with a greater id had already been taken.
    greatest, skipped_by_id = 0, 0
    for batch in polls:
        skipped_by_id += sum(1 for item in batch if item["id"] < greatest)
        greatest = max(greatest, *(item["id"] for item in batch))
    print(
        f"{INVOICES} approvals by {REVIEWERS} reviewers in {elapsed:.1f} s, {len(polls)} "
        f"non-empty polls; an id cursor would have skipped {skipped_by_id}"
    )


def post_directly(session: Session, document_id: int, *, actor: str) -> None:
    """Post an invoice without the approval around it (and its lock on the books)."""
    document = get_document(session, document_id=document_id)
    transition(session, document, "approved", actor=actor)
    post_invoice(session, document=document, actor=actor, posting_rule="document")


# SQLite runs one writer at a time: ids there always follow commit order.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_entry_committed_late_comes_after_the_cursor_not_behind_it(
    sessions: sessionmaker[Session],
) -> None:
    """The race a cursor over ids loses, made to happen: the slower entry gets the smaller id
    but commits last. Approvals queue on the books' lock (pipeline/ledger/periods.py) before
    they post, so they cannot race like this; the feed's positions keep the order right for
    any posting that does not, as two postings into months of two years (on their invoices'
    dates) lock nothing in common."""
    slow = add_document(sessions, name="slow", fields=INVOICE_FIELDS | LAST_YEAR)
    fast = add_document(sessions, name="fast", fields=INVOICE_FIELDS | {"invoice_number": "9"})
    inserted, resume = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def approve_slowly() -> None:
        try:
            with transaction(sessions) as session:

                @event.listens_for(session, "after_flush")
                def pause(flushing: Session, _context: Any) -> None:
                    entry_inserted = any(isinstance(row, JournalEntry) for row in flushing.new)
                    if entry_inserted and not inserted.is_set():
                        inserted.set()
                        assert resume.wait(30)

                post_directly(session, slow, actor="slow")
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    thread = threading.Thread(target=approve_slowly)
    thread.start()
    assert inserted.wait(30)
    with transaction(sessions) as session:
        post_directly(session, fast, actor="fast")
    with sessions() as session:
        first_poll = entry_feed(session)
    resume.set()
    thread.join(30)
    assert failures == []

    with sessions() as session:
        slow_entry, fast_entry = (
            session.scalars(
                select(JournalEntry).where(JournalEntry.document_id == doc).limit(1)
            ).one()
            for doc in (slow, fast)
        )
        assert slow_entry.id < fast_entry.id
        assert [entry.id for _, entry in first_poll] == [fast_entry.id]
        (position, _), *_ = first_poll
        # By position, the late entry comes next; by id it is behind the cursor for good.
        assert [entry.id for _, entry in entry_feed(session, after=position)] == [slow_entry.id]
        after_id = session.scalars(select(JournalEntry).where(JournalEntry.id > fast_entry.id))
        assert after_id.all() == []


def test_each_system_acknowledges_what_it_took_and_sees_what_it_has_not(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    invoices = [
        add_document(sessions, name=f"ack{n}", fields=INVOICE_FIELDS | {"invoice_number": f"{n}"})
        for n in range(3)
    ]
    erp, bi = (
        {"Authorization": f"Bearer {add_token(sessions, name, 'accountant')}"}
        for name in ("erp", "bi")
    )
    reviewer = {"Authorization": f"Bearer {add_token(sessions, 'rita', 'reviewer')}"}
    with api(settings) as client:
        for document_id in invoices:
            approved = client.post(f"/api/v1/documents/{document_id}/approve", headers=reviewer)
            assert approved.status_code == 200, approved.text
        entries = client.get("/api/v1/entries", headers=erp).json()["items"]
        assert [entry["position"] for entry in entries] == [1, 2, 3]

        # By position or by id; the answer says what is left.
        taken = {"positions": [1], "ids": [entries[1]["id"]]}
        acked = client.post("/api/v1/entries/ack", json=taken, headers=erp)
        assert acked.status_code == 200, acked.text
        assert acked.json() == {"acknowledged": [1, 2], "new": [1, 2], "pending": 1}
        # The same acknowledgement again (the answer was lost) changes nothing.
        again = client.post("/api/v1/entries/ack", json=taken, headers=erp)
        assert again.json() == {"acknowledged": [1, 2], "new": [], "pending": 1}

        def unacked(headers: dict[str, str]) -> list[int]:
            page = client.get("/api/v1/entries", params={"unacked": "true"}, headers=headers)
            return [entry["position"] for entry in page.json()["items"]]

        assert unacked(erp) == [3]
        assert unacked(bi) == [1, 2, 3]  # acknowledgements are each system's own

        # Something the feed does not hold is refused, and nothing of the request is kept.
        wrong = client.post("/api/v1/entries/ack", json={"positions": [3, 99]}, headers=erp)
        assert wrong.status_code == 422
        assert "position 99" in wrong.json()["detail"]
        assert (
            client.post("/api/v1/entries/ack", json={"ids": [10**6]}, headers=erp).status_code
            == 422
        )
        assert client.post("/api/v1/entries/ack", json={}, headers=erp).status_code == 422
        assert unacked(erp) == [3]

        # Reopening an invoice posts a reversing entry: new, unacknowledged; the
        # acknowledgement of the entry it reverses stays.
        document = client.get(f"/api/v1/documents/{invoices[0]}", headers=reviewer).json()
        reopened = client.post(
            f"/api/v1/documents/{invoices[0]}/reopen",
            json={"version": document["version"]},
            headers=reviewer,
        )
        assert reopened.status_code == 200, reopened.text
        assert unacked(erp) == [3, 4]
        client.post("/api/v1/entries/ack", json={"positions": [3, 4]}, headers=erp)
        assert unacked(erp) == []
        assert (
            client.post("/api/v1/entries/ack", json={"positions": [1]}, headers=erp).json()[
                "pending"
            ]
            == 0
        )
        # Acknowledging is no reviewer's business.
        assert client.post("/api/v1/entries/ack", json=taken, headers=reviewer).status_code == 403

    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "feed_acknowledged").order_by(AuditEvent.id)
        ).all()
    assert [(event.actor, event.data) for event in events] == [
        ("token:erp", {"stream": "entries", "positions": [1, 2]}),
        ("token:erp", {"stream": "entries", "positions": [3, 4]}),
    ]


def readme_poller() -> Callable[..., None]:
    """The `poll` function of the README's poller example, as a reader would copy it."""
    section = README.read_text(encoding="utf-8").split("### Pulling entries", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match is not None, "the README has no poller example"
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(match.group(1), str(README), "exec"), namespace)  # noqa: S102 - our own README
    poll: Callable[..., None] = namespace["poll"]
    return poll


def test_the_readme_poller_takes_every_entry_and_after_a_crash_gets_the_rest_again(
    settings: Settings, sessions: sessionmaker[Session], server: str
) -> None:
    poll = readme_poller()
    token = add_token(sessions, "erp", "accountant")

    def post(count: int, start: int) -> None:
        for number in range(start, start + count):
            fields = INVOICE_FIELDS | {"invoice_number": f"{number:07d}"}
            document_id = add_document(sessions, name=f"readme{number}-", fields=fields)
            with transaction(sessions) as session:
                approve(session, document_id=document_id, actor="rita")

    deliveries: dict[int, int] = {}

    def store(entry: dict[str, Any]) -> None:
        deliveries[entry["id"]] = deliveries.get(entry["id"], 0) + 1

    def crash_on_the_second(entry: dict[str, Any]) -> None:
        store(entry)
        if len(deliveries) == 5:
            raise RuntimeError("the system went down before acknowledging")

    with httpx.Client(base_url=server, headers={"Authorization": f"Bearer {token}"}) as http:
        post(3, start=0)
        poll(http, store, idle_seconds=POLL_SECONDS, stop_when_idle=True)
        assert len(deliveries) == 3 and set(deliveries.values()) == {1}

        post(2, start=3)
        with pytest.raises(RuntimeError, match="went down"):
            poll(http, crash_on_the_second, idle_seconds=POLL_SECONDS, stop_when_idle=True)
        # Started again with no cursor: what was stored but not acknowledged comes again,
        # what was acknowledged does not.
        poll(http, store, idle_seconds=POLL_SECONDS, stop_when_idle=True)
        unacked = http.get("/api/v1/entries", params={"unacked": "true"}).json()["items"]

    with sessions() as session:
        posted = set(session.scalars(select(JournalEntry.id)))
    assert set(deliveries) == posted and len(posted) == 5
    assert sorted(deliveries.values()) == [1, 1, 1, 2, 2]
    assert unacked == []
