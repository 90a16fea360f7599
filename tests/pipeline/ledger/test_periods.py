"""Posting dates and closed months, over a real database (both engines): an invoice dated in
a year whose books are closed posts on the approval day in the open period, numbered in that
year, with its own date kept; nothing posts or reverses into a closed month."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from pipeline.commands import app as cli
from pipeline.ledger.export_options import DateBasis
from pipeline.ledger.exports import entries_between
from pipeline.ledger.periods import Month, PeriodClosed, PostingRule, close_month, reopen_month
from pipeline.ledger.posting import approve, list_entries, reverse_posted
from pipeline.review.documents import get_document
from pipeline.store.db import transaction
from pipeline.store.models import AuditEvent, DocumentStatus, JournalEntry
from pipeline.store.settings import Settings, get_settings
from rules.functions import business_today
from tests.support.documents import INVOICE_FIELDS, add_document

ACCOUNTANT = "ke-toan@example.vn"
ADMIN = "admin@example.vn"


def invoice(sessions: sessionmaker[Session], name: str, day: str) -> int:
    return add_document(
        sessions, name=name, fields=INVOICE_FIELDS | {"invoice_number": name, "issue_date": day}
    )


def post(sessions: sessionmaker[Session], document_id: int, *, rule: PostingRule) -> None:
    with transaction(sessions) as session:
        approve(session, document_id=document_id, actor=ACCOUNTANT, posting_rule=rule)


def entries(sessions: sessionmaker[Session]) -> list[JournalEntry]:
    with sessions() as session:
        return list(list_entries(session))


def close(sessions: sessionmaker[Session], month: Month) -> None:
    with transaction(sessions) as session:
        close_month(session, month=month, actor=ADMIN)


def test_an_invoice_of_a_closed_year_approved_later_posts_today_and_keeps_its_date(
    sessions: sessionmaker[Session],
) -> None:
    today = business_today()
    old = invoice(sessions, "0000001", "2023-05-20")
    post(sessions, old, rule="approval")

    (entry,) = entries(sessions)
    # Not PN2023 dated 2023: that year's books are closed, and "export this year" would miss it.
    assert entry.voucher_number == f"PN{today.year}/000001"
    assert (entry.entry_date, entry.document_date) == (today, date(2023, 5, 20))
    with sessions() as session:
        this_year = entries_between(
            session, start=date(today.year, 1, 1), end=date(today.year, 12, 31)
        )
        by_invoice_date = entries_between(
            session, start=date(2023, 1, 1), end=date(2023, 12, 31), basis=DateBasis.DOCUMENT
        )
        by_posting_2023 = entries_between(session, start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert [e.id for e in this_year] == [e.id for e in by_invoice_date] == [entry.id]
    assert list(by_posting_2023) == []


def test_posting_on_document_dates_moves_an_invoice_of_a_closed_month_to_today(
    sessions: sessionmaker[Session],
) -> None:
    today = business_today()
    close(sessions, Month(2026, 3))
    in_closed = invoice(sessions, "0000001", "2026-03-05")
    in_open = invoice(sessions, "0000002", "2026-04-07")
    post(sessions, in_closed, rule="document")
    post(sessions, in_open, rule="document")

    moved, kept = entries(sessions)
    assert (moved.entry_date, moved.document_date) == (today, date(2026, 3, 5))
    assert (kept.entry_date, kept.document_date) == (date(2026, 4, 7), date(2026, 4, 7))


def test_nothing_posts_into_a_closed_month_and_no_number_is_lost(
    sessions: sessionmaker[Session],
) -> None:
    today = business_today()
    this_month = Month.of(today)
    close(sessions, this_month)
    document_id = invoice(sessions, "0000001", "2026-03-05")
    with pytest.raises(PeriodClosed, match=f"{this_month} is closed"):
        post(sessions, document_id, rule="approval")
    with sessions() as session:
        assert get_document(session, document_id=document_id).status is DocumentStatus.REVIEW
    assert entries(sessions) == []

    with transaction(sessions) as session:
        reopen_month(session, month=this_month, actor=ADMIN)
    post(sessions, document_id, rule="approval")
    # The refused approval took no voucher number with it: the sequence has no gap.
    assert [entry.voucher_number for entry in entries(sessions)] == [f"PN{today.year}/000001"]


def test_a_reversal_of_an_entry_in_a_closed_month_posts_in_the_open_one(
    sessions: sessionmaker[Session],
) -> None:
    today = business_today()
    document_id = invoice(sessions, "0000001", "2026-03-05")
    post(sessions, document_id, rule="document")
    close(sessions, Month(2026, 3))

    with transaction(sessions) as session:
        reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
    original, reversal = entries(sessions)
    assert original.entry_date == date(2026, 3, 5)
    assert (reversal.entry_date, reversal.document_date) == (today, date(2026, 3, 5))
    assert reversal.voucher_number == f"PN{today.year}/000002"

    # Reopened, approved again and posted on its own date? Its month is closed: today.
    post(sessions, document_id, rule="document")
    assert entries(sessions)[-1].entry_date == today


def test_a_reversal_is_refused_when_todays_month_is_closed_too(
    sessions: sessionmaker[Session],
) -> None:
    document_id = invoice(sessions, "0000001", "2026-03-05")
    post(sessions, document_id, rule="document")
    close(sessions, Month(2026, 3))
    close(sessions, Month.of(business_today()))
    with pytest.raises(PeriodClosed), transaction(sessions) as session:
        reverse_posted(session, document_id=document_id, actor=ACCOUNTANT)
    assert len(entries(sessions)) == 1
    with sessions() as session:
        assert get_document(session, document_id=document_id).status is DocumentStatus.POSTED


def test_concurrent_approvals_of_invoices_of_several_years_number_gap_free_in_the_posting_year(
    sessions: sessionmaker[Session],
) -> None:
    days = ["2023-05-20", "2024-12-31", "2025-01-01", "2026-03-05", "2022-02-02", "2026-11-30"]
    documents = [invoice(sessions, f"{i:07d}", day) for i, day in enumerate(days)]
    start = threading.Barrier(len(documents))
    failures: list[BaseException] = []

    def approve_one(document_id: int) -> None:
        try:
            start.wait()
            post(sessions, document_id, rule="approval")
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            failures.append(error)

    threads = [threading.Thread(target=approve_one, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    year = business_today().year
    posted = entries(sessions)
    assert sorted(e.voucher_number for e in posted) == [
        f"PN{year}/{n:06d}" for n in range(1, len(days) + 1)
    ]
    assert sorted(str(e.document_date) for e in posted) == sorted(days)


def test_closing_and_reopening_are_audited_once_each(sessions: sessionmaker[Session]) -> None:
    november = Month(2026, 11)
    close(sessions, november)
    close(sessions, november)  # already closed: nothing changes, nothing to audit
    with transaction(sessions) as session:
        reopen_month(session, month=november, actor=ADMIN)
    with sessions() as session:
        events = session.execute(
            select(AuditEvent.kind, AuditEvent.actor, AuditEvent.data).order_by(AuditEvent.id)
        ).all()
    assert [tuple(event) for event in events] == [
        ("period_closed", ADMIN, {"period": "2026-11"}),
        ("period_reopened", ADMIN, {"period": "2026-11"}),
    ]


def test_months_are_closed_listed_and_reopened_from_the_command_line(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_DATABASE_URL", settings.resolved_database_url)
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(settings.data_dir))
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        closed = runner.invoke(cli, ["periods", "close", "2026-11", "--actor", ADMIN])
        assert closed.exit_code == 0, closed.output
        listed = runner.invoke(cli, ["periods", "list"])
        assert listed.output.startswith("2026-11\tclosed\tadmin@example.vn ")
        reopened = runner.invoke(cli, ["periods", "reopen", "2026-11"])
        assert reopened.exit_code == 0
        assert runner.invoke(cli, ["periods", "list"]).output.startswith("2026-11\topen\tcli ")
        wrong = runner.invoke(cli, ["periods", "close", "11/2026"])
        assert wrong.exit_code == 2
        assert "write it YYYY-MM" in wrong.output
    finally:
        get_settings.cache_clear()
