"""Reconciliation with the tax authority's e-invoice portal: importing the purchase-invoice
list exported there, and a period's report beside the invoices received. Thin:
pipeline.ledger.portal does the work, this router owns the commit. (A reviewer's decision on
a flagged invoice is a document decision: `POST /documents/{id}/portal-decision`.)"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, UploadFile

from api.deps import AUTH_RESPONSES, PortalImporter, Principal, SessionDep, require_roles
from api.schemas import UNREADABLE_BODY, Problem, ValidationProblem
from extractors.errors import BackofficeError
from pipeline.ledger import portal
from pipeline.store.models import Role

router = APIRouter(prefix="/api/v1", tags=["tax portal"], responses=AUTH_RESPONSES)

# Accountants reconcile; reviewers and approvers see what the portal says of their invoices.
ReportReader = Annotated[
    Principal, Depends(require_roles(Role.REVIEWER, Role.APPROVER, Role.ACCOUNTANT))
]


class PortalImportRefused(BackofficeError):
    code = "import_refused"
    http_status = 422

    def __init__(self, report: portal.ImportReport) -> None:
        super().__init__("rows refused: nothing was imported")
        self.report = report

    def detail(self) -> Any:
        return {"message": str(self), "problems": self.report.model_dump()["problems"]}


@router.post(
    "/portal-invoices/import",
    response_model=portal.ImportReport,
    responses=UNREADABLE_BODY
    | {
        422: {
            "model": Problem | ValidationProblem,
            "description": "Rows refused (`detail.problems`; nothing imported), or a file that "
            "is no portal list (empty, damaged, no such header, a zip bomb).",
        }
    },
)
def import_list(
    file: UploadFile, session: SessionDep, accountant: PortalImporter
) -> portal.ImportReport:
    """Import the purchase-invoice list exported from hoadondientu.gdt.gov.vn (XLSX or CSV,
    Vietnamese or English headers, the portal's title rows above them), all or nothing.
    Invoices the portal marks cancelled, replaced or adjusted flag ours (`flagged`): they do
    not post until a reviewer decides. People only (accountants, admins): an API token is
    refused, whatever its role."""
    content = file.file.read(portal.MAX_IMPORT_BYTES + 1)
    report = portal.import_list(session, content=content, actor=accountant.name)
    if report.problems:
        raise PortalImportRefused(report)
    session.commit()
    return report


@router.get(
    "/portal-reconciliation",
    response_model=portal.Reconciliation,
    responses={
        422: {
            "model": Problem | ValidationProblem,
            "description": "A period that ends before it starts or spans more than "
            f"{portal.MAX_PERIOD_DAYS} days, or dates that are no dates.",
        }
    },
)
def reconciliation(
    session: SessionDep,
    _reader: ReportReader,
    start: Annotated[date, Query(description="The period's first invoice date.")],
    end: Annotated[date, Query(description="The period's last invoice date, included.")],
) -> portal.Reconciliation:
    """The portal's list for the period beside the invoices received dated in it: on the
    portal not received, received not on the portal, amount mismatches, and those the portal
    marks cancelled, replaced or adjusted (with their flags). A year (366 days) at most."""
    return portal.reconcile(session, start=start, end=end)
