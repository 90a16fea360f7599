"""Line-item tables read by their geometry and checked by their figures (issue 19): a row
number column is not part of the description, a quantity is never glued to the unit price
beside it, and a per-line VAT or gross column does not cost the items.

The generated invoices are the held-out layouts of `tests.docgen.invoices_more` at seeds the
layout benchmark does not draw; the hand-built tables use headings no lexicon knows, so
only the columns' content can say which is which."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractors.document import ParsedDocument
from extractors.fields.invoice import InvoiceExtractor
from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.docgen import catalogue, invoices_more
from tests.support.pages import placed_document

_ITEM_FIELDS = ("description", "unit", "quantity", "unit_price", "amount", "vat_rate")


def _items(record_fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [{key: item.get(key) for key in _ITEM_FIELDS} for item in record_fields["line_items"]]


@pytest.mark.parametrize(
    ("layout", "form"),
    [
        *(
            (layout, "pdf")
            for layout in (
                "vi_party_grid",
                "vi_gross_column",
                "en_vat_column",
                "vi_price_first",
                "vi_lexicon_grid",
            )
        ),
        # In Word: a header wrapped in its cell (`Thành tiền` / `chưa thuế`), a per-line
        # VAT column, the party grid above the items' table.
        *(
            (layout, "docx")
            for layout in ("vi_price_first", "vi_party_grid", "en_vat_column", "en_side_grid")
        ),
    ],
)
def test_line_items_of_tables_with_row_numbers_and_vat_columns(
    tmp_path: Path, layout: str, form: str
) -> None:
    for seed in (11, 12, 13):
        doc = invoices_more.invoice(layout, seed)
        variant = doc if form == "pdf" else docgen.as_docx(doc)
        path = docgen.write(variant, tmp_path / f"{layout}-{seed}.{form}")
        record = extract_file(path, limits=ReadLimits())
        want = [{key: item.get(key) for key in _ITEM_FIELDS} for item in doc.fields["line_items"]]
        assert _items(record.fields) == want, (layout, seed, form)


def _invoice_with_table(
    heads: Sequence[tuple[float, str]], lines: Sequence[Sequence[tuple[float, str]]]
) -> ParsedDocument:
    rows: list[tuple[float, Sequence[tuple[float, str]]]] = [
        (30, [(40, "Northwind Supplies Ltd")]),
        (44, [(40, "VAT No: GB123456789")]),
        (70, [(220, "INVOICE")]),
        (84, [(40, "Invoice No.: 4471"), (300, "Date: 12/03/2026")]),
        (100, [(40, "Bill to: Fabrikam Trading Ltd")]),
        (130, heads),
    ]
    top = 146.0
    for line in lines:
        rows.append((top, line))
        top += 16
    rows.append((top + 10, [(380, "Subtotal:"), (480, "1,190.00")]))
    return placed_document(rows, "en")


def test_columns_no_heading_names_are_read_by_their_content() -> None:
    """`Ln` counting 1, 2, 3 is the row number, `Pcs` and `Each` are the pair whose product
    is the amount (the smaller the quantity), `Levy` holding percentages is the VAT rate,
    and the `Total` after it is the gross, not the line's amount."""
    heads = [
        (40, "Ln"),
        (60, "Description"),
        (220, "Pcs"),
        (260, "Each"),
        (320, "Amount"),
        (380, "Levy"),
        (440, "Total"),
    ]
    lines = [
        [(40, "1"), (60, "Copy paper A4"), (220, "10"), (260, "4.50"), (320, "45.00"),
         (380, "20%"), (440, "54.00")],
        [(40, "2"), (60, "Toner cartridge"), (220, "3"), (260, "85.00"), (320, "255.00"),
         (380, "20%"), (440, "306.00")],
        [(40, "3"), (60, "Desk lamp"), (220, "5"), (260, "178.00"), (320, "890.00"),
         (380, "5%"), (440, "934.50")],
    ]  # fmt: skip
    fields = InvoiceExtractor().extract(_invoice_with_table(heads, lines)).fields
    items = _items(fields)
    assert [item["description"] for item in items] == [
        "Copy paper A4",
        "Toner cartridge",
        "Desk lamp",
    ]
    assert [
        (Decimal(i["quantity"]), Decimal(i["unit_price"]), Decimal(i["amount"])) for i in items
    ] == [
        (Decimal(10), Decimal("4.50"), Decimal(45)),
        (Decimal(3), Decimal(85), Decimal(255)),
        (Decimal(5), Decimal(178), Decimal(890)),
    ]
    assert [item["vat_rate"] for item in items] == ["20", "20", "5"]


def test_a_column_of_figures_no_product_explains_is_left_out_not_guessed() -> None:
    """A figure column whose meaning neither its heading nor the arithmetic gives (a stock
    code) goes into no field: the description and figures stay as printed."""
    heads = [(60, "Description"), (200, "Ref"), (260, "Qty"), (320, "Price"), (400, "Amount")]
    lines = [
        [(60, "Copy paper A4"), (200, "30071"), (260, "10"), (320, "4.50"), (400, "45.00")],
        [(60, "Toner cartridge"), (200, "30094"), (260, "3"), (320, "85.00"), (400, "255.00")],
        [(60, "Desk lamp"), (200, "41002"), (260, "5"), (320, "178.00"), (400, "890.00")],
    ]
    items = _items(InvoiceExtractor().extract(_invoice_with_table(heads, lines)).fields)
    assert [item["description"] for item in items] == [
        "Copy paper A4",
        "Toner cartridge",
        "Desk lamp",
    ]
    assert [Decimal(item["quantity"]) for item in items] == [10, 3, 5]
    assert [Decimal(item["unit_price"]) for item in items] == [Decimal("4.5"), 85, 178]
    assert all(item["unit"] is None for item in items)


def _invoice_with_totals(totals: Sequence[tuple[str, str]]) -> ParsedDocument:
    rows: list[tuple[float, Sequence[tuple[float, str]]]] = [
        (30, [(40, "Northwind Supplies Ltd")]),
        (70, [(220, "INVOICE")]),
        (84, [(40, "Invoice No.: 4471"), (300, "Date: 12/03/2026")]),
        (130, [(60, "Description"), (260, "Qty"), (320, "Price"), (400, "Amount")]),
        (146, [(60, "Copy paper A4"), (260, "10"), (320, "4.50"), (400, "45.00")]),
        (162, [(60, "Toner cartridge"), (260, "3"), (320, "85.00"), (400, "255.00")]),
    ]
    top = 190.0
    for label, figure in totals:
        rows.append((top, [(300, label), (400, figure)]))
        top += 16
    return placed_document(rows, "en")


def test_a_subtotal_under_a_label_no_lexicon_knows_is_the_figure_the_lines_add_up_to() -> None:
    totals = [("Net total", "300.00"), ("Tax", "60.00"), ("Total", "360.00")]
    fields = InvoiceExtractor().extract(_invoice_with_totals(totals)).fields
    assert (fields["subtotal"], fields["vat_amount"], fields["total"]) == ("300", "60", "360")


def test_an_invoice_printing_only_its_total_has_no_subtotal() -> None:
    fields = InvoiceExtractor().extract(_invoice_with_totals([("Total", "300.00")])).fields
    assert fields["total"] == "300"
    assert fields["subtotal"] is None


def _invoice_with_rates(rates: Sequence[str], totals: Sequence[tuple[str, str]]) -> ParsedDocument:
    heads = [(60, "Description"), (220, "Qty"), (260, "Price"), (320, "Amount"), (400, "VAT")]
    rows: list[tuple[float, Sequence[tuple[float, str]]]] = [
        (30, [(40, "Northwind Supplies Ltd")]),
        (70, [(220, "INVOICE")]),
        (84, [(40, "Invoice No.: 4471"), (300, "Date: 12/03/2026")]),
        (130, heads),
        (146, [(60, "Copy paper A4"), (220, "10"), (260, "4.50"), (320, "45.00"), (400, rates[0])]),
        (162, [(60, "Desk lamp"), (220, "5"), (260, "51.00"), (320, "255.00"), (400, rates[1])]),
    ]
    top = 190.0
    for label, figure in totals:
        rows.append((top, [(300, label), (400, figure)]))
        top += 16
    return placed_document(rows, "en")


def test_the_one_rate_every_line_prints_is_the_invoices_when_the_vat_bears_it_out() -> None:
    totals = [("Subtotal", "300.00"), ("VAT", "30.00"), ("Total", "330.00")]
    fields = InvoiceExtractor().extract(_invoice_with_rates(["10%", "10%"], totals)).fields
    assert fields["vat_rate"] == "10"


def test_lines_at_two_rates_give_the_invoice_no_one_rate() -> None:
    totals = [("Subtotal", "300.00"), ("VAT rate: 10%", ""), ("VAT", "27.75"), ("Total", "327.75")]
    fields = InvoiceExtractor().extract(_invoice_with_rates(["10%", "5%"], totals)).fields
    assert fields["vat_rate"] is None


def test_the_totals_per_vat_rate_under_the_items_are_no_line_items(tmp_path: Path) -> None:
    # `Thuế suất 5%  125.000  6.250  131.250` under a multi-rate table's items was read as
    # one more line, and the lines no longer added up to the subtotal.
    doc = catalogue.BY_ID["invoice/vi/holdout:vi_multirate"].make(2501)
    record = extract_file(docgen.write(doc, tmp_path / "inv.pdf"), limits=ReadLimits())
    want = [{key: item.get(key) for key in _ITEM_FIELDS} for item in doc.fields["line_items"]]
    assert _items(record.fields) == want
