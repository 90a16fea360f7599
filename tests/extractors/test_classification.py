"""Document type across types, languages and formats (bench/reading.py measures it on 200+)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from extractors.classify import classify
from extractors.document import Line, Page, ParsedDocument, Word
from extractors.limits import ReadLimits
from extractors.readers.pdf import PdfTextReader
from extractors.service import extract_file
from tests import docgen
from tests.docgen import catalogue
from tests.docgen.abroad import english_letter, foreign_invoice, vietnamese_notice

MAKERS: list[Callable[[int, str], docgen.GeneratedDocument]] = [
    lambda seed, language: docgen.invoice(seed, language=language),
    lambda seed, language: docgen.contract(seed, language=language),
    lambda seed, language: docgen.cv(seed, language=language),
    lambda seed, language: docgen.dispatch(seed),
]


@pytest.mark.slow
def test_classification_accuracy_floor_over_formats(tmp_path: Path) -> None:
    total = right = 0
    misses = []
    for seed in range(3):
        for make in MAKERS:
            for language in ("vi", "en"):
                doc = make(seed, language)
                variants = {"pdf": doc, "docx": docgen.as_docx(doc)}
                if seed == 0:
                    scan = docgen.scanned_pdf(doc, dpi=200, noise=0.0005)
                    variants["scan"] = docgen.GeneratedDocument(
                        doc.doc_type, doc.language, scan, doc.fields
                    )
                for form, variant in variants.items():
                    path = docgen.write(variant, tmp_path / f"doc.{form}")
                    record = extract_file(path, limits=ReadLimits())
                    total += 1
                    if record.doc_type == doc.doc_type:
                        right += 1
                    else:
                        misses.append((doc.doc_type, language, form, seed, record.doc_type))
    assert total >= 56
    assert right / total >= 0.95, misses


def test_a_document_of_no_known_type_is_unknown_rather_than_a_guess(tmp_path: Path) -> None:
    path = tmp_path / "menu.pdf"
    path.write_bytes(_menu())
    record = extract_file(path, limits=ReadLimits())
    assert record.error is None
    assert record.doc_type == "unknown"
    assert record.fields == {}


def _menu() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for y, text in enumerate(
        ["Lunch menu", "Soup of the day", "Grilled fish with rice", "Fresh fruit", "Coffee or tea"],
        start=1,
    ):
        pdf.text(20, 20 + 10 * y, text)
    return bytes(pdf.output())


@pytest.mark.parametrize("seed", range(6))
def test_an_english_letter_or_memo_is_a_dispatch_by_its_structure(
    tmp_path: Path, seed: int
) -> None:
    record = extract_file(
        docgen.write(english_letter(seed), tmp_path / "letter.pdf"), limits=ReadLimits()
    )
    assert (record.doc_type, record.language) == ("dispatch", "en")


@pytest.mark.parametrize("seed", range(3))
def test_a_vietnamese_notice_listing_what_a_cv_holds_is_a_dispatch_not_a_cv(
    tmp_path: Path, seed: int
) -> None:
    record = extract_file(
        docgen.write(vietnamese_notice(seed), tmp_path / "notice.pdf"), limits=ReadLimits()
    )
    assert record.doc_type == "dispatch"


@pytest.mark.parametrize(
    ("seed", "language"), [(s, lang) for s in range(2) for lang in ("de", "fr", "nl")]
)
def test_invoices_in_german_french_and_dutch_are_invoices(
    tmp_path: Path, seed: int, language: str
) -> None:
    doc = foreign_invoice(seed, language=language)
    record = extract_file(docgen.write(doc, tmp_path / "rechnung.pdf"), limits=ReadLimits())
    assert record.doc_type == "invoice"


def test_a_memo_laid_out_as_a_table_is_a_letter(tmp_path: Path) -> None:
    # `Acme Ltd — INTERNAL MEMO` closes its title line, and To / CC / From / Re stand alone
    # in their cells with no colon: the structure of a memo all the same.
    for seed in range(3):
        memo = catalogue.BY_ID["dispatch/en/more:en_memo_table"].make(seed)
        path = tmp_path / f"memo-{seed}.pdf"
        path.write_bytes(memo.content)
        with PdfTextReader() as reader:
            assert classify(reader.read(path, limits=ReadLimits())).doc_type == "dispatch"


def _typed(*lines: str) -> ParsedDocument:
    """A page of the given lines, one word box per word (positions play no part here)."""
    rows = [
        Line(tuple(Word(text, (0.0, 0.0, 1.0, 1.0), 1) for text in line.split()), 1)
        for line in lines
    ]
    return ParsedDocument("application/pdf", [Page(1, 600.0, 800.0, rows)])


@pytest.mark.parametrize(
    "title",
    [
        "INVOICE",
        "Invoice",
        # Typed on a Turkish keyboard or with a long s: the regex engine takes these for
        # `i` and `s` whatever the case, and the cues still do.
        "\u0130NVO\u0130CE",
        "\u0131nvo\u0131ce",
    ],
)
def test_cues_match_whatever_the_case(title: str) -> None:
    lower = classify(_typed("invoice", "Bill to: Acme", "Unit price Amount", "Total due 10"))
    document = _typed(title, "BILL TO: Acme", "UNIT PRICE AMOUNT", "TOTAL DUE 10")
    assert classify(document) == lower
    assert lower.doc_type == "invoice"


def test_a_long_s_reads_as_an_s() -> None:
    plain = classify(_typed("CURRICULUM VITAE", "Work experience", "Skills", "Education"))
    long_s = classify(_typed("CURRICULUM VITAE", "Work experience", "\u017fkills", "Education"))
    assert long_s == plain
