"""CVs laid out in columns (tests/docgen/papers.py and holdout.py): timelines with the
period in a left column, sidebars with contacts and skills beside the main column, jobs
headed above their period, and a form's table whose cells the reader joins into one line.
Each is read as a PDF and must be a CV with every job's employer and title, the phone
printed bare under a contacts heading, and the place printed alone beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests.docgen import catalogue
from tests.docgen.common import write

LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)
LAYOUTS = (
    "cv/en/more:en_timeline",
    "cv/en/more:en_two_column",
    "cv/vi/more:vi_timeline",
    "cv/vi/more:vi_right_sidebar",
    "cv/vi/holdout:vi_table",
    "cv/en/holdout:en_uk",
)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed", [701, 702, 705])
def test_column_layouts_keep_each_job_and_contact_in_its_column(
    layout: str, seed: int, tmp_path: Path
) -> None:
    doc = catalogue.BY_ID[layout].make(seed)
    record = extract_file(write(doc, tmp_path / "cv.pdf"), limits=LIMITS)
    assert record.error is None
    assert record.doc_type == "cv"
    fields = record.fields
    jobs = [
        {key: job[key] for key in ("employer", "title", "start", "end")}
        for job in fields["experience"]
    ]
    assert jobs == doc.fields["experience"]
    for key in ("full_name", "phone", "location", "skills", "languages"):
        assert fields[key] == doc.fields[key], key
