"""Contracts written as prose, as US and UK firms draft them: the parties in one sentence of
the preamble (no party blocks; the `CLIENT:` headings are signature blocks at the end), a fee
stated as `a fixed fee of`, a term and its renewals in one sentence, signatures as `Signed
by … for and on behalf of …` with a dotted line between."""

from __future__ import annotations

from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.fields.contract import ContractExtractor


def _contract(lines: list[str]) -> ParsedDocument:
    """One line per printed row, 14 points apart, in a 10-point font."""
    words = []
    for row, text in enumerate(lines):
        x, top = 42.0, 60.0 + 14 * row
        for token in text.split():
            words.append(Word(token, (x, top, x + 5 * len(token), top + 10), 1))
            x += 5 * len(token) + 3
    page = Page(1, 595, 842, group_lines(words, 1))
    return ParsedDocument("application/pdf", [page], "en")


PREAMBLE = [
    "CONSULTING SERVICES AGREEMENT",
    "This Consulting Services Agreement is made as of March 2, 2026, by and between Harbor",
    "Point Analytics LLC, a Delaware limited liability company with its principal place of",
    'business at 12 Pier Road, Portland, ME 04101 ("Client"), and Grace Whitfield, an',
    'individual residing at 77 Elm Street, Burlington, VT 05401 ("Consultant").',
    "The parties agree as follows:",
    "1. Fees. Client shall pay Consultant a fixed fee of $48,500.00, payable in monthly",
    "installments within thirty (30) days of each invoice.",
    "2. Term. This Agreement shall commence on April 1, 2026 and shall continue for an",
    "initial term of 18 months, after which it shall renew for successive periods of 12",
    "months unless either party gives notice of non-renewal.",
    "3. Confidentiality. Consultant shall not disclose any confidential information.",
    "IN WITNESS WHEREOF, the parties have executed this Agreement.",
    "CLIENT:",
    "Signed by Daniel Okafor",
    "....................................",
    "for and on behalf of HARBOR POINT ANALYTICS LLC",
    "CONSULTANT:",
    "Grace Whitfield",
]


def test_the_parties_of_a_preamble_sentence_not_the_signature_headings() -> None:
    fields = ContractExtractor().extract(_contract(PREAMBLE)).fields
    parties = fields["parties"]
    assert [(p["name"], p["address"]) for p in parties] == [  # type: ignore[index,union-attr]
        ("Harbor Point Analytics LLC", "12 Pier Road, Portland, ME 04101"),
        ("Grace Whitfield", "77 Elm Street, Burlington, VT 05401"),
    ]
    # the company's signatory, across the dotted signature line; a person signs for herself
    assert [p["representative"] for p in parties] == ["Daniel Okafor", None]  # type: ignore[index,union-attr]


def test_a_fixed_fee_a_fees_article_and_a_term_stated_with_its_renewals() -> None:
    fields = ContractExtractor().extract(_contract(PREAMBLE)).fields
    assert (fields["total_value"], fields["currency"]) == ("48500", "USD")
    assert "payment" in fields["clauses"]  # type: ignore[operator]
    assert fields["effective_date"] == "2026-04-01"
    assert fields["expiry_date"] == "2027-10-01"  # 18 months, not the 12-month renewals
    assert fields["auto_renewal"] is True


def _rows(rows: list[list[tuple[float, str]]], language: str) -> ParsedDocument:
    """Printed rows 14 points apart, each of (x0, text) cells, in a 10-point font."""
    words = []
    for row, cells in enumerate(rows):
        top = 60.0 + 14 * row
        for x0, text in cells:
            x = x0
            for token in text.split():
                words.append(Word(token, (x, top, x + 5 * len(token), top + 10), 1))
                x += 5 * len(token) + 3
    page = Page(1, 595, 842, group_lines(words, 1))
    return ParsedDocument("application/pdf", [page], language)  # type: ignore[arg-type]


def test_numbered_parties_whose_numbers_sit_in_cells_of_their_own() -> None:
    """A Word table `1.` | `CÔNG TY …` retyped from a recital: the number is a cell, the
    party's sentence starts in the next one and runs on below."""
    rows = [
        [(200, "HỢP ĐỒNG DỊCH VỤ")],
        [(42, "Chúng tôi gồm:")],
        [(42, "1."), (150, "CÔNG TY CỔ PHẦN THƯƠNG MẠI HOÀNG GIA, có trụ sở tại Số 155")],
        [(42, "Nguyễn Huệ, Hải Phòng, mã số thuế 3127424164, do Ông Trần Công Hải làm")],
        [(42, "đại diện (sau đây gọi là “Bên A”);")],
        [(42, "2."), (150, "ANH DUONG TRADING AND SERVICES COMPANY LIMITED, có trụ sở tại")],
        [(42, "Số 207 Nguyễn Huệ, Hà Nội, mã số thuế 4792206547, do Bà Mai Kim Quân làm")],
        [(42, "đại diện (sau đây gọi là “Bên B”);")],
        [(42, "Các bên thỏa thuận ký kết hợp đồng với những điều khoản sau đây:")],
    ]
    parties = ContractExtractor().extract(_rows(rows, "vi")).fields["parties"]
    assert [(p["role"], p["name"], p["tax_id"]) for p in parties] == [
        ("party_a", "CÔNG TY CỔ PHẦN THƯƠNG MẠI HOÀNG GIA", "3127424164"),
        # `ANH` opens a company's name here, not `anh` (Mr) before a person's
        ("party_b", "ANH DUONG TRADING AND SERVICES COMPANY LIMITED", "4792206547"),
    ]


def test_a_party_heading_naming_its_letter_in_parentheses() -> None:
    rows = [
        [(200, "HỢP ĐỒNG DỊCH VỤ")],
        [(42, "BÊN A - BÊN SỬ DỤNG DỊCH VỤ: CÔNG TY CỔ PHẦN BẤT ĐỘNG SẢN HẢI ÂU")],
        [(54, "Mã số thuế: 3092819384")],
        [(42, "BÊN CUNG CẤP DỊCH VỤ (BÊN B)")],
        [(42, "Tên doanh nghiệp: CÔNG TY CỔ PHẦN THƯƠNG MẠI SAO VIỆT")],
        [(54, "Mã số thuế: 5549163027")],
        [(42, "Các bên thỏa thuận ký kết hợp đồng với những điều khoản sau đây:")],
    ]
    parties = ContractExtractor().extract(_rows(rows, "vi")).fields["parties"]
    assert [(p["role"], p["name"], p["tax_id"]) for p in parties] == [
        ("party_a", "CÔNG TY CỔ PHẦN BẤT ĐỘNG SẢN HẢI ÂU", "3092819384"),
        ("party_b", "CÔNG TY CỔ PHẦN THƯƠNG MẠI SAO VIỆT", "5549163027"),
    ]
