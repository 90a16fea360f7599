"""The double entry of a supplier invoice: balanced, exact, and refused when it cannot be."""

from __future__ import annotations

from decimal import Decimal

import pytest

from extractors.record import InvoiceFields, Party
from pipeline.journal import JournalError, build_entry


def invoice(**overrides: object) -> InvoiceFields:
    values: dict[str, object] = {
        "invoice_number": "0000123",
        "invoice_series": "C26TAA",
        "invoice_form": "1",
        "currency": "VND",
        "seller": Party(name="Công ty TNHH Minh Phát", tax_id="0101243150"),
        "subtotal": "1000000",
        "vat_amount": "80000",
        "total": "1080000",
    }
    return InvoiceFields.model_validate(values | overrides)


def test_expense_and_input_vat_are_debited_and_the_supplier_credited() -> None:
    entry = build_entry(invoice())
    assert [(line.account, line.debit, line.credit) for line in entry.lines] == [
        ("642", Decimal("1000000"), Decimal(0)),
        ("1331", Decimal("80000"), Decimal(0)),
        ("331", Decimal(0), Decimal("1080000")),
    ]
    assert entry.lines[-1].counterparty_tax_id == "0101243150"
    assert entry.currency == "VND"
    assert "1/C26TAA/0000123" in entry.memo and "Minh Phát" in entry.memo


def test_cents_stay_exact() -> None:
    entry = build_entry(
        invoice(currency="USD", subtotal="0.10", vat_amount="0.20", total="0.30")
    )
    assert entry.total_debit == entry.total_credit == Decimal("0.30")


def test_an_invoice_without_vat_has_no_vat_line() -> None:
    entry = build_entry(invoice(vat_amount="0", total="1000000"))
    assert [line.account for line in entry.lines] == ["642", "331"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"total": None}, "no total"),
        ({"total": "1080001"}, "but the total is 1080001"),
        ({"currency": None}, "no currency"),
        ({"subtotal": "0", "vat_amount": "0", "total": "0"}, "the total is 0"),
    ],
)
def test_an_entry_that_would_not_balance_is_refused_with_the_reason(
    overrides: dict[str, object], reason: str
) -> None:
    with pytest.raises(JournalError, match=reason):
        build_entry(invoice(**overrides))
