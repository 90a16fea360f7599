"""Text written into the sheets we export, kept inert. A seller's name or address comes from a
supplier's PDF: text such as `=HYPERLINK("http://evil", "x")` must reach the accountant as
text, never run as a formula when the file is opened (CSV injection, OWASP). Numbers and dates
are left as they are: a negative amount is a number, not text to neutralise."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# What a spreadsheet takes as the start of a formula when it opens a CSV.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed number written as text (a phone number `+84912345678`) can call nothing and refer to
# no cell: it stays as written.
_SIGNED_NUMBER = re.compile(r"[+-]\d[\d.,]*")


def csv_text(text: str) -> str:
    """Text for a CSV cell: a leading single quote makes a spreadsheet show formula-like text
    as typed instead of evaluating it."""
    if text.startswith(FORMULA_START) and not _SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


def append_row(sheet: Worksheet, values: Iterable[object]) -> None:
    """Append a row to an XLSX sheet with every text cell stored as a string: openpyxl would
    store text starting with `=` as a formula."""
    values = tuple(values)
    sheet.append(values)
    for cell, value in zip(sheet[sheet.max_row], values, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"
