"""A mixed drop: born-digital files and scans dropped at once into the real inbox, watched by
the real watcher and read by one worker per core under the supervisor (as `backoffice run`
runs them, in-process here without the API).

    nice -n 5 .venv/bin/python -m bench.mixed_drop
    nice -n 5 .venv/bin/python -m bench.mixed_drop --database postgresql+psycopg://postgres@127.0.0.1/postgres

Prints each born-digital file's drop-to-review latency (max, median), the batch's wall time
(from the drop, and from the first file received, i.e. without the watcher's wait), and the
ideal for the cores: the sum of the files' one-worker times, measured in the same run on the
same files once the service has stopped, divided by the workers. Targets (issue 23): every
born-digital file in review within 6 s of the drop; the batch within 1.15x the ideal.

Where the rest goes: when the files were received (first, last), and the workers' time from
the drop, sampled from the queue every 0.1 s: holding a job, idle while a job was ready to
be claimed (a worker's poll, a claim), and idle with nothing ready (files not in yet, pages
not yet read for the document waiting for them, the last jobs running on fewer workers).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bench.throughput import _drop, _fresh_database
from pipeline.commands import watcher_main
from pipeline.intake.blobs import BlobStore
from pipeline.jobs import queue
from pipeline.jobs.processing import build_documents, rule_book
from pipeline.jobs.supervisor import ChildSpec, Supervisor
from pipeline.jobs.worker import worker_specs
from pipeline.store.db import make_engine, make_session_factory
from pipeline.store.migrate import upgrade
from pipeline.store.models import Document, DocumentEvent, Job, JobState
from pipeline.store.settings import Settings
from tests import docgen

# Scans of one page (invoices) and of several (contracts and dispatch notes of 2-3 pages).
_MULTI_PAGE = [("contract", 3), ("contract", 0), ("dispatch", 0), ("contract", 1)]


def _files(staging: Path, born_digital: int, scans: int) -> dict[str, bool]:
    """Writes the files; returns each name and whether it is born-digital. Names interleave
    scans with born-digital files, a scan first: the watcher ingests a batch in name order."""
    total = born_digital + scans
    every = max(1, total // max(1, scans))
    names: dict[str, bool] = {}
    made_scans = made_digital = 0
    for position in range(total):
        if made_scans < scans and (position % every == 0 or made_digital == born_digital):
            index = made_scans
            if index < len(_MULTI_PAGE):
                kind, seed = _MULTI_PAGE[index]
                doc = docgen.contract(seed) if kind == "contract" else docgen.dispatch(seed)
            else:
                doc = docgen.invoice(100 + index)
            name = f"{position:02d}-scan.pdf"
            (staging / name).write_bytes(docgen.scanned_pdf(doc, noise=0.0005, seed=index))
            names[name] = False
            made_scans += 1
        else:
            name = f"{position:02d}-digital.pdf"
            docgen.write(docgen.invoice(made_digital), staging / name)
            names[name] = True
            made_digital += 1
    return names


def run(args: argparse.Namespace) -> None:
    cores = args.workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        url, name = _fresh_database(args.database, root)
        try:
            upgrade(url)
            settings = Settings(
                data_dir=root / "data",
                inbox=root / "inbox",
                database_url=url,
                workers=cores,
                take_finished_files_at_once=not args.stability_delay_only,
            )
            settings.inbox.mkdir()
            staging = root / "staging"
            staging.mkdir()
            files = _files(staging, args.born_digital, args.scans)
            sessions = make_session_factory(make_engine(url))

            specs = [ChildSpec("watcher", watcher_main, (settings,))]
            specs += worker_specs(settings, cores)
            supervisor = Supervisor(specs)
            supervisor.start()
            stop = threading.Event()
            watching = threading.Thread(target=supervisor.watch, args=(stop,))
            watching.start()
            try:
                _wait_started(sessions, cores)
                cpu_before = _cpu_of(supervisor)
                watcher_before = _cpu_of(supervisor, only="watcher")
                dropped = datetime.now(UTC)
                for file in files:
                    # A rename: each file appears whole, as from a scanner's share.
                    (staging / file).rename(settings.inbox / file)
                done, samples = _wait_processed(sessions, len(files), timeout=args.timeout)
                # The watcher's and workers' own and their tesseracts' (each waited for),
                # from the drop: start-up is not the batch's.
                service_cpu = _cpu_of(supervisor) - cpu_before
                watcher_cpu = _cpu_of(supervisor, only="watcher") - watcher_before
            finally:
                stop.set()
                watching.join()
                supervisor.stop(grace_seconds=30)
            with sessions() as session:
                received = session.scalar(select(func.min(Document.received_at)))
                documents = list(session.scalars(select(Document)))
            blobs = {d.filename: d.blob_sha256 for d in documents}
            arrived = {d.filename: _aware(d.received_at) for d in documents}
            assert received is not None
            received = _aware(received)
            _report(
                settings,
                files,
                done,
                blobs,
                arrived,
                service_cpu=service_cpu,
                watcher_cpu=watcher_cpu,
                dropped=dropped,
                received=received,
                cores=cores,
                samples=samples,
            )
        finally:
            _drop(args.database, name)
            shutil.rmtree(root, ignore_errors=True)


def _wait_started(sessions: sessionmaker[Session], cores: int) -> None:
    """Until every worker and the watcher said they are alive: start-up is not the drop's."""
    since = datetime.now(UTC)
    while True:
        with sessions() as session:
            workers = queue.live_workers(session, seen_since=since)
            watcher = queue.last_inbox_scan(session)
        if len(workers) >= cores and watcher is not None:
            return
        time.sleep(0.2)


# When the queue was looked at, jobs held by a worker, jobs ready to be claimed.
Sample = tuple[datetime, int, int]


def _wait_processed(
    sessions: sessionmaker[Session], count: int, *, timeout: float
) -> tuple[dict[str, datetime], list[Sample]]:
    """When each file's record was stored (its `processed` event), once all were; and the
    queue as sampled meanwhile."""
    deadline = time.monotonic() + timeout
    samples: list[Sample] = []
    checked = 0.0
    while time.monotonic() < deadline:
        with sessions() as session:
            now = datetime.now(UTC)
            running = session.scalar(
                select(func.count()).select_from(Job).where(Job.state == JobState.RUNNING)
            )
            ready = session.scalar(
                select(func.count())
                .select_from(Job)
                .where(Job.state == JobState.QUEUED, Job.available_at <= now)
            )
            samples.append((now, running or 0, ready or 0))
            if time.monotonic() - checked >= 0.5:
                checked = time.monotonic()
                rows = session.execute(
                    select(Document.filename, func.min(DocumentEvent.at))
                    .join(DocumentEvent, DocumentEvent.document_id == Document.id)
                    .where(DocumentEvent.kind == "processed")
                    .group_by(Document.filename)
                ).all()
                if len(rows) >= count:
                    return {filename: _aware(at) for filename, at in rows}, samples
        time.sleep(0.1)
    raise SystemExit(f"not all {count} files processed within {timeout} s")


def _worker_time(
    samples: list[Sample], *, start: datetime, end: datetime, cores: int
) -> tuple[float, float, float]:
    """Worker-seconds from `start` to `end`: holding a job, idle with a job ready, idle with
    nothing ready (each sample stands for the time until the next)."""
    busy = idle_ready = idle_none = 0.0
    for (at, running, ready), (following, _, _) in zip(samples, samples[1:], strict=False):
        span = (min(following, end) - max(at, start)).total_seconds()
        if span <= 0:
            continue
        held = min(running, cores)
        idle = cores - held
        busy += held * span
        idle_ready += min(idle, ready) * span
        idle_none += max(0, idle - ready) * span
    return busy, idle_ready, idle_none


def _cpu_of(supervisor: Supervisor, *, only: str | None = None) -> float:
    """CPU seconds the supervised processes (or the one named `only`) and their finished
    children used so far."""
    total = 0
    for process in supervisor.processes:
        if only is not None and process.name != only:
            continue
        stat = Path(f"/proc/{process.pid}/stat").read_text()
        # utime, stime, cutime, cstime: fields 14-17, counted after the command's ")".
        total += sum(int(field) for field in stat.rsplit(")", 1)[1].split()[11:15])
    return total / os.sysconf("SC_CLK_TCK")


def _cpu_of_self_and_children() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they are UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _report(
    settings: Settings,
    files: dict[str, bool],
    done: dict[str, datetime],
    blobs: dict[str, str],
    arrived: dict[str, datetime],
    *,
    service_cpu: float,
    watcher_cpu: float,
    dropped: datetime,
    received: datetime,
    cores: int,
    samples: list[Sample],
) -> None:
    latencies = sorted(
        (done[name] - dropped).total_seconds() for name, digital in files.items() if digital
    )
    queued = sorted(
        (done[name] - arrived[name]).total_seconds() for name, digital in files.items() if digital
    )
    finished = max(done.values())
    wall = (finished - dropped).total_seconds()
    wall_received = (finished - received).total_seconds()
    # The one-worker time of each file, in this process, warm (rules loaded once before).
    store = BlobStore(settings.resolved_blob_dir)
    rule_book(settings)
    single: dict[str, float] = {}
    cpu_before = _cpu_of_self_and_children()
    for name in files:
        started = time.perf_counter()
        build_documents(store.path_for(blobs[name]), filename=name, settings=settings)
        single[name] = time.perf_counter() - started
    single_cpu = _cpu_of_self_and_children() - cpu_before
    ideal = sum(single.values()) / cores
    digital_time = sum(t for n, t in single.items() if files[n])
    load = os.getloadavg()
    print(
        f"files: {sum(files.values())} born-digital, {len(files) - sum(files.values())} scans; "
        f"workers: {cores}; load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"born-digital drop-to-review: max {latencies[-1]:.2f} s, median "
        f"{statistics.median(latencies):.2f} s (target: max <= 6 s; the watcher's wait "
        f"included: finished files at once: {settings.take_finished_files_at_once}, "
        f"stability delay {settings.stability_delay:g} s); from received: max "
        f"{queued[-1]:.2f} s, median {statistics.median(queued):.2f} s"
    )
    print(
        f"batch wall: {wall:.2f} s from the drop, {wall_received:.2f} s from the first file "
        f"received; ideal {ideal:.2f} s (one-worker sum {sum(single.values()):.2f} s / {cores}; "
        f"born-digital {digital_time:.2f} s of it)"
    )
    print(
        f"ratio: {wall / ideal:.2f}x from the drop, {wall_received / ideal:.2f}x from the "
        f"first file received (target <= 1.15x)"
    )
    last_in = max(arrived.values())
    busy, idle_ready, idle_none = _worker_time(samples, start=dropped, end=finished, cores=cores)
    print(
        f"received: first {(received - dropped).total_seconds():.2f} s after the drop, last "
        f"{(last_in - dropped).total_seconds():.2f} s; worker time from the drop "
        f"{wall * cores:.1f} s = holding a job {busy:.1f} s ({busy / (ideal * cores):.2f}x "
        f"the one-worker sum) + idle with a job ready {idle_ready:.1f} s + idle with nothing "
        f"ready {idle_none:.1f} s"
    )
    # Independent of other load on the machine: what the service spent from the drop
    # (watcher and queue included) against what reading the files one after another took.
    print(
        f"cpu: service {service_cpu:.2f} s (watcher {watcher_cpu:.2f} s of it), one worker "
        f"reading the files {single_cpu:.2f} s ({service_cpu / single_cpu:.2f}x; workers "
        f"alone {(service_cpu - watcher_cpu) / single_cpu:.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--born-digital", type=int, default=30)
    parser.add_argument("--scans", type=int, default=10)
    parser.add_argument("--workers", type=int, help="default: one per core")
    parser.add_argument("--database", help="PostgreSQL admin URL; default: SQLite")
    parser.add_argument("--timeout", type=float, default=900)
    parser.add_argument(
        "--stability-delay-only",
        action="store_true",
        help="every file waits the stability delay, as before finished files went in at once",
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
