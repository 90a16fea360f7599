"""The one place service errors become HTTP answers. Every error the service raises on purpose
is a `BackofficeError` carrying its status, so routers let them through instead of translating
each by hand; the answer has FastAPI's shape, `{"detail": …}`."""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.exc import StaleDataError

from extractors.errors import BackofficeError
from pipeline.store.outage import is_outage

# The watcher and workers retry an outage at most this far apart: a client asked to come back
# then finds the service as soon as they do.
OUTAGE_RETRY_AFTER_SECONDS = 5


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


def _database_error(request: Request, exc: Exception) -> JSONResponse:
    if not is_outage(exc):
        # A bug, not an outage: the same 500 (and logged traceback) as any other.
        raise exc
    # The database is down or refusing connections: a client's retry will succeed once it is
    # back, which a 500 would not tell it.
    return JSONResponse(
        {"detail": "the database is unavailable right now: try again shortly"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(OUTAGE_RETRY_AFTER_SECONDS)},
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(BackofficeError, _service_error)
    app.add_exception_handler(StaleDataError, _stale_row)
    app.add_exception_handler(DBAPIError, _database_error)
