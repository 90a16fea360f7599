"""Supplier master data for accountants: list (the new, uncoded ones first to code), edit one,
import a list. Thin: pipeline.ledger.suppliers does the work, this router owns the commit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, UploadFile, status
from fastapi import Path as PathParam
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AUTH_RESPONSES, EntriesReader, SessionDep
from api.schemas import UNREADABLE_BODY, Problem, RequestBody, UtcDateTime, ValidationProblem
from extractors.errors import BackofficeError
from pipeline.ledger import suppliers
from pipeline.ledger.posting import current_mapping
from pipeline.store.models import Supplier

router = APIRouter(prefix="/api/v1", tags=["suppliers"], responses=AUTH_RESPONSES)

TaxId = Annotated[
    str,
    PathParam(
        pattern=r"^[A-Za-z0-9-]{1,32}$",
        description="The supplier's tax code (`0101243150`, `0101243150-001`).",
    ),
]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No supplier with this tax code."}
}


class SupplierOut(BaseModel):
    tax_id: str
    code: str | None = Field(description="Its code in the accounting software; null: uncoded.")
    name: str
    default_account: str | None
    payment_terms_days: int | None
    first_seen_at: UtcDateTime
    updated_at: UtcDateTime
    updated_by: str

    @classmethod
    def of(cls, row: Supplier) -> SupplierOut:
        return cls.model_validate(row, from_attributes=True)


class SupplierChangesIn(RequestBody):
    """What an accountant sets on a supplier; a field left out is left as it is."""

    # A misspelt field would otherwise change nothing and answer 200.
    model_config = ConfigDict(extra="forbid")

    code: suppliers.SupplierCode | None = Field(
        default=None, description="The supplier's code in the accounting software (`NCC001`)."
    )
    name: suppliers.SupplierName | None = None
    default_account: suppliers.AccountNumber | None = Field(
        default=None,
        description="Where its invoice lines go when no mapping rule places them (`6422`).",
    )
    payment_terms_days: int | None = Field(default=None, ge=0, le=3650)


class SupplierList(BaseModel):
    items: list[SupplierOut]
    next_offset: int | None


class ImportRefused(BackofficeError):
    code = "import_refused"
    http_status = 422

    def __init__(self, report: suppliers.ImportReport) -> None:
        super().__init__("rows refused: nothing was imported")
        self.report = report

    def detail(self) -> Any:
        return {"message": str(self), "problems": self.report.model_dump()["problems"]}


@router.get("/suppliers", response_model=SupplierList)
def list_suppliers(
    session: SessionDep,
    _reader: EntriesReader,
    uncoded: Annotated[
        bool, Query(description="Only suppliers still waiting for a code, newest first.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> SupplierList:
    rows = suppliers.list_suppliers(session, uncoded=uncoded, limit=limit, offset=offset)
    return SupplierList(
        items=[SupplierOut.of(row) for row in rows],
        next_offset=offset + limit if len(rows) == limit else None,
    )


@router.get("/suppliers/{tax_id}", response_model=SupplierOut, responses=_NOT_FOUND)
def get_supplier(tax_id: TaxId, session: SessionDep, _reader: EntriesReader) -> SupplierOut:
    row = suppliers.get_supplier(session, tax_id=tax_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no supplier {tax_id}")
    return SupplierOut.of(row)


@router.patch(
    "/suppliers/{tax_id}",
    response_model=SupplierOut,
    responses=UNREADABLE_BODY
    | {
        409: {"model": Problem, "description": "The code is another supplier's."},
        422: {
            "model": Problem | ValidationProblem,
            "description": "Not a tax code (its check digit), an account not in the chart, a "
            "new supplier without its name, or a malformed body.",
        },
    },
)
def update_supplier(
    tax_id: TaxId, body: SupplierChangesIn, session: SessionDep, accountant: EntriesReader
) -> SupplierOut:
    """Set a supplier's code, name, default expense account or payment terms (the fields sent;
    audited as `supplier_updated`). A supplier not yet known is added (its name is needed)."""
    changes = suppliers.SupplierChanges.model_validate(body.model_dump(exclude_unset=True))
    row = suppliers.update_supplier(
        session, tax_id=tax_id, changes=changes, actor=accountant.name, mapping=current_mapping()
    )
    session.commit()
    return SupplierOut.of(row)


# Not under /suppliers/: an import there would share its path with a supplier's.
@router.post(
    "/supplier-lists",
    response_model=suppliers.ImportReport,
    responses=UNREADABLE_BODY
    | {
        422: {
            "model": Problem | ValidationProblem,
            "description": "Rows refused (`detail.problems`; nothing imported), or a file that "
            "is no supplier list.",
        }
    },
)
def import_suppliers(
    file: UploadFile, session: SessionDep, accountant: EntriesReader
) -> suppliers.ImportReport:
    """Import a supplier list, CSV (UTF-8) or XLSX, headers in Vietnamese or English (`Mã số
    thuế`, `Mã nhà cung cấp`, `Tên nhà cung cấp`, `TK chi phí`, `Số ngày được nợ`). All or
    nothing: 422 naming every refused row, and nothing imported."""
    content = file.file.read(suppliers.MAX_IMPORT_BYTES + 1)
    report = suppliers.import_suppliers(
        session,
        content=content,
        filename=file.filename or "upload",
        actor=accountant.name,
        mapping=current_mapping(),
    )
    if report.problems:
        raise ImportRefused(report)
    session.commit()
    return report
