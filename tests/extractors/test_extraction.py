"""Reading generated documents back: every type, both languages, several layouts per type.

The generator draws layout choices from the seed (values beside or under their labels, label
wording, one- or two-column party blocks), so these pin behaviour across layouts rather than
one template.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from rules.loader import load_rules
from tests import docgen

LIMITS = {"limits": ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)}


def read(doc: docgen.GeneratedDocument, tmp_path: Path) -> dict[str, object]:
    record = extract_file(docgen.write(doc, tmp_path / "doc.pdf"), **LIMITS)
    assert record.error is None
    assert record.doc_type == doc.doc_type
    assert record.language == doc.language
    return record.fields


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("language", ["vi", "en"])
def test_invoice_fields_match_the_printed_invoice(seed: int, language: str, tmp_path: Path) -> None:
    doc = docgen.invoice(seed, language=language)
    fields = read(doc, tmp_path)
    expected = dict(doc.fields)
    if language == "en":
        # Unlabelled units are not printed on the English layout.
        expected["line_items"] = [item | {"unit": None} for item in doc.fields["line_items"]]
    assert fields == expected


def test_invoice_fields_carry_confidence_and_where_they_were_read(tmp_path: Path) -> None:
    doc = docgen.invoice(4)
    record = extract_file(docgen.write(doc, tmp_path / "hd.pdf"), **LIMITS)
    assert record.confidence["total"] >= 0.9  # cross-checked: subtotal + VAT = total
    provenance = record.provenance["invoice_number"]
    assert provenance.page == 1
    assert provenance.bbox is not None
    x0, top, x1, bottom = provenance.bbox
    assert 0 <= x0 < x1 <= 595.3 and 0 <= top < bottom <= 841.9


def test_words_that_disagree_with_the_total_keep_both_values_and_doubt_the_total(
    tmp_path: Path,
) -> None:
    agreeing = extract_file(docgen.write(docgen.invoice(5), tmp_path / "ok.pdf"), **LIMITS)
    doc = docgen.invoice(5, fault="words")
    record = extract_file(docgen.write(doc, tmp_path / "words.pdf"), **LIMITS)
    # nothing corrected: the total as printed, the words as printed
    assert record.fields["total"] == doc.fields["total"] == agreeing.fields["total"]
    assert record.fields["amount_in_words"] == doc.fields["amount_in_words"]
    assert record.fields["amount_in_words"] != agreeing.fields["amount_in_words"]
    assert agreeing.confidence["total"] >= 0.9
    assert record.confidence["total"] < 0.9 and record.confidence["amount_in_words"] < 0.9
    assert record.confidence["subtotal"] >= 0.9  # the figures that agree stay trusted


def test_a_cv_stating_ethnicity_and_religion_is_read_as_holding_sensitive_data(
    tmp_path: Path,
) -> None:
    stating = next(
        doc
        for seed in range(40)
        if (doc := docgen.cv(seed, language="vi")).fields["sensitive_data"]
        and doc.fields["national_id_present"]
    )
    record = extract_file(docgen.write(stating, tmp_path / "cv.pdf"), **LIMITS)
    assert record.fields["sensitive_data"] == ["ethnicity", "religion"]
    assert record.fields["national_id_present"] is True
    # the reviewer is shown where each kind was read
    assert {"sensitive_data[0]", "sensitive_data[1]"} <= set(record.provenance)
    stored = record.model_dump_json()
    # kinds only: neither the religion nor the ID number is kept
    assert "Tôn giáo" not in stored and "giáo" not in stored and "CCCD" not in stored
    failing = {o.rule for o in load_rules().evaluate(record) if not o.passed}
    assert {"cv.sensitive_data_present", "cv.national_id_present"} <= failing


@pytest.mark.parametrize("language", ["vi", "en"])
def test_contract_fields(language: str, tmp_path: Path) -> None:
    doc = docgen.contract(2, language=language)
    assert read(doc, tmp_path) == doc.fields


@pytest.mark.parametrize("language", ["vi", "en"])
def test_cv_fields(language: str, tmp_path: Path) -> None:
    doc = docgen.cv(3, language=language)
    fields = read(doc, tmp_path)
    for key in (
        "full_name",
        "email",
        "phone",
        "date_of_birth",
        "national_id_present",
        "skills",
        "experience",
    ):
        assert fields[key] == doc.fields[key], key


def test_a_current_job_counts_up_to_the_day_the_cv_is_read_as_of(tmp_path: Path) -> None:
    """`03/2021 – nay` means until the day the CV arrived (or the day a run is read as of),
    not until whatever day the record happens to be computed."""
    from datetime import date

    from tests.docgen.common import CORPUS_TODAY

    doc = docgen.cv(3, language="vi")
    path = tmp_path / "cv.pdf"
    docgen.write(doc, path)
    as_written = extract_file(path, as_of=CORPUS_TODAY, **LIMITS).fields
    a_year_later = extract_file(path, as_of=date(2027, 11, 30), **LIMITS).fields
    assert as_written["years_of_experience"] == doc.fields["years_of_experience"]
    assert a_year_later["years_of_experience"] == pytest.approx(
        doc.fields["years_of_experience"] + 1.0  # type: ignore[operator]
    )


@pytest.mark.parametrize("seed", range(4))
def test_dispatch_fields(seed: int, tmp_path: Path) -> None:
    doc = docgen.dispatch(seed)
    assert read(doc, tmp_path) == doc.fields
