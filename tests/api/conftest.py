"""Fixtures the browser tests share: the app served over HTTP, and where screenshots go."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.store.settings import Settings
from tests.support.serving import serve


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    with serve(settings) as url:
        yield url


@pytest.fixture
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kept as test artefacts: `BACKOFFICE_SCREENSHOTS`, else the run's base temp folder."""
    configured = os.environ.get("BACKOFFICE_SCREENSHOTS")
    folder = Path(configured) if configured else tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
