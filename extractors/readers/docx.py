"""Word files (DOCX): paragraphs and tables in document order.

DOCX has no page geometry, so lines are laid out on a virtual page: one line per paragraph
or table row, table cells side by side, so that "value right of its label" and "value under
its label" still hold. Provenance from such a page carries the page and no box.

A DOCX is a ZIP archive: sizes are checked from the archive's directory before anything is
decompressed (a zip bomb expands thousands of times), and a ZIP that is not a Word file is
`unsupported_type`.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from extractors.document import Line, Page, ParsedDocument, Word
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.normalize import clean_text
from extractors.readers.base import ClosingReader

_LINE_HEIGHT = 14.0
_CELL_WIDTH = 120.0
_CHAR_WIDTH = 5.0
_MAX_EXPANSION = 200  # a real document.xml compresses about 10x; bombs thousands of times


class DocxReader(ClosingReader):
    name = "docx"
    media_types = frozenset({"application/zip"})

    def read(self, path: Path, *, limits: ReadLimits) -> ParsedDocument:
        _check_archive(path, limits)
        try:
            document = docx.Document(str(path))
        except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on bad files
            raise ExtractionError("corrupt_file", f"not a readable Word file ({exc})") from exc
        rows: list[list[str]] = []
        for block in document.iter_inner_content():
            if isinstance(block, Paragraph):
                text = clean_text(block.text)
                if text:
                    rows.append([text])
            elif isinstance(block, Table):
                for row in block.rows:
                    cells = [clean_text(cell.text) for cell in row.cells]
                    if any(cells):
                        rows.append(cells)
        lines: list[Line] = []
        for index, cells in enumerate(rows):
            top = index * _LINE_HEIGHT
            for column, text in enumerate(cells):
                if not text:
                    continue
                x0 = column * _CELL_WIDTH if len(cells) > 1 else 0.0
                words = []
                for token in text.split(" "):
                    x1 = x0 + _CHAR_WIDTH * len(token)
                    words.append(Word(token, (x0, top, x1, top + 10.0), 1, source="docx"))
                    x0 = x1 + _CHAR_WIDTH
                lines.append(Line(tuple(words), 1))
        page = Page(
            number=1,
            width=max(595.0, _CELL_WIDTH * max((len(r) for r in rows), default=1)),
            height=_LINE_HEIGHT * max(1, len(rows)),
            lines=lines,
            notes=["virtual_layout"],
        )
        return ParsedDocument(
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            pages=[page],
        )


def _check_archive(path: Path, limits: ReadLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ExtractionError("corrupt_file", f"a damaged ZIP archive ({exc})") from exc
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        raise ExtractionError(
            "unsupported_type", "a ZIP archive, not a Word document; send the files inside it"
        )
    expanded = sum(entry.file_size for entry in entries)
    compressed = max(1, sum(entry.compress_size for entry in entries))
    if expanded > limits.max_file_bytes or expanded > _MAX_EXPANSION * compressed:
        raise ExtractionError(
            "too_large",
            f"the Word file expands to {expanded} bytes from {compressed}: refused as a "
            "decompression bomb",
        )
