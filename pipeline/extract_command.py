"""`backoffice extract`: files read into record lines on standard output, with no database.

Kept apart from the command line's other commands (pipeline/commands.py), and free of typer:
`pipeline/cli.py` runs the common forms of the command line straight from here, without
loading the command groups, whose building costs a one-page file more than reading it."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.store.settings import Settings

# `--today`'s one format, as the command declares it (`%Y-%m-%d`), written in full: a value
# that strptime alone would also take (`2026-3-1`) is left to the full command line to read.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def plain_arguments(arguments: Sequence[str]) -> tuple[list[Path], date | None] | None:
    """The files and the `--today` of an `extract` command line written in its plain form
    (`[--today YYYY-MM-DD | --today=YYYY-MM-DD] FILE...`, in any order); None for any other,
    which the full command line reads, with its help, its errors and its usage messages. Only
    what it reads exactly as the full command line does is taken here."""
    files: list[Path] = []
    today: date | None = None
    seen_today = False
    index = 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == "--today" or argument.startswith("--today="):
            if seen_today:  # said twice: the full command line's rules decide
                return None
            if argument == "--today":
                index += 1
                if index == len(arguments):
                    return None
                value = arguments[index]
            else:
                value = argument.removeprefix("--today=")
            if not _ISO_DAY.fullmatch(value):
                return None
            try:
                # What strptime makes of this form, without loading strptime's locale tables.
                today = date.fromisoformat(value)
            except ValueError:  # not a day of the calendar: the full command line says so
                return None
            seen_today = True
        elif not argument or argument.startswith("-"):  # an option, `--`, `-`, or nothing
            return None
        else:
            files.append(Path(argument))
        index += 1
    return (files, today) if files else None


def extract_files(files: list[Path], today: date | None) -> int:
    """Print one SCHEMA.md record per document as JSON Lines, in input order: one per file,
    or one per part, in page order, for a file holding several documents. The exit status:
    1 when a file's record is an error, else 0."""
    from pipeline.store.settings import get_settings

    settings = get_settings()
    show_progress = sys.stderr.isatty() and len(files) > 1
    failed = 0
    jobs = [(path, settings, today) for path in files]
    # Processes only for the files that OCR: a text file takes less time to read than a
    # process takes to start.
    lines = (
        _extract_text_first(jobs, settings.workers)
        if settings.workers > 1
        else map(_extract_one, jobs)
    )
    for done, file_lines in enumerate(lines, start=1):
        sys.stdout.write("".join(line + "\n" for line in file_lines))
        sys.stdout.flush()
        failed += any(json.loads(line)["error"] is not None for line in file_lines)
        if show_progress:
            sys.stderr.write(f"\r{done}/{len(files)} files, {failed} with errors")
    if show_progress:
        sys.stderr.write("\n")
    return 1 if failed else 0


def _printable_name(path: Path) -> str:
    """The file's name as a record carries it: a name that is not UTF-8 (bytes a Windows
    share or an old archive left) with its undecodable bytes replaced, since JSON cannot
    carry them and the batch must go on."""
    return os.fsencode(path.name).decode("utf-8", "replace")


def _extract_one(args: tuple[Path, Settings, date | None]) -> list[str]:
    """One file's records as JSON lines (one per document it holds, in page order), whatever
    happens: a file that cannot be opened is `unreadable`, a FIFO or a device is refused
    before it is opened (reading a FIFO waits for a writer forever), and an unexpected
    exception is an `internal_error` record for this file alone, so one bad file never costs
    the lines of the others."""
    import hashlib
    import stat
    import traceback

    from extractors.pages import OcrDeferred
    from extractors.record import ErrorCode, Record, RecordError, Source
    from extractors.sniff import sniff_media_type
    from pipeline.jobs.processing import build_records
    from rules.functions import Facts

    path, settings, today = args
    name = _printable_name(path)

    def failed(code: ErrorCode, message: str, *, identify: bool = False) -> list[str]:
        source = Source(filename=name, sha256="", media_type="application/octet-stream")
        if identify:  # the file could be read: say which bytes failed, and what they are
            try:
                with path.open("rb") as handle:
                    head = handle.read(64)
                    handle.seek(0)
                    source.sha256 = hashlib.file_digest(handle, "sha256").hexdigest()
                source.media_type = sniff_media_type(head)
            except OSError:
                pass  # gone or changed since: the envelope still answers for the file
        record = Record(source=source, error=RecordError(code=code, message=message))
        return [record.model_dump_json()]

    facts = None if today is None else Facts(today=today, received=today)
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
            kind = "a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device or socket"
            return failed("unreadable", f"{path} is {kind}, not a regular file: not read")
        records = build_records(path, filename=name, settings=settings, facts=facts, as_of=today)
    except OSError as exc:
        return failed("unreadable", f"cannot read {path}: {exc.strerror}")
    except OcrDeferred:
        raise  # read under `extract`'s deferring plan: the file is OCR'd in a process
    except Exception as exc:  # noqa: BLE001 - a bug must not take the other files' lines
        error = "".join(traceback.format_exception_only(exc)).strip()
        return failed("internal_error", f"unexpected error: {error}", identify=True)
    return [record.model_dump_json() for record in records]


def _extract_text_first(
    jobs: list[tuple[Path, Settings, date | None]], workers: int
) -> Iterator[list[str]]:
    """`extract`'s lines in input order, each file read here unless it has something to OCR:
    an image, or a PDF whose text pass, under a deferring plan, finds a page without usable
    text (the pass goes on to its end, but no page is rendered or OCR'd here). Those are then
    read in a pool of processes. A text file is thus read once, with no pass beforehand to
    tell whether it OCRs; the lines of the text files after the first scan wait for it."""
    from extractors.pages import OcrDeferred, plan
    from extractors.service import is_image

    scans: list[int] = []
    held: dict[int, list[str]] = {}
    for index, job in enumerate(jobs):
        if is_image(job[0]):
            scans.append(index)
            continue
        try:
            with plan(stored={}, defer=True):
                file_lines = _extract_one(job)
        except OcrDeferred:
            scans.append(index)
            continue
        if scans:
            held[index] = file_lines
        else:
            yield file_lines
    if scans:
        yield from _extract_in_processes(jobs, scans, held, workers)


def _extract_in_processes(
    jobs: list[tuple[Path, Settings, date | None]],
    scans: list[int],
    held: dict[int, list[str]],
    workers: int,
) -> Iterator[list[str]]:
    """The lines of the files from the first scan on, in input order: the scans read in a
    pool of processes, the text files' lines `held` as read. The pool's modules are loaded
    only for a batch with files to OCR: reading a text file starts no process, and loading
    them costs it time."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from extractors.record import Record, RecordError, Source

    spawn = multiprocessing.get_context("spawn")
    workers = max(1, min(workers, len(scans)))

    def scan_job(index: int) -> tuple[Path, Settings, date | None]:
        path, settings, day = jobs[index]
        # Pages of one file are OCR'd in parallel on the cores the file processes leave free.
        return path, settings.model_copy(update={"workers": workers}), day

    def alone(job: tuple[Path, Settings, date | None]) -> list[str]:
        """The file read again in a process of its own: when a reading process dies (a crash
        in a C library, the OOM killer), the pool breaks and every file in it with it; read
        alone, the others get their lines, and the one that kills its process says so."""
        with ProcessPoolExecutor(1, mp_context=spawn) as solo:
            try:
                return solo.submit(_extract_one, job).result()
            except BrokenProcessPool:
                return [
                    Record(
                        source=Source(
                            filename=_printable_name(job[0]),
                            sha256="",
                            media_type="application/octet-stream",
                        ),
                        error=RecordError(
                            code="internal_error", message="the process reading this file died"
                        ),
                    ).model_dump_json()
                ]

    with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        futures = {index: pool.submit(_extract_one, scan_job(index)) for index in scans}
        for index in range(scans[0], len(jobs)):
            if index in held:
                yield held.pop(index)
                continue
            try:
                yield futures[index].result()
            except BrokenProcessPool:
                yield alone(scan_job(index))
