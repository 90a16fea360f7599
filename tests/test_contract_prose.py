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
