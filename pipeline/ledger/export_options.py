"""What an export is asked for, shared by the exports and their commands without either
loading the other."""

from __future__ import annotations

import enum


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class DateBasis(enum.StrEnum):
    POSTING = "posting"
    DOCUMENT = "document"
