"""Wiring: build the long-lived parts from settings."""

from __future__ import annotations

from pipeline.intake.blobs import BlobStore
from pipeline.intake.ingest import Ingestor
from pipeline.intake.watcher import InboxWatcher
from pipeline.ledger.webhooks import Notifier
from pipeline.store.db import make_engine, make_session_factory
from pipeline.store.settings import Settings


def build_ingestor(settings: Settings) -> Ingestor:
    engine = make_engine(settings.resolved_database_url)
    settings.inbox.mkdir(parents=True, exist_ok=True)
    return Ingestor(
        inbox=settings.inbox,
        blobs=BlobStore(settings.resolved_blob_dir),
        session_factory=make_session_factory(engine),
        max_file_bytes=settings.max_file_bytes,
        crash_at=settings.crash_at,
    )


def build_watcher(settings: Settings) -> InboxWatcher:
    return InboxWatcher(
        inbox=settings.inbox,
        ingestor=build_ingestor(settings),
        stability_delay=settings.stability_delay,
        polling_interval=settings.polling_interval,
        rescan_interval=settings.rescan_interval,
        incomplete_max_wait=settings.incomplete_max_wait,
        heartbeat_seconds=settings.heartbeat_seconds,
        take_finished_files_at_once=settings.take_finished_files_at_once,
    )


def build_notifier(settings: Settings) -> Notifier | None:
    """The webhook notifier, when a webhook is configured."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        return None
    return Notifier(
        sessions=make_session_factory(make_engine(settings.resolved_database_url)),
        url=settings.webhook_url,
        secret=settings.webhook_secret.get_secret_value().encode(),
        timeout=settings.webhook_timeout_seconds,
        retry_seconds=settings.webhook_retry_seconds,
        retry_max_seconds=settings.webhook_retry_max_seconds,
    )
