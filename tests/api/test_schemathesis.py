"""The API against its own OpenAPI document: schemathesis generates requests for every
operation (valid ones and deliberately invalid ones) with an admin's and with a clerk's
token, and every answer must be documented: no 5xx, a documented status code, content type
and headers, and a body that matches the documented schema.

The number of examples is bounded and the generation seeded, so a run is reproducible: one
test per operation, database and caller, under a minute of CPU per database in all.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python.asgi import shutdown_lifespans
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from pipeline.intake.blobs import BlobStore
from pipeline.jobs import queue
from pipeline.ledger import posting
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentStatus
from pipeline.store.settings import Settings
from tests.support.documents import INVOICE_FIELDS, LINE, ONE_PAGE_PDF, add_document
from tests.support.signin import add_token

# Slow: generated requests by the hundred against the real app, on both databases.
pytestmark = pytest.mark.slow

MAX_EXAMPLES = 20
_MAX_ID = 2**31 - 1  # ids are documented as 32-bit: both databases' integer
SEED = 7


def _seed_documents(sessions: sessionmaker[Session], settings: Settings) -> list[int]:
    """Documents for the generated ids to find: invoices in review with a line item and a
    one-page PDF original, one rejected, one posted (so entries exist), and a contract."""
    ids = [
        add_document(
            sessions,
            name=f"fuzz{number}-",
            fields=INVOICE_FIELDS | {"invoice_number": f"{number:07d}", "line_items": [LINE]},
        )
        for number in range(1, 5)
    ]
    ids.append(add_document(sessions, name="fuzz-rejected-", status=DocumentStatus.REJECTED))
    ids.append(add_document(sessions, name="fuzz-contract-", doc_type="contract", fields={}))
    blobs = BlobStore(settings.resolved_blob_dir)
    with transaction(sessions) as session:
        for document_id in ids:
            blob = blobs.path_for(session.get_one(Document, document_id).sha256)
            blob.parent.mkdir(parents=True, exist_ok=True)
            blob.write_bytes(ONE_PAGE_PDF)
        posting.approve(session, document_id=ids[0], actor="seed")
        # A live worker, so readiness answers 200 (its 503 is tests/api/test_health.py's).
        queue.beat(session, worker="fuzz")
    return ids


# The document only: building the app touches no database, and schemathesis needs the
# operations when pytest collects the tests (one test per operation and database). Each test
# then points the operation at its own app (schemathesis.pytest.from_fixture, made for
# loading a schema per test, breaks on pytest 9.2: it writes Node._nodeid, gone there).
OPENAPI = create_app(Settings(database_url="sqlite://")).openapi()
# Schema-valid requests the service refuses with 422 by design, each for a reason an
# OpenAPI document cannot express; every other check runs on every operation as it is.
_ALSO_422 = (
    # `fields` takes the fields of the document's own type (an invoice's, a contract's...),
    # checked against that type's record: which ones depends on the document, not the route.
    "PATCH /api/v1/documents/{document_id}",
    # Only invoices have line items: a contract's are refused, for the same reason.
    "POST /api/v1/documents/{document_id}/line-items",
    "PATCH /api/v1/documents/{document_id}/line-items/{index}",
    "DELETE /api/v1/documents/{document_id}/line-items/{index}",
    # A queue cursor is opaque: the schema gives its alphabet, only the service knows which
    # tokens it handed out.
    "GET /api/v1/review-queue",
    # The coverage phase sends an empty file as the smallest valid form whatever `minLength`
    # says; an empty file is refused, as it is from the shared folder.
    "POST /api/v1/documents",
    # Approval is refused while one of the document's error rules fails (the seeded contract
    # names no parties), and an invoice that cannot become a balanced entry is not posted:
    # both depend on the record, not on the request.
    "POST /api/v1/documents/{document_id}/approve",
    "POST /api/v1/documents/{document_id}/second-approval",
    # Acknowledging takes positions or ids the feed holds: which ones, only the feed knows.
    "POST /api/v1/entries/ack",
    "POST /api/v1/registers/{register}/ack",
    # Any bytes are a schema-valid file: whether they hold a supplier list or a rate table,
    # and each row a valid tax code or rate, only reading them tells.
    "POST /api/v1/supplier-lists",
    "POST /api/v1/exchange-rates/import",
    "POST /api/v1/portal-invoices/import",
    # A period is two dates; that the second is not before the first, no schema says.
    "GET /api/v1/portal-reconciliation",
    # A tax code's check digit, an account in the company's chart, and whether the supplier
    # is new (and so needs its name) are the service's to know.
    "PATCH /api/v1/suppliers/{tax_id}",
)
POSITIVE_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            # Nothing carried between runs: CI and a laptop generate the same requests.
            "database": "none",
        },
        "operations": [
            {
                "include-name": name,
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": [*POSITIVE_ACCEPTED, 422]}
                },
            }
            for name in _ALSO_422
        ]
        + [
            # A multipart part cannot be null: the `null` sent in place of the file is a
            # four-byte file, rightly taken (a worker then quarantines it as no document).
            *(
                {
                    "include-name": name,
                    "checks": {"negative_data_rejection": {"enabled": False}},
                }
                for name in (
                    "POST /api/v1/documents",
                    "POST /api/v1/supplier-lists",
                    "POST /api/v1/exchange-rates/import",
                    "POST /api/v1/portal-invoices/import",
                )
            ),
            # A view's filters are the queue page's form: a blank box (`""` for a date)
            # filters nothing, as the page's own query string does, rather than being refused.
            {
                "include-name": "POST /api/v1/views",
                "checks": {"negative_data_rejection": {"enabled": False}},
            },
            # GET /login is the sign-in page, served by the web router outside the API
            # document: /login takes a method the document does not list, answers it with
            # no 405 and names it in Allow.
            {
                "include-name": "POST /login",
                "checks": {
                    "unsupported_method": {"enabled": False},
                    "allow_header_conformance": {"enabled": False},
                },
            },
        ],
    }
)
schema = schemathesis.openapi.from_dict(OPENAPI, config=CONFIG)


@pytest.fixture
def seeded(settings: Settings, sessions: sessionmaker[Session]) -> list[int]:
    return _seed_documents(sessions, settings)


@pytest.fixture
def app(settings: Settings, seeded: list[int]) -> Iterator[FastAPI]:
    yield create_app(settings)
    # Schemathesis starts the app's lifespan on the first request and leaves it running.
    shutdown_lifespans()


_KEYS = itertools.count()


def _steer(case: schemathesis.Case, seeded: list[int], sessions: sessionmaker[Session]) -> None:
    """Send the even generated ids to a seeded document, its first line and its current
    version: drawn at random they seldom exist, and a change would never get past 404 and
    409 to the code that makes it. Odd ids keep what was drawn. Decided by the drawn
    values, so runs stay reproducible. An id outside the documented range is a deliberately
    invalid request, and is sent as drawn: steered, it would become a valid one."""
    if case.headers and "Idempotency-Key" in case.headers:
        # A key drawn again for a different request is refused with 422, as it should be
        # (tests/pipeline/access/test_idempotency.py); each request here is a new one, so it
        # gets a new key.
        case.headers["Idempotency-Key"] = f"fuzz-{next(_KEYS)}"
    parameters = case.path_parameters or {}
    document_id = parameters.get("document_id")
    if not isinstance(document_id, int) or document_id % 2 or not 1 <= document_id <= _MAX_ID:
        return
    document_id = parameters["document_id"] = seeded[document_id // 2 % len(seeded)]
    if isinstance(parameters.get("index"), int):
        parameters["index"] = 0
    if isinstance(case.body, dict) and isinstance(case.body.get("version"), int):
        with sessions() as session:
            case.body["version"] = session.get_one(Document, document_id).version


@pytest.fixture(params=["admin", "clerk"])
def caller(request: pytest.FixtureRequest, sessions: sessionmaker[Session]) -> dict[str, str]:
    """An admin's token reaches every route past its role check; a clerk's meets the 403s
    and the documents only their uploader may see."""
    role: str = request.param
    return {"Authorization": f"Bearer {add_token(sessions, f'fuzzer-{role}', role)}"}


@schema.parametrize()
# One database per operation and its examples, on purpose: what one example changed (a line
# removed, a document rejected) is what the next one meets.
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_openapi_document(
    case: schemathesis.Case,
    app: FastAPI,
    caller: dict[str, str],
    seeded: list[int],
    sessions: sessionmaker[Session],
) -> None:
    _steer(case, seeded, sessions)
    # This test's app, on its own database: the requests go to it, and so do the probes
    # the checks send (the same request without the token must be refused).
    case.operation.app = case.operation.schema.app = app
    case.call_and_validate(headers=caller)
