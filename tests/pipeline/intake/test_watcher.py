"""The watcher: complete files only, once each, junk ignored, nothing stranded."""

from __future__ import annotations

import os
import random
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from watchdog.observers.polling import PollingObserver

from pipeline.intake.watcher import (
    Hint,
    InboxWatcher,
    StabilityTracker,
    is_junk,
    missing_end,
    open_for_writing,
    settled,
)
from pipeline.services import build_watcher
from pipeline.store.models import Document, DuplicateDrop
from pipeline.store.settings import Settings
from tests import docgen
from tests.docgen.scans import photo
from tests.docgen.word import as_docx

JUNK = [
    ".DS_Store",
    "Thumbs.db",
    "desktop.ini",
    "~$hop_dong.docx",
    "._hd_0001.pdf",
    "scan.pdf.part",
    "download.crdownload",
    "upload.tmp",
    ".hidden/invoice.pdf",
    "ke_toan/.~lock.bang_ke.xlsx#",
]


def pdf_like(seed: int, size: int = 2000) -> bytes:
    # Ends as a complete PDF does: the watcher waits for a PDF's `%%EOF`.
    return b"%PDF-1.4\n" + random.Random(seed).randbytes(size) + b"\n%%EOF\n"


def wait_until(condition: Callable[[], bool], timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s: {message}")


def counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as session:
        documents = session.scalar(select(func.count(Document.id))) or 0
        duplicates = session.scalar(select(func.count(DuplicateDrop.id))) or 0
    return documents, duplicates


@pytest.fixture
def start_watcher(settings: Settings) -> Iterator[Callable[..., InboxWatcher]]:
    running: list[tuple[InboxWatcher, threading.Thread]] = []

    def start(**overrides: object) -> InboxWatcher:
        watcher = build_watcher(settings.model_copy(update=overrides))
        thread = threading.Thread(target=watcher.run, daemon=True)
        thread.start()
        running.append((watcher, thread))
        return watcher

    yield start
    for watcher, thread in running:
        watcher.stop_event.set()
        thread.join(10)


def test_junk_names_are_recognised() -> None:
    for name in JUNK:
        assert is_junk(Path(name)), name
    for name in ["hd_0001.pdf", "Hợp đồng số 12.docx", "sub/folder/cv.png", "~report.pdf"]:
        assert not is_junk(Path(name)), name


def test_tracker_waits_for_size_and_mtime_to_settle(tmp_path: Path) -> None:
    now = [0.0]
    tracker = StabilityTracker(3.0, clock=lambda: now[0])
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF")
    tracker.observe(path)
    now[0] = 2.9
    assert tracker.due() == []
    with path.open("ab") as handle:
        handle.write(b"more")
    now[0] = 3.1
    assert tracker.due() == []  # changed: the clock starts again
    now[0] = 6.0
    assert tracker.due() == []
    now[0] = 6.2
    assert tracker.due() == [path]
    assert tracker.due() == []


@pytest.mark.slow
def test_a_slowly_written_file_is_ingested_once_and_complete(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
) -> None:
    start_watcher(stability_delay=3.0)
    payload = pdf_like(1, 50_000)
    target = settings.inbox / "slow_scan.pdf"
    chunks = [payload[i : i + 5_000] for i in range(0, len(payload), 5_000)]
    with target.open("wb") as handle:
        for chunk in chunks:  # ten chunks over ten seconds, like a slow scanner on a share
            handle.write(chunk)
            handle.flush()
            time.sleep(1.0)
            assert counts(sessions) == (0, 0), "taken before it was complete"

    wait_until(lambda: counts(sessions)[0] == 1, 15, "slow file ingested")
    time.sleep(1)
    assert counts(sessions) == (1, 0)
    with sessions() as session:
        document = session.scalars(select(Document)).one()
    assert document.size == len(payload)
    blob = settings.resolved_blob_dir / document.sha256[:2] / document.sha256[2:4]
    assert (blob / document.sha256).read_bytes() == payload


def test_polling_observer_finds_files_without_inotify(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
) -> None:
    # No periodic rescan during the test: only the polling observer can find the file.
    watcher = start_watcher(polling_interval=0.2, rescan_interval=3600, stability_delay=0.3)
    wait_until(lambda: watcher.observer is not None, 5, "observer started")
    assert isinstance(watcher.observer, PollingObserver)
    time.sleep(0.5)
    (settings.inbox / "from_the_share.pdf").write_bytes(pdf_like(2))
    wait_until(lambda: counts(sessions)[0] == 1, 10, "polled file ingested")


def test_files_already_waiting_at_start_up_are_ingested(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
) -> None:
    (settings.inbox / "nested" / "deeper").mkdir(parents=True)
    (settings.inbox / "left_over.pdf").write_bytes(pdf_like(3))
    (settings.inbox / "nested" / "deeper" / "old.pdf").write_bytes(pdf_like(4))
    start_watcher(stability_delay=0.2, rescan_interval=3600)
    wait_until(lambda: counts(sessions)[0] == 2, 10, "stranded files ingested")


@pytest.mark.slow
def test_a_mass_drop_with_duplicates_and_junk_loses_nothing(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
    tmp_path: Path,
) -> None:
    start_watcher(stability_delay=0.5)
    staging = tmp_path / "staging"
    staging.mkdir()
    names: list[str] = []
    for i in range(280):
        folder = f"phong_{i % 4}/" if i % 3 else ""
        names.append(f"{folder}hd_{i:04d}.pdf")
        (staging / names[-1]).parent.mkdir(parents=True, exist_ok=True)
        (staging / names[-1]).write_bytes(pdf_like(1000 + i))
    for i in range(20):
        original = staging / names[i * 7]
        (staging / f"copy_{i:02d}_{original.name}").write_bytes(original.read_bytes())
    for name in JUNK:
        (staging / name).parent.mkdir(parents=True, exist_ok=True)
        (staging / name).write_bytes(b"junk")

    # "At once": every entry lands in the inbox by rename within a few milliseconds.
    for entry in sorted(staging.iterdir()):
        os.replace(entry, settings.inbox / entry.name)

    wait_until(lambda: counts(sessions) == (280, 20), 60, f"all ingested, got {counts(sessions)}")
    time.sleep(1.5)
    assert counts(sessions) == (280, 20)

    remaining = sorted(
        p.relative_to(settings.inbox).as_posix()
        for p in settings.inbox.rglob("*")
        if p.is_file() and not p.relative_to(settings.inbox).as_posix().startswith(".done/")
    )
    assert remaining == sorted(JUNK), "only the junk stays, untouched"
    archived = [p for p in (settings.inbox / ".done").rglob("*") if p.is_file()]
    assert len(archived) == 300
    copies = [f"copy_{i:02d}_{Path(names[i * 7]).name}" for i in range(20)]
    with sessions() as session:
        recorded = list(session.scalars(select(Document.relative_path)))
        recorded += list(session.scalars(select(DuplicateDrop.relative_path)))
    assert sorted(recorded) == sorted(names + copies), "every drop recorded exactly once"


# --- complete files only ------------------------------------------------------------------


def formats() -> dict[str, bytes]:
    """A complete file of each kind whose format shows where it ends."""
    invoice = docgen.invoice(1)
    return {
        "hd.pdf": invoice.content,
        "hd.jpg": photo(invoice, image_format="JPEG", dpi=40),
        "hd.png": photo(invoice, image_format="PNG", dpi=40),
        "hd.docx": as_docx(invoice).content,
    }


def test_a_complete_file_is_complete_and_a_cut_one_is_not(tmp_path: Path) -> None:
    for name, content in formats().items():
        path = tmp_path / name
        path.write_bytes(content)
        assert missing_end(path) is None, name
        path.write_bytes(content[: len(content) * 9 // 10])
        assert missing_end(path) is not None, name
    (tmp_path / "notes.txt").write_bytes(b"no format to tell")
    assert missing_end(tmp_path / "notes.txt") is None


@pytest.mark.slow
def test_a_writer_pausing_longer_than_the_stability_delay_yields_one_complete_document(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
) -> None:
    """A copy over a slow share that stalls for 10 s, three times the stability delay."""
    start_watcher(stability_delay=3.0)
    payload = docgen.invoice(1).content
    third = len(payload) // 3
    chunks = [payload[:third], payload[third : 2 * third], payload[2 * third :]]
    target = settings.inbox / "hd_slow.pdf"
    with target.open("wb") as handle:
        for index, chunk in enumerate(chunks):
            handle.write(chunk)
            handle.flush()
            if index < len(chunks) - 1:
                time.sleep(10.0)
                assert counts(sessions) == (0, 0), "taken before it was complete"
                assert not (settings.inbox / ".failed").exists()

    wait_until(lambda: counts(sessions)[0] == 1, 15, "the completed file ingested")
    time.sleep(1)
    assert counts(sessions) == (1, 0)
    with sessions() as session:
        document = session.scalars(select(Document)).one()
    blob = settings.resolved_blob_dir / document.sha256[:2] / document.sha256[2:4]
    assert (blob / document.sha256).read_bytes() == payload


@pytest.mark.slow
def test_a_file_left_unfinished_goes_to_failed_after_the_maximum_wait(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
) -> None:
    start_watcher(stability_delay=0.3, incomplete_max_wait=2.0)
    cut = {name: content[: len(content) // 2] for name, content in formats().items()}
    for name, content in cut.items():
        (settings.inbox / name).write_bytes(content)
    failed = settings.inbox / ".failed"
    time.sleep(1.0)
    assert not failed.exists(), "refused before the maximum wait"
    wait_until(
        lambda: all((failed / name).exists() for name in cut), 10, "unfinished files refused"
    )
    for name, content in cut.items():
        assert (failed / name).read_bytes() == content
        reason = (failed / f"{name}.error.txt").read_text(encoding="utf-8")
        assert "still incomplete after 2 s" in reason, reason
    assert "%%EOF" in (failed / "hd.pdf.error.txt").read_text(encoding="utf-8")
    assert "central directory" in (failed / "hd.docx.error.txt").read_text(encoding="utf-8")
    assert counts(sessions) == (0, 0)


def test_a_fifo_or_a_device_in_the_inbox_is_refused_without_blocking_the_watcher(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
) -> None:
    start_watcher(stability_delay=0.3)
    os.mkfifo(settings.inbox / "pipe.pdf")
    special = {"pipe.pdf": "a FIFO (named pipe), not a regular file: not read"}
    try:  # needs CAP_MKNOD (root); the FIFO alone shows the watcher is not blocked
        os.mknod(settings.inbox / "null.pdf", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
        special["null.pdf"] = "a character device, not a regular file: not read"
    except PermissionError:
        pass
    (settings.inbox / "after.pdf").write_bytes(pdf_like(5))
    failed = settings.inbox / ".failed"
    wait_until(lambda: counts(sessions)[0] == 1, 10, "the regular file behind them ingested")
    wait_until(lambda: all((failed / n).exists() for n in special), 10, "special files refused")
    for name, reason in special.items():
        assert reason in (failed / f"{name}.error.txt").read_text(encoding="utf-8")
        assert "empty" not in (failed / f"{name}.error.txt").read_text(encoding="utf-8")
    assert stat.S_ISFIFO((failed / "pipe.pdf").lstat().st_mode), "kept as it was"


# --- finished files at once --------------------------------------------------------------


def stored_bytes(settings: Settings, sessions: sessionmaker[Session]) -> list[bytes]:
    with sessions() as session:
        digests = list(session.scalars(select(Document.sha256)))
    return [(settings.resolved_blob_dir / d[:2] / d[2:4] / d).read_bytes() for d in digests]


def test_a_file_its_writer_is_done_with_is_ready_at_once_when_its_format_shows_it_whole(
    tmp_path: Path,
) -> None:
    # The clock never moves: only a writer being done can make a file ready.
    tracker = StabilityTracker(3.0, clock=lambda: 0.0, settled=settled)
    probe = tmp_path / "probe"
    probe.write_bytes(b"x")
    if open_for_writing(probe) is None:
        pytest.skip("this file system does not grant leases")
    for name, content in formats().items():
        path = tmp_path / name
        path.write_bytes(content[: len(content) // 2])
        tracker.observe(path, Hint.CLOSED)
        assert tracker.due() == [], f"{name}: a part closed by its writer"
        path.write_bytes(content)
        tracker.observe(path, Hint.CLOSED)
        assert tracker.due() == [path], name

    # A format that cannot show its end: a closed part looks like a whole file.
    xml = tmp_path / "hd.xml"
    xml.write_bytes(docgen.einvoice_xml(1).content)
    tracker.observe(xml, Hint.CLOSED)
    assert tracker.due() == []

    # Renamed in whole: ready; renamed in while its writer still has it open: not yet, even
    # when another handle on it was closed.
    pdf = formats()["hd.pdf"]
    renamed = tmp_path / "renamed.pdf"
    (tmp_path / "staging.pdf").write_bytes(pdf)
    os.replace(tmp_path / "staging.pdf", renamed)
    tracker.observe(renamed, Hint.ARRIVED)
    assert tracker.due(hinted_only=True) == [renamed]
    held = tmp_path / "held.pdf"
    with open(tmp_path / "staging.pdf", "wb") as writer:
        writer.write(pdf)
        writer.flush()
        os.replace(tmp_path / "staging.pdf", held)
        tracker.observe(held, Hint.ARRIVED)
        assert tracker.due() == []
        tracker.observe(held, Hint.CLOSED)
        assert tracker.due() == []
    tracker.observe(held, Hint.CLOSED)
    assert tracker.due() == [held]

    # Changed after the close: the close no longer speaks for it.
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(pdf)
    tracker.observe(changed, Hint.CLOSED)
    changed.write_bytes(pdf + b"%%EOF\n")
    assert tracker.due() == []


def test_files_their_writers_are_done_with_go_in_without_the_stability_delay(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
    tmp_path: Path,
) -> None:
    # Only a writer being done can have them taken: the delay is longer than the test.
    watcher = start_watcher(stability_delay=3600, rescan_interval=3600)
    wait_until(lambda: watcher.observer is not None, 5, "observer started")
    written = formats()
    for name, content in written.items():
        with open(settings.inbox / name, "wb") as handle:
            handle.write(content)
    staging = tmp_path / "staging"
    (staging / "folder").mkdir(parents=True)
    renamed = docgen.invoice(2).content
    (staging / "renamed.pdf").write_bytes(renamed)
    os.replace(staging / "renamed.pdf", settings.inbox / "renamed.pdf")
    in_folder = docgen.invoice(3).content
    (staging / "folder" / "inside.pdf").write_bytes(in_folder)
    os.replace(staging / "folder", settings.inbox / "folder")
    xml = docgen.einvoice_xml(1).content
    (settings.inbox / "hd.xml").write_bytes(xml)

    expected = [*written.values(), renamed, in_folder]
    wait_until(lambda: counts(sessions)[0] == len(expected), 30, "finished files taken")
    assert sorted(stored_bytes(settings, sessions)) == sorted(expected)
    # An XML file shows nothing of where it ends: it waits for the stability delay.
    assert (settings.inbox / "hd.xml").read_bytes() == xml


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "delay", "pause"),
    [
        # Paused longer than the stability delay: the format still shows a part.
        ("hd.pdf", 2.0, 3.0),
        ("hd.docx", 2.0, 3.0),
        # A format that shows nothing: only the stability delay tells, so a pause within it.
        ("hd.xml", 4.0, 1.0),
    ],
)
def test_a_writer_that_closes_a_part_and_appends_the_rest_later_yields_one_whole_document(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
    name: str,
    delay: float,
    pause: float,
) -> None:
    start_watcher(stability_delay=delay)
    payload = {**formats(), "hd.xml": docgen.einvoice_xml(1).content}[name]
    target = settings.inbox / name
    half = len(payload) // 2
    with open(target, "wb") as handle:
        handle.write(payload[:half])
    time.sleep(pause)
    assert counts(sessions) == (0, 0), "taken before it was complete"
    with open(target, "ab") as handle:
        handle.write(payload[half:])

    wait_until(lambda: counts(sessions)[0] == 1, 15, "the completed file ingested")
    time.sleep(1)
    assert counts(sessions) == (1, 0)
    assert stored_bytes(settings, sessions) == [payload]
    assert not (settings.inbox / ".failed").exists()


@pytest.mark.slow
def test_a_file_renamed_in_while_its_writer_still_writes_waits_for_the_writer(
    settings: Settings,
    sessions: sessionmaker[Session],
    start_watcher: Callable[..., InboxWatcher],
    tmp_path: Path,
) -> None:
    """A PDF saved, moved into the inbox by its writer, then saved again (an incremental
    update appended): its first part already ends as a whole PDF does."""
    start_watcher(stability_delay=3.0)
    first = docgen.invoice(1).content
    update = b"1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n9\n%%EOF\n"
    staging = tmp_path / "hd.pdf"
    with open(staging, "wb") as writer:
        writer.write(first)
        writer.flush()
        os.replace(staging, settings.inbox / "hd.pdf")
        time.sleep(1.5)
        assert counts(sessions) == (0, 0), "taken while its writer still had it open"
        writer.write(update)

    wait_until(lambda: counts(sessions)[0] == 1, 15, "the saved file ingested")
    time.sleep(1)
    assert counts(sessions) == (1, 0)
    assert stored_bytes(settings, sessions) == [first + update]
