"""CV shapes real CVs print (tests/docgen/shapes19.py): a timeline layout whose dates sit
beside the first bullet, headings as `Employer, Title`, `Title at Employer` or `Title,
Employer – City`; undated `Title | Employer | 2 năm` jobs; and phones only where printed as
one, never made of a DOI's, a year range's or a date's digits."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.normalize import find_phone
from extractors.service import extract_file
from tests.docgen import shapes19
from tests.docgen.common import GeneratedDocument, write

LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)


def _read(doc: GeneratedDocument, tmp_path: Path) -> dict[str, object]:
    record = extract_file(write(doc, tmp_path / "cv.pdf"), limits=LIMITS)
    assert record.error is None
    assert record.doc_type == "cv"
    return record.fields


def _only(items: object, keys: set[str]) -> list[dict[str, object]]:
    assert isinstance(items, list)
    return [{key: item[key] for key in keys} for item in items]


@pytest.mark.parametrize("seed", range(3))
def test_timeline_jobs_split_into_employer_and_title_and_no_phone_is_invented(
    seed: int, tmp_path: Path
) -> None:
    doc = shapes19.timeline_cv(seed)
    fields = _read(doc, tmp_path)
    assert fields["phone"] is None  # a DOI and a year range are printed, no phone
    assert fields["experience"] == doc.fields["experience"]
    for key in ("full_name", "email", "location"):
        assert fields[key] == doc.fields[key], key
    education = _only(fields["education"], {"institution", "degree", "end_year"})
    assert education == doc.fields["education"]


@pytest.mark.parametrize("seed", range(2))
def test_undated_jobs_and_a_stated_figure_of_experience(seed: int, tmp_path: Path) -> None:
    doc = shapes19.undated_cv(seed)
    fields = _read(doc, tmp_path)
    assert fields["experience"] == doc.fields["experience"]
    assert fields["phone"] == doc.fields["phone"]
    # `Với 5 năm kinh nghiệm` is what the candidate says; there are no dates to sum.
    assert fields["years_of_experience"] == doc.fields["years_of_experience"]


@pytest.mark.parametrize(
    "text",
    [
        "2009 - 2011",
        "Hanoi University of Science 2009 - 2011",
        "10.1234/neurips.2023.1234 (NeurIPS 2023)",
        "doi:10.1145/3442188.3445922",
        "Born 12/05/1990",
        "2019.05.12",
    ],
)
def test_digits_printed_as_something_else_are_never_a_phone(text: str) -> None:
    assert find_phone(text) is None


def test_a_phone_printed_as_one_is_still_read() -> None:
    assert find_phone("SĐT: 0912.345.678") == "+84912345678"
    assert find_phone("Phone: +1 (206) 555-0198") == "+12065550198"
