"""The real programs the tests run and the machine they run on: the repository, the
`backoffice` command, free ports, Chromium, LibreOffice, and whether this is CI (where a
missing part fails instead of skipping)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_ADMIN_URL = os.environ.get(
    "BACKOFFICE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# A PostgreSQL database per test (a copy of a migrated template) costs more than most tests:
# the fast lane (`-m "not slow"`) runs storage tests on SQLite, the full suite and CI on both.
BOTH_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)]
# `python -m` from the repository root: the code under test, wherever it is installed from.
BACKOFFICE = [sys.executable, "-m", "pipeline.cli"]
# The installed console script, as an operator runs it.
BACKOFFICE_SCRIPT = str(Path(sys.executable).parent / "backoffice")
CHROMIUM = Path(os.environ.get("BACKOFFICE_CHROMIUM", "/usr/bin/chromium"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def extract(*paths: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    return subprocess.run(
        [BACKOFFICE_SCRIPT, "extract", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def libreoffice() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        if IN_CI:
            pytest.fail("LibreOffice is required under CI (scripts/setup.sh test)")
        pytest.skip("LibreOffice is not installed")
    return found


def convert(source: Path, target: str, tmp_path: Path, *, infilter: str | None = None) -> Path:
    """`source` converted by LibreOffice, headless, with a profile of its own."""
    outdir = tmp_path / "converted"
    command = [
        libreoffice(),
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--headless",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(source),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=180)
    converted = outdir / f"{source.stem}.{target.split(':')[0]}"
    assert converted.exists(), result.stdout + result.stderr
    return converted
