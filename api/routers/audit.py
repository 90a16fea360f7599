"""The audit trail for auditors: filtered, paginated, exportable as CSV. Read only: no route
changes or deletes an event."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import AUTH_RESPONSES, Admin, SessionDep
from api.schemas import IsoDateTime, Page, UtcDateTime
from pipeline.access import audit
from pipeline.ledger.safe_cells import csv_text

router = APIRouter(prefix="/api/v1", tags=["audit"], responses=AUTH_RESPONSES)

CSV_COLUMNS = ("id", "at", "actor", "kind", "document_id", "client_ip", "user_agent", "data")


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: UtcDateTime
    actor: str = Field(description="A user's name, `token:<name>`, or a part of the service.")
    kind: str
    document_id: int | None
    data: dict[str, Any] = Field(description='Changes as {"old": …, "new": …}.')
    client_ip: str | None
    user_agent: str | None


@router.get(
    "/audit",
    response_model=Page[AuditEventOut],
    responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv"}},
)
def list_audit_events(
    session: SessionDep,
    _principal: Admin,
    actor: Annotated[str | None, Query(max_length=255)] = None,
    kind: Annotated[str | None, Query(max_length=64)] = None,
    # Ids are 32-bit in the database: a larger number is no id at all, not a database error.
    document_id: Annotated[int | None, Query(alias="document", ge=1, le=2**31 - 1)] = None,
    since: Annotated[IsoDateTime | None, Query(description="From (UTC if no offset).")] = None,
    until: Annotated[IsoDateTime | None, Query(description="Before (UTC if no offset).")] = None,
    cursor: Annotated[
        int | None, Query(ge=0, le=2**31 - 1, description="`next_cursor` of a page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
    output: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
) -> Page[AuditEventOut] | Response:
    """Audit events in the order they were written. With `format=csv`, the same page as CSV
    (the next cursor in the `X-Next-Cursor` header)."""
    rows = audit.list_events(
        session,
        actor=actor,
        kind=kind,
        document_id=document_id,
        since=since,
        until=until,
        after_id=cursor,
        limit=limit,
    )
    items = [AuditEventOut.model_validate(row) for row in rows]
    next_cursor = str(items[-1].id) if len(items) == limit else None
    if output == "json":
        return Page[AuditEventOut](items=items, next_cursor=next_cursor)
    return Response(
        _csv(items),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="audit.csv"',
            **({"X-Next-Cursor": next_cursor} if next_cursor else {}),
        },
    )


def _csv(items: list[AuditEventOut]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        row = item.model_dump(mode="json")
        row["data"] = json.dumps(row["data"], ensure_ascii=False, sort_keys=True)
        writer.writerow(_cell(row[column]) for column in CSV_COLUMNS)
    return out.getvalue()


def _cell(value: Any) -> str:
    # The actor of a failed login is whatever the caller typed.
    return "" if value is None else csv_text(str(value))
