"""Where the settings come from: given values, then the environment, then `.env` in the
working directory, then the defaults; as an operator writes them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.store.settings import ConfigurationError, Settings, load_settings


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in [name for name in os.environ if name.upper().startswith("BACKOFFICE_")]:
        monkeypatch.delenv(name)
    return tmp_path


def test_dot_env_is_read_under_the_environment_and_given_values(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / ".env").write_text(
        "# the office server\n"
        "BACKOFFICE_WORKERS=5\n"
        'backoffice_inbox="/srv/scans in"\n'
        "export BACKOFFICE_OCR_DPI=150\n"
        'BACKOFFICE_AUTO_APPROVE_TYPES=["invoice"]\n'
        "BACKOFFICE_MAX_PAGES\n"
        "OTHER_PROGRAM=1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("Backoffice_Ocr_Dpi", "200")
    settings = Settings(workers=1)
    assert settings.workers == 1
    assert settings.ocr_dpi == 200
    assert settings.inbox == Path("/srv/scans in")
    assert settings.auto_approve_types == frozenset({"invoice"})
    assert settings.max_pages == Settings.model_fields["max_pages"].default


def test_a_list_setting_that_is_not_json_names_itself(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_CRASH_AT", "before_commit")
    with pytest.raises(ConfigurationError) as raised:
        load_settings()
    assert str(raised.value) == (
        "BACKOFFICE_CRASH_AT: not valid JSON: Expecting value: line 1 column 1 (char 0)"
    )


def test_trusted_proxies_are_read_as_written(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    assert [str(network) for network in load_settings().trusted_proxies] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
    ]
