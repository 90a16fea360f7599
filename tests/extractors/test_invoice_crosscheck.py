"""Confidence an invoice's values earn from cross-checks: what the page confirms reaches
auto-approval's level (`PRINTED`), what nothing confirms or something contradicts does not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.fields import confidence as level
from extractors.fields.invoice import InvoiceExtractor
from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.docgen import catalogue

POSTED = ("invoice_number", "issue_date", "seller.name", "seller.tax_id", "total")


def _read(doc: docgen.GeneratedDocument, path: Path) -> tuple[dict[str, Any], dict[str, float]]:
    docgen.write(doc, path)
    record = extract_file(path, filename=path.name, limits=ReadLimits())
    return record.fields, record.confidence


def test_a_clean_invoice_of_a_held_out_layout_earns_its_confidence_from_the_page(
    tmp_path: Path,
) -> None:
    doc = catalogue.BY_ID["invoice/vi/more:vi_lexicon_grid"].make(500)
    fields, confidence = _read(doc, tmp_path / "clean.pdf")
    for path in POSTED:
        assert confidence[path] >= level.PRINTED, path
    assert fields["invoice_number"] == doc.fields["invoice_number"]
    assert fields["total"] == doc.fields["total"]


def test_a_total_that_does_not_add_up_disputes_the_figures_but_not_the_number(
    tmp_path: Path,
) -> None:
    fields, confidence = _read(docgen.invoice(6, fault="total"), tmp_path / "total.pdf")
    assert fields["total"] is not None
    for path in ("subtotal", "vat_amount", "total"):
        assert confidence[path] == level.DISPUTED, path
    assert confidence["invoice_number"] >= level.PRINTED


def _document(rows: list[tuple[float, list[tuple[float, str]]]], language: str) -> ParsedDocument:
    """Rows of (top, [(x0, text)]) in a 10-point font, 5 points per character."""
    words = []
    for top, cells in rows:
        for x0, text in cells:
            x = x0
            for token in text.split():
                words.append(Word(token, (x, top, x + 5 * len(token), top + 10), 1))
                x += 5 * len(token) + 3
    return ParsedDocument("application/pdf", [Page(1, 595, 842, group_lines(words, 1))], language)


_TOTALS = [
    (300, [(360, "Subtotal"), (500, "1,000.00")]),
    (316, [(360, "VAT"), (500, "200.00")]),
    (332, [(360, "Total due"), (500, "1,200.00")]),
]


def test_totals_adding_up_with_nothing_else_to_confirm_them_stay_below_auto_approval() -> None:
    """Three figures from one wrong row would add up too: a second reading confirms them."""
    document = _document([(100, [(40, "INVOICE")]), *_TOTALS], "en")
    confidence = InvoiceExtractor().extract(document).confidence
    assert all(confidence[key] < level.PRINTED for key in ("subtotal", "vat_amount", "total"))
    rated = _document([(100, [(40, "INVOICE")]), (200, [(40, "VAT rate: 20%")]), *_TOTALS], "en")
    confidence = InvoiceExtractor().extract(rated).confidence
    assert all(confidence[key] >= level.PRINTED for key in ("subtotal", "vat_amount", "total"))


def test_a_number_or_date_its_labels_disagree_on_or_that_reads_two_ways_is_not_raised() -> None:
    document = _document(
        [
            (40, [(40, "Brightwave Media Ltd")]),
            (60, [(40, "accounts@brightwave.co.uk")]),
            (100, [(360, "Invoice No: INV-0042")]),
            (116, [(360, "Date: 04/05/2026")]),
            (132, [(360, "Original invoice no: INV-0017")]),
            *_TOTALS,
        ],
        "en",
    )
    out = InvoiceExtractor().extract(document)
    assert out.fields["invoice_number"] == "INV-0042"
    assert out.confidence["invoice_number"] < level.PRINTED
    assert out.fields["issue_date"] is not None
    assert out.confidence["issue_date"] < level.PRINTED  # 4 May or April 5th: nothing says
    assert out.confidence["seller.name"] >= level.PRINTED  # its own e-mail domain names it


def test_a_seller_named_as_the_buyer_is_not_vouched_for() -> None:
    document = _document(
        [
            (100, [(40, "Seller: Harrow & Finch Ltd"), (300, "Bill to: Harrow & Finch Ltd")]),
            *_TOTALS,
        ],
        "en",
    )
    out = InvoiceExtractor().extract(document)
    assert out.fields["seller"]["name"] == out.fields["buyer"]["name"]  # type: ignore[index]
    assert out.confidence["seller.name"] < level.PRINTED
