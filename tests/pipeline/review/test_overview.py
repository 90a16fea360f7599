"""The overview's figures on both databases, from documents and audit events the services
write: what is waiting by type and age, what moved each day, arrival-to-approval times, and
the most corrected fields and senders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from pipeline.access import audit
from pipeline.jobs.processing import rule_book
from pipeline.review import checking, overview
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentStatus
from pipeline.store.settings import Settings
from rules.functions import BUSINESS_TZ
from tests.support.documents import FIELDS, add_checked

# Noon in Hà Nội (05:00 UTC): the overview counts the office's days.
NOW = datetime.now(UTC).replace(hour=5, minute=0, second=0, microsecond=0)


def _waiting(sessions: sessionmaker[Session], settings: Settings) -> None:
    """Invoices 2 hours, 2 days and 10 days old, a contract 5 days old; one more invoice
    already approved, which waits for nobody."""
    for name, age in (("a.pdf", timedelta(hours=2)), ("b.pdf", timedelta(days=2))):
        add_checked(sessions, settings, name, received_at=NOW - age)
    add_checked(sessions, settings, "c.pdf", received_at=NOW - timedelta(days=10))
    add_checked(
        sessions,
        settings,
        "k.pdf",
        doc_type="contract",
        fields={"contract_number": "HD-1"},
        received_at=NOW - timedelta(days=5),
    )
    add_checked(
        sessions,
        settings,
        "done.pdf",
        received_at=NOW - timedelta(days=3),
        status=DocumentStatus.APPROVED,
    )


def test_waiting_documents_are_counted_by_type_and_age(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    _waiting(sessions, settings)
    with sessions() as session:
        result = overview.overview(session, now=NOW)
    assert result.waiting_total == 4
    by_type = {row.doc_type: row for row in result.waiting}
    assert by_type["invoice"].total == 3
    assert by_type["invoice"].by_age == {"lt_1d": 1, "1_3d": 1, "3_7d": 0, "gt_7d": 1}
    assert by_type["contract"].by_age == {"lt_1d": 0, "1_3d": 0, "3_7d": 1, "gt_7d": 0}
    assert [row.doc_type for row in result.waiting] == ["invoice", "contract"]


def _event(
    sessions: sessionmaker[Session], kind: str, document_id: int, at: datetime, **data: object
) -> None:
    with transaction(sessions) as session:
        audit.record(session, actor="test", kind=kind, document_id=document_id, data=data).at = at


def test_processed_and_approved_are_counted_per_day_with_arrival_to_approval_times(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    """Ten invoices arrived three days ago and were read at once; approved 1 to 10 hours
    after arriving. One of them is approved again after reopening: still one approval, at
    its first. An approval before the period is not counted."""
    arrived = NOW - timedelta(days=3)
    ids = [
        add_checked(sessions, settings, f"i{hours}.pdf", received_at=arrived)
        for hours in range(1, 11)
    ]
    for hours, document_id in enumerate(ids, start=1):
        _event(sessions, "processed", document_id, arrived + timedelta(minutes=1))
        _event(sessions, "approved", document_id, arrived + timedelta(hours=hours))
    _event(sessions, "approved", ids[0], NOW)
    old = add_checked(sessions, settings, "old.pdf", received_at=NOW - timedelta(days=90))
    _event(sessions, "approved", old, NOW - timedelta(days=89))

    with sessions() as session:
        result = overview.overview(session, now=NOW)

    assert len(result.per_day) == overview.DAYS
    assert result.per_day[-1].day == NOW.astimezone(BUSINESS_TZ).date()
    counts = {row.day: (row.processed, row.approved) for row in result.per_day if row.processed}
    # Arrived at noon, approved by 22:00: one day.
    assert counts == {arrived.astimezone(BUSINESS_TZ).date(): (10, 10)}
    assert sum(row.approved for row in result.per_day) == 10
    times = result.approval_times
    assert (times.approved, times.median_hours, times.p90_hours) == (10, 5.0, 9.0)


def test_a_day_is_the_offices_day_not_the_utc_day(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    """Read and approved at 06:30 in Hà Nội, which is 23:30 UTC the day before: the figures
    of that morning, and today's column is the office's today even when UTC is still on
    yesterday."""
    morning = datetime(2026, 3, 6, 6, 30, tzinfo=BUSINESS_TZ)
    document_id = add_checked(
        sessions, settings, "early.pdf", received_at=morning - timedelta(minutes=5)
    )
    _event(sessions, "processed", document_id, morning.astimezone(UTC))
    _event(sessions, "approved", document_id, morning.astimezone(UTC))

    with sessions() as session:
        result = overview.overview(session, now=morning + timedelta(minutes=10))
        # The first day of a period counts from the office's midnight: 06:30 there is in it.
        first_day = overview.overview(session, now=morning + timedelta(days=1), days=2)

    assert result.per_day[-1].day == date(2026, 3, 6)
    counts = {row.day: (row.processed, row.approved) for row in result.per_day if row.processed}
    assert counts == {date(2026, 3, 6): (1, 1)}
    assert [(row.day, row.processed) for row in first_day.per_day] == [
        (date(2026, 3, 6), 1),
        (date(2026, 3, 7), 0),
    ]
    assert first_day.approval_times.approved == 1


def test_the_most_corrected_fields_and_senders_are_ranked(
    sessions: sessionmaker[Session], settings: Settings
) -> None:
    """Reviewers corrected the total on three documents of one sender and the buyer's name
    on one of another sender's; nothing on a third sender's."""
    rules = rule_book(settings).current()
    senders = {"0101243150": 3, "0100109106": 1, "0300000000": 0}
    for tax_id, corrected in senders.items():
        seller = {"name": f"Công ty {tax_id}", "tax_id": tax_id}
        for index in range(max(corrected, 1)):
            name = f"{tax_id}-{index}.pdf"
            document_id = add_checked(sessions, settings, name, fields=FIELDS | {"seller": seller})
            if not corrected:
                continue
            with transaction(sessions) as session:
                document = session.get_one(Document, document_id)
                change = (
                    {"total": "1100001"}
                    if tax_id == "0101243150"
                    else {"buyer": {**FIELDS["buyer"], "name": "Công ty CP An Khang"}}
                )
                checking.correct_fields(
                    session,
                    document=document,
                    version=document.version,
                    changes=change,
                    rules=rules,
                    actor="rita",
                )

    with sessions() as session:
        result = overview.overview(session)

    assert [(row.name, row.corrections, row.documents) for row in result.top_fields] == [
        ("total", 3, 3),
        ("buyer", 1, 1),
    ]
    assert [(row.name, row.corrections, row.documents) for row in result.top_senders] == [
        ("tax:0101243150", 3, 3),
        ("tax:0100109106", 1, 1),
    ]


def test_an_empty_service_has_an_overview_of_nothing(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        result = overview.overview(session)
    assert result.waiting == [] and result.top_fields == [] and result.top_senders == []
    assert result.approval_times.approved == 0 and result.approval_times.median_hours is None
    assert all(row.processed == row.approved == 0 for row in result.per_day)
