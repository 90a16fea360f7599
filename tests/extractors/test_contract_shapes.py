"""Contract shapes real contracts print (tests/docgen/shapes19.py): parties in label | value
tables under `BÊN A - NGƯỜI SỬ DỤNG LAO ĐỘNG`, a template's `{{…}}` blanks, laws and other
agreements cited with their own dates, a term ending on a printed date, and a governing law
`in all respects by the internal laws of` a state."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.docgen import shapes19
from tests.docgen.common import GeneratedDocument, write

LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)


def _read(doc: GeneratedDocument, tmp_path: Path) -> dict[str, object]:
    record = extract_file(write(doc, tmp_path / "contract.pdf"), limits=LIMITS)
    assert record.error is None
    assert record.doc_type == "contract"
    return record.fields


def _matches(fields: dict[str, object], expected: dict[str, object]) -> None:
    for key, value in expected.items():
        if key == "parties":
            parties = fields["parties"]
            assert isinstance(parties, list) and isinstance(value, list)
            assert len(parties) == len(value)
            for read, want in zip(parties, value, strict=True):
                assert {k: read[k] for k in want} == want
        else:
            assert fields[key] == value, key


@pytest.mark.parametrize("seed", range(2))
def test_party_tables_under_role_headings_and_template_blanks(seed: int, tmp_path: Path) -> None:
    # Seed 0 fills the employee's fields, seed 1 leaves them as `{{HO_TEN}}` blanks: null.
    doc = shapes19.labour_contract(seed)
    _matches(_read(doc, tmp_path), doc.fields)


@pytest.mark.parametrize("seed", range(3))
def test_cited_dates_are_not_the_contracts_and_the_term_ends_where_printed(
    seed: int, tmp_path: Path
) -> None:
    doc = shapes19.english_agreement(seed)
    _matches(_read(doc, tmp_path), doc.fields)


@pytest.mark.parametrize("seed", [1001, 1003])
def test_a_date_line_under_the_agreement_number_is_the_contracts_own(
    seed: int, tmp_path: Path
) -> None:
    # `Agreement No. 51/2025/LA` / `Date: July 17, 2025`: the agreement named above the date
    # is this one, not one the contract cites.
    doc = docgen.contract(seed, language="en")
    fields = _read(doc, tmp_path)
    assert fields["signing_date"] == doc.fields["signing_date"]
