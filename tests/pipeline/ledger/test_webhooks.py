"""Webhook notifications: signed, in feed order, retried with back-off, against a real local
HTTP server."""

from __future__ import annotations

import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from pipeline import commands as cli
from pipeline.ledger.posting import approve
from pipeline.ledger.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    Notifier,
    signature,
)
from pipeline.store.db import transaction
from pipeline.store.models import WebhookCursor, utcnow
from pipeline.store.settings import Settings, get_settings
from tests.support.documents import INVOICE_FIELDS, add_document

SECRET = b"webhook-secret-of-the-receiver"


class Receiver:
    """A system's webhook endpoint: answers with the statuses it is given, in turn (then
    200), and keeps what it was sent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/backoffice"

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def post_invoices(sessions: sessionmaker[Session], numbers: range) -> None:
    for number in numbers:
        fields = INVOICE_FIELDS | {"invoice_number": f"{number:07d}"}
        document_id = add_document(sessions, name=f"hook{number}-", fields=fields)
        with transaction(sessions) as session:
            approve(session, document_id=document_id, actor="rita")


def notifier(sessions: sessionmaker[Session], url: str, retry_seconds: float = 60) -> Notifier:
    return Notifier(
        sessions=sessions, url=url, secret=SECRET, timeout=5, retry_seconds=retry_seconds
    )


def test_a_notification_is_signed_and_names_what_was_posted_in_feed_order(
    sessions: sessionmaker[Session], receiver: Receiver
) -> None:
    post_invoices(sessions, range(3))
    (attempt,) = notifier(sessions, receiver.url).deliver_due()
    assert attempt.delivered and attempt.positions == [1, 2, 3]

    ((headers, body),) = receiver.received
    assert receiver.bodies()[0]["stream"] == "entries"
    assert receiver.bodies()[0]["positions"] == [1, 2, 3]
    assert receiver.bodies()[0]["after"] == 0
    assert len(receiver.bodies()[0]["ids"]) == 3
    # What a receiver checks: the signature over timestamp and body, and a fresh timestamp.
    timestamp = int(headers[TIMESTAMP_HEADER])
    assert abs(time.time() - timestamp) < 60
    expected = "sha256=" + hmac.new(SECRET, f"{timestamp}.".encode() + body, "sha256").hexdigest()
    assert hmac.compare_digest(headers[SIGNATURE_HEADER], expected)
    assert headers[SIGNATURE_HEADER] == signature(SECRET, timestamp, body)
    assert headers[SIGNATURE_HEADER] != signature(b"another secret", timestamp, body)
    assert headers[DELIVERY_HEADER] == "entries:1-3"

    # Nothing new, nothing sent; then only what is new.
    assert notifier(sessions, receiver.url).deliver_due() == []
    post_invoices(sessions, range(3, 5))
    notifier(sessions, receiver.url).deliver_due()
    assert [body["positions"] for body in receiver.bodies()] == [[1, 2, 3], [4, 5]]
    assert receiver.bodies()[1]["after"] == 3


def test_a_failed_notification_is_retried_with_doubling_waits_and_nothing_is_skipped(
    sessions: sessionmaker[Session], receiver: Receiver
) -> None:
    post_invoices(sessions, range(2))
    receiver.statuses = [500, 503]
    sender = notifier(sessions, receiver.url, retry_seconds=0.5)

    (first,) = sender.deliver_due()
    assert (first.delivered, first.error) == (False, "HTTP 500")
    with sessions() as session:
        cursor = session.get_one(WebhookCursor, "entries")
        assert (cursor.attempts, cursor.delivered_position, cursor.last_error) == (
            1,
            0,
            "HTTP 500",
        )
    # Backing off: not sent again before its time.
    assert sender.deliver_due() == []
    time.sleep(0.6)
    post_invoices(sessions, range(2, 3))  # posted meanwhile: waits behind, then goes along
    (second,) = sender.deliver_due()
    assert second.error == "HTTP 503"
    with sessions() as session:
        cursor = session.get_one(WebhookCursor, "entries")
        assert cursor.attempts == 2
        assert cursor.next_attempt_at is not None
        wait = cursor.next_attempt_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)
        assert timedelta(seconds=0.5) < wait <= timedelta(seconds=1)  # doubled
    assert sender.deliver_due() == []
    time.sleep(1.1)
    (third,) = sender.deliver_due()
    assert third.delivered
    assert [body["positions"] for body in receiver.bodies()] == [[1, 2], [1, 2, 3], [1, 2, 3]]
    # The same notification every time: a receiver may tell repeats by its delivery id.
    assert [headers[DELIVERY_HEADER] for headers, _ in receiver.received] == [
        "entries:1-2",
        "entries:1-3",
        "entries:1-3",
    ]
    with sessions() as session:
        cursor = session.get_one(WebhookCursor, "entries")
        assert (cursor.attempts, cursor.delivered_position, cursor.next_attempt_at) == (0, 3, None)
    assert sender.backoff(1) == timedelta(seconds=0.5)
    assert sender.backoff(40) == timedelta(seconds=3600)


def test_an_unreachable_receiver_is_retried(sessions: sessionmaker[Session]) -> None:
    post_invoices(sessions, range(1))
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    url = f"http://127.0.0.1:{closed.server_address[1]}/"
    closed.server_close()  # nothing listens there now
    (attempt,) = notifier(sessions, url).deliver_due()
    assert not attempt.delivered
    assert attempt.error is not None and "refused" in attempt.error.lower()


def test_the_service_notifies_on_its_own(
    settings: Settings,
    sessions: sessionmaker[Session],
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    environment = {
        "BACKOFFICE_DATABASE_URL": settings.resolved_database_url,
        "BACKOFFICE_DATA_DIR": str(settings.data_dir),
        "BACKOFFICE_WEBHOOK_URL": receiver.url,
        "BACKOFFICE_WEBHOOK_SECRET": SECRET.decode(),
    }
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    try:
        post_invoices(sessions, range(2))
        result = CliRunner().invoke(cli.app, ["webhooks", "--once"])
        assert result.exit_code == 0, result.output
        assert result.stdout == "entries\t2\tdelivered\n"
    finally:
        get_settings.cache_clear()

    service = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "webhooks"], env=os.environ | environment
    )
    try:
        post_invoices(sessions, range(2, 4))
        deadline = time.monotonic() + 30
        while 4 not in notified(receiver) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        service.send_signal(signal.SIGTERM)
        assert service.wait(30) == 0
    assert notified(receiver) == [1, 2, 3, 4]


def notified(receiver: Receiver) -> list[int]:
    return [position for body in receiver.bodies() for position in body["positions"]]


def test_a_webhook_without_a_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="BACKOFFICE_WEBHOOK_SECRET"):
        Settings(webhook_url="https://erp.example.com/hooks")
    with pytest.raises(ValueError, match="BACKOFFICE_WEBHOOK_SECRET"):
        Settings(webhook_url="https://erp.example.com/hooks", webhook_secret="short")
