"""The registers, pulled by other systems: contracts, candidates and incoming letters.

Each register is a feed like the journal entries: rows in commit order after a cursor (the
`position` of the last row taken), never skipping a row a slower approval commits late.
Rows are versions: a re-approved document, or a letter handed to a unit, comes again as a
new row with the next `version` and `supersedes_id` naming the row it replaces, so a puller
keeps the latest version per `document_id`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Self, TypeVar

from fastapi import APIRouter, HTTPException, Query, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from api.deps import AUTH_RESPONSES, RegisterReader, Reviewer, SessionDep, SettingsDep
from api.schemas import (
    NO_CONTROL,
    UNREADABLE_BODY,
    AckOut,
    AckRequest,
    MoneyOut,
    Page,
    Problem,
    RequestBody,
    UtcDateTime,
    ValidationProblem,
)
from pipeline import feed, registers
from pipeline.models import RegisterRow
from pipeline.registers import Register
from rules.functions import business_today

router = APIRouter(prefix="/api/v1/registers", tags=["registers"], responses=AUTH_RESPONSES)

After = Annotated[
    int | None,
    # Positions are 64-bit: a larger number is no position at all, not a database error.
    Query(ge=0, le=2**63 - 1, description="The `position` of the last row already taken."),
]
Limit = Annotated[int, Query(ge=1, le=500)]
Unacked = Annotated[
    bool,
    Query(
        description="Only rows the caller (this token, or this user) has not acknowledged "
        "with `POST /api/v1/registers/{register}/ack`."
    ),
]
DocumentId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The letter's document id.")]


class RegisterRowOut(BaseModel):
    id: int
    position: int = Field(
        description="The row's place in the register's feed, in commit order and gap-free: "
        "pass the last one taken as `after`."
    )
    document_id: int
    version: int = Field(description="1 when first registered, then one more per change.")
    supersedes_id: int | None = Field(
        description="The row of the same document this version replaces; null for the first."
    )
    registered_at: UtcDateTime
    registered_by: str
    withdrawn: bool = Field(
        default=False,
        description="True on the version appended when the document was reopened: the "
        "register no longer holds it in force until a later version (approved again) says so.",
    )

    @classmethod
    def of(cls, row: RegisterRow, *, position: int) -> Self:
        values: dict[str, Any] = {
            name: getattr(row, name) for name in cls.model_fields if name != "position"
        }
        return cls(position=position, **values)


class ContractPartyOut(BaseModel):
    role: str = Field(description="`party_a`, `party_b`, …: the order the contract names them.")
    name: str | None
    tax_id: str | None


class ContractRegisterOut(RegisterRowOut):
    registered_on: date = Field(description="The day the contract entered the register.")
    contract_number: str | None
    title: str | None
    parties: list[ContractPartyOut]
    value: MoneyOut | None
    currency: str | None
    signing_date: date | None
    effective_date: date | None
    expiry_date: date | None
    auto_renewal: bool
    reminder_date: date | None = Field(
        description="When to act before the contract lapses: its expiry less the lead time."
    )


class CandidateRegisterOut(RegisterRowOut):
    registered_on: date
    full_name: str | None
    email: str | None
    phone: str | None
    location: str | None
    date_of_birth: date | None
    skills: list[str]
    languages: list[str]
    years_of_experience: float | None
    latest_title: str | None
    latest_employer: str | None
    retain_until: date = Field(
        description="The personal data is kept until this day, then blanked."
    )
    anonymised_at: UtcDateTime | None = Field(
        description="When the personal data was blanked; null while it is kept."
    )


class CorrespondenceRegisterOut(RegisterRowOut):
    year: int = Field(description="The year the letter arrived, which its number counts in.")
    arrival_number: int = Field(
        description="Số đến: from 1 each year, without gaps or repeats; kept by every version."
    )
    arrival_date: date
    issuer: str | None
    dispatch_number: str | None = Field(description="The letter's number and symbol (Số, ký hiệu).")
    issue_date: date | None
    subject: str | None = Field(description="Trích yếu (V/v).")
    urgency: str | None
    handling_unit: str | None = Field(description="The unit handling the letter, once named.")
    reply_deadline: date | None


Row = TypeVar("Row", bound=RegisterRowOut)


class ExpiringContracts(BaseModel):
    today: date
    within_days: int
    items: list[ContractRegisterOut]


class HandlingUnit(RequestBody):
    handling_unit: str | None = Field(
        max_length=255,
        pattern=NO_CONTROL,
        description="The unit to hand the letter to; null takes it back.",
    )


def _page(
    out: type[Row],
    session: SessionDep,
    register: Register,
    after: int | None,
    limit: int,
    unacked_by: str | None,
) -> Page[Row]:
    rows = registers.register_feed(
        session, register=register, after=after, limit=limit, unacked_by=unacked_by
    )
    items = [out.of(row, position=position) for position, row in rows]
    return Page[Row](
        items=items, next_cursor=str(items[-1].position) if len(items) == limit else None
    )


@router.get("/contracts", response_model=Page[ContractRegisterOut])
def contracts(
    session: SessionDep,
    principal: RegisterReader,
    after: After = None,
    limit: Limit = 100,
    unacked: Unacked = False,
) -> Page[ContractRegisterOut]:
    """The contract register in commit order after a cursor."""
    unacked_by = principal.name if unacked else None
    return _page(ContractRegisterOut, session, Register.CONTRACTS, after, limit, unacked_by)


@router.get("/contracts/expiring", response_model=ExpiringContracts)
def expiring_contracts(
    session: SessionDep,
    settings: SettingsDep,
    _principal: RegisterReader,
    within_days: Annotated[
        int | None,
        Query(ge=0, le=3660, description="Default: the reminder lead time in force."),
    ] = None,
) -> ExpiringContracts:
    """Contracts in force that expire from today (in Vietnam) to `within_days` days on,
    soonest first."""
    today = business_today()
    days = settings.contract_reminder_days if within_days is None else within_days
    rows = registers.expiring_contracts(session, today=today, within_days=days)
    return ExpiringContracts(
        today=today,
        within_days=days,
        items=[ContractRegisterOut.of(row, position=position) for position, row in rows],
    )


@router.get("/candidates", response_model=Page[CandidateRegisterOut])
def candidates(
    session: SessionDep,
    principal: RegisterReader,
    after: After = None,
    limit: Limit = 100,
    unacked: Unacked = False,
) -> Page[CandidateRegisterOut]:
    """The candidate register in commit order after a cursor. Rows past their retention
    come with their personal data blanked."""
    unacked_by = principal.name if unacked else None
    return _page(CandidateRegisterOut, session, Register.CANDIDATES, after, limit, unacked_by)


@router.get("/correspondence", response_model=Page[CorrespondenceRegisterOut])
def correspondence(
    session: SessionDep,
    principal: RegisterReader,
    after: After = None,
    limit: Limit = 100,
    unacked: Unacked = False,
) -> Page[CorrespondenceRegisterOut]:
    """The register of incoming letters (sổ công văn đến) in commit order after a cursor."""
    unacked_by = principal.name if unacked else None
    return _page(
        CorrespondenceRegisterOut, session, Register.CORRESPONDENCE, after, limit, unacked_by
    )


@router.post(
    "/{register}/ack",
    response_model=AckOut,
    responses={
        422: {
            "model": Problem | ValidationProblem,
            "description": "A position or id not in the register, or a malformed body.",
        }
    }
    | UNREADABLE_BODY,
)
def acknowledge_rows(
    register: Register, body: AckRequest, session: SessionDep, principal: RegisterReader
) -> AckOut:
    """Acknowledge register rows the caller has taken, by position or row id, as for
    journal entries: a repeat changes nothing, and `?unacked=true` on the register then
    lists what the caller has not yet taken."""
    try:
        done = feed.acknowledge(
            session,
            stream=registers.STREAMS[register],
            consumer=principal.name,
            positions=body.positions,
            item_ids=body.ids,
        )
        session.commit()
    except feed.UnknownItems as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    return AckOut(acknowledged=done.positions, new=done.new, pending=done.pending)


@router.put(
    "/correspondence/{document_id}/handling-unit",
    response_model=CorrespondenceRegisterOut,
    responses={
        status.HTTP_404_NOT_FOUND: {"description": "The letter is not in the register."},
        status.HTTP_409_CONFLICT: {"description": "Changed at the same time by someone else."},
    }
    | UNREADABLE_BODY,
)
def assign_handling_unit(
    document_id: DocumentId, body: HandlingUnit, session: SessionDep, principal: Reviewer
) -> CorrespondenceRegisterOut:
    """Hand a registered letter to a unit: a new version of its row (the same arrival
    number), published into the feed. Naming the unit it already has changes nothing."""
    try:
        position, row = registers.assign_handling_unit(
            session, document_id=document_id, handling_unit=body.handling_unit, actor=principal.name
        )
        session.commit()
    except registers.NotRegistered as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except IntegrityError as exc:
        # Both appended the same version: the unique (document, version) refused the second.
        raise HTTPException(
            status.HTTP_409_CONFLICT, f"letter {document_id} was changed at the same time"
        ) from exc
    return CorrespondenceRegisterOut.of(row, position=position)
