"""One settings object for every knob of the service (environment prefix `BACKOFFICE_`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    def resolved_blob_dir(self) -> Path:
        return self.blob_dir if self.blob_dir is not None else self.data_dir / "blobs"


@lru_cache
def get_settings() -> Settings:
    return Settings()
