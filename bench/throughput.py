"""Throughput of the spine: ingest, then drain with N worker processes, on SQLite or PostgreSQL.

    .venv/bin/python -m bench.throughput --documents 1000 --workers 1 2 4
    .venv/bin/python -m bench.throughput --database postgresql+psycopg://postgres@127.0.0.1/x

Prints documents per second for ingest and for each worker count, and the speed-up over
one worker. Every run starts from an empty data directory (and, on PostgreSQL, an empty
database created and dropped by the run).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from pipeline.intake.watcher import scan
from pipeline.jobs import queue
from pipeline.jobs.worker import worker_main
from pipeline.services import build_ingestor
from pipeline.store.db import make_engine, make_session_factory
from pipeline.store.migrate import upgrade
from pipeline.store.settings import Settings
from tests import docgen


def _fresh_database(base_url: str | None, root: Path) -> tuple[str, str | None]:
    if base_url is None:
        return f"sqlite:///{root / 'bench.db'}", None
    name = f"bo_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False), name


def _drop(base_url: str | None, name: str | None) -> None:
    if base_url is None or name is None:
        return
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run(documents: int, workers: int, base_url: str | None) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url, name = _fresh_database(base_url, root)
        try:
            upgrade(url)
            settings = Settings(
                data_dir=root / "data", inbox=root / "inbox", database_url=url, poll_seconds=0.05
            )
            settings.inbox.mkdir()
            docgen.distinct_pdfs(settings.inbox, documents)
            ingestor = build_ingestor(settings)
            started = time.perf_counter()
            for path in scan(settings.inbox.resolve()):
                ingestor.ingest(path)
            ingest_rate = documents / (time.perf_counter() - started)

            context = multiprocessing.get_context("spawn")
            processes = [
                context.Process(target=worker_main, args=(settings, i)) for i in range(workers)
            ]
            started = time.perf_counter()
            for process in processes:
                process.start()
            sessions = make_session_factory(make_engine(url))
            while True:
                with sessions() as session:
                    if queue.count_open(session) == 0:
                        break
                time.sleep(0.1)
            drain_rate = documents / (time.perf_counter() - started)
            for process in processes:
                process.terminate()
            for process in processes:
                process.join()
            return ingest_rate, drain_rate
        finally:
            _drop(base_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--database", help="PostgreSQL admin URL; default: SQLite")
    args = parser.parse_args()
    backend = "postgresql" if args.database else "sqlite"
    baseline: float | None = None
    for count in args.workers:
        ingest_rate, drain_rate = run(args.documents, count, args.database)
        baseline = baseline or drain_rate
        print(
            f"{backend} documents={args.documents} workers={count} "
            f"ingest={ingest_rate:.0f}/s drain={drain_rate:.1f}/s "
            f"speed-up={drain_rate / baseline:.2f}x (spawn start-up included)"
        )


if __name__ == "__main__":
    main()
