"""Damaged files: every reader failure has a code, and `backoffice extract` answers for every
file whatever happens to the others (issue 16)."""

from __future__ import annotations

import os
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from extractors.limits import ReadLimits
from extractors.ocr import PageImage, ocr_pages
from extractors.record import Record
from extractors.service import extract_file
from pipeline.jobs.worker import Worker
from pipeline.store.models import Document, DocumentStatus, Job, JobState
from pipeline.store.settings import Settings
from tests import docgen
from tests.docgen.bad import (
    damaged_page_tree_pdf,
    docx_with_unknown_zip_version,
    einvoice_with_nan_total,
    too_wide_for_tesseract,
    truncated_docx,
    truncated_image,
)
from tests.support.documents import ingest_inbox
from tests.support.machine import extract

LIMITS = ReadLimits(ocr_parallelism=1)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("tree.pdf", damaged_page_tree_pdf),
        ("version.docx", docx_with_unknown_zip_version),
        ("cut.docx", truncated_docx),
        ("cut.jpg", lambda path: truncated_image(path, "JPEG")),
        ("cut.png", lambda path: truncated_image(path, "PNG")),
        ("cut.tif", lambda path: truncated_image(path, "TIFF")),
    ],
)
def test_a_damaged_file_is_a_corrupt_file(
    tmp_path: Path, name: str, make: Callable[[Path], Path]
) -> None:
    record = extract_file(make(tmp_path / name), limits=LIMITS)
    assert record.error is not None
    assert record.error.code == "corrupt_file"
    assert record.error.message


def test_a_tesseract_run_that_fails_is_ocr_failed_not_a_timeout(tmp_path: Path) -> None:
    record = extract_file(too_wide_for_tesseract(tmp_path / "banner.png"), limits=LIMITS)
    assert record.error is not None
    assert record.error.code == "ocr_failed"
    assert "tesseract exited with status" in record.error.message
    # The tesseract that gave up took nothing else with it: the next scan reads.
    scan = tmp_path / "scan.png"
    scan.write_bytes(docgen.photo(docgen.invoice(4), image_format="PNG", dpi=200))
    assert extract_file(scan, limits=LIMITS).error is None


@pytest.mark.slow
def test_extract_prints_one_line_per_file_in_order_whatever_happens_to_any(
    tmp_path: Path,
) -> None:
    """Over a hundred files, damaged ones interleaved, one that trips an unexpected exception
    and a FIFO (whose reading would block for ever): one record each, in input order."""
    made = tmp_path / "made"
    made.mkdir()
    word = docgen.write(docgen.as_docx(docgen.contract(2)), made / "word.docx")
    xml = docgen.write(docgen.einvoice_xml(docgen.invoice(4)), made / "einvoice.xml")
    damaged: dict[str, tuple[Path, str]] = {
        "tree.pdf": (damaged_page_tree_pdf(made / "tree.pdf"), "corrupt_file"),
        "version.docx": (docx_with_unknown_zip_version(made / "version.docx"), "corrupt_file"),
        "cut.docx": (truncated_docx(made / "cut.docx"), "corrupt_file"),
        "cut.jpg": (truncated_image(made / "cut.jpg", "JPEG"), "corrupt_file"),
        "cut.png": (truncated_image(made / "cut.png", "PNG"), "corrupt_file"),
        "cut.tif": (truncated_image(made / "cut.tif", "TIFF"), "corrupt_file"),
        "banner.png": (too_wide_for_tesseract(made / "banner.png"), "ocr_failed"),
        "nan.xml": (einvoice_with_nan_total(made / "nan.xml"), "internal_error"),
        "locked.pdf": (docgen.encrypted_pdf(made / "locked.pdf"), "encrypted_pdf"),
        "empty.pdf": (docgen.empty_file(made / "empty.pdf"), "empty_file"),
    }
    batch = tmp_path / "batch"
    batch.mkdir()
    expected: list[tuple[Path, str | None]] = [
        (path, None) for path in docgen.distinct_pdfs(batch, 80, prefix="good")
    ]
    for copy in range(5):
        expected.append((Path(shutil.copy(word, batch / f"word_{copy}.docx")), None))
        expected.append((Path(shutil.copy(xml, batch / f"einvoice_{copy}.xml")), None))
        for name, (source, code) in damaged.items():
            stem, suffix = name.split(".")
            expected.append((Path(shutil.copy(source, batch / f"{stem}_{copy}.{suffix}")), code))
    fifo = batch / "pipe.pdf"
    os.mkfifo(fifo)
    expected += [(fifo, "unreadable"), (batch / "missing.pdf", "unreadable")]
    random.Random(16).shuffle(expected)
    assert len(expected) >= 100

    result = extract(*(path for path, _ in expected), cwd=tmp_path)

    assert result.returncode == 1, result.stderr
    records = [Record.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [r.source.filename for r in records] == [path.name for path, _ in expected]
    assert [r.error.code if r.error else None for r in records] == [code for _, code in expected]
    by_name = {r.source.filename: r for r in records}
    assert by_name["good_00007.pdf"].fields["invoice_number"] == "0000008"
    unexpected = by_name["nan_0.xml"]
    assert unexpected.error is not None and "RuntimeError" in unexpected.error.message
    assert unexpected.source.sha256 and unexpected.source.media_type == "application/xml"
    assert by_name["pipe.pdf"].error is not None
    assert "FIFO" in by_name["pipe.pdf"].error.message


def test_a_damaged_word_file_fails_as_corrupt_after_one_attempt(
    settings: Settings, sessions: sessionmaker[Session]
) -> None:
    """Through the service: ingest, then a worker. A damaged file is a property of the file,
    so it is failed at once with its code, not retried as if the fault were passing."""
    docx_with_unknown_zip_version(settings.inbox / "version.docx")
    damaged_page_tree_pdf(settings.inbox / "tree.pdf")
    ingest_inbox(settings)

    worker = Worker(settings.model_copy(update={"max_attempts": 3}))
    try:
        worker.run(exit_when_idle=True)
    finally:
        worker.close()

    with sessions() as session:
        documents = {d.filename: d for d in session.scalars(select(Document)).all()}
        jobs = {job.document_id: job for job in session.scalars(select(Job)).all()}
        assert {name: (d.status, d.error_code) for name, d in documents.items()} == {
            "version.docx": (DocumentStatus.FAILED, "corrupt_file"),
            "tree.pdf": (DocumentStatus.FAILED, "corrupt_file"),
        }
        for document in documents.values():
            job = jobs[document.id]
            assert (job.attempts, job.state, job.last_error) == (1, JobState.DONE, None)


@pytest.mark.slow
def test_ocr_takes_pages_only_as_tesseracts_free_up_and_keeps_their_order() -> None:
    """Bounded memory (issue 16): with 2 tesseracts, page k is asked for only once page
    k - 2 has been answered, so at most 2 pages are held; the outcomes come in page order."""
    docs = [docgen.invoice(seed) for seed in range(5)]
    answered = 0
    held_at_ask: list[int] = []

    def pages() -> Iterator[tuple[int, PageImage, float]]:
        for number, doc in enumerate(docs, start=1):
            held_at_ask.append(number - 1 - answered)
            yield number, docgen.scan_image(doc, dpi=150)[0], 150.0

    outcomes = []
    for outcome in ocr_pages(pages(), timeout=120, parallelism=2):
        answered += 1
        outcomes.append(outcome)

    assert max(held_at_ask) <= 2
    assert [o.page.number for o in outcomes] == [1, 2, 3, 4, 5]
    for outcome, doc in zip(outcomes, docs, strict=True):
        assert outcome.failed is None
        assert doc.fields["invoice_number"] in outcome.page.text
