"""Registers over a real database: approved contracts, CVs and letters are entered once,
numbered, published into their feeds, versioned on re-approval, and purged when due."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from extractors.record import Record, Source
from pipeline.jobs.processing import rule_book
from pipeline.ledger import registers
from pipeline.ledger.posting import approve
from pipeline.ledger.registers import Register, register_feed, rows_between
from pipeline.review import checking, documents
from pipeline.review.approval import TypeNotChosen
from pipeline.review.changes import reopen
from pipeline.review.checking import AUTO_APPROVER
from pipeline.review.documents import get_document
from pipeline.store.db import transaction
from pipeline.store.models import (
    AuditEvent,
    CandidateRegisterRow,
    ContractRegisterRow,
    CorrespondenceRegisterRow,
    Document,
    DocumentStatus,
)
from pipeline.store.settings import Settings
from tests.support.documents import add_document
from tests.support.registers import CONTRACT, CV, REVIEWER, add, approve_one, letter
from tests.support.signin import add_token, api


def feed_of(sessions: sessionmaker[Session], register: Register) -> list[tuple[int, int]]:
    """(position, row id) of every row published into the register's feed."""
    with sessions() as session:
        return [(position, row.id) for position, row in register_feed(session, register=register)]


def test_an_approved_contract_is_registered_with_its_parties_dates_and_reminder(
    sessions: sessionmaker[Session],
) -> None:
    document_id = add(sessions, "hd", "contract", CONTRACT)
    approve_one(sessions, document_id)
    with sessions() as session:
        [(position, row)] = register_feed(session, register=Register.CONTRACTS)
        assert isinstance(row, ContractRegisterRow)
        assert position == 1
        assert (row.document_id, row.version, row.supersedes_id) == (document_id, 1, None)
        assert (row.contract_number, row.title) == ("15/2026/HĐMB", "HỢP ĐỒNG MUA BÁN HÀNG HÓA")
        assert [(p["name"], p["tax_id"]) for p in row.parties] == [
            ("Công ty CP An Bình", "0312345678"),
            ("Công ty TNHH Minh Phát", "0101243150"),
        ]
        assert (row.value, row.currency, row.auto_renewal) == (250000000, "VND", True)
        assert (row.signing_date, row.effective_date, row.expiry_date) == (
            date(2026, 3, 1),
            date(2026, 3, 5),
            date(2027, 3, 4),
        )
        # the default lead time: 30 days before expiry
        assert row.reminder_date == date(2027, 2, 2)
        assert row.registered_by == REVIEWER
        document = get_document(session, document_id=document_id)
        # an approved contract stays approved (posted is an invoice's entry)
        assert document.status is DocumentStatus.APPROVED
        assert [event.kind for event in document.events] == ["approved", "registered"]
        assert document.events[-1].data == {"register": "contracts", "row_id": row.id, "version": 1}


def test_contracts_expiring_soon_are_listed_soonest_first(sessions: sessionmaker[Session]) -> None:
    for name, expiry in (("late", "2026-12-31"), ("soon", "2026-05-10"), ("gone", "2026-04-01")):
        approve_one(sessions, add(sessions, name, "contract", CONTRACT | {"expiry_date": expiry}))
    approve_one(sessions, add(sessions, "open", "contract", CONTRACT | {"expiry_date": None}))
    with sessions() as session:
        soon = registers.expiring_contracts(session, today=date(2026, 4, 20), within_days=30)
        assert [row.expiry_date for _, row in soon] == [date(2026, 5, 10)]
        year = registers.expiring_contracts(session, today=date(2026, 4, 1), within_days=365)
        assert [row.expiry_date for _, row in year] == [
            date(2026, 4, 1),
            date(2026, 5, 10),
            date(2026, 12, 31),
        ]


def test_a_contract_reopened_and_rejected_is_no_longer_in_force(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    """The register holds approved documents: a reopened one gets a withdrawn version that
    pulling systems receive, and leaves the exports and the expiry reminders."""
    document_id = add(sessions, "hd", "contract", CONTRACT | {"expiry_date": "2026-05-10"})
    approve_one(sessions, document_id)
    with transaction(sessions) as session:
        document = get_document(session, document_id=document_id)
        reopen(
            session,
            document=document,
            version=document.version,
            reason="not signed",
            rules=rule_book(settings).current(),
            actor=REVIEWER,
        )
        documents.reject(session, document_id=document_id, actor=REVIEWER, reason="not signed")
    with sessions() as session:
        feed = [
            (row.version, row.withdrawn)
            for _, row in register_feed(session, register=Register.CONTRACTS)
        ]
        assert feed == [(1, False), (2, True)]
        everything = (date(2000, 1, 1), date(2100, 1, 1))
        assert (
            rows_between(
                session, register=Register.CONTRACTS, start=everything[0], end=everything[1]
            )
            == []
        )
        assert registers.expiring_contracts(session, today=date(2026, 4, 20), within_days=30) == []


def test_an_approved_cv_enters_the_candidate_register_with_no_national_id(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    document_id = add(sessions, "cv", "cv", CV)
    approve_one(sessions, document_id)
    with sessions() as session:
        [(position, row)] = register_feed(session, register=Register.CANDIDATES)
        assert isinstance(row, CandidateRegisterRow)
        assert (position, row.document_id, row.version) == (1, document_id, 1)
        assert (row.full_name, row.email, row.phone) == (
            "Nguyễn Thị Lan",
            "lan.nguyen@example.vn",
            "+84912345678",
        )
        assert (row.skills, row.languages, row.years_of_experience) == (
            ["Python", "SQL"],
            ["Tiếng Việt", "English"],
            9.5,
        )
        # the current job
        assert (row.latest_title, row.latest_employer) == ("Trưởng nhóm", "VNG")
        assert row.retain_until == row.registered_on + timedelta(days=180)
        columns = [column.name for column in CandidateRegisterRow.__table__.columns]
        assert not any("national" in name for name in columns)

    # A record carrying an ID number in clear would break the record contract: refused.
    leaked = add(sessions, "cv2", "cv", CV | {"national_id": "001094012345"})
    with pytest.raises(registers.NotRegistrable, match="national_id"):
        approve_one(sessions, leaked)
    with sessions() as session:
        assert get_document(session, document_id=leaked).status is DocumentStatus.REVIEW
        assert session.scalar(select(func.count(CandidateRegisterRow.id))) == 1


def test_the_purge_blanks_personal_data_past_retention_and_audits_it(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    kept = add(sessions, "kept", "cv", CV | {"full_name": "Trần Văn Minh"})
    expired = add(sessions, "old", "cv", CV)
    with transaction(sessions) as session:
        registers.register_approved(
            session,
            document=get_document(session, document_id=expired),
            actor=REVIEWER,
            settings=settings.model_copy(update={"candidate_retention_days": 30}),
        )
    approve_one(sessions, kept)
    with sessions() as session:
        registered_on = session.scalars(select(CandidateRegisterRow.registered_on)).first()
    assert registered_on is not None

    with transaction(sessions) as session:
        # the last day of retention: nothing yet
        today = registered_on + timedelta(days=30)
        assert registers.purge_expired_candidates(session, today=today) == 0
    with transaction(sessions) as session:
        assert registers.purge_expired_candidates(session, today=today + timedelta(days=1)) == 1
    with transaction(sessions) as session:
        assert registers.purge_expired_candidates(session, today=today + timedelta(days=1)) == 0

    with sessions() as session:
        rows = {row.document_id: row for row in session.scalars(select(CandidateRegisterRow))}
        gone, still = rows[expired], rows[kept]
        assert (gone.full_name, gone.email, gone.phone, gone.location) == (None,) * 4
        assert (gone.date_of_birth, gone.latest_employer) == (None, None)
        assert gone.anonymised_at is not None
        # what is left says nothing about who the candidate was
        assert gone.skills == ["Python", "SQL"]
        assert (still.full_name, still.anonymised_at) == ("Trần Văn Minh", None)
        [event] = session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "candidate_anonymised")
        ).all()
        assert (event.document_id, event.actor) == (expired, "retention")
        assert event.data == {"register": "candidates", "row_ids": [gone.id]}
        assert "Nguyễn" not in str(event.data)


def test_letters_are_numbered_from_one_in_the_year_they_arrived(
    sessions: sessionmaker[Session],
) -> None:
    arrivals = [
        # 23:30 on 31 December in UTC is 1 January in Vietnam
        datetime(2025, 12, 31, 23, 30, tzinfo=UTC),
        datetime(2025, 12, 30, 9, tzinfo=UTC),
        datetime(2026, 1, 2, 9, tzinfo=UTC),
    ]
    for index, arrived in enumerate(arrivals):
        approve_one(
            sessions, add(sessions, f"cv{index}", "dispatch", letter(index), received_at=arrived)
        )
    with sessions() as session:
        rows = [row for _, row in register_feed(session, register=Register.CORRESPONDENCE)]
    assert [
        (row.year, row.arrival_number, row.arrival_date)  # type: ignore[attr-defined]
        for row in rows
    ] == [
        (2026, 1, date(2026, 1, 1)),
        (2025, 1, date(2025, 12, 30)),
        (2026, 2, date(2026, 1, 2)),
    ]
    row = rows[0]
    assert isinstance(row, CorrespondenceRegisterRow)
    assert (row.issuer, row.dispatch_number, row.issue_date) == (
        "Cục Thuế TP Hà Nội",
        "0/CV-TCKT",
        date(2026, 2, 10),
    )
    assert (row.subject, row.urgency, row.reply_deadline, row.handling_unit) == (
        "Hướng dẫn quyết toán thuế TNCN năm 2025",
        "khẩn",
        date(2026, 3, 15),
        None,
    )


def test_concurrent_approvals_number_letters_without_gaps_or_repeats(
    sessions: sessionmaker[Session],
) -> None:
    per_year = 24
    letters = [
        add(
            sessions,
            f"l{year}-{n:03d}-",
            "dispatch",
            letter(n),
            received_at=datetime(year, 6, 1, 3, tzinfo=UTC),
        )
        for n in range(per_year)
        for year in (2025, 2026)
    ]
    reviewers = 8
    queue = list(letters)
    lock = threading.Lock()
    start = threading.Barrier(reviewers)
    failures: list[BaseException] = []

    def review() -> None:
        try:
            start.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    document_id = queue.pop()
                approve_one(sessions, document_id)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    # A system pulling the feed all the while, as it would in production.
    pulled: list[tuple[int, int]] = []
    done = threading.Event()

    def pull() -> None:
        try:
            cursor = None
            while True:
                finished = done.is_set()
                with sessions() as session:
                    page = register_feed(session, register=Register.CORRESPONDENCE, after=cursor)
                pulled.extend((position, row.id) for position, row in page)
                cursor = pulled[-1][0] if pulled else None
                if finished and not page:
                    return
                time.sleep(0.02)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    poller = threading.Thread(target=pull)
    poller.start()
    threads = [threading.Thread(target=review) for _ in range(reviewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    poller.join()
    assert failures == []

    with sessions() as session:
        rows = session.scalars(select(CorrespondenceRegisterRow)).all()
        for year in (2025, 2026):
            numbers = sorted(row.arrival_number for row in rows if row.year == year)
            assert numbers == list(range(1, per_year + 1)), year
        assert sorted(row.document_id for row in rows) == sorted(letters)
        feed = register_feed(session, register=Register.CORRESPONDENCE, limit=1000)
    assert [position for position, _ in feed] == list(range(1, 2 * per_year + 1))
    # the poller took every row exactly once, in order, though it read while they committed
    assert pulled == [(position, row.id) for position, row in feed]
    # one approval at a time from number to commit: each year's numbers follow the feed
    for year in (2025, 2026):
        in_feed = [row.arrival_number for _, row in feed if row.year == year]  # type: ignore[attr-defined]
        assert in_feed == list(range(1, per_year + 1))


def test_an_approval_rolled_back_gives_its_arrival_number_back(
    sessions: sessionmaker[Session],
) -> None:
    first = add(sessions, "a", "dispatch", letter(1))
    second = add(sessions, "b", "dispatch", letter(2))
    with pytest.raises(RuntimeError, match="power cut"), transaction(sessions) as session:
        approve(session, document_id=first, actor=REVIEWER)
        raise RuntimeError("power cut")
    approve_one(sessions, second)
    with sessions() as session:
        [(position, row)] = register_feed(session, register=Register.CORRESPONDENCE)
    assert (position, row.document_id, row.arrival_number) == (1, second, 1)  # type: ignore[attr-defined]


def test_reopening_and_approving_again_appends_a_version_that_keeps_the_number(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    rules = rule_book(settings).current()
    first = add(sessions, "a", "dispatch", letter(1))
    second = add(sessions, "b", "dispatch", letter(2))
    approve_one(sessions, first)
    approve_one(sessions, second)
    with transaction(sessions) as session:
        document = get_document(session, document_id=first)
        reopen(
            session,
            document=document,
            version=document.version,
            reason="wrong subject",
            rules=rules,
            actor=REVIEWER,
        )
        record = dict(document.record or {})
        record["fields"] = letter(1) | {"subject": "Quyết toán thuế TNCN năm 2025"}
        document.record = record
    with transaction(sessions) as session:
        registers.assign_handling_unit(
            session, document_id=second, handling_unit="Phòng Kế toán", actor=REVIEWER
        )
    approve_one(sessions, first)
    third = add(sessions, "c", "dispatch", letter(3))
    approve_one(sessions, third)

    with sessions() as session:
        feed = [
            (position, row.document_id, row.version, row.arrival_number)  # type: ignore[attr-defined]
            for position, row in register_feed(session, register=Register.CORRESPONDENCE)
        ]
        assert feed == [
            (1, first, 1, 1),
            (2, second, 1, 2),
            (3, first, 2, 1),  # reopened: withdrawn, its number kept
            (4, second, 2, 2),  # handed to a unit
            (5, first, 3, 1),  # approved again: the same letter, the same number
            (6, third, 1, 3),
        ]
        withdrawn = [
            row.withdrawn
            for _, row in register_feed(session, register=Register.CORRESPONDENCE)
            if row.document_id == first
        ]
        assert withdrawn == [False, True, False]
        in_force = rows_between(
            session,
            register=Register.CORRESPONDENCE,
            start=date(2000, 1, 1),
            end=date(2100, 1, 1),
        )
        assert [
            (row.arrival_number, row.version, row.subject, row.handling_unit)  # type: ignore[attr-defined]
            for row in in_force
        ] == [
            (1, 3, "Quyết toán thuế TNCN năm 2025", None),
            (2, 2, "Hướng dẫn quyết toán thuế TNCN năm 2025", "Phòng Kế toán"),
            (3, 1, "Hướng dẫn quyết toán thuế TNCN năm 2025", None),
        ]
        superseded = session.get_one(CorrespondenceRegisterRow, in_force[0].supersedes_id)
        assert (superseded.document_id, superseded.version) == (first, 2)
        history = [event.kind for event in get_document(session, document_id=first).events]
        assert history == [
            "approved",
            "registered",
            "withdrawn",
            "reopened",
            "approved",
            "registered",
        ]
        handed = get_document(session, document_id=second).events[-1]
        assert handed.kind == "handling_unit_assigned"
        assert handed.data["handling_unit"] == {"old": None, "new": "Phòng Kế toán"}


def test_reapproving_a_contract_or_cv_keeps_its_register_day(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    rules = rule_book(settings).current()
    for doc_type, fields, register in (
        ("contract", CONTRACT, Register.CONTRACTS),
        ("cv", CV, Register.CANDIDATES),
    ):
        document_id = add(sessions, doc_type, doc_type, fields)
        approve_one(sessions, document_id)
        with transaction(sessions) as session:
            document = get_document(session, document_id=document_id)
            reopen(
                session,
                document=document,
                version=document.version,
                reason=None,
                rules=rules,
                actor=REVIEWER,
            )
        approve_one(sessions, document_id)
        with sessions() as session:
            (_, first), (_, withdrawn), (_, second) = register_feed(session, register=register)
            assert (first.version, withdrawn.version, second.version) == (1, 2, 3)
            assert (withdrawn.withdrawn, second.withdrawn) == (True, False)
            assert second.supersedes_id == withdrawn.id
            assert second.registered_on == first.registered_on  # type: ignore[attr-defined]


def test_invoices_and_unknown_documents_have_no_register(sessions: sessionmaker[Session]) -> None:
    approve_one(sessions, add_document(sessions, name="hd"))
    # An unknown document is not even approved until a reviewer chooses its type.
    with pytest.raises(TypeNotChosen):
        approve_one(sessions, add(sessions, "x", "unknown", {}))
    with sessions() as session:
        for register in Register:
            assert register_feed(session, register=register) == []


def test_systems_pull_each_register_by_position_a_page_at_a_time(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    letters = [add(sessions, f"l{n}-", "dispatch", letter(n)) for n in range(5)]
    for document_id in letters:
        approve_one(sessions, document_id)
    approve_one(sessions, add(sessions, "hd", "contract", CONTRACT))
    approve_one(sessions, add(sessions, "cv", "cv", CV))
    with api(settings) as client:
        reader = {"Authorization": f"Bearer {add_token(sessions, 'van-thu', 'accountant')}"}
        url = "/api/v1/registers/correspondence"
        first = client.get(url, params={"limit": 2}, headers=reader).json()
        assert [item["position"] for item in first["items"]] == [1, 2]
        assert first["next_cursor"] == "2"
        rest = client.get(url, params={"after": 2, "limit": 2}, headers=reader).json()
        last = client.get(url, params={"after": 4, "limit": 2}, headers=reader).json()
        items = first["items"] + rest["items"] + last["items"]
        assert [(item["position"], item["arrival_number"]) for item in items] == [
            (n, n) for n in range(1, 6)
        ]
        assert last["next_cursor"] is None
        assert items[0] | {"id": 0, "registered_at": ""} == {
            "id": 0,
            "position": 1,
            "document_id": letters[0],
            "version": 1,
            "supersedes_id": None,
            "registered_at": "",
            "registered_by": REVIEWER,
            "withdrawn": False,
            "year": int(items[0]["arrival_date"][:4]),
            "arrival_number": 1,
            "arrival_date": items[0]["arrival_date"],
            "issuer": "Cục Thuế TP Hà Nội",
            "dispatch_number": "0/CV-TCKT",
            "issue_date": "2026-02-10",
            "subject": "Hướng dẫn quyết toán thuế TNCN năm 2025",
            "urgency": "khẩn",
            "handling_unit": None,
            "reply_deadline": "2026-03-15",
        }

        [contract] = client.get("/api/v1/registers/contracts", headers=reader).json()["items"]
        assert (contract["value"], contract["reminder_date"]) == ("250000000", "2027-02-02")
        assert contract["parties"][1] == {
            "role": "party_b",
            "name": "Công ty TNHH Minh Phát",
            "tax_id": "0101243150",
        }
        [candidate] = client.get("/api/v1/registers/candidates", headers=reader).json()["items"]
        assert (candidate["full_name"], candidate["anonymised_at"]) == ("Nguyễn Thị Lan", None)
        expiring = client.get(
            "/api/v1/registers/contracts/expiring", params={"within_days": 3660}, headers=reader
        ).json()
        assert [item["contract_number"] for item in expiring["items"]] == ["15/2026/HĐMB"]

        reviewer = {"Authorization": f"Bearer {add_token(sessions, 'rita', 'reviewer')}"}
        handed = f"{url}/{letters[1]}/handling-unit"
        body = {"handling_unit": "Phòng Kế toán"}
        first_put = client.put(handed, json=body, headers=reviewer)
        assert first_put.status_code == 200, first_put.text
        assert first_put.json()["position"] == 6
        assert (first_put.json()["version"], first_put.json()["arrival_number"]) == (2, 2)
        # the same unit again changes nothing: no new version, no new position
        again = client.put(handed, json=body, headers=reviewer).json()
        assert (again["position"], again["version"]) == (6, 2)
        newest = client.get(url, params={"after": 5}, headers=reader).json()["items"]
        assert [(item["document_id"], item["handling_unit"]) for item in newest] == [
            (letters[1], "Phòng Kế toán")
        ]
        missing = client.put(f"{url}/999999/handling-unit", json=body, headers=reviewer)
        assert missing.status_code == 404


def test_a_system_acknowledges_register_rows_and_sees_only_what_it_has_not_taken(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    for n in range(3):
        approve_one(sessions, add(sessions, f"l{n}-", "dispatch", letter(n)))
    approve_one(sessions, add(sessions, "hd", "contract", CONTRACT))
    with api(settings) as client:
        erp = {"Authorization": f"Bearer {add_token(sessions, 'erp', 'accountant')}"}
        hr = {"Authorization": f"Bearer {add_token(sessions, 'hr', 'accountant')}"}
        url = "/api/v1/registers/correspondence"
        taken = client.post(f"{url}/ack", json={"positions": [1, 2]}, headers=erp)
        assert taken.status_code == 200, taken.text
        assert taken.json() == {"acknowledged": [1, 2], "new": [1, 2], "pending": 1}
        # a repeat after a crash changes nothing
        again = client.post(f"{url}/ack", json={"positions": [1, 2]}, headers=erp).json()
        assert (again["new"], again["pending"]) == ([], 1)
        left = client.get(url, params={"unacked": "true"}, headers=erp).json()["items"]
        assert [item["position"] for item in left] == [3]
        # each system has its own acknowledgements, and each register its own feed
        others = client.get(url, params={"unacked": "true"}, headers=hr).json()["items"]
        assert [item["position"] for item in others] == [1, 2, 3]
        contracts = client.get(
            "/api/v1/registers/contracts", params={"unacked": "true"}, headers=erp
        ).json()["items"]
        assert [item["position"] for item in contracts] == [1]
        unknown = client.post(f"{url}/ack", json={"positions": [9]}, headers=erp)
        assert unknown.status_code == 422
        assert (
            client.post(
                "/api/v1/registers/nothing/ack", json={"positions": [1]}, headers=erp
            ).status_code
            == 422
        )


def test_an_auto_approved_letter_is_registered_too(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    fields = {
        "dispatch_number": "125/CV-TCKT",
        "issuer": "CÔNG TY TNHH THƯƠNG MẠI MINH PHÁT",
        "issue_place": "Hà Nội",
        "issue_date": "2026-03-05",
        "subject": "quyết toán thuế năm 2025",
        "recipients": ["Cục Thuế thành phố Hà Nội"],
        "signer_name": "Trần Đức Dũng",
        "signer_title": "GIÁM ĐỐC",
        "cc": ["Như trên", "Lưu: VT"],
    }
    document_id = add_document(
        sessions, name="auto", doc_type="dispatch", fields={}, status=DocumentStatus.PROCESSING
    )
    record = Record(
        source=Source(filename="auto", sha256="auto".ljust(64, "0"), media_type="application/pdf"),
        doc_type="dispatch",
        fields=fields,
        confidence=dict.fromkeys(fields, 0.99),
    )
    auto = settings.model_copy(update={"auto_approve_types": frozenset({"dispatch"})})
    with transaction(sessions) as session:
        checking.settle(
            session,
            document=session.get_one(Document, document_id),
            record=record,
            rules=rule_book(auto).current(),
            settings=auto,
            actor="worker",
        )
    with sessions() as session:
        assert get_document(session, document_id=document_id).status is DocumentStatus.APPROVED
        [(position, row)] = register_feed(session, register=Register.CORRESPONDENCE)
        assert (position, row.document_id, row.registered_by) == (1, document_id, AUTO_APPROVER)
        assert row.arrival_number == 1  # type: ignore[attr-defined]
