"""The exchange rate table: the rate a foreign invoice that prints none would be booked at
(for the review page to propose, and for reviewers to check), and importing a bank's table.
Thin: pipeline.ledger.rates does the work, this router owns the commit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, UploadFile, status
from fastapi import Path as PathParam

from api.deps import AUTH_RESPONSES, EntriesReader, Principal, SessionDep, require_roles
from api.schemas import UNREADABLE_BODY, Problem, RateOut, ValidationProblem
from extractors.errors import BackofficeError
from pipeline.ledger import rates
from pipeline.store.models import Role

router = APIRouter(prefix="/api/v1", tags=["exchange rates"], responses=AUTH_RESPONSES)

# Who reviews and approves invoices needs the proposal; accountants keep the table.
RateReader = Annotated[
    Principal, Depends(require_roles(Role.REVIEWER, Role.APPROVER, Role.ACCOUNTANT))
]
Currency = Annotated[str, PathParam(pattern=r"^[A-Za-z]{3}$", description="`USD`, `EUR`, `JPY`, …")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "The table has no rate for that day or before it."}
}


class RatesImportRefused(BackofficeError):
    code = "import_refused"
    http_status = 422

    def __init__(self, report: rates.RatesReport) -> None:
        super().__init__("rows refused: nothing was imported")
        self.report = report

    def detail(self) -> Any:
        return {"message": str(self), "problems": self.report.model_dump()["problems"]}


@router.get("/exchange-rates/{currency}/{day}", response_model=RateOut, responses=_NOT_FOUND)
def rate_for(currency: Currency, day: date, session: SessionDep, _reader: RateReader) -> RateOut:
    """The rate a foreign invoice dated `day` that prints no rate is booked at: the table's
    rate of the kind `BACKOFFICE_EXCHANGE_RATE_KIND` names, of that day or the latest of the
    days before (up to `BACKOFFICE_EXCHANGE_RATE_MAX_AGE_DAYS`)."""
    found = rates.rate_for(session, currency=currency.upper(), day=day)
    if found is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, f"no rate of {currency.upper()} for {day} or before it"
        )
    return RateOut(
        currency=found.currency,
        rate=Decimal(found.rate),
        day=found.day,
        kind=found.kind,
        source=found.source,
        label=found.label(),
    )


@router.post(
    "/exchange-rates/import",
    response_model=rates.RatesReport,
    responses=UNREADABLE_BODY
    | {
        422: {
            "model": Problem | ValidationProblem,
            "description": "Rows refused (`detail.problems`; nothing imported), or a file that "
            "is no rate table.",
        }
    },
)
def import_rates(
    file: UploadFile,
    session: SessionDep,
    accountant: EntriesReader,
    day: Annotated[date | None, Query(description="The rates' day, if the table has none.")] = None,
    source: Annotated[str, Query(min_length=1, max_length=60, pattern=r"^[\w .\-]+$")] = "bank",
) -> rates.RatesReport:
    """Import a bank's published rate table (CSV or XLSX: currency code, cash buying,
    transfer buying, selling, in Vietnamese or English headers), all or nothing."""
    content = file.file.read(rates.MAX_IMPORT_BYTES + 1)
    report = rates.import_rates(
        session, content=content, source=source, actor=accountant.name, day=day
    )
    if report.problems:
        raise RatesImportRefused(report)
    session.commit()
    return report
