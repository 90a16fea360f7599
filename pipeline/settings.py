"""One settings object for every knob of the service (environment prefix `BACKOFFICE_`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from extractors.limits import ReadLimits


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKOFFICE_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; SQLite at <data_dir>/backoffice.db when unset.",
    )
    blob_dir: Path | None = Field(default=None, description="Defaults to <data_dir>/blobs.")
    inbox: Path = Path("inbox")

    stability_delay: float = Field(default=3.0, ge=0, description="Seconds unchanged.")
    polling_interval: float | None = Field(
        default=None, gt=0, description="Use a polling observer (network shares) when set."
    )
    rescan_interval: float = Field(default=180.0, gt=0, description="Full inbox rescan period.")

    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0)
    lease_seconds: float = Field(default=60.0, gt=0)
    heartbeat_seconds: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=3, ge=1)
    retry_backoff_seconds: float = Field(default=5.0, ge=0)
    poll_seconds: float = Field(default=0.5, gt=0, description="Idle worker wait.")

    max_file_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=500, gt=0)
    max_pixels: int = Field(
        default=100_000_000, gt=0, description="Per page; larger images fail as too_large."
    )
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_timeout_seconds: float = Field(default=120.0, gt=0, description="Per page.")
    ocr_parallelism: int | None = Field(
        default=None,
        ge=1,
        description="Pages OCR'd at once per worker; default: the cores left per worker.",
    )

    rules_overlay: Path | None = Field(
        default=None,
        description="The company's rule pack: its own rules and changes to the built-in ones "
        "(see rules/loader.py).",
    )
    master_data: Path | None = Field(
        default=None,
        description="Company master data for the rules, YAML or CSV: own tax codes, known "
        "suppliers and their bank accounts, thresholds (see rules/data.py).",
    )
    account_mapping: Path | None = Field(
        default=None,
        description="The company's account mapping, YAML: its chart (Circular 99 or 133 "
        "preset), extra accounts, rules by supplier, keyword or unit (see "
        "pipeline/account_mapping.py).",
    )
    auto_approve_types: frozenset[Literal["invoice", "contract", "cv", "dispatch"]] = Field(
        default=frozenset(),
        description="Document types approved without review when every rule allows it, e.g. "
        '["invoice"]. None by default.',
    )
    auto_approve_confidence: float = Field(
        default=0.95,
        ge=0,
        le=1,
        description="The confidence every required field needs for auto-approval.",
    )

    crash_at: frozenset[str] = Field(
        default=frozenset(),
        description="Fault injection for crash-safety tests: crash points that SIGKILL the "
        "process (see pipeline/faults.py). Never set in production.",
    )

    api_host: str = "127.0.0.1"
    api_port: int = 8000

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'backoffice.db').resolve()}"

    @property
    def read_limits(self) -> ReadLimits:
        cores = os.cpu_count() or 1
        # Workers already run one per core: each OCRs pages only on the cores left over.
        parallelism = self.ocr_parallelism or max(1, cores // max(1, self.workers))
        return ReadLimits(
            max_file_bytes=self.max_file_bytes,
            max_pages=self.max_pages,
            max_pixels=self.max_pixels,
            ocr_dpi=self.ocr_dpi,
            ocr_timeout_seconds=self.ocr_timeout_seconds,
            ocr_parallelism=parallelism,
        )

    @property
    def resolved_blob_dir(self) -> Path:
        return self.blob_dir if self.blob_dir is not None else self.data_dir / "blobs"


@lru_cache
def get_settings() -> Settings:
    return Settings()
