"""Contract parties in tables of the generator's other layouts, and a term's end computed
only from a start the contract prints (issue 19).

Parties sit in label | value tables, in rows under each party's heading or in columns side
by side; a text layer runs a label cell into its value (`Tax code / Company No. 6162021558`),
a label wraps within its cell (`Tax identification` / `number`), Word retypes a wrapped
address line at the margin. Each is read against what the generator printed, born-digital
and as a Word file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.docgen import catalogue
from tests.docgen.common import GeneratedDocument, _Pdf

LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)


def _read(doc: GeneratedDocument, fmt: str, tmp_path: Path) -> dict[str, Any]:
    made = docgen.as_docx(doc) if fmt == "docx" else doc
    record = extract_file(docgen.write(made, tmp_path / f"contract.{fmt}"), limits=LIMITS)
    assert record.error is None
    assert record.doc_type == "contract"
    return record.fields


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize(
    "layout",
    [
        "contract/en/tuned:contract-en",
        "contract/en/more:en_party_rows",
        "contract/en/more:en_party_columns",
        "contract/vi/more:vi_party_rows",
        "contract/vi/more:vi_party_columns",
        "contract/vi/holdout:vi_lease",
    ],
)
@pytest.mark.parametrize("seed", [500, 501])
def test_parties_in_tables_are_read_as_printed(
    layout: str, fmt: str, seed: int, tmp_path: Path
) -> None:
    doc = catalogue.BY_ID[layout].make(seed)
    fields = _read(doc, fmt, tmp_path)
    assert fields["parties"] == doc.fields["parties"]


def _contract(lines: list[str]) -> GeneratedDocument:
    pdf = _Pdf()
    pdf.centre(20, "HỢP ĐỒNG MUA BÁN HÀNG HÓA", bold=True, size=14)
    for number, line in enumerate(lines):
        pdf.text(15, 32 + 6 * number, line)
    return GeneratedDocument("contract", "vi", pdf.bytes(), {})


_PARTIES = [
    "Số: 12/2025/HĐMB",
    "Hôm nay, ngày 22 tháng 11 năm 2025, tại Hà Nội, chúng tôi gồm có:",
    "BÊN A (BÊN MUA): CÔNG TY CP THƯƠNG MẠI SAO VIỆT",
    "Mã số thuế: 0101243150",
    "BÊN B (BÊN BÁN): CÔNG TY CP XÂY DỰNG ÁNH DƯƠNG",
    "Mã số thuế: 0100109106",
    "Hai bên thống nhất ký kết hợp đồng với các điều khoản sau:",
    "ĐIỀU 1. HÀNG HÓA VÀ BẢO HÀNH",
]


def test_a_warrantys_term_is_no_expiry(tmp_path: Path) -> None:
    """A warranty of one year from delivery ends on no printed day, and the contract's own
    term is not stated: no expiry date is computed."""
    doc = _contract(
        [
            *_PARTIES,
            "Bên B bảo hành hàng hóa, sản phẩm trong thời hạn 1 năm kể từ ngày bàn giao.",
            "ĐIỀU 2. ĐIỀU KHOẢN CHUNG",
            "Hợp đồng có hiệu lực kể từ ngày ký và chấm dứt khi hai bên hoàn thành nghĩa vụ.",
        ]
    )
    fields = _read(doc, "pdf", tmp_path)
    assert fields["signing_date"] == "2025-11-22"
    assert fields["expiry_date"] is None


def test_a_term_runs_from_the_date_printed_after_it(tmp_path: Path) -> None:
    doc = _contract(
        [
            *_PARTIES,
            "ĐIỀU 2. THỜI HẠN",
            "Thời hạn hợp đồng là 36 (ba mươi sáu) tháng, kể từ ngày 01 tháng 12 năm 2025.",
        ]
    )
    assert _read(doc, "pdf", tmp_path)["expiry_date"] == "2028-12-01"


def test_a_term_counted_from_an_event_computes_no_end(tmp_path: Path) -> None:
    """`15 years after the in-service date`: the start is a day the contract does not print,
    so its end is unknown, not fifteen years after signing."""
    doc = _contract(
        [
            *_PARTIES,
            "ĐIỀU 2. THỜI HẠN",
            "Hợp đồng có hiệu lực trong thời hạn 15 năm kể từ ngày đưa công trình vào sử dụng.",
        ]
    )
    assert _read(doc, "pdf", tmp_path)["expiry_date"] is None


def _agreement(lines: list[str]) -> GeneratedDocument:
    pdf = _Pdf()
    pdf.centre(20, "MASTER SERVICES AGREEMENT", bold=True, size=14)
    for number, line in enumerate(lines):
        pdf.text(15, 32 + 6 * number, line)
    return GeneratedDocument("contract", "en", pdf.bytes(), {})


_AGREEMENT = [
    "THIS AGREEMENT is dated 25 June 2026",
    "PARTIES",
    "(1) HARROW & FINCH CONSULTING LLP whose registered office is at 3 Old Jewry, London",
    'EC2R 8DN (the "Supplier"); and',
    "(2) PENNINE OFFICE SUPPLIES LTD whose registered office is at 27 Wellington Road,",
    'Leeds LS1 4DL (the "Customer").',
    "AGREED TERMS",
    "1. COMMENCEMENT AND TERM",
    "1.1 This agreement shall commence on the date of this agreement and shall continue for",
    "an initial term of 12 months, after which it shall automatically renew for successive",
    "periods of 12 months unless either party gives three months' written notice.",
    "2. GOVERNING LAW",
    "2.1 This agreement and any dispute or claim arising out of or in connection with it",
    "shall be governed by and construed in accordance with the law of England and Wales.",
]


def test_an_agreement_starting_on_its_own_date_and_a_governing_law_naming_disputes(
    tmp_path: Path,
) -> None:
    """`shall commence on the date of this agreement`: effective the day it is dated, its
    initial term from then (renewals aside). A governing-law sentence that names `any
    dispute` says which law governs, not how disputes are settled."""
    fields = _read(_agreement(_AGREEMENT), "pdf", tmp_path)
    assert fields["signing_date"] == "2026-06-25"
    assert fields["effective_date"] == "2026-06-25"
    assert fields["expiry_date"] == "2027-06-25"
    assert "governing_law" in fields["clauses"]
    assert "dispute_resolution" not in fields["clauses"]


def test_a_dispute_sentence_saying_how_disputes_are_settled_is_the_clause(
    tmp_path: Path,
) -> None:
    lines = [
        *_AGREEMENT,
        "3. MISCELLANEOUS",
        "3.1 Any dispute arising out of or in connection with this agreement shall first be",
        "settled amicably by negotiation between the parties.",
    ]
    assert "dispute_resolution" in _read(_agreement(lines), "pdf", tmp_path)["clauses"]
