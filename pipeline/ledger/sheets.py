"""Tables people bring in (supplier lists, banks' rate tables): CSV in UTF-8 or the first sheet
of an XLSX, as rows of cells, with limits that a damaged file or a zip bomb cannot get past."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from extractors.errors import BackofficeError
from extractors.text import fold

# What an XLSX may unpack to: a table of 50,000 rows is a few MB of XML; a zip bomb is not.
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024


class TableError(BackofficeError):
    code = "unreadable_table"
    http_status = 422


def read_rows(content: bytes, *, max_bytes: int, max_rows: int) -> list[list[object]]:
    """The rows of a CSV (comma or semicolon separated) or of an XLSX's first sheet."""
    if len(content) > max_bytes:
        raise TableError(f"the file is over {max_bytes // (1024 * 1024)} MB")
    if content[:4] == b"PK\x03\x04":
        return _xlsx_rows(content, max_rows)
    return _csv_rows(content, max_rows)


def folded_header(cell: object) -> str:
    """A header cell as header names are matched: no diacritics, lower case, single spaces."""
    text = "" if cell is None else str(cell)
    return re.sub(r"\s+", " ", fold(text).replace("đ", "d").replace("Đ", "D")).strip().casefold()


def cell_text(value: object) -> str | None:
    """A cell's text, None when empty; a sheet's whole number without its `.0`."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _csv_rows(content: bytes, max_rows: int) -> list[list[object]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError("the CSV file is not UTF-8 text (save it as CSV UTF-8)") from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows: list[list[object]] = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append(list(row))
        if len(rows) > max_rows + 15:
            raise TableError(f"over {max_rows} rows: split the file")
    return rows


def _xlsx_rows(content: bytes, max_rows: int) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise TableError("the XLSX file is damaged") from exc
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise TableError("the XLSX file unpacks to more than such a table can hold")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise TableError(f"the XLSX file cannot be read: {type(exc).__name__}") from exc
    try:
        return list(_limited(workbook.worksheets[0].iter_rows(values_only=True), max_rows))
    finally:
        workbook.close()


def _limited(rows: Iterator[tuple[object, ...]], max_rows: int) -> Iterator[list[object]]:
    for count, row in enumerate(rows):
        if count > max_rows + 15:
            raise TableError(f"over {max_rows} rows: split the file")
        yield list(row)


def cell_date(value: object) -> date | None:
    """A date as tables hold them: a sheet's date, ISO, or day first (`05/03/2026`)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for layout in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def cell_number(value: object) -> Decimal | None:
    """A number as tables print it: `25,400.00`, `25.400,5`, `25400` or a sheet's number. A
    lone separator followed by exactly three digits groups thousands (`25,400`, `25.400`)."""
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(decimal_mark, ".")
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        parts = text.split(mark)
        if len(parts) > 2 or len(parts[-1]) == 3:
            text = text.replace(mark, "")
        else:
            text = text.replace(mark, ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
