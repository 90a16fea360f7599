"""The overview of the review work: how much is waiting and for how long, how much moves
through each day, how long a document takes from arrival to approval, and which fields and
senders reviewers correct most.

Every figure is an SQL aggregate: the overview reads counts and a few percentiles, never
the documents themselves, so it costs the same over ten documents or a hundred thousand.
The two databases differ only in date arithmetic and in reading a JSON object's keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, case, func, select, text, true
from sqlalchemy.orm import Session

from pipeline.store.models import AuditEvent, Document, DocumentStatus
from rules.functions import BUSINESS_TZ

DAYS = 30
TOP = 10
# The age bands of the waiting documents, in days, as the back office speaks of them.
AGE_BANDS = ("lt_1d", "1_3d", "3_7d", "gt_7d")
_BAND_DAYS = (1, 3, 7)
# The events that change a record's values; `corrected` names the fields it changed.
CORRECTION_KINDS = ("corrected", "line_item_added", "line_item_changed", "line_item_removed")
LINE_ITEMS = "line_items"
_OFFSET_SECONDS = int(BUSINESS_TZ.utcoffset(None).total_seconds())


class WaitingByType(BaseModel):
    doc_type: str | None
    total: int
    by_age: dict[str, int]  # AGE_BANDS → documents


class DayCount(BaseModel):
    day: date
    processed: int
    approved: int


class ApprovalTimes(BaseModel):
    """From a document's arrival to its first approval, over the documents first approved
    in the period; None while there is none."""

    approved: int
    median_hours: float | None
    p90_hours: float | None


class Ranked(BaseModel):
    name: str
    corrections: int  # correcting events
    documents: int  # distinct documents they touched


class Overview(BaseModel):
    at: datetime
    days: int
    waiting: list[WaitingByType]
    waiting_total: int
    per_day: list[DayCount]
    approval_times: ApprovalTimes
    top_fields: list[Ranked]
    top_senders: list[Ranked]


def overview(session: Session, *, now: datetime | None = None, days: int = DAYS) -> Overview:
    now = now or datetime.now(UTC)
    # In UTC: SQLite compares stored UTC text with the bound value's wall time, whatever its
    # zone, so the office's midnight bound as +07:00 would drop the first day's early hours.
    since = (_start_of_day(now) - timedelta(days=days - 1)).astimezone(UTC)
    waiting = waiting_by_type(session, now=now)
    return Overview(
        at=now,
        days=days,
        waiting=waiting,
        waiting_total=sum(row.total for row in waiting),
        per_day=per_day(session, since=since, now=now),
        approval_times=approval_times(session, since=since),
        top_fields=top_corrected_fields(session, since=since),
        top_senders=top_senders(session, since=since),
    )


def _start_of_day(moment: datetime) -> datetime:
    """Midnight of the moment's day in the office: a day's figures are the office's day."""
    return moment.astimezone(BUSINESS_TZ).replace(hour=0, minute=0, second=0, microsecond=0)


def _sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def waiting_by_type(session: Session, *, now: datetime) -> list[WaitingByType]:
    """The documents waiting for a reviewer, by type and by how long since they arrived."""
    cutoffs = [now - timedelta(days=days) for days in _BAND_DAYS]
    band = case(
        (Document.received_at > cutoffs[0], AGE_BANDS[0]),
        (Document.received_at > cutoffs[1], AGE_BANDS[1]),
        (Document.received_at > cutoffs[2], AGE_BANDS[2]),
        else_=AGE_BANDS[3],
    ).label("band")
    rows = session.execute(
        select(Document.doc_type, band, func.count())
        .where(Document.status == DocumentStatus.REVIEW)
        .group_by(Document.doc_type, band)
    ).all()
    by_type: dict[str | None, dict[str, int]] = {}
    for doc_type, age, count in rows:
        by_type.setdefault(doc_type, dict.fromkeys(AGE_BANDS, 0))[age] = count
    return sorted(
        (
            WaitingByType(doc_type=doc_type, total=sum(ages.values()), by_age=ages)
            for doc_type, ages in by_type.items()
        ),
        key=lambda row: (-row.total, row.doc_type or ""),
    )


def _day(session: Session, column: Any) -> ColumnElement[Any]:
    """The office's calendar day of a timestamp, as `YYYY-MM-DD` text on both databases: a
    document approved at 06:30 in Hà Nội counts on that day, not on the UTC day before.
    The office's clock is a fixed offset (rules.functions.BUSINESS_TZ)."""
    offset = _OFFSET_SECONDS
    if _sqlite(session):
        # Stored as UTC text; SQLite shifts it by a modifier.
        return func.strftime("%Y-%m-%d", column, f"{offset:+d} seconds")
    # timestamptz at an interval is the wall time at that offset east of UTC (ISO sign).
    return func.to_char(func.timezone(text(f"interval '{offset} seconds'"), column), "YYYY-MM-DD")


def _first_approvals(since: datetime) -> Any:
    """Each document's first approval (a second approval or a re-approval after reopening
    is the same document moving once), for documents first approved since `since`."""
    first = (
        select(
            AuditEvent.document_id.label("document_id"),
            func.min(AuditEvent.at).label("approved_at"),
        )
        .where(AuditEvent.kind == "approved", AuditEvent.document_id.is_not(None))
        .group_by(AuditEvent.document_id)
        .subquery()
    )
    return select(first).where(first.c.approved_at >= since).subquery()


def per_day(session: Session, *, since: datetime, now: datetime) -> list[DayCount]:
    """Documents processed (read by a worker) and first approved on each day of the
    period, days without any included."""
    processed_day = _day(session, AuditEvent.at)
    processed: dict[str, int] = dict(
        session.execute(
            select(processed_day, func.count(func.distinct(AuditEvent.document_id)))
            .where(AuditEvent.kind == "processed", AuditEvent.at >= since)
            .group_by(processed_day)
        ).all()
    )
    approvals = _first_approvals(since)
    approved_day = _day(session, approvals.c.approved_at)
    approved: dict[str, int] = dict(
        session.execute(select(approved_day, func.count()).group_by(approved_day)).all()
    )
    first, last = since.astimezone(BUSINESS_TZ).date(), now.astimezone(BUSINESS_TZ).date()
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    return [
        DayCount(
            day=day,
            processed=processed.get(day.isoformat(), 0),
            approved=approved.get(day.isoformat(), 0),
        )
        for day in days
    ]


def _seconds_between(session: Session, start: Any, end: Any) -> ColumnElement[Any]:
    if _sqlite(session):
        return (func.julianday(end) - func.julianday(start)) * 86400.0
    return func.extract("epoch", end - start)


def approval_times(session: Session, *, since: datetime) -> ApprovalTimes:
    """Median and 90th percentile of arrival to first approval. Nearest-rank percentiles,
    read by offset from the sorted durations: the same answer on both databases, and the
    database sorts (an index-free sort over one number per approved document)."""
    approvals = _first_approvals(since)
    seconds = _seconds_between(session, Document.received_at, approvals.c.approved_at).label(
        "seconds"
    )
    durations = select(seconds).join_from(
        approvals, Document, Document.id == approvals.c.document_id
    )
    count = session.scalar(select(func.count()).select_from(durations.subquery())) or 0

    def percentile(percent: int) -> float | None:
        if not count:
            return None
        rank = max(1, -(-percent * count // 100))  # ceil(percent% of count), in integers
        value = session.scalar(durations.order_by(seconds).offset(rank - 1).limit(1))
        return None if value is None else round(float(value) / 3600, 2)

    return ApprovalTimes(approved=count, median_hours=percentile(50), p90_hours=percentile(90))


def _corrected_fields(session: Session, since: datetime) -> Any:
    """One row per field a `corrected` event of the period changed: the keys of its `fields`
    object, with the event's document."""
    events = (AuditEvent.kind == "corrected", AuditEvent.at >= since)
    if _sqlite(session):
        keys = func.json_each(AuditEvent.data, "$.fields").table_valued("key")
        return (
            select(keys.c.key.label("name"), AuditEvent.document_id)
            .select_from(AuditEvent)
            .join(keys, true())
            .where(*events)
            .subquery()
        )
    name = func.jsonb_object_keys(AuditEvent.data["fields"]).label("name")
    return select(name, AuditEvent.document_id).where(*events).subquery()


def top_corrected_fields(session: Session, *, since: datetime, top: int = TOP) -> list[Ranked]:
    """The fields reviewers corrected most in the period (a record's top-level field: the
    seller for a corrected seller's tax code); line-item edits count as `line_items`."""
    changed = _corrected_fields(session, since)
    fields = session.execute(
        select(
            changed.c.name, func.count(), func.count(func.distinct(changed.c.document_id))
        ).group_by(changed.c.name)
    ).all()
    lines = session.execute(
        select(func.count(), func.count(func.distinct(AuditEvent.document_id))).where(
            AuditEvent.kind.in_(CORRECTION_KINDS[1:]), AuditEvent.at >= since
        )
    ).one()
    ranked = [
        Ranked(name=field, corrections=events, documents=docs) for field, events, docs in fields
    ]
    if lines[0]:
        ranked.append(Ranked(name=LINE_ITEMS, corrections=lines[0], documents=lines[1]))
    return sorted(ranked, key=lambda row: (-row.corrections, row.name))[:top]


def top_senders(session: Session, *, since: datetime, top: int = TOP) -> list[Ranked]:
    """The senders whose documents reviewers corrected most in the period."""
    corrections = func.count(AuditEvent.id).label("corrections")
    rows = session.execute(
        select(Document.sender, corrections, func.count(func.distinct(Document.id)))
        .join_from(
            AuditEvent,
            Document,
            and_(Document.id == AuditEvent.document_id, Document.sender.is_not(None)),
        )
        .where(AuditEvent.kind.in_(CORRECTION_KINDS), AuditEvent.at >= since)
        .group_by(Document.sender)
        .order_by(corrections.desc(), Document.sender)
        .limit(top)
    ).all()
    return [
        Ranked(name=sender or "", corrections=events, documents=docs)
        for sender, events, docs in rows
    ]
