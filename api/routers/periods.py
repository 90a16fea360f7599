"""Accounting periods: which months are closed to posting; admins close and reopen them.
Thin: pipeline.ledger.periods does the work, this router owns the commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from api.deps import AUTH_RESPONSES, Admin, EntriesReader, SessionDep
from api.schemas import UtcDateTime
from pipeline.ledger import periods
from pipeline.store.models import AccountingPeriod

router = APIRouter(prefix="/api/v1", tags=["periods"], responses=AUTH_RESPONSES)

MonthParam = Annotated[
    str,
    PathParam(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$", description="The month, `YYYY-MM`."),
]


class PeriodOut(BaseModel):
    period: str = Field(description="`YYYY-MM`.")
    closed: bool = Field(description="Nothing posts or reverses into a closed month.")
    changed_at: UtcDateTime | None = Field(description="When it was last closed or reopened.")
    changed_by: str | None

    @classmethod
    def of(cls, row: AccountingPeriod) -> PeriodOut:
        return cls(
            period=str(periods.Month(row.year, row.month)),
            closed=row.closed,
            changed_at=row.changed_at,
            changed_by=row.changed_by,
        )


@router.get("/periods", response_model=list[PeriodOut])
def list_periods(session: SessionDep, _reader: EntriesReader) -> list[PeriodOut]:
    """Every month posted into, closed or reopened, latest first. A month not listed is open."""
    return [PeriodOut.of(row) for row in periods.list_periods(session)]


@router.post("/periods/{month}/close", response_model=PeriodOut)
def close_period(month: MonthParam, session: SessionDep, admin: Admin) -> PeriodOut:
    """Close a month (audited as `period_closed`): approvals whose posting day falls in it are
    refused, and a reversal of one of its entries posts on the day it is made. Closing a closed
    month changes nothing."""
    row = periods.close_month(session, month=periods.Month.parse(month), actor=admin.name)
    session.commit()
    return PeriodOut.of(row)


@router.post("/periods/{month}/reopen", response_model=PeriodOut)
def reopen_period(month: MonthParam, session: SessionDep, admin: Admin) -> PeriodOut:
    """Reopen a closed month (audited as `period_reopened`)."""
    row = periods.reopen_month(session, month=periods.Month.parse(month), actor=admin.name)
    session.commit()
    return PeriodOut.of(row)
