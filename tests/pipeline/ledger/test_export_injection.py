"""Text read from a supplier's document reaches every exported sheet as text: a seller name
like `=HYPERLINK(...)` is never a live formula in the XLSX nor a formula to a spreadsheet
opening the CSV, while amounts, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from pipeline.ledger import exports, misa, purchase_register, register_exports
from pipeline.ledger.export_options import DateBasis
from pipeline.ledger.purchase_register import PurchaseRegister, RateGroup, RegisterRow
from pipeline.store.models import ContractRegisterRow, CorrespondenceRegisterRow

EVIL = '=HYPERLINK("http://evil.example","Click")'
# What a spreadsheet also takes for the start of a formula in a CSV.
PLUS, AT, MINUS = "+1+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xlsx_cells(content: bytes) -> list[tuple[object, str]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row]


def assert_text_is_inert(cells: list[tuple[object, str]], *texts: str) -> None:
    for text in texts:
        assert (text, "s") in cells, text
    assert not [cell for cell in cells if cell[1] == "f"]


def register() -> PurchaseRegister:
    reversal = RegisterRow(
        voucher_number="PN2026/000009",
        invoice_form="1",
        invoice_series="C26TAA",
        invoice_number="0000300",
        invoice_date=date(2026, 3, 5),
        seller_name=EVIL,
        seller_tax_id="0101243150",
        base=Decimal(-3000000),
        vat=Decimal(-300000),
        note=PLUS,
    )
    group = RateGroup(vat_rate="10", label="Thuế suất 10%", rows=(reversal,))
    return PurchaseRegister(
        start=date(2026, 3, 1), end=date(2026, 3, 31), basis=DateBasis.POSTING, groups=(group,)
    )


def test_purchase_register_csv_quotes_formula_text_and_keeps_negative_amounts() -> None:
    row = csv_rows(purchase_register.to_csv(register()))[2]
    assert row[5:10] == ["'" + EVIL, "0101243150", "-3000000", "-300000", "'" + PLUS]


def test_purchase_register_xlsx_writes_formula_text_as_text_and_amounts_as_numbers() -> None:
    cells = xlsx_cells(purchase_register.to_xlsx(register()))
    assert_text_is_inert(cells, EVIL, PLUS)
    assert (-3000000, "n") in cells


def test_misa_file_writes_the_suppliers_name_and_address_as_text() -> None:
    found = misa.MisaFile(
        rows=[
            {
                "Số phiếu nhập (*)": "PN2026/000001",
                "Tên nhà cung cấp": EVIL,
                "Địa chỉ": AT,
                "Diễn giải": f"Mua hàng của {EVIL}",
                "Thành tiền": Decimal(-1000000),
            }
        ],
        left_out=[],
    )
    cells = xlsx_cells(misa.to_xlsx(found))
    assert_text_is_inert(cells, EVIL, AT)
    assert (-1000000, "n") in cells


def voucher_rows() -> list[exports.VoucherRow]:
    return [
        exports.VoucherRow(
            posting_date=date(2026, 3, 5),
            voucher_date=date(2026, 3, 5),
            voucher_number="PN2026/000002",
            description=EVIL,
            debit_account="331",
            credit_account="156",
            amount=Decimal(-1080000),
            currency="VND",
            exchange_rate=None,
            amount_vnd=Decimal(-1080000),
            counterparty_tax_id="0101243150",
            invoice_form="1",
            invoice_series=MINUS,
            invoice_number="0000300",
            invoice_date=date(2026, 3, 5),
        )
    ]


def test_entries_csv_quotes_formula_text_and_keeps_negative_amounts() -> None:
    row = csv_rows(exports.to_csv(voucher_rows()))[1]
    assert (row[3], row[6], row[9], row[12]) == ("'" + EVIL, "-1080000", "-1080000", "'" + MINUS)


def test_entries_xlsx_writes_formula_text_as_text() -> None:
    cells = xlsx_cells(exports.to_xlsx(voucher_rows()))
    assert_text_is_inert(cells, EVIL, MINUS)
    assert (-1080000, "n") in cells


def contract() -> ContractRegisterRow:
    return ContractRegisterRow(
        registered_on=date(2026, 3, 5),
        contract_number="HD-01",
        title=EVIL,
        parties=[{"role": "party_a", "name": AT, "tax_id": "0101243150"}],
        value=Decimal(-5000000),
        currency="VND",
        auto_renewal=False,
    )


def letter() -> CorrespondenceRegisterRow:
    return CorrespondenceRegisterRow(
        arrival_number=1, arrival_date=date(2026, 3, 5), issuer=EVIL, subject=PLUS
    )


def test_register_csvs_quote_formula_text_and_keep_negative_values() -> None:
    row = csv_rows(register_exports.to_csv("contracts", [contract()]))[1]
    assert row[2:8] == ["'" + EVIL, "'" + AT, "0101243150", "", "", "-5000000"]
    row = csv_rows(register_exports.to_csv("correspondence", [letter()]))[1]
    assert (row[2], row[5]) == ("'" + EVIL, "'" + PLUS)


def test_register_xlsxs_write_formula_text_as_text() -> None:
    cells = xlsx_cells(register_exports.to_xlsx("contracts", [contract()]))
    assert_text_is_inert(cells, EVIL, AT)
    assert (-5000000, "n") in cells
    assert_text_is_inert(
        xlsx_cells(register_exports.to_xlsx("correspondence", [letter()])), EVIL, PLUS
    )
