"""What a command loads is what it uses: `backoffice --help` starts in a fraction of the time
the whole service takes to import, and a born-digital file is read without the OCR, Word or
database stacks, or the other commands."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import docgen
from tests.support.machine import ROOT

PROBE = """
import json, sys
from pipeline.cli import main
heavy = json.loads(sys.argv[2])
sys.argv = ["backoffice", *json.loads(sys.argv[1])]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in heavy if name in sys.modules)), file=sys.stderr)
"""


def loaded(arguments: list[str], heavy: list[str], cwd: Path = ROOT) -> list[str]:
    """Which of the `heavy` modules the command loaded, run in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(arguments), json.dumps(heavy)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(result.stderr.splitlines()[-1])


def test_help_loads_no_settings_models_or_database() -> None:
    heavy = ["pydantic", "sqlalchemy", "rich", "extractors", "rules", "pipeline.store.settings"]
    assert loaded(["--help"], heavy) == []
    # Typer itself brings pydantic in to parse the exports' dates; their code stays unloaded.
    assert loaded(["export", "--help"], heavy) == ["pydantic"]


def test_a_born_digital_invoice_is_read_without_ocr_word_or_database(tmp_path: Path) -> None:
    pdf = docgen.write(docgen.invoice(3), tmp_path / "invoice.pdf")
    heavy = [
        "numpy",
        "pytesseract",
        "docx",
        "spacy",
        "sqlalchemy",
        "openpyxl",
        "extractors.ocr",
        "extractors.memory",
        "extractors.readers.docx",
        "extractors.readers.image",
        "extractors.fields.contract",
        "extractors.fields.cv",
        "extractors.fields.dispatch",
        "extractors.fields.invoice",
        # Processes are for files to OCR: a text file starts none, nor loads their modules.
        "multiprocessing",
        "concurrent.futures.process",
        # Written plainly, the command runs without the command groups and typer.
        "typer",
        "pipeline.commands",
    ]
    arguments = ["extract", "--today", "2026-03-20", str(pdf)]
    assert loaded(arguments, heavy, cwd=tmp_path) == ["extractors.fields.invoice"]


def test_a_batch_with_a_scan_leaves_the_ocr_stack_to_the_process_that_ocrs_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scan's reading stops here at its first page without text, before anything is
    rendered: its pages are OCR'd in a process, and this one never loads the OCR stack."""
    text = docgen.write(docgen.invoice(3), tmp_path / "invoice.pdf")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(docgen.scanned_pdf(docgen.invoice(4)))
    monkeypatch.setenv("BACKOFFICE_WORKERS", "2")
    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path / "data"))
    heavy = ["numpy", "PIL", "pytesseract", "extractors.ocr", "concurrent.futures.process"]
    arguments = ["extract", "--today", "2026-03-20", str(text), str(scan)]
    assert loaded(arguments, heavy, cwd=tmp_path) == ["concurrent.futures.process"]
