"""The one place service errors become HTTP answers. Every error the service raises on purpose
is a `BackofficeError` carrying its status, so routers let them through instead of translating
each by hand; the answer has FastAPI's shape, `{"detail": …}`."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.orm.exc import StaleDataError

from extractors.errors import BackofficeError


def _service_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BackofficeError)
    return JSONResponse({"detail": exc.detail()}, status_code=exc.http_status)


def _stale_row(_request: Request, _exc: Exception) -> JSONResponse:
    # Another change to the row was committed between our read and our write (the version
    # counter of the ORM refused ours).
    return JSONResponse(
        {"detail": "the document changed meanwhile: reload it"},
        status_code=status.HTTP_409_CONFLICT,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(BackofficeError, _service_error)
    app.add_exception_handler(StaleDataError, _stale_row)
