"""Printed values to SCHEMA.md forms."""

from __future__ import annotations

import pytest

from extractors.normalize import (
    find_currency,
    find_email,
    find_phone,
    parse_date,
    parse_foreign_tax_id,
    parse_money,
    parse_payment_method,
    parse_tax_id,
    parse_vat_rate,
)


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("05/03/2026", "2026-03-05"),
        ("Ngày 05 tháng 3 năm 2026", "2026-03-05"),
        ("Hà Nội, ngày 5 tháng 03 năm 2026", "2026-03-05"),
        ("March 5, 2026", "2026-03-05"),
        ("5 Mar 2026", "2026-03-05"),
        ("2026-03-05", "2026-03-05"),
        ("31/02/2026", None),
        ("no date here", None),
    ],
)
def test_dates(printed: str, iso: str | None) -> None:
    assert parse_date(printed) == iso


@pytest.mark.parametrize(
    ("printed", "amount"),
    [
        ("1.234.567", "1234567"),
        ("1.234.567,50", "1234567.5"),
        ("1,234,567.50", "1234567.5"),
        ("$1,234.50", "1234.5"),
        ("1.234,50 €", "1234.5"),
        ("12.500đ", "12500"),
        ("80.000", "80000"),
        ("0.30", "0.3"),
        ("-1.000", "-1000"),
        ("none", None),
    ],
)
def test_money(printed: str, amount: str | None) -> None:
    assert parse_money(printed) == amount


def test_currencies_vat_rates_tax_codes_and_phones() -> None:
    assert find_currency("Tổng cộng: 1.080.000 đồng") == "VND"
    assert find_currency("Total: $1,234.50") == "USD"
    assert find_currency("1.234,50 €") == "EUR"
    assert find_currency("Đơn giá: 12.500đ") == "VND"
    # dollars with a country's letters are that country's, not the US dollar
    assert find_currency("Total Payable S$29,763.28") == "SGD"
    assert find_currency("A$1,200.00") == "AUD"
    assert find_currency("HK$ 880") == "HKD"
    assert parse_vat_rate("Thuế suất GTGT: 8%") == "8"
    assert parse_vat_rate("Thuế suất: KCT") == "KCT"
    assert parse_tax_id("MST: 0101243150") == "0101243150"
    assert parse_tax_id("Mã số thuế: 0101243150 - 001") == "0101243150-001"
    assert parse_tax_id("MST: 0101 243 150") == "0101243150"
    # one digit per printed box, the branch's too
    assert parse_tax_id("Mã số thuế: 0 7 7 6 5 7 7 0 1 8 - 0 0 5") == "0776577018-005"
    assert parse_tax_id("CCCD/MST: 001085012345") == "001085012345"
    assert parse_tax_id("MST: 12345") is None
    assert find_phone("ĐT: 0912 345 678") == "+84912345678"
    assert find_phone("Tel: +84 28 3823 4567") == "+842838234567"
    # an ID number is not a phone, even where it looks like one
    assert find_phone("Số CCCD: 050875579018   Điện thoại: 0772 931 437") == "+84772931437"
    assert find_phone("Fax: 028 3823 4567  Tel: 028 3823 4568") == "+842838234568"
    assert find_phone("MST: 0101243150") is None


@pytest.mark.parametrize(
    ("printed", "method"),
    [
        ("TM/CK", "cash_or_transfer"),
        ("TM, CK", "cash_or_transfer"),
        ("Tiền mặt hoặc chuyển khoản", "cash_or_transfer"),
        ("Cash or bank transfer", "cash_or_transfer"),
        ("Chuyển khoản", "transfer"),
        ("CK", "transfer"),
        ("Ủy nhiệm chi", "transfer"),
        ("Bank transfer", "transfer"),
        ("Tiền mặt", "cash"),
        ("TM", "cash"),
        ("Cash", "cash"),
        ("Thẻ", "card"),
        ("Credit card", "card"),
        ("Bù trừ công nợ", "offset"),
        ("Paid by the bank", "transfer"),  # the English `the` is not `thẻ`
        ("Net 30", None),
        ("", None),
    ],
)
def test_payment_methods(printed: str, method: str | None) -> None:
    assert parse_payment_method(printed) == method


def test_a_foreign_vat_number_keeps_its_country_prefix_without_spaces_or_dots() -> None:
    assert parse_foreign_tax_id("VAT ID: DE 182 917 077") == "DE182917077"
    assert parse_foreign_tax_id("USt-IdNr.: DE123456789") == "DE123456789"
    assert parse_foreign_tax_id("BTW-nummer NL 8532.58.123.B01") == "NL853258123B01"
    assert parse_foreign_tax_id("ATU12345678") == "ATU12345678"
    assert parse_foreign_tax_id("VAT Reg. No.: GB497388376 Company no. 1") == "GB497388376"
    # A country code before a postcode or a rate is not a VAT number.
    assert parse_foreign_tax_id("DE 80333 München") is None
    assert parse_foreign_tax_id("Tax: 0.2%") is None


@pytest.mark.parametrize(
    ("printed", "email"),
    [
        ("Email: jordano'connor739@example.com", "jordano'connor739@example.com"),
        ("E-mail: Anh.Nguyen+hr@cong-ty.com.vn;", "anh.nguyen+hr@cong-ty.com.vn"),
        ("'billing@example.org'", "billing@example.org"),
        ("<x_y=z@example.org>.", "x_y=z@example.org"),
        ("Tel: 0901 234 567 | hr@example.vn", "hr@example.vn"),
        ("no address @ here", None),
    ],
)
def test_an_email_keeps_every_character_its_local_part_may_hold(
    printed: str, email: str | None
) -> None:
    assert find_email(printed) == email
