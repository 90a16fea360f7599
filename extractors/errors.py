"""The service's error family, and the extractors' own member of it.

Every error the service raises on purpose is a `BackofficeError`: it carries a `code` a
machine can act on and the HTTP status it means at the API's edge, so one handler in the app
answers for all of them and routers do not translate errors by hand. The root lives here, in
the lowest layer, because every other layer (rules, pipeline, api) may import this one and
none of them may import upwards."""

from __future__ import annotations

from typing import Any

from extractors.record import ErrorCode


class BackofficeError(Exception):
    code: str = "error"
    http_status: int = 422

    def detail(self) -> Any:
        """What the API answers in `detail`: the message, unless a member says more."""
        return str(self)


class ExtractionError(BackofficeError):
    """The file cannot be turned into a record; `code` is the SCHEMA.md `error.code`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
