"""An English letter's subject line names its topic, not its type (issue 19): a circular or
memo about renewing a contract is still a letter, and is read into the dispatch record.

Letters come from the generator's English layouts (tests/docgen/letters.py); for each one,
the first seeds whose subject names another document type, born-digital and as a Word file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from extractors.classify import classify
from extractors.limits import ReadLimits
from extractors.readers import reader_for
from extractors.sniff import sniff_media_type
from tests import docgen
from tests.docgen import letters
from tests.docgen.common import GeneratedDocument

LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)


def _about_another_type(layout: str) -> GeneratedDocument:
    for seed in range(200):
        doc = letters.letter(layout, seed)
        if re.search(r"contract|invoice", str(doc.fields["subject"]), re.IGNORECASE):
            return doc
    raise AssertionError(f"{layout}: no seed writes about a contract or an invoice")


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("layout", letters.LAYOUTS["en"])
def test_letter_about_a_contract_is_a_letter(layout: str, fmt: str, tmp_path: Path) -> None:
    doc = _about_another_type(layout)
    made = docgen.as_docx(doc) if fmt == "docx" else doc
    path = docgen.write(made, tmp_path / f"letter.{fmt}")
    with reader_for(sniff_media_type(path.read_bytes()[:8192]), path) as reader:
        document = reader.read(path, limits=LIMITS)
    result = classify(document)
    assert result.doc_type == "dispatch", (doc.fields["subject"], result)
