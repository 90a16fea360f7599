"""Công văn shapes real ones print (tests/docgen/shapes19.py): a QUYẾT ĐỊNH whose subject is
the line under its title, with or without `Về việc`, and a digital signature's stamp printed
in the seal's space above the signer's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests.docgen import shapes19
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
