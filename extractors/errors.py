"""Typed extraction errors: a file that cannot be read says why, in a code a machine can act on."""

from __future__ import annotations

from extractors.record import ErrorCode


class ExtractionError(Exception):
    """The file cannot be turned into a record; `code` is the SCHEMA.md `error.code`."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message
