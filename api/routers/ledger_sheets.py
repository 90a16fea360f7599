"""Sheets an accountant takes from the books for a period: the purchase invoice register, and
the MISA SME import file of the purchase vouchers."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import AUTH_RESPONSES, EntriesReader, SessionDep
from api.schemas import Problem, ValidationProblem
from pipeline.ledger import misa, purchase_register
from pipeline.ledger.export_options import DateBasis, ExportFormat

router = APIRouter(prefix="/api/v1", tags=["entries"], responses=AUTH_RESPONSES)

_MEDIA_TYPES = {
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}
_SHEET: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {media_type: {} for media_type in _MEDIA_TYPES.values()},
        "description": "The sheet, as a file to save.",
    },
    422: {"model": Problem | ValidationProblem, "description": "Malformed parameters."},
}
# `from` and `to` both included.
From = Annotated[date, Query(alias="from", description="First day, YYYY-MM-DD.")]
To = Annotated[date, Query(alias="to", description="Last day, YYYY-MM-DD.")]
By = Annotated[
    DateBasis,
    Query(
        alias="by",
        description="posting: invoices posted in the range; document: invoices dated in it.",
    ),
]
Format = Annotated[ExportFormat, Query(alias="format")]
# Proxies refuse headers over a few KB: the header names the first vouchers left out, and
# `X-Left-Out-Count` says how many there are in all.
LEFT_OUT_IN_HEADER = 20


def _file(content: bytes, export_format: ExportFormat, name: str) -> Response:
    return Response(
        content,
        media_type=_MEDIA_TYPES[export_format],
        headers={"Content-Disposition": f'attachment; filename="{name}.{export_format.value}"'},
    )


@router.get("/purchase-register", response_class=Response, responses=_SHEET)
def get_purchase_register(
    session: SessionDep,
    principal: EntriesReader,
    start: From,
    end: To,
    basis: By = DateBasis.POSTING,
    export_format: Format = ExportFormat.XLSX,
) -> Response:
    """The purchase invoice register (bảng kê hóa đơn, chứng từ hàng hóa, dịch vụ mua vào) of a
    range of days, grouped by VAT rate with a subtotal per rate and a grand total, in đồng.
    An entry and its reversal both in the range cancel; a reversal of an earlier entry is a
    negative row. A range that ends before it starts holds no day: its register is empty."""
    register = purchase_register.purchase_register(session, start=start, end=end, basis=basis)
    return _file(
        purchase_register.render(register, export_format),
        export_format,
        f"purchase_register_{start}_{end}",
    )


@router.get(
    "/misa-purchases",
    response_class=Response,
    responses={
        200: {"content": {_MEDIA_TYPES[ExportFormat.XLSX]: {}}, "description": "The file."},
        409: {
            "model": Problem,
            "description": "A supplier in the range has no code, or an entry was posted before "
            "its purchases were kept by VAT rate: the detail names each.",
        },
        422: {"model": ValidationProblem, "description": "Malformed parameters."},
    },
)
def get_misa_purchases(
    session: SessionDep,
    principal: EntriesReader,
    start: From,
    end: To,
    basis: By = DateBasis.POSTING,
) -> Response:
    """The invoices of a range of days as MISA SME's import file for purchase vouchers
    (XLSX): the template's sheet and headers, one row per voucher line, the supplier by its
    code. Reversals of invoices outside the range are left out, to cancel those vouchers in
    MISA: `X-Left-Out-Count` says how many, `X-Left-Out` (JSON list) names the first 20."""
    found = misa.purchase_vouchers(session, start=start, end=end, basis=basis)
    answer = _file(misa.to_xlsx(found), ExportFormat.XLSX, f"misa_purchases_{start}_{end}")
    answer.headers["X-Left-Out"] = json.dumps(found.left_out[:LEFT_OUT_IN_HEADER])
    answer.headers["X-Left-Out-Count"] = str(len(found.left_out))
    return answer
