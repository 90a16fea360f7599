"""English official letters and memos read into the dispatch record (issue 19): each of the
generator's English layouts (tests/docgen/letters.py), born-digital and as a Word file, read
field by field against what the generator printed.

The dispatch reader is called on the read document directly: which type a letter is
classified as is tested in test_classification.py; here it is what the reader makes of an
English letter once it is one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.fields.dispatch import DispatchExtractor
from extractors.limits import ReadLimits
from extractors.readers import reader_for
from extractors.sniff import sniff_media_type
from tests import docgen
from tests.docgen import letters
from tests.docgen.common import GeneratedDocument
from tests.docgen.holdout import _Page

LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)


def _read(doc: GeneratedDocument, fmt: str, tmp_path: Path) -> dict[str, Any]:
    made = docgen.as_docx(doc) if fmt == "docx" else doc
    path = docgen.write(made, tmp_path / f"letter.{fmt}")
    with reader_for(sniff_media_type(path.read_bytes()[:8192]), path) as reader:
        document = reader.read(path, limits=LIMITS)
    return DispatchExtractor().extract(document).fields


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("layout", letters.LAYOUTS["en"])
@pytest.mark.parametrize("seed", range(2))
def test_english_letter_fields(layout: str, seed: int, fmt: str, tmp_path: Path) -> None:
    doc = letters.letter(layout, seed)
    fields = _read(doc, fmt, tmp_path)
    for key, value in doc.fields.items():
        assert fields[key] == value, key


def test_a_letter_without_a_reference_has_no_number(tmp_path: Path) -> None:
    """The American letter prints no reference and the grid memo none either: the number
    stays null rather than being taken from a date, a postcode or a subject."""
    for layout in ("en_us_letter", "en_memo_table"):
        doc = letters.letter(layout, 3)
        assert doc.fields["dispatch_number"] is None
        assert _read(doc, "pdf", tmp_path)["dispatch_number"] is None


def test_your_ref_is_not_the_letters_number(tmp_path: Path) -> None:
    """`Your ref:` is the addressee's reference; the number is ours (`Our ref:`)."""
    doc = letters.letter("en_uk_letter", 4)
    fields = _read(doc, "pdf", tmp_path)
    assert fields["dispatch_number"] == doc.fields["dispatch_number"]
    assert doc.fields["dispatch_number"].startswith(("FIN/", "PROC/", "HR/"))


def test_issuer_is_the_name_not_the_address_under_it(tmp_path: Path) -> None:
    """The letterhead's address and a memo's title run beside or under the name; the issuer
    is the name alone."""
    for layout in ("en_uk_letter", "en_notice", "en_memo_table"):
        doc = letters.letter(layout, 5)
        assert _read(doc, "pdf", tmp_path)["issuer"] == doc.fields["issuer"], layout


def test_a_letterhead_in_capitals_is_the_name_as_the_letter_writes_it(tmp_path: Path) -> None:
    """The American letterhead sets the company in capitals and the signature writes it in
    mixed case: the issuer is the written form. With only the capitals printed, the capitals
    are the name as printed."""
    doc = letters.letter("en_us_letter", 2)
    name = doc.fields["issuer"]
    assert name != name.upper()
    assert _read(doc, "pdf", tmp_path)["issuer"] == name

    page = _Page("serif")
    page.put(15, 15, "NORTHWIND TRADING LTD", 14)
    page.put(15, 30, "3 March 2026", 10)
    page.put(15, 40, "Dear Ms. Hale,", 10)
    page.put(15, 48, "Subject: Renewal of the storage lease", 10)
    page.put(15, 58, "We confirm that we wish to renew the lease on the same terms.", 10)
    page.put(15, 70, "Yours sincerely,", 10)
    page.put(15, 86, "Peter Gray", 10)
    page.put(15, 91, "Director", 10)
    capitals = GeneratedDocument("dispatch", "en", page.bytes(), {})
    assert _read(capitals, "pdf", tmp_path)["issuer"] == "NORTHWIND TRADING LTD"


def test_a_letter_in_none_of_the_generators_layouts(tmp_path: Path) -> None:
    """A dunning letter laid out as none of the generator's are: no letterhead (its date
    first), `Attention:`, `Reference:`, `RE:`, `Kind regards,`, `Distribution:`. Every field
    is read from its label or block, and the issuer, not printed, stays null."""
    page = _Page("serif")
    page.put(15, 20, "14 November 2026", 10)
    page.put(15, 30, "Attention: Accounts Receivable", 10)
    page.put(15, 36, "Reference: AR-2026/0457", 10)
    page.put(15, 48, "Dear Sir or Madam,", 10)
    page.put(15, 56, "RE: Overdue invoice 4471 dated 2 October 2026", 10)
    page.y = 66
    page.flow(
        15,
        "Our records show that the invoice above remains unpaid. We ask you to settle it no "
        "later than 30 November 2026 or to contact us.",
        180,
        10,
        leading=5,
        after=2.5,
    )
    page.put(15, page.y + 4, "Kind regards,", 10)
    page.put(15, page.y + 20, "Margaret O'Neill", 10)
    page.put(15, page.y + 25, "Credit Controller", 10)
    page.put(15, page.y + 35, "Distribution: Sales Director; File", 9)
    doc = GeneratedDocument("dispatch", "en", page.bytes(), {})
    assert _read(doc, "pdf", tmp_path) == {
        "urgency": None,
        "issue_place": None,
        "issue_date": "2026-11-14",
        "dispatch_number": "AR-2026/0457",
        "subject": "Overdue invoice 4471 dated 2 October 2026",
        "recipients": ["Accounts Receivable"],
        "cc": ["Sales Director", "File"],
        "issuer": None,
        "signer_name": "Margaret O'Neill",
        "signer_title": "Credit Controller",
        "reply_deadline": "2026-11-30",
    }
