"""Posting over a real database: numbered entries, reversal on reopening, immutability."""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.ledger.account_mapping import load_account_mapping
from pipeline.ledger.feed import publish
from pipeline.ledger.periods import PostingRule
from pipeline.ledger.posting import (
    NotPostable,
    approve,
    entry_feed,
    list_entries,
    live_entry,
    next_voucher_number,
    reverse_posted,
)
from pipeline.lifecycle import InvalidTransition
from pipeline.review.documents import get_document
from pipeline.store.db import make_engine, transaction
from pipeline.store.migrate import upgrade
from pipeline.store.models import DocumentStatus, FeedStream, JournalEntry, JournalLine
from rules.functions import business_today
from tests.support.documents import INVOICE_FIELDS, add_document
from tests.support.machine import BOTH_DATABASES

ACCOUNTANT = "ke-toan@example.vn"


def post(
    sessions: sessionmaker[Session], document_id: int, *, rule: PostingRule | None = None
) -> None:
    with transaction(sessions) as session:
        approve(session, document_id=document_id, actor=ACCOUNTANT, posting_rule=rule)


def this_year() -> int:
    return business_today().year


def entries(sessions: sessionmaker[Session]) -> list[JournalEntry]:
    with sessions() as session:
        return list(list_entries(session))


def amounts(entry: JournalEntry) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (line.account, line.debit, line.credit, line.debit_vnd, line.credit_vnd)
        for line in entry.lines
    ]


def test_an_approved_invoice_is_posted_on_the_approval_day_and_keeps_its_own_date(
    sessions: sessionmaker[Session],
) -> None:
    first = add_document(sessions, name="a")
    second = add_document(sessions, name="b", fields=INVOICE_FIELDS | {"invoice_number": "124"})
    post(sessions, first, rule="approval")
    post(sessions, second, rule="approval")

    posted = entries(sessions)
    year = this_year()
    assert [entry.voucher_number for entry in posted] == [f"PN{year}/000001", f"PN{year}/000002"]
    entry = posted[0]
    assert (entry.document_id, entry.entry_date, entry.document_date, entry.currency) == (
        first,
        business_today(),
        date(2026, 3, 5),
        "VND",
    )
    assert entry.exchange_rate == 1
    assert (entry.invoice_form, entry.invoice_series, entry.invoice_number) == (
        "1",
        "C26TAA",
        "0000123",
    )
    assert amounts(entry) == [
        ("642", 1000000, 0, 1000000, 0),
        ("1331", 80000, 0, 80000, 0),
        ("331", 0, 1080000, 0, 1080000),
    ]
    assert entry.lines[-1].counterparty_tax_id == "0101243150"


def test_each_posting_year_numbers_its_vouchers_from_one(sessions: sessionmaker[Session]) -> None:
    # Posted on the invoices' own dates (their months open): the voucher follows that year.
    for name, day in (("a", "2025-12-31"), ("b", "2026-01-02"), ("c", "2025-12-30")):
        post(
            sessions,
            add_document(sessions, name=name, fields=INVOICE_FIELDS | {"issue_date": day}),
            rule="document",
        )
    assert [entry.voucher_number for entry in entries(sessions)] == [
        "PN2025/000001",
        "PN2026/000001",
        "PN2025/000002",
    ]


def test_a_foreign_invoice_is_posted_in_its_currency_and_in_vnd(
    sessions: sessionmaker[Session],
) -> None:
    fields = INVOICE_FIELDS | {
        "currency": "USD",
        "exchange_rate": "25400",
        "subtotal": "100.50",
        "vat_amount": "8.04",
        "total": "108.54",
    }
    post(sessions, add_document(sessions, name="usd", fields=fields))
    (entry,) = entries(sessions)
    assert (entry.currency, entry.exchange_rate) == ("USD", Decimal("25400"))
    assert amounts(entry) == [
        ("642", Decimal("100.50"), 0, 2552700, 0),
        ("1331", Decimal("8.04"), 0, 204216, 0),
        ("331", 0, Decimal("108.54"), 0, 2756916),
    ]


def test_a_foreign_invoice_without_a_rate_anywhere_is_not_posted_and_says_why(
    sessions: sessionmaker[Session],
) -> None:
    # Neither printed nor in the rate table (tests/pipeline/ledger/test_rates.py has both).
    document_id = add_document(sessions, name="usd", fields=INVOICE_FIELDS | {"currency": "USD"})
    with pytest.raises(
        NotPostable, match="prints no exchange rate, and the rate table has no sell rate of USD"
    ):
        post(sessions, document_id)
    with sessions() as session:
        assert get_document(session, document_id=document_id).status is DocumentStatus.REVIEW
    assert entries(sessions) == []


def test_reopening_reverses_the_entry_and_approving_again_posts_a_new_one(
    sessions: sessionmaker[Session],
) -> None:
    document_id = add_document(sessions, name="hd")
    post(sessions, document_id)

    with transaction(sessions) as session:
        reversal = reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
        reversal_id = reversal.id
    with transaction(sessions) as session:
        document = get_document(session, document_id=document_id)
        assert document.status is DocumentStatus.REVIEW
        assert live_entry(session, document_id=document_id) is None
        # the reviewer corrects the invoice: the subtotal was misread
        record = dict(document.record or {})
        record["fields"] = INVOICE_FIELDS | {
            "subtotal": "2000000",
            "vat_amount": "160000",
            "total": "2160000",
        }
        document.record = record
    post(sessions, document_id)

    original, reversing, new = entries(sessions)
    assert reversing.id == reversal_id
    assert reversing.reverses_id == original.id
    year = this_year()
    assert (reversing.voucher_number, new.voucher_number) == (
        f"PN{year}/000002",
        f"PN{year}/000003",
    )
    assert reversing.entry_date == original.entry_date  # its month is open
    assert reversing.document_date == original.document_date == date(2026, 3, 5)
    assert amounts(reversing) == [
        (account, credit, debit, credit_vnd, debit_vnd)
        for account, debit, credit, debit_vnd, credit_vnd in amounts(original)
    ]
    assert reversing.memo.startswith(f"Reversal of PN{year}/000001")

    def net(*posted: JournalEntry) -> dict[str, tuple[Decimal, Decimal]]:
        balance: dict[str, tuple[Decimal, Decimal]] = defaultdict(lambda: (Decimal(0), Decimal(0)))
        for entry in posted:
            for line in entry.lines:
                amount, vnd = balance[line.account]
                balance[line.account] = (
                    amount + line.debit - line.credit,
                    vnd + line.debit_vnd - line.credit_vnd,
                )
        return {account: value for account, value in balance.items() if any(value)}

    assert (
        net(original, reversing, new)
        == net(new)
        == {
            "642": (2000000, 2000000),
            "1331": (160000, 160000),
            "331": (-2160000, -2160000),
        }
    )
    with sessions() as session:
        assert live_entry(session, document_id=document_id).id == new.id  # type: ignore[union-attr]
        history = get_document(session, document_id=document_id).events
        assert [event.kind for event in history] == [
            "approved",
            "posted",
            "reversed",
            "approved",
            "posted",
        ]
        assert history[2].data["reverses_id"] == original.id


def test_only_a_posted_invoice_is_reversed_and_only_once(sessions: sessionmaker[Session]) -> None:
    document_id = add_document(sessions, name="hd")
    with pytest.raises(InvalidTransition, match="cannot reopen"), transaction(sessions) as session:
        reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
    post(sessions, document_id)
    with transaction(sessions) as session:
        reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
    with pytest.raises(InvalidTransition, match="cannot reopen"), transaction(sessions) as session:
        reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
    assert len(entries(sessions)) == 2


def test_a_posted_entry_cannot_be_changed_or_deleted(sessions: sessionmaker[Session]) -> None:
    post(sessions, add_document(sessions, name="hd"))
    with pytest.raises(DBAPIError, match="never changed"), transaction(sessions) as session:
        line = session.scalars(select(JournalLine)).first()
        assert line is not None
        line.debit = Decimal(1)
    with pytest.raises(DBAPIError, match="never changed"), transaction(sessions) as session:
        session.execute(delete(JournalLine))
    with pytest.raises(DBAPIError, match="never changed"), transaction(sessions) as session:
        entry = session.scalars(select(JournalEntry)).one()
        entry.memo = "edited"
    (entry,) = entries(sessions)
    assert entry.memo.startswith("Invoice") and entry.lines[0].debit == 1000000


def test_a_posting_rolled_back_gives_its_voucher_number_back(
    sessions: sessionmaker[Session],
) -> None:
    first = add_document(sessions, name="a")
    second = add_document(sessions, name="b", fields=INVOICE_FIELDS | {"invoice_number": "124"})
    with pytest.raises(RuntimeError, match="power cut"), transaction(sessions) as session:
        approve(session, document_id=first, actor=ACCOUNTANT)
        raise RuntimeError("power cut")
    post(sessions, second)
    assert [entry.voucher_number for entry in entries(sessions)] == [f"PN{this_year()}/000001"]
    with sessions() as session:
        # nor is the feed left with a hole a poller would wait on forever
        assert [position for position, _ in entry_feed(session)] == [1]


def test_concurrent_postings_take_consecutive_numbers(sessions: sessionmaker[Session]) -> None:
    count = 6
    documents = [
        add_document(sessions, name=f"hd{i}", fields=INVOICE_FIELDS | {"invoice_number": f"{i}"})
        for i in range(count)
    ]
    start = threading.Barrier(count)
    failures: list[BaseException] = []

    def approve_one(document_id: int) -> None:
        try:
            start.wait()
            post(sessions, document_id)
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    threads = [threading.Thread(target=approve_one, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    numbers = sorted(entry.voucher_number for entry in entries(sessions))
    assert numbers == [f"PN{this_year()}/{n:06d}" for n in range(1, count + 1)]
    with sessions() as session:
        feed = entry_feed(session)
    assert [position for position, _ in feed] == list(range(1, count + 1))
    # one lock orders both sequences: the feed follows the voucher numbers' commit order
    assert [entry.voucher_number for _, entry in feed] == numbers


def test_the_company_mapping_decides_the_accounts(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    overlay = tmp_path / "mapping.yaml"
    overlay.write_text("chart: c133\n", encoding="utf-8")
    document_id = add_document(sessions, name="hd")
    with transaction(sessions) as session:
        approve(
            session,
            document_id=document_id,
            actor=ACCOUNTANT,
            mapping=load_account_mapping(overlay),
        )
    (entry,) = entries(sessions)
    assert [line.account for line in entry.lines] == ["6422", "1331", "331"]


@pytest.fixture(params=BOTH_DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.db'}"
    return str(request.getfixturevalue("empty_pg_database"))


def test_entries_posted_before_the_upgrade_are_numbered_and_kept_in_vnd(
    empty_database_url: str,
) -> None:
    upgrade(empty_database_url, "0004")
    engine = make_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO documents (id, sha256, filename, relative_path, size, media_type, "
                "received_at, archive_path, status, version, updated_at, review_priority) "
                "VALUES (1, 'x', 'hd.pdf', 'hd.pdf', 1, 'application/pdf', :at, 'a', 'posted', "
                "1, :at, 0)"
            ),
            {"at": datetime(2026, 1, 1, tzinfo=UTC)},
        )
        for entry_id, currency, posted_at in (
            (1, "VND", datetime(2025, 12, 31, 18, tzinfo=UTC)),  # 1 January in Vietnam
            (2, "USD", datetime(2026, 2, 1, 10, tzinfo=UTC)),
        ):
            connection.execute(
                text(
                    "INSERT INTO journal_entries (id, document_id, posted_at, currency, memo) "
                    "VALUES (:id, 1, :at, :currency, 'old')"
                ),
                {"id": entry_id, "at": posted_at, "currency": currency},
            )
            connection.execute(
                text(
                    "INSERT INTO journal_lines (entry_id, account, debit, credit, description) "
                    "VALUES (:id, '642', 100, 0, ''), (:id, '331', 0, 100, '')"
                ),
                {"id": entry_id},
            )
    upgrade(empty_database_url)
    with Session(engine) as session:
        old_vnd, old_usd = session.scalars(select(JournalEntry).order_by(JournalEntry.id)).all()
        assert (old_vnd.voucher_number, old_vnd.entry_date) == ("PN2026/000001", date(2026, 1, 1))
        assert [(line.debit_vnd, line.credit_vnd) for line in old_vnd.lines] == [(100, 0), (0, 100)]
        # converted at no known rate: its VND amounts stay unknown (0), not guessed
        assert (old_usd.voucher_number, old_usd.exchange_rate) == ("PN2026/000002", None)
        assert next_voucher_number(session, year=2026) == "PN2026/000003"
        session.rollback()
        assert [(p, e.id) for p, e in entry_feed(session)] == [(1, 1), (2, 2)]
        assert publish(session, stream=FeedStream.ENTRIES, item_id=99) == 3
        session.rollback()
    engine.dispose()
