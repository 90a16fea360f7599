"""Golden pairs: each stored expectation (tests/golden/*.json) is what extraction must yield
from its document, per type, language, layout set and format. The documents are made again
from the generator and the pair's seed; the expectations are the generator's truth.

After an intended change to the generator, rewrite them with `python -m tests.golden`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import PAIRS, Pair, differences, extract, generate, load

# Slow: every golden document extracted again, scans through real OCR.
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("pair", PAIRS, ids=lambda pair: pair.name)
def test_extraction_matches_the_golden_record(pair: Pair, tmp_path: Path) -> None:
    stored = load(pair)
    _, _, truth = generate(pair, stored["seed"])
    assert differences(stored["expected"], truth) == [], (
        "the generator no longer makes this document: rewrite with `python -m tests.golden`"
    )
    fields, _ = extract(pair, stored["seed"], tmp_path)
    wrong = differences(stored["expected"], fields)
    assert not wrong, f"{pair.name} (seed {stored['seed']}):\n  " + "\n  ".join(wrong)


def test_every_pair_is_stored_and_every_type_and_format_is_covered() -> None:
    assert all(pair.path.exists() for pair in PAIRS)
    assert {pair.doc_type for pair in PAIRS} == {"invoice", "contract", "cv", "dispatch"}
    assert {(pair.layout_set, pair.fmt) for pair in PAIRS} >= {
        ("tuned", "pdf"),
        ("tuned", "docx"),
        ("holdout", "pdf"),
        ("holdout", "docx"),
        ("tuned", "xml"),
    }
    assert {pair.language for pair in PAIRS if pair.doc_type != "dispatch"} == {"vi", "en"}


def test_a_difference_names_the_field_and_both_values() -> None:
    expected = {
        "total": "1234.50",
        "seller": {"name": "CÔNG TY TNHH AN PHÁT"},
        "skills": ["Excel", "SQL"],
        "experience": [{"employer": "Viet Tien JSC", "start": "2021-03"}],
        "years_of_experience": 5.8,
    }
    got = {
        "total": "1234.5",  # the same amount
        "seller": {"name": "CÔNG TY TNHH AN"},
        "skills": ["SQL", "Excel", "Python"],
        "experience": [{"employer": "Viet Tien JSC", "start": "2021-03"}, {"employer": "X"}],
        "years_of_experience": 5.83,  # within a tenth
    }
    assert differences(expected, got) == [
        "seller.name: expected 'CÔNG TY TNHH AN PHÁT', got 'CÔNG TY TNHH AN'",
        "skills: missing [], not expected ['Python']",
        "experience[1]: not expected, got {'employer': 'X'}",
    ]
    assert differences(expected, expected) == []
