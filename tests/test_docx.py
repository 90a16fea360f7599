"""Word files: text in document order, tables kept as rows, zip bombs refused."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen

LIMITS = ReadLimits()


@pytest.mark.parametrize(
    "doc",
    [
        docgen.invoice(1),
        docgen.invoice(2, language="en"),
        docgen.contract(1),
        docgen.cv(2, language="en"),
        docgen.dispatch(3),
    ],
    ids=["invoice-vi", "invoice-en", "contract-vi", "cv-en", "dispatch"],
)
def test_word_files_are_classified_and_read(doc: docgen.GeneratedDocument, tmp_path: Path) -> None:
    path = docgen.write(docgen.as_docx(doc), tmp_path / "doc.docx")
    record = extract_file(path, limits=LIMITS)
    assert record.error is None
    assert record.source.media_type == "application/zip"
    assert record.doc_type == doc.doc_type
    assert record.language == doc.language


def test_a_contract_typed_in_word_yields_its_fields_without_positions(tmp_path: Path) -> None:
    doc = docgen.contract(4)
    record = extract_file(docgen.write(docgen.as_docx(doc), tmp_path / "hd.docx"), limits=LIMITS)
    assert record.fields == doc.fields
    assert all(p.bbox is None for p in record.provenance.values())


def test_invoice_totals_from_a_word_table(tmp_path: Path) -> None:
    doc = docgen.invoice(5)
    record = extract_file(docgen.write(docgen.as_docx(doc), tmp_path / "hd.docx"), limits=LIMITS)
    for key in ("invoice_number", "issue_date", "subtotal", "vat_amount", "total"):
        assert record.fields[key] == doc.fields[key], key


def test_a_zip_bomb_dressed_as_a_word_file_is_refused_unopened(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * 50_000_000)
    assert path.stat().st_size < 1_000_000
    record = extract_file(path, limits=LIMITS)
    assert record.error is not None
    assert record.error.code == "too_large"


def test_a_zip_that_is_not_a_word_file_is_unsupported(tmp_path: Path) -> None:
    record = extract_file(docgen.zip_as_pdf(tmp_path / "archive.zip"), limits=LIMITS)
    assert record.error is not None
    assert record.error.code == "unsupported_type"
