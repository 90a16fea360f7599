"""`backoffice extract`: records as JSON Lines with no database or server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from extractors.record import Record
from tests import docgen

BACKOFFICE = str(Path(sys.executable).parent / "backoffice")


def extract(*paths: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    return subprocess.run(
        [BACKOFFICE, "extract", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def test_extract_prints_one_schema_record_per_pdf_and_touches_no_database(
    tmp_path: Path,
) -> None:
    generated = docgen.invoice(7)
    path = docgen.write(generated, tmp_path / "hd_0007.pdf")

    result = extract(path, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    record = Record.model_validate_json(line)
    assert record.error is None
    assert record.source.filename == "hd_0007.pdf"
    assert record.source.media_type == "application/pdf"
    assert record.source.pages == 1
    assert record.doc_type == "invoice"
    assert record.fields["invoice_number"] == generated.fields["invoice_number"]
    assert record.fields["total"] == generated.fields["total"]
    assert set(json.loads(line)) == {
        "source", "doc_type", "language", "fields", "confidence", "provenance", "rules", "error",
        "warnings",
    }
    assert not (tmp_path / "data").exists()


def test_extract_reports_a_bad_file_with_an_error_code_and_exits_non_zero(
    tmp_path: Path,
) -> None:
    good = docgen.write(docgen.invoice(8), tmp_path / "good.pdf")
    locked = docgen.encrypted_pdf(tmp_path / "locked.pdf")
    archive = docgen.zip_as_pdf(tmp_path / "archive.pdf")
    empty = docgen.empty_file(tmp_path / "empty.pdf")

    result = extract(good, locked, archive, empty, tmp_path / "missing.pdf", cwd=tmp_path)

    assert result.returncode == 1
    records = [Record.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [r.source.filename for r in records] == [
        "good.pdf", "locked.pdf", "archive.pdf", "empty.pdf", "missing.pdf",
    ]
    assert [r.error.code if r.error else None for r in records] == [
        None, "encrypted_pdf", "unsupported_type", "empty_file", "unreadable",
    ]
    for record in records[1:]:
        assert record.doc_type == "unknown"
        assert record.fields == {}
        assert record.error is not None and record.error.message
