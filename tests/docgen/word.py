"""Word (.docx) versions of generated documents."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from tests.docgen.common import GeneratedDocument

# --- Word files ------------------------------------------------------------------------------


def as_docx(doc: GeneratedDocument) -> GeneratedDocument:
    """The same document typed in Word: each printed row becomes a paragraph, and rows of
    three or more columns (line-item tables) become a Word table."""
    import docx

    from extractors.document import ParsedDocument
    from extractors.limits import ReadLimits
    from extractors.readers.pdf import PdfTextReader

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "source.pdf"
        path.write_bytes(doc.content)
        with PdfTextReader() as reader:
            parsed: ParsedDocument = reader.read(path, limits=ReadLimits())
    word = docx.Document()
    rows: list[list[str]] = []
    last_top: float | None = None
    for line in parsed.lines:
        top = line.bbox[1]
        if last_top is not None and abs(top - last_top) < 3:
            rows[-1].append(line.text)
        else:
            rows.append([line.text])
        last_top = top
    table = None
    for row in rows:
        if len(row) >= 3:
            if table is None or len(table.columns) != len(row):
                table = word.add_table(rows=0, cols=len(row))
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
        else:
            table = None
            word.add_paragraph("    ".join(row))
    buffer = io.BytesIO()
    word.save(buffer)
    return GeneratedDocument(doc.doc_type, doc.language, buffer.getvalue(), doc.fields, ".docx")
