"""The registers other systems keep, posted on approval: contracts, candidates (from CVs) and
incoming official letters (sổ công văn đến). Callers own the transaction.

Rows are append-only, like journal entries. Reopening an approved document leaves its row
in force; approving it again appends the next `version` of the row, which `supersedes` the
earlier one and is published again, so a puller sees every change in order and keeps the
latest version per document. A re-approved document keeps the day it entered the register
and, for a letter, its arrival number: the letter arrived once. Only the candidate purge
changes rows in place, to blank personal data whose retention has run out.

Letters are numbered on arrival in the year they arrived (`year`, from the day the document
was received, in Vietnam), in the order they are entered, from 1 and without gaps or repeats:
the number comes from a per-year counter row that stays locked until the approval commits
(pipeline/ledger/counters.py), so concurrent approvals take consecutive numbers and a rolled-back
approval gives its number back. Records state no direction, so every letter is incoming;
the outgoing register (sổ công văn đi) waits for a record that says a letter is ours.

Each new row is published into its feed as the last step (see pipeline/ledger/feed.py).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from pydantic import ValidationError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from extractors.errors import BackofficeError
from extractors.record import ContractFields, CvFields, DispatchFields
from pipeline.access import audit
from pipeline.doc_types import SPECS
from pipeline.ledger import counters, feed
from pipeline.ledger.errors import NotPostable
from pipeline.store.models import (
    CandidateRegisterRow,
    ContractRegisterRow,
    CorrespondenceRegisterRow,
    Document,
    DocumentEvent,
    FeedItem,
    FeedStream,
    RegisterRow,
)
from pipeline.store.settings import Settings, get_settings
from rules.functions import BUSINESS_TZ

# The arrival-number sequence's prefix among the per-year counters (công văn đến).
ARRIVAL_PREFIX = "CVDEN"
PURGER = "retention"


class Register(enum.StrEnum):
    CONTRACTS = "contracts"
    CANDIDATES = "candidates"
    CORRESPONDENCE = "correspondence"


MODELS: dict[Register, type[RegisterRow]] = {
    Register.CONTRACTS: ContractRegisterRow,
    Register.CANDIDATES: CandidateRegisterRow,
    Register.CORRESPONDENCE: CorrespondenceRegisterRow,
}
STREAMS: dict[Register, FeedStream] = {
    Register.CONTRACTS: FeedStream.CONTRACTS,
    Register.CANDIDATES: FeedStream.CANDIDATES,
    Register.CORRESPONDENCE: FeedStream.CORRESPONDENCE,
}
BY_TYPE: dict[str, Register] = {
    name: Register(spec.register) for name, spec in SPECS.items() if spec.register is not None
}


class NotRegistrable(NotPostable):
    """The record cannot become a register row as it stands: it needs correcting first."""


class NotRegistered(BackofficeError):
    """The document has no row in the register."""

    code = "not_registered"
    http_status = 404


def _business_day(moment: datetime) -> date:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(BUSINESS_TZ).date()


def register_approved(
    session: Session, *, document: Document, actor: str, settings: Settings | None = None
) -> RegisterRow | None:
    """Enter an approved contract, CV or letter in its register (a new version when it was
    registered before) and publish the row; other types have no register."""
    register = BY_TYPE.get(document.doc_type or "")
    if register is None:
        return None
    settings = settings or get_settings()
    raw = (document.record or {}).get("fields") or {}
    previous = current_row(session, register=register, document_id=document.id)
    try:
        if register is Register.CONTRACTS:
            row: RegisterRow = _contract_row(ContractFields.model_validate(raw), previous, settings)
        elif register is Register.CANDIDATES:
            # The record model refuses any field it does not define, so nothing beyond the
            # CV fields of SCHEMA.md reaches the register: no national ID number, only
            # whether the CV showed one (which the register does not keep either).
            row = _candidate_row(CvFields.model_validate(raw), previous, settings)
        else:
            row = _letter_row(session, DispatchFields.model_validate(raw), document, previous)
    except ValidationError as exc:
        raise NotRegistrable(f"document {document.id} cannot be registered: {exc}") from exc
    _append(
        session,
        register=register,
        document_id=document.id,
        row=row,
        previous=previous,
        actor=actor,
    )
    return row


def withdraw(session: Session, *, document: Document, actor: str) -> RegisterRow | None:
    """A reopened document is no longer approved: its register row in force, if any, is
    followed by a withdrawn version, published like any other so that pulling systems learn
    it. Approving the document again appends a version in force (a letter keeps its arrival
    number throughout: it arrived once)."""
    register = BY_TYPE.get(document.doc_type or "")
    if register is None:
        return None
    previous = current_row(session, register=register, document_id=document.id)
    if previous is None or previous.withdrawn:
        return None
    row = _copy(previous)
    row.withdrawn = True
    _append(
        session,
        register=register,
        document_id=document.id,
        row=row,
        previous=previous,
        actor=actor,
        kind="withdrawn",
    )
    return row


def assign_handling_unit(
    session: Session, *, document_id: int, handling_unit: str | None, actor: str
) -> tuple[int, CorrespondenceRegisterRow]:
    """Hand a registered letter to a unit (or take it back, with None): the next version of
    its row, published like any other. Naming the unit it already has changes nothing.
    Returns the row in force with its feed position."""
    previous = current_row(session, register=Register.CORRESPONDENCE, document_id=document_id)
    if not isinstance(previous, CorrespondenceRegisterRow):
        raise NotRegistered(f"document {document_id} is not in the correspondence register")
    if previous.handling_unit == handling_unit:
        return position_of(session, register=Register.CORRESPONDENCE, row_id=previous.id), previous
    row = _copy(previous)
    row.handling_unit = handling_unit
    position = _append(
        session,
        register=Register.CORRESPONDENCE,
        document_id=document_id,
        row=row,
        previous=previous,
        actor=actor,
        kind="handling_unit_assigned",
        extra={"handling_unit": audit.change(previous.handling_unit, handling_unit)},
    )
    return position, row


def current_row(session: Session, *, register: Register, document_id: int) -> RegisterRow | None:
    """The document's row in force: its latest version."""
    model = MODELS[register]
    return session.scalar(
        select(model)
        .where(model.document_id == document_id)
        .order_by(model.version.desc())
        .limit(1)
    )


def register_feed(
    session: Session,
    *,
    register: Register,
    after: int | None = None,
    limit: int = 100,
    unacked_by: str | None = None,
) -> list[tuple[int, RegisterRow]]:
    """The register's rows with their feed positions, in commit order, after a cursor; with
    `unacked_by`, only those that consumer has not acknowledged."""
    return feed.items(
        session,
        stream=STREAMS[register],
        model=MODELS[register],
        after=after,
        limit=limit,
        unacked_by=unacked_by,
    )


def rows_between(
    session: Session, *, register: Register, start: date, end: date
) -> Sequence[RegisterRow]:
    """The rows in force (no later version supersedes them) whose register day (arrival day
    for letters, the day of entry otherwise) is within [start, end], in register order."""
    model = MODELS[register]
    day = _register_day(register)
    superseded = select(model.supersedes_id).where(model.supersedes_id.is_not(None))
    order = (
        (CorrespondenceRegisterRow.year, CorrespondenceRegisterRow.arrival_number)
        if register is Register.CORRESPONDENCE
        else (day, model.id)
    )
    query = select(model).where(day >= start, day <= end, model.id.not_in(superseded))
    if register is not Register.CORRESPONDENCE:
        # A letter's arrival number stays accounted for in the book even if it was withdrawn.
        query = query.where(model.withdrawn.is_(False))
    return session.scalars(query.order_by(*order)).all()


def position_of(session: Session, *, register: Register, row_id: int) -> int:
    position = session.scalar(
        select(FeedItem.position).where(
            FeedItem.stream == STREAMS[register].value, FeedItem.item_id == row_id
        )
    )
    if position is None:
        raise NotRegistered(f"row {row_id} of the {register} register was never published")
    return position


def expiring_contracts(
    session: Session, *, today: date, within_days: int
) -> list[tuple[int, ContractRegisterRow]]:
    """Contracts in force that expire from today to `within_days` days on, soonest first,
    with their feed positions."""
    superseded = select(ContractRegisterRow.supersedes_id).where(
        ContractRegisterRow.supersedes_id.is_not(None)
    )
    rows = session.execute(
        select(FeedItem.position, ContractRegisterRow)
        .join(ContractRegisterRow, ContractRegisterRow.id == FeedItem.item_id)
        .where(
            FeedItem.stream == FeedStream.CONTRACTS.value,
            ContractRegisterRow.expiry_date >= today,
            ContractRegisterRow.expiry_date <= today + timedelta(days=within_days),
            ContractRegisterRow.id.not_in(superseded),
            ContractRegisterRow.withdrawn.is_(False),
        )
        .order_by(ContractRegisterRow.expiry_date, ContractRegisterRow.id)
    ).all()
    return [(position, row) for position, row in rows]


# Blanked once the retention period has run out; what stays (skills, languages,
# experience) says nothing about who the candidate was.
_PERSONAL = ("full_name", "email", "phone", "location", "date_of_birth", "latest_employer")


def purge_expired_candidates(session: Session, *, today: date, actor: str = PURGER) -> int:
    """Blank the personal data of candidate rows kept past their `retain_until` (every
    version of them) and record each document's purge in the audit trail, without the
    data. Returns how many rows were blanked. Systems that pulled a row keep their copy:
    their own retention applies to it."""
    expired = session.scalars(
        select(CandidateRegisterRow)
        .where(
            CandidateRegisterRow.retain_until < today,
            CandidateRegisterRow.anonymised_at.is_(None),
        )
        .order_by(CandidateRegisterRow.id)
        .with_for_update()
    ).all()
    now = datetime.now(UTC)
    purged: dict[int, list[int]] = {}
    for row in expired:
        for name in _PERSONAL:
            setattr(row, name, None)
        row.anonymised_at = now
        purged.setdefault(row.document_id, []).append(row.id)
    for document_id, row_ids in purged.items():
        audit.record(
            session,
            actor=actor,
            kind="candidate_anonymised",
            document_id=document_id,
            data={"register": Register.CANDIDATES.value, "row_ids": row_ids},
        )
    session.flush()
    return len(expired)


def _append(
    session: Session,
    *,
    register: Register,
    document_id: int,
    row: RegisterRow,
    previous: RegisterRow | None,
    actor: str,
    kind: str = "registered",
    extra: dict[str, object] | None = None,
) -> int:
    """Append the row as the document's next version and publish it: its feed position."""
    row.document_id = document_id
    row.version = previous.version + 1 if previous else 1
    row.supersedes_id = previous.id if previous else None
    row.registered_by = actor[:255]
    session.add(row)
    session.flush()
    data: dict[str, object] = {"register": register.value, "row_id": row.id, "version": row.version}
    if isinstance(row, CorrespondenceRegisterRow):
        data |= {"year": row.year, "arrival_number": row.arrival_number}
    session.add(
        DocumentEvent(
            document_id=row.document_id, actor=actor, kind=kind, data=data | (extra or {})
        )
    )
    return feed.publish(session, stream=STREAMS[register], item_id=row.id)


def _contract_row(
    fields: ContractFields, previous: RegisterRow | None, settings: Settings
) -> ContractRegisterRow:
    expiry = _day(fields.expiry_date)
    lead = timedelta(days=settings.contract_reminder_days)
    return ContractRegisterRow(
        registered_on=_registered_on(previous),
        contract_number=fields.contract_number,
        title=fields.title,
        parties=[
            {"role": party.role, "name": party.name, "tax_id": party.tax_id}
            for party in fields.parties
        ],
        value=Decimal(fields.total_value) if fields.total_value is not None else None,
        currency=fields.currency,
        signing_date=_day(fields.signing_date),
        effective_date=_day(fields.effective_date),
        expiry_date=expiry,
        auto_renewal=fields.auto_renewal,
        reminder_date=expiry - lead if expiry else None,
    )


def _candidate_row(
    fields: CvFields, previous: RegisterRow | None, settings: Settings
) -> CandidateRegisterRow:
    registered_on = _registered_on(previous)
    latest = max(
        fields.experience,
        # the current job (no end) first, then the latest end, then the latest start
        key=lambda job: (job.end is None, job.end or "", job.start or ""),
        default=None,
    )
    retain_until = (
        previous.retain_until
        if isinstance(previous, CandidateRegisterRow)
        else registered_on + timedelta(days=settings.candidate_retention_days)
    )
    return CandidateRegisterRow(
        registered_on=registered_on,
        full_name=fields.full_name,
        email=fields.email,
        phone=fields.phone,
        location=fields.location,
        date_of_birth=_day(fields.date_of_birth),
        skills=list(fields.skills),
        languages=list(fields.languages),
        years_of_experience=fields.years_of_experience,
        latest_title=latest.title if latest else None,
        latest_employer=latest.employer if latest else None,
        retain_until=retain_until,
    )


def _letter_row(
    session: Session,
    fields: DispatchFields,
    document: Document,
    previous: RegisterRow | None,
) -> CorrespondenceRegisterRow:
    row = CorrespondenceRegisterRow(
        issuer=fields.issuer,
        dispatch_number=fields.dispatch_number,
        issue_date=_day(fields.issue_date),
        subject=fields.subject,
        urgency=fields.urgency,
        reply_deadline=_day(fields.reply_deadline),
    )
    if isinstance(previous, CorrespondenceRegisterRow):
        row.year, row.arrival_number = previous.year, previous.arrival_number
        row.arrival_date, row.handling_unit = previous.arrival_date, previous.handling_unit
    else:
        row.arrival_date = _business_day(document.received_at)
        row.year = row.arrival_date.year
        row.arrival_number = counters.next_number(session, prefix=ARRIVAL_PREFIX, year=row.year)
    return row


R = TypeVar("R", bound=RegisterRow)
_VERSION_COLUMNS = {"id", "document_id", "version", "supersedes_id", "registered_at"}


def _copy(row: R) -> R:
    """The row's content as a new, unsaved version (who registers it is set on append)."""
    model = type(row)
    return model(
        **{
            column.key: getattr(row, column.key)
            for column in sa_inspect(model).column_attrs
            if column.key not in _VERSION_COLUMNS | {"registered_by"}
        }
    )


def _registered_on(previous: RegisterRow | None) -> date:
    if isinstance(previous, ContractRegisterRow | CandidateRegisterRow):
        return previous.registered_on
    return _business_day(datetime.now(UTC))


def _register_day(register: Register) -> InstrumentedAttribute[date]:
    if register is Register.CONTRACTS:
        return ContractRegisterRow.registered_on
    if register is Register.CANDIDATES:
        return CandidateRegisterRow.registered_on
    return CorrespondenceRegisterRow.arrival_date


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
