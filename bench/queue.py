"""Latency of the review queue over a large PostgreSQL database, through the real app.

    .venv/bin/python -m bench.queue                          # 100,000 documents
    .venv/bin/python -m bench.queue --documents 20000 --repeat 50 --explain

Creates a fresh database (dropped at the end), migrates it, bulk-inserts documents in a
realistic mix (types, statuses, priorities, invoices with sellers and tax ids, field
confidences, rule results with some failures), then times `GET /api/v1/review-queue` for the
requests reviewers make (first page, a page deep in the queue, each filter) through the
FastAPI app in-process (with a reviewer's API token, so the token check is part of each
request), and prints p50/p95/p99 per request kind in milliseconds. The target is p95 < 100 ms.
`--explain` prints PostgreSQL's plan of each kind's query as well.
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from api.app import create_app
from pipeline.access import auth
from pipeline.review import checking, search
from pipeline.store.migrate import upgrade
from pipeline.store.models import Document, DocumentStatus, RuleCheck
from pipeline.store.settings import Settings

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STATUSES = [
    (DocumentStatus.REVIEW, 40),
    (DocumentStatus.POSTED, 30),
    (DocumentStatus.APPROVED, 8),
    (DocumentStatus.REJECTED, 5),
    (DocumentStatus.FAILED, 5),
    (DocumentStatus.RECEIVED, 10),
    (DocumentStatus.PROCESSING, 2),
]
TYPES = [("invoice", 60), ("contract", 15), ("dispatch", 15), ("cv", 10)]
RULES = {
    "invoice": [
        "invoice.totals_add_up",
        "invoice.seller_tax_id_valid",
        "invoice.amount_in_words",
        "invoice.not_a_duplicate",
        "invoice.issue_date_not_future",
    ],
    "contract": ["contract.has_parties", "contract.dates_in_order"],
    "dispatch": ["dispatch.reply_deadline", "dispatch.has_number"],
    "cv": ["cv.has_contact"],
}
COMPANIES = [
    "Công ty TNHH Minh Phát",
    "Công ty CP An Bình",
    "Công ty TNHH Thương mại Hoàng Long",
    "Acme Trading Co., Ltd",
    "Công ty CP Đầu tư Sao Việt",
    "Nhà sách Phương Nam",
    "Công ty TNHH Kỹ thuật Đông Á",
    "Saigon Logistics JSC",
]
START = datetime(2025, 1, 1, tzinfo=UTC)


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _tax_id(rng: random.Random) -> str:
    return f"{rng.randint(100000000, 899999999):09d}{rng.randint(0, 9)}"


def _rows(count: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """Documents and rule results; also some seller tax ids to search for."""
    rng = random.Random(seed)
    # A few hundred suppliers, each with its tax id and a name carrying a number.
    suppliers = [(f"{rng.choice(COMPANIES)} {index}", _tax_id(rng)) for index in range(400)]
    documents: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for index in range(1, count + 1):
        status = _pick(rng, STATUSES)
        doc_type = _pick(rng, TYPES)
        processed = status not in (DocumentStatus.RECEIVED, DocumentStatus.PROCESSING)
        received = START + timedelta(minutes=index * 5 + rng.randint(0, 4))
        sha = uuid.UUID(int=rng.getrandbits(128)).hex * 2
        row: dict[str, Any] = {
            "id": index,
            "sha256": sha,
            "filename": f"doc_{index:06d}.pdf",
            "relative_path": f"inbox/doc_{index:06d}.pdf",
            "size": rng.randint(20_000, 2_000_000),
            "media_type": "application/pdf",
            "received_at": received,
            "archive_path": f".done/doc_{index:06d}.pdf",
            "filed_at": received,
            "status": status.value,
            "doc_type": doc_type if processed else None,
            "language": "vi" if processed else None,
            "record": None,
            "review_priority": 0,
            "version": 1,
            "updated_at": received,
            "error_code": "corrupt_file" if status is DocumentStatus.FAILED else None,
        }
        if processed and status is not DocumentStatus.FAILED:
            record, failing = _record(rng, doc_type, row, suppliers, received.date())
            row["record"] = record
            outcomes = []
            for rule in RULES[doc_type]:
                failed = rule in failing
                severity = "warning" if rule.endswith("reply_deadline") else "error"
                outcomes.append((rule, severity, failed))
                results.append(
                    {
                        "document_id": index,
                        "rule": rule,
                        "severity": severity,
                        "passed": not failed,
                        "message": f"{rule} failed" if failed else "ok",
                        "values": {},
                        "flag": "urgent" if failed and severity == "warning" else None,
                        "checked_at": received,
                    }
                )
            errors = any(failed and severity == "error" for _, severity, failed in outcomes)
            urgent = any(failed and severity == "warning" for _, severity, failed in outcomes)
            row["review_priority"] = 2 * errors + urgent
            row["min_confidence"] = min(
                v for path, v in record["confidence"].items() if path != "doc_type"
            )
            seller = record["fields"].get("seller") or {}
            row["seller_name_folded"] = search.fold(seller["name"]) if seller.get("name") else None
            row["seller_tax_id"] = seller.get("tax_id")
            day = record["fields"].get("issue_date") or record["fields"].get("signing_date")
            row["record_date"] = date.fromisoformat(day) if day else None
        documents.append(row)
    return documents, results, [tax_id for _, tax_id in suppliers]


def _record(
    rng: random.Random,
    doc_type: str,
    row: dict[str, Any],
    suppliers: list[tuple[str, str]],
    received: date,
) -> tuple[dict[str, Any], set[str]]:
    issued = (received - timedelta(days=rng.randint(0, 20))).isoformat()
    confidence = {"doc_type": round(rng.uniform(0.7, 1.0), 3)}
    fields: dict[str, Any]
    if doc_type == "invoice":
        name, tax_id = rng.choice(suppliers)
        lines = rng.randint(1, 8)
        fields = {
            "invoice_number": f"{rng.randint(1, 9999999):07d}",
            "invoice_series": "C26TAA",
            "issue_date": issued,
            "currency": "VND",
            "seller": {"name": name, "tax_id": tax_id},
            "buyer": {"name": "Công ty CP An Bình", "tax_id": "0312345678"},
            "line_items": [
                {
                    "description": f"Hàng {i}",
                    "quantity": "1",
                    "unit_price": "100000",
                    "amount": "100000",
                    "vat_rate": "8",
                }
                for i in range(lines)
            ],
            "subtotal": str(100000 * lines),
            "vat_amount": str(8000 * lines),
            "total": str(108000 * lines),
            "vat_rate": "8",
        }
        paths = ["invoice_number", "issue_date", "seller.name", "seller.tax_id", "total"]
        paths += [f"line_items[{i}].amount" for i in range(lines)]
    elif doc_type == "contract":
        fields = {"title": "HỢP ĐỒNG MUA BÁN", "signing_date": issued, "parties": []}
        paths = ["title", "signing_date"]
    elif doc_type == "dispatch":
        fields = {"dispatch_number": f"{rng.randint(1, 999)}/CV-TCKT", "issue_date": issued}
        paths = ["dispatch_number", "issue_date", "subject"]
    else:
        fields = {"full_name": "Nguyễn Văn A", "skills": []}
        paths = ["full_name", "email"]
    for path in paths:
        # Mostly confident readings, a tail of doubtful ones (scans, photos).
        value = rng.betavariate(12, 1.2)
        confidence[path] = round(value, 3)
    failing = {rule for rule in RULES[doc_type] if rng.random() < 0.06}
    record = {
        "source": {
            "filename": row["filename"],
            "sha256": row["sha256"],
            "media_type": "application/pdf",
            "pages": 1,
        },
        "doc_type": doc_type,
        "language": "vi",
        "fields": fields,
        "confidence": confidence,
        "provenance": {},
        "rules": [],
        "error": None,
        "warnings": [],
    }
    return record, failing


def _fill(engine: Engine, count: int) -> list[str]:
    documents, results, tax_ids = _rows(count, seed=7)
    columns = set(Document.__table__.columns.keys())
    with engine.begin() as connection:
        for start in range(0, len(documents), 5000):
            batch = [
                {key: row.get(key) for key in columns} for row in documents[start : start + 5000]
            ]
            connection.execute(insert(Document.__table__), batch)
        for start in range(0, len(results), 10000):
            connection.execute(insert(RuleCheck.__table__), results[start : start + 10000])
        connection.execute(
            text("SELECT setval('documents_id_seq', (SELECT max(id) FROM documents))")
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    return tax_ids


def _deep_cursor(engine: Engine, position: int) -> str:
    with engine.connect() as connection:
        priority, document_id = connection.execute(
            text(
                "SELECT review_priority, id FROM documents WHERE status = 'review' "
                "ORDER BY review_priority DESC, id OFFSET :n LIMIT 1"
            ),
            {"n": position},
        ).one()
    return base64.urlsafe_b64encode(f"{priority}-{document_id}".encode()).decode().rstrip("=")


def _kinds(engine: Engine, tax_ids: list[str]) -> dict[str, dict[str, Any]]:
    return {
        "first page": {},
        "first page, 200 items": {"limit": 200},
        "deep cursor (position 20,000)": {"cursor": _deep_cursor(engine, 20_000)},
        "deep cursor + type=invoice": {
            "cursor": _deep_cursor(engine, 30_000),
            "type": "invoice",
        },
        "type=dispatch": {"type": "dispatch"},
        "status=approved": {"status": "approved"},
        "rule (common)": {"rule": "invoice.totals_add_up"},
        "rule (none fail)": {"rule": "invoice.no_such_rule"},
        "confidence_below=0.5": {"confidence_below": 0.5},
        "confidence_below=0.05 (rare)": {"confidence_below": 0.05},
        "supplier name": {"supplier": "hoàng long 12"},
        "supplier name (no match)": {"supplier": "không có ai"},
        "supplier tax id": {"supplier": tax_ids[3]},
        "received range (1 week)": {
            "received_from": "2025-03-01T00:00:00Z",
            "received_before": "2025-03-08T00:00:00Z",
        },
        "dated range (1 month)": {"dated_from": "2025-06-01", "dated_to": "2025-06-30"},
        "invoice, failing, doubtful": {
            "type": "invoice",
            "rule": "invoice.totals_add_up",
            "confidence_below": 0.9,
        },
    }


def _explain(engine: Engine, params: dict[str, Any], after: tuple[int, int] | None) -> str:
    """PostgreSQL's plan of the queue's own query for these parameters."""
    filters = checking.QueueFilter(
        status=DocumentStatus(params.get("status", "review")),
        doc_type=params.get("type"),
        failed_rule=params.get("rule"),
        confidence_below=params.get("confidence_below"),
        supplier=params.get("supplier"),
        dated_from=date.fromisoformat(params["dated_from"]) if "dated_from" in params else None,
        dated_to=date.fromisoformat(params["dated_to"]) if "dated_to" in params else None,
    )
    query = checking.queue_query(filters=filters, after=after, limit=50)
    sql = query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
    with engine.connect() as connection:
        plan = connection.execute(text(f"EXPLAIN ANALYZE {sql}")).scalars().all()
    return "\n".join(f"    {line}" for line in plan)


def run(count: int, repeat: int, explain: bool) -> None:
    name = f"bo_bench_queue_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        upgrade(url)
        started = time.perf_counter()
        tax_ids = _fill(engine, count)
        print(f"filled {count} documents in {time.perf_counter() - started:.1f} s")
        kinds = _kinds(engine, tax_ids)
        settings = Settings(database_url=url)
        with Session(engine) as session, session.begin():
            _token, secret = auth.create_token(
                session, name="bench", role="reviewer", actor="bench"
            )
        print(f"{'request':<34} {'items':>5} {'p50':>7} {'p95':>7} {'p99':>7}  (ms)")
        bearer = {"Authorization": f"Bearer {secret}"}
        with TestClient(create_app(settings), headers=bearer) as client:
            for label, params in kinds.items():
                timings = []
                items = 0
                for _ in range(repeat):
                    begun = time.perf_counter()
                    response = client.get("/api/v1/review-queue", params=params)
                    timings.append((time.perf_counter() - begun) * 1000)
                    response.raise_for_status()
                    items = len(response.json()["items"])
                cuts = statistics.quantiles(timings, n=100, method="inclusive")
                print(f"{label:<34} {items:>5} {cuts[49]:>7.1f} {cuts[94]:>7.1f} {cuts[98]:>7.1f}")
                if explain and "received_from" not in params:
                    after = None
                    if "cursor" in params:
                        raw = base64.urlsafe_b64decode(params["cursor"] + "==").decode()
                        priority, last = raw.split("-")
                        after = (int(priority), int(last))
                    print(_explain(engine, params, after))
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=100, help="Requests per kind.")
    parser.add_argument("--explain", action="store_true", help="Print query plans too.")
    args = parser.parse_args()
    run(args.documents, args.repeat, args.explain)


if __name__ == "__main__":
    main()
