"""Invoices whose issuer, buyer, number, tax id and table are printed the ways real invoices
from abroad print them (tests/docgen/abroad.py draws the wording and the layout per seed)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests.docgen import GeneratedDocument, scanned_pdf, write
from tests.docgen.abroad import (
    dark_header_invoice,
    english_invoice,
    glued_columns_invoice,
    vietnamese_one_unit_invoice,
)

SEEDS = range(8)


def _read(doc: Any, path: Path) -> dict[str, Any]:
    record = extract_file(write(doc, path), limits=ReadLimits())
    assert record.doc_type == "invoice"
    return record.fields


def _same_money(got: Any, expected: str) -> bool:
    return got is not None and Decimal(str(got)) == Decimal(expected)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_letterhead_issues_the_invoice_and_the_addressee_or_bill_to_block_receives_it(
    tmp_path: Path, seed: int
) -> None:
    doc = english_invoice(seed)
    fields = _read(doc, tmp_path / "invoice.pdf")
    assert fields["seller"]["name"] == doc.fields["seller"]["name"]
    assert fields["buyer"]["name"] == doc.fields["buyer"]["name"]
    assert fields["invoice_number"] == doc.fields["invoice_number"]


@pytest.mark.parametrize("seed", SEEDS)
def test_an_eu_vat_number_is_the_sellers_tax_id_and_never_the_vat_amount(
    tmp_path: Path, seed: int
) -> None:
    doc = english_invoice(seed)
    fields = _read(doc, tmp_path / "invoice.pdf")
    assert fields["seller"]["tax_id"] == doc.fields["seller"]["tax_id"]
    assert fields["buyer"]["tax_id"] is None
    # `Tax 15% on $ 112.90`: neither the rate nor the base is the VAT.
    assert _same_money(fields["vat_amount"], doc.fields["vat_amount"])
    assert _same_money(fields["subtotal"], doc.fields["subtotal"])
    assert _same_money(fields["total"], doc.fields["total"])


@pytest.mark.parametrize("seed", SEEDS)
def test_discount_and_taxes_columns_stay_out_of_the_price_and_the_unit_leaves_the_quantity(
    tmp_path: Path, seed: int
) -> None:
    doc = english_invoice(seed)
    fields = _read(doc, tmp_path / "invoice.pdf")
    expected = doc.fields["line_items"]
    assert len(fields["line_items"]) == len(expected)
    for got, want in zip(fields["line_items"], expected, strict=True):
        assert got["description"] == want["description"]
        assert got["unit"] == want["unit"]
        for key in ("quantity", "unit_price", "amount"):
            assert _same_money(got[key], want[key]), (key, got, want)
        assert got["vat_rate"] == want["vat_rate"]


@pytest.mark.parametrize("seed", range(4))
def test_a_one_unit_line_under_the_column_numbers_is_an_item_and_the_footer_mst_no_partys(
    tmp_path: Path, seed: int
) -> None:
    doc = vietnamese_one_unit_invoice(seed)
    fields = _read(doc, tmp_path / "invoice.pdf")
    # The e-invoice provider's tax code in the footer is neither party's.
    assert fields["seller"]["tax_id"] == doc.fields["seller"]["tax_id"]
    assert fields["buyer"]["tax_id"] is None
    assert len(fields["line_items"]) == 1
    item, want = fields["line_items"][0], doc.fields["line_items"][0]
    for key in ("quantity", "unit_price", "amount"):
        assert _same_money(item[key], want[key]), (key, item)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2))
def test_a_scanned_table_whose_header_ocr_lost_is_read_by_its_figures_agreeing(
    tmp_path: Path, seed: int
) -> None:
    doc = dark_header_invoice(seed)
    scan = GeneratedDocument(doc.doc_type, doc.language, scanned_pdf(doc, dpi=200), doc.fields)
    fields = _read(scan, tmp_path / "scan.pdf")
    expected = doc.fields["line_items"]
    assert len(fields["line_items"]) == len(expected)
    for got, want in zip(fields["line_items"], expected, strict=True):
        assert got["description"] == want["description"]
        for key in ("quantity", "unit_price", "amount"):
            assert _same_money(got[key], want[key]), (key, got, want)


@pytest.mark.parametrize("seed", range(4))
def test_a_quantity_touching_its_unit_price_is_cut_where_the_two_make_the_amount(
    tmp_path: Path, seed: int
) -> None:
    doc = glued_columns_invoice(seed)
    fields = _read(doc, tmp_path / "invoice.pdf")
    expected = doc.fields["line_items"]
    assert len(fields["line_items"]) == len(expected)
    for got, want in zip(fields["line_items"], expected, strict=True):
        for key in ("quantity", "unit_price", "amount"):
            assert _same_money(got[key], want[key]), (key, got, want)
