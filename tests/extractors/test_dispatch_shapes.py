"""Công văn shapes real ones print (tests/docgen/shapes19.py): a QUYẾT ĐỊNH whose subject is
the line under its title, with or without `Về việc`, and a digital signature's stamp printed
in the seal's space above the signer's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.docgen import catalogue, shapes19
from tests.docgen.common import write

LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)


@pytest.mark.parametrize("seed", range(2))
def test_decision_subject_and_digitally_signed_name(seed: int, tmp_path: Path) -> None:
    doc = shapes19.decision(seed)
    record = extract_file(write(doc, tmp_path / "qd.pdf"), limits=LIMITS)
    assert record.error is None
    assert record.doc_type == "dispatch"
    for key, value in doc.fields.items():
        assert record.fields[key] == value, key


@pytest.mark.parametrize(
    ("layout", "seed", "fmt", "key"),
    [
        # `CÔNG TY TNHH CÔNG NGHỆ` / `TRƯỜNG SƠN`: a line of business before the company's
        # own name, not a school (`TRƯỜNG …`) under the company.
        ("dispatch/vi/tuned:dispatch-vi", 701, "pdf", "issuer"),
        # `Về việc …` then the `Căn cứ …` recitals: the recitals are no part of the subject.
        ("dispatch/vi/more:vi_thong_bao", 702, "docx", "subject"),
    ],
)
def test_issuer_and_subject_end_where_their_block_ends(
    layout: str, seed: int, fmt: str, key: str, tmp_path: Path
) -> None:
    doc = catalogue.BY_ID[layout].make(seed)
    made = docgen.as_docx(doc) if fmt == "docx" else doc
    record = extract_file(write(made, tmp_path / f"letter.{fmt}"), limits=LIMITS)
    assert record.fields[key] == doc.fields[key]
