"""The record contract, for clients to validate what they pull."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter

from api.deps import AUTH_RESPONSES, CurrentPrincipal
from extractors.record_schema import record_json_schema

router = APIRouter(prefix="/api/v1", tags=["schema"], responses=AUTH_RESPONSES)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    return record_json_schema()


@router.get("/schema", response_model=dict[str, Any])
def record_schema(principal: CurrentPrincipal) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record, as `GET /api/v1/documents/{id}` and
    `backoffice extract` give it: the same as `docs/record.schema.json` in the repository."""
    return _schema()
