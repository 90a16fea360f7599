"""One settings object for every knob of the service (environment prefix `BACKOFFICE_`)."""

from __future__ import annotations

import json
import os
import re
import secrets
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import (
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from extractors.limits import ReadLimits

# Words of keys copied from examples and templates: a key anyone can read signs nothing.
PLACEHOLDER_WORDS = ("changethis", "changeme", "change-me", "change_me", "replace", "example")
MIN_SECRET_LENGTH = 32
MIN_WEBHOOK_SECRET_LENGTH = 16
SECRET_KEY_FILE = "secret_key"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BACKOFFICE_", env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = Field(
        default="development",
        description="In production the secret key must be set; in development one is generated "
        "once per data directory.",
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="Keys the CSRF tokens of browser sessions. At least 32 characters.",
    )
    session_hours: float = Field(default=12.0, gt=0, description="A browser session's lifetime.")
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed logins per username in the window before 429."
    )
    login_max_failures_per_ip: int = Field(
        default=20,
        ge=1,
        description="Failed logins per client address in the window before 429 (higher than "
        "per user: an office shares one address).",
    )
    login_window_seconds: float = Field(default=900.0, gt=0)

    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; SQLite at <data_dir>/backoffice.db when unset.",
    )
    blob_dir: Path | None = Field(default=None, description="Defaults to <data_dir>/blobs.")
    cache_dir: Path | None = Field(
        default=None,
        description="Checked rule packs kept between processes; defaults to <data_dir>/cache "
        "when the data dir exists.",
    )
    inbox: Path = Path("inbox")

    stability_delay: float = Field(default=3.0, ge=0, description="Seconds unchanged.")
    take_finished_files_at_once: bool = Field(
        default=True,
        description="Take a file without the stability delay when inotify shows its writer "
        "done with it (closed, or renamed in with no writer left) and its format shows it "
        "whole (PDF, JPEG, PNG, ZIP/DOCX/XLSX); false waits the delay for every file.",
    )
    polling_interval: float | None = Field(
        default=None, gt=0, description="Use a polling observer (network shares) when set."
    )
    rescan_interval: float = Field(default=180.0, gt=0, description="Full inbox rescan period.")
    incomplete_max_wait: float = Field(
        default=3600.0,
        gt=0,
        description="Seconds a stable file whose format shows it unfinished (a PDF without "
        "%%EOF, a JPEG without EOI, a PNG without IEND, a ZIP without its central directory) "
        "is waited for before it goes to .failed/.",
    )

    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=0)
    lease_seconds: float = Field(default=60.0, gt=0)
    heartbeat_seconds: float = Field(default=10.0, gt=0)
    inbox_stale_seconds: float = Field(
        default=120.0,
        gt=0,
        description="Readiness fails when no inbox watcher went round its loop for this long "
        "(a watcher may block a while hashing a large file or rescanning a big share).",
    )
    page_wait_seconds: float = Field(
        default=300.0,
        gt=0,
        description="A document whose scanned pages are read by page jobs is assembled at "
        "the latest this long after they were queued, reading any page still missing itself "
        "(normally the last page job wakes it at once).",
    )
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
        "pipeline/ledger/account_mapping.py).",
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
        description="The confidence every required field needs for auto-approval: 0.95 is "
        "a value printed beside its own label in its field's form, or one a cross-check "
        "confirms (the levels are named in extractors/fields/confidence.py).",
    )
    posting_date: Literal["approval", "document"] = Field(
        default="approval",
        description="The accounting date an approved invoice posts on: `approval`, the day it "
        "is approved; `document`, the invoice's own date when its month is still open (else "
        "the approval day). Either way the voucher number follows the posting year, and the "
        "invoice's date is kept as the entry's document date.",
    )
    exchange_rate_kind: Literal["sell", "transfer", "cash"] = Field(
        default="sell",
        description="Which of the bank's rates a foreign invoice that prints none is booked "
        "at, from the rate table: `sell` (the bank's selling rate, what paying the supplier "
        "will cost), `transfer` (buying by transfer) or `cash` (buying cash).",
    )
    exchange_rate_max_age_days: int = Field(
        default=7,
        ge=0,
        le=31,
        description="How many days before the invoice's date the rate table may reach back "
        "for a rate (weekends and holidays publish none).",
    )
    dual_approval_above: Decimal | None = Field(
        default=None,
        ge=0,
        description="Segregation of duties, in đồng: an invoice whose total (converted at its "
        "exchange rate) is above this, or any of whose amounts a person changed, needs a "
        "second approval by a different user with the `approver` role before it posts. "
        "Unset: every approval posts at once.",
    )

    contract_reminder_days: int = Field(
        default=30,
        ge=0,
        description="How many days before a registered contract expires its reminder falls "
        "due (the contract register's reminder date).",
    )
    candidate_retention_days: int = Field(
        default=180,
        ge=1,
        description="How long the candidate register keeps a candidate's personal data after "
        "registration; `backoffice registers purge` then blanks it (Decree 13/2023/ND-CP: "
        "no longer than the purpose needs). The same 180 days as the `cv.retention` rule's "
        "default, which warns reviewers; change both together.",
    )

    crash_at: frozenset[str] = Field(
        default=frozenset(),
        description="Fault injection for crash-safety tests: crash points that SIGKILL the "
        "process (see pipeline/jobs/faults.py). Never set in production.",
    )

    render_processes: int = Field(
        default=2,
        ge=1,
        le=32,
        description="Processes rendering page images for reviewers: the most cores the API "
        "spends on rendering at once.",
    )

    api_port: int = 8000

    # --- network exposure: bind address, proxies, sign-in throttling, accounts, API docs ---
    api_host: str = Field(
        default="127.0.0.1",
        description="The address the API binds to: 127.0.0.1 for this machine only (behind a "
        "reverse proxy on it), 0.0.0.0 for every interface.",
    )
    trusted_proxies: Annotated[list[IPvAnyNetwork], NoDecode] = Field(
        default_factory=list,
        description="Addresses (or networks), comma-separated or a JSON list, of reverse "
        "proxies whose X-Forwarded-For and "
        'X-Forwarded-Proto headers are believed, e.g. ["127.0.0.1"]. Anyone else\'s are '
        "ignored: the client address is the connection's.",
    )
    login_backoff_max_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Past the per-name limit counted over every address, each further "
        "attempt on that name waits twice as long as the last, up to this: guessing slows "
        "to a crawl, the owner waits seconds, never the whole window.",
    )
    min_password_length: int = Field(default=12, ge=8)
    publish_api_docs: bool = Field(
        default=False,
        description="Serve /openapi.json, /docs and /redoc to anyone; by default they need "
        "a signed-in user or a token.",
    )
    webhook_url: str | None = Field(
        default=None,
        description="Where to POST a signed notification when items are published in a feed.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Keys the HMAC-SHA256 signature of each notification."
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_retry_seconds: float = Field(
        default=5.0, gt=0, description="First retry delay of a failed notification, doubled."
    )
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0)
    idempotency_key_hours: float = Field(
        default=24.0,
        gt=0,
        description="How long the answer to a POST sent with an `Idempotency-Key` is kept "
        "and replayed to repeats of it.",
    )

    @field_validator("database_url")
    @classmethod
    def _database_url_is_usable(cls, value: str | None) -> str | None:
        """Refused here rather than at the first connection, deep in a worker: a URL that does
        not parse, or names a dialect or driver that is not installed (`mysql://`,
        `postgresql+psycopg2://`)."""
        if not value:
            return value
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        example = "e.g. postgresql+psycopg://user@host/db or sqlite:////path/to/backoffice.db"
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(f"not a database URL ({example})") from None
        try:
            url.get_dialect().import_dbapi()
        except NoSuchModuleError:
            raise ValueError(f"no database dialect {url.drivername!r} ({example})") from None
        except ImportError as error:
            raise ValueError(
                f"{url.drivername!r} needs the driver {error.name!r}, which is not installed "
                f"({example})"
            ) from None
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies_as_written(cls, value: object) -> object:
        # `127.0.0.1,10.0.0.0/8` as an administrator writes it, or a JSON list.
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _webhook_needs_a_secret(self) -> Self:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else ""
        if self.webhook_url and len(secret) < MIN_WEBHOOK_SECRET_LENGTH:
            raise ValueError(
                "BACKOFFICE_WEBHOOK_URL needs BACKOFFICE_WEBHOOK_SECRET, at least "
                f"{MIN_WEBHOOK_SECRET_LENGTH} characters, for receivers to check signatures"
            )
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Self:
        if self.environment != "development":
            key = self.secret_key.get_secret_value() if self.secret_key else ""
            placeholder = any(word in key.lower() for word in PLACEHOLDER_WORDS)
            if placeholder or len(key) < MIN_SECRET_LENGTH:
                raise ValueError(
                    "BACKOFFICE_SECRET_KEY must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters in {self.environment}, e.g. "
                    '`python -c "import secrets; print(secrets.token_urlsafe(48))"`'
                )
        return self

    def resolved_secret_key(self) -> bytes:
        """The configured key; in development without one, a key generated at first use and
        kept in the data directory, so `backoffice run` works with no configuration and
        sessions survive a restart."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value().encode()
        path = self.data_dir / SECRET_KEY_FILE
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # Written aside and linked into place: a second process starting at the same
            # moment reads either no file or the whole key, never half of one.
            draft = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}")
            draft.touch(mode=0o600)
            draft.write_text(secrets.token_urlsafe(48))
            try:
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        return path.read_bytes().strip()

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

    @property
    def resolved_cache_dir(self) -> Path | None:
        """Where checked rules are kept: the setting, else the data dir's `cache` when the
        data dir exists (`extract` creates nothing of the service's); None: not kept."""
        if self.cache_dir is not None:
            return self.cache_dir
        return self.data_dir / "cache" if self.data_dir.is_dir() else None


class ConfigurationError(Exception):
    """Settings that cannot be used, said in one line that names each bad setting."""


# Settings whose values a configuration error never repeats: keys, and URLs with passwords.
_UNSHOWN = frozenset({"secret_key", "webhook_secret", "database_url", "webhook_url"})


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigurationError(_describe(error)) from None
    except SettingsError as error:  # a list or set setting that is not valid JSON
        field = re.search(r'field "([^"]+)"', str(error))
        name = f"BACKOFFICE_{field[1].upper()}" if field else "a BACKOFFICE_ setting"
        cause = f": {error.__cause__}" if error.__cause__ else ""
        raise ConfigurationError(f"{name}: not valid JSON{cause}") from None


def _describe(error: ValidationError) -> str:
    problems = []
    for problem in error.errors(include_url=False):
        message = problem["msg"].removeprefix("Value error, ")
        if not problem["loc"]:  # a check across settings; its message names them
            problems.append(message)
            continue
        field, *inside = problem["loc"]
        name = f"BACKOFFICE_{str(field).upper()}" + "".join(f"[{part}]" for part in inside)
        shown = "" if field in _UNSHOWN else f" (got {str(problem['input'])[:80]!r})"
        problems.append(f"{name}: {message}{shown}")
    return "; ".join(problems)


@lru_cache
def get_settings() -> Settings:
    """The settings from the environment and `.env`; `ConfigurationError` when unusable."""
    return load_settings()
