"""`backoffice extract`: records as JSON Lines with no database or server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from extractors.record import Record
from pipeline.store.models import AuditEvent
from pipeline.store.settings import Settings
from tests import docgen
from tests.docgen import catalogue
from tests.support.machine import ROOT, extract
from tests.support.memories import REVIEWER, teach

# Slow: the real console script, a new process per case.
pytestmark = pytest.mark.slow

BACKOFFICE = str(Path(sys.executable).parent / "backoffice")


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
        "source",
        "doc_type",
        "language",
        "fields",
        "confidence",
        "provenance",
        "rules",
        "error",
        "warnings",
    }
    assert not (tmp_path / "data").exists()


def test_extract_prints_one_record_per_document_of_a_stack_in_page_order(
    tmp_path: Path,
) -> None:
    made = catalogue.stack(3)
    stack = tmp_path / "stack.pdf"
    stack.write_bytes(made.content)
    single = docgen.write(docgen.invoice(7), tmp_path / "hd.pdf")

    result = extract(stack, single, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    records = [Record.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [
        (r.source.filename, r.doc_type, r.source.part.pages if r.source.part else None)
        for r in records
    ] == [
        ("stack.pdf", p.document.doc_type, list(range(p.first_page, p.last_page + 1)))
        for p in made.parts
    ] + [("hd.pdf", "invoice", None)]


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
        "good.pdf",
        "locked.pdf",
        "archive.pdf",
        "empty.pdf",
        "missing.pdf",
    ]
    assert [r.error.code if r.error else None for r in records] == [
        None,
        "encrypted_pdf",
        "unsupported_type",
        "empty_file",
        "unreadable",
    ]
    for record in records[1:]:
        assert record.doc_type == "unknown"
        assert record.fields == {}
        assert record.error is not None and record.error.message


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_name_that_cannot_be_looked_at_or_printed_costs_no_other_file_its_record(
    tmp_path: Path, workers: str
) -> None:
    """A name too long for the file system makes even `is_file` raise, and a name that is
    not UTF-8 cannot go into JSON as it is: each gets its own record, and the files after
    it theirs, with one reading process or several."""
    first = docgen.write(docgen.invoice(1), tmp_path / "first.pdf")
    not_utf8 = docgen.write(docgen.invoice(2), tmp_path / os.fsdecode(b"h\xf3a-\xff.pdf"))
    too_long = tmp_path / ("a" * 300 + ".pdf")
    last = docgen.write(docgen.invoice(3), tmp_path / "last.pdf")

    result = backoffice(
        "extract",
        *map(str, (first, not_utf8, too_long, last)),
        cwd=tmp_path,
        BACKOFFICE_WORKERS=workers,
        BACKOFFICE_DATA_DIR=str(tmp_path / "data"),
    )

    assert result.returncode == 1, result.stderr
    records = [Record.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [r.source.filename for r in records] == [
        "first.pdf",
        "h\ufffda-\ufffd.pdf",
        too_long.name,
        "last.pdf",
    ]
    assert [r.error.code if r.error else None for r in records] == [
        None,
        None,
        "unreadable",
        None,
    ]
    assert records[1].doc_type == "invoice"


def backoffice(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    return subprocess.run(
        [BACKOFFICE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=clean | env,
    )


def test_rules_list_names_every_rule_with_its_severity(tmp_path: Path) -> None:
    result = backoffice("rules", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    totals = next(line for line in lines if "invoice.totals_add_up" in line)
    assert "error" in totals
    assert any("dispatch.urgency" in line and "urgent" in line for line in lines)


def test_rules_check_flags_a_doctored_total_and_a_repeated_invoice(tmp_path: Path) -> None:
    generated = docgen.invoice(7)
    original = docgen.write(generated, tmp_path / "hd.pdf")
    resent = tmp_path / "hd-again.pdf"
    resent.write_bytes(generated.content + b"\n% resent\n")

    result = backoffice("rules", "check", "--json", str(original), str(resent), cwd=tmp_path)

    first, second = (json.loads(line) for line in result.stdout.splitlines())
    failing = [{r["rule"] for r in line["rules"] if not r["passed"]} for line in (first, second)]
    assert "invoice.not_duplicate" not in failing[0]
    assert "invoice.not_duplicate" in failing[1]
    assert result.returncode == 1  # an error rule fails on the second file
    human = backoffice("rules", "check", str(original), cwd=tmp_path)
    assert "invoice.totals_add_up" in human.stdout and "pass" in human.stdout


def test_rules_check_checks_each_document_of_a_stack_and_none_as_another_s_copy(
    tmp_path: Path,
) -> None:
    made = catalogue.stack(502)
    # Invoices are what a copy check looks for: the parts share the file's digest.
    assert sum(part.document.doc_type == "invoice" for part in made.parts) >= 2
    stack = tmp_path / "stack.pdf"
    stack.write_bytes(made.content)

    result = backoffice("rules", "check", "--json", str(stack), cwd=tmp_path)

    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["doc_type"] for line in lines] == [p.document.doc_type for p in made.parts]
    for line in lines:
        assert not any(
            r["rule"].endswith("not_duplicate") and not r["passed"] for r in line["rules"]
        )


def test_rules_test_runs_every_pack_example_and_fails_a_pack_whose_example_is_wrong(
    tmp_path: Path,
) -> None:
    result = backoffice("rules", "test", "invoice", "contract", "cv", "dispatch", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout
    pack = ROOT / "rules" / "packs" / "cv.yaml"
    wrong = tmp_path / "cv.yaml"
    wrong.write_text(
        pack.read_text(encoding="utf-8").replace("retention_days: 180", "retention_days: 10"),
        encoding="utf-8",
    )
    failed = backoffice("rules", "test", str(wrong), cwd=tmp_path)
    assert failed.returncode == 1
    assert "FAIL" in failed.stdout and "cv.retention" in failed.stdout


def test_a_broken_overlay_is_named_with_file_line_and_rule(tmp_path: Path) -> None:
    overlay = tmp_path / "company.yaml"
    overlay.write_text(
        "rules:\n  - id: invoice.po\n    description: d\n    severity: error\n"
        "    check: po_numbr != null\n    message: m\n",
        encoding="utf-8",
    )
    result = backoffice("rules", "list", cwd=tmp_path, BACKOFFICE_RULES_OVERLAY=str(overlay))
    assert result.returncode == 2
    assert f"{overlay}:2: rule invoice.po" in result.stderr and "po_numbr" in result.stderr


def test_memories_list_show_forget_and_curve_on_the_services_database(
    tmp_path: Path, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    taught = teach(settings, sessions)
    database = {"BACKOFFICE_DATABASE_URL": settings.resolved_database_url}
    first, second = sorted(taught.memory_ids.values())

    listed = backoffice("memories", "list", cwd=tmp_path, **database)
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [(int(row[0]), row[1], row[2], row[3]) for row in rows] == sorted(
        (memory_id, "invoice", taught.sender, path) for path, memory_id in taught.memory_ids.items()
    )
    assert all(f"document {taught.corrected_id} by {REVIEWER}" in row for row in rows)
    as_json = backoffice(
        "memories", "list", "--json", "--sender", taught.sender, cwd=tmp_path, **database
    )
    assert [json.loads(line)["id"] for line in as_json.stdout.splitlines()] == [first, second]
    other_type = backoffice("memories", "list", "--type", "contract", cwd=tmp_path, **database)
    assert other_type.returncode == 0 and other_type.stdout == ""

    shown = backoffice("memories", "show", str(first), cwd=tmp_path, **database)
    assert shown.returncode == 0, shown.stderr
    memory = json.loads(shown.stdout)
    assert (memory["id"], memory["learned_by"], memory["live"]) == (first, REVIEWER, True)
    assert memory["field"]["path"] == memory["path"]

    forgot = backoffice(
        "memories", "forget", str(first), "--actor", "ada", cwd=tmp_path, **database
    )
    assert forgot.returncode == 0, forgot.stderr
    assert forgot.stdout.strip() == f"forgot memory {first}"
    gone = backoffice("memories", "show", str(first), cwd=tmp_path, **database)
    assert gone.returncode == 1 and f"no memory {first}" in gone.stderr
    again = backoffice("memories", "forget", str(first), cwd=tmp_path, **database)
    assert again.returncode == 1
    with sessions() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "memory_forgotten")
        ).all()
        assert [(event.actor, event.data["memory_id"]) for event in events] == [("ada", first)]
    left = backoffice("memories", "list", cwd=tmp_path, **database)
    assert [int(line.split("\t")[0]) for line in left.stdout.splitlines()] == [second]
    too_big = backoffice("memories", "show", str(2**31), cwd=tmp_path, **database)
    assert too_big.returncode == 2 and "Invalid value" in too_big.stderr

    curve = backoffice("memories", "curve", taught.sender, cwd=tmp_path, **database)
    assert curve.returncode == 0, curve.stderr
    lines = curve.stdout.splitlines()
    assert lines[0].startswith(f"document {taught.corrected_id}\t")
    assert lines[1].startswith(f"document {taught.learned_id}\t")
    assert lines[-1] == "corrected: 2 · 0"
    unknown = backoffice("memories", "curve", "tax:0000000000", cwd=tmp_path, **database)
    assert unknown.returncode == 1 and "no documents" in unknown.stderr


def _read_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """The names of the files `extract` reads in its own process, from now on, with two
    workers allowed; a file read in a worker process is not among them, nor one whose
    reading here stopped at a page to OCR (it is read in a worker process)."""
    from pipeline.jobs import processing
    from pipeline.store.settings import get_settings

    monkeypatch.setenv("BACKOFFICE_WORKERS", "2")
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    read_here: list[str] = []
    original = processing.extract_parts_with_documents

    def recording(path: Path, **arguments: Any) -> Any:
        extracted = original(path, **arguments)
        read_here.append(path.name)
        return extracted

    monkeypatch.setattr(processing, "extract_parts_with_documents", recording)
    return read_here


def test_a_born_digital_batch_starts_no_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pipeline.commands import app
    from pipeline.store.settings import get_settings

    files = [docgen.write(docgen.invoice(seed), tmp_path / f"{seed}.pdf") for seed in (1, 2, 3)]
    read_here = _read_here(monkeypatch, tmp_path)
    try:
        result = CliRunner().invoke(app, ["extract", *map(str, files)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert read_here == ["1.pdf", "2.pdf", "3.pdf"]
    names = [json.loads(line)["source"]["filename"] for line in result.stdout.splitlines()]
    assert names == ["1.pdf", "2.pdf", "3.pdf"]


def test_a_scan_is_ocrd_in_a_process_while_text_files_are_read_in_input_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pipeline.commands import app
    from pipeline.store.settings import get_settings

    scan = tmp_path / "scan.pdf"
    scan.write_bytes(docgen.scanned_pdf(docgen.invoice(4)))
    first = docgen.write(docgen.invoice(5), tmp_path / "first.pdf")
    last = docgen.write(docgen.contract(6), tmp_path / "last.pdf")
    read_here = _read_here(monkeypatch, tmp_path)
    try:
        result = CliRunner().invoke(app, ["extract", str(first), str(scan), str(last)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert read_here == ["first.pdf", "last.pdf"]
    records = [Record.model_validate_json(line) for line in result.stdout.splitlines()]
    assert [r.source.filename for r in records] == ["first.pdf", "scan.pdf", "last.pdf"]
    assert records[1].doc_type == "invoice"
