"""The clerk's inbox learns of a file whose processing failed for good: its archived copy
moves from `.done/` to `.failed/`, beside `<name>.error.txt` saying why in words, as for a
file refused at intake. Once a reviewer's retry has it read, the copy goes back to `.done/`,
its note with it (`.failed/` holds only what still needs the clerk). The original always
stays in the blob store; nothing is deleted.

Crash-safe and idempotent, without a column of its own: the document's `archive_path` says
where the copy is, and the `.failed/` place is derived from it (`.done/<day>/<path>` →
`.failed/<day>/<path>`, as unique as ingest made the `.done/` one). Each step can be done
again: the note is written only when missing or saying something else, the move is skipped
once done, and the new place is recorded last, only if the row still names the old one. A
crash anywhere is finished by the next pass (`file_pending_failures`, run when the inbox
watcher reconciles). Files uploaded through the API have no inbox copy and get no note."""

from __future__ import annotations

import logging
import os
from collections.abc import Set
from pathlib import Path, PurePosixPath

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from pipeline.jobs.faults import crash_point
from pipeline.review.failures import failed_at, reason_in_words
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentStatus

log = logging.getLogger(__name__)

DONE_DIR = ".done"
FAILED_DIR = ".failed"
SIDECAR_SUFFIX = ".error.txt"


def failed_place(archive_path: str) -> str | None:
    """Where a copy archived at `archive_path` goes when its processing failed; None when
    it is not in `.done/` (an upload, or already moved)."""
    path = PurePosixPath(archive_path)
    if len(path.parts) < 2 or not _in(archive_path, DONE_DIR):
        return None
    return PurePosixPath(FAILED_DIR, *path.parts[1:]).as_posix()


def sidecar_text(*, relative_path: str, when: str, code: str | None, message: str | None) -> str:
    """The note: the file, when it failed, why in Vietnamese and English, and the detail.
    Its first three lines are those of a file refused at intake (name, time, reason)."""
    return (
        f"{relative_path}\n{when}\n"
        f"{reason_in_words(code, 'vi')}\n"
        f"{reason_in_words(code, 'en')}\n"
        f"{code or 'error'}: {message or ''}\n"
    )


def file_failure(
    sessions: sessionmaker[Session],
    *,
    inbox: Path,
    document_id: int,
    crash_at: Set[str] = frozenset(),
) -> bool:
    """Move a failed document's inbox copy to `.failed/` with its note; or, once it was
    retried and read, back to `.done/` with the note (its history: it failed once), so
    `.failed/` holds only what still needs the clerk. True when it did (or finished) that
    now; False when there is nothing to do: nothing to move, uploaded, not yet moved out of
    the inbox by ingest (ingest files it after its move), already in place, or a further
    part of a file (the file holds documents that did not fail)."""
    with sessions() as session:
        document = session.get(Document, document_id)
        if document is None or not _from_the_inbox(document):
            return False
        source = document.archive_path
        note: str | None = None
        if document.status is DocumentStatus.FAILED:
            # Failed again after a retry: already in `.failed/`, its note says the new reason.
            target = source if _in(source, FAILED_DIR) else failed_place(source)
            moment = failed_at(session, document_id=document_id)
            note = sidecar_text(
                relative_path=document.relative_path,
                when=moment.astimezone().isoformat() if moment else "",
                code=document.error_code,
                message=document.error_message,
            )
        elif _read_after_retry(document):
            target = done_place(source)
        else:
            return False
        if target is None:
            return False
    origin, destination = inbox / source, inbox / target
    if not origin.exists() and not destination.exists():
        # No copy here: a worker on a machine without the inbox, or the clerk took it away.
        # The inbox watcher's pass files it where the inbox is, or finds nothing to file.
        log.info("document %s: no inbox copy at %s here", document_id, source)
        return False
    destination.parent.mkdir(parents=True, exist_ok=True)
    if note is not None:
        _write_once(_sidecar(destination), note)
    else:
        _move_once(_sidecar(origin), _sidecar(destination))
    crash_point("failure.noted", crash_at)
    if origin != destination:
        _move_once(origin, destination)
    crash_point("failure.moved", crash_at)
    with transaction(sessions) as session:
        # A plain update: where the copy lies is no edit of the document, so its version
        # (which a reviewer's open page holds) does not move.
        session.execute(
            update(Document)
            .where(Document.id == document_id, Document.archive_path == source)
            .values(archive_path=target)
        )
    log.info("document %s: inbox copy kept in %s", document_id, target)
    return True


def done_place(archive_path: str) -> str | None:
    """Where a copy moved to `.failed/` goes back to once its document was read after all."""
    path = PurePosixPath(archive_path)
    if len(path.parts) < 2 or not _in(archive_path, FAILED_DIR):
        return None
    return PurePosixPath(DONE_DIR, *path.parts[1:]).as_posix()


def file_pending_failures(
    sessions: sessionmaker[Session], *, inbox: Path, crash_at: Set[str] = frozenset()
) -> int:
    """File every failed document whose inbox copy is still in `.done/`, and bring back
    every retried one read since: what a crash or an unreachable inbox left undone.
    Returns how many were moved."""
    with sessions() as session:
        ids = session.scalars(
            select(Document.id).where(
                Document.filed_at.is_not(None),
                (
                    (Document.status == DocumentStatus.FAILED)
                    & Document.archive_path.startswith(f"{DONE_DIR}/")
                )
                | (
                    Document.status.not_in(_UNREAD)
                    & Document.error_code.is_(None)
                    & Document.archive_path.startswith(f"{FAILED_DIR}/")
                ),
            )
        ).all()
    filed = 0
    for document_id in ids:
        try:
            filed += file_failure(sessions, inbox=inbox, document_id=document_id, crash_at=crash_at)
        except OSError:  # this file's fault (permissions): the others still go
            log.exception("could not file the failure of document %s", document_id)
    return filed


# Not read (yet, or at all): a copy in `.failed/` stays there.
_UNREAD = (DocumentStatus.RECEIVED, DocumentStatus.PROCESSING, DocumentStatus.FAILED)


def _read_after_retry(document: Document) -> bool:
    """Read without error since it failed (a rejected failure keeps its error code)."""
    return (
        document.status not in _UNREAD
        and document.error_code is None
        and _in(document.archive_path, FAILED_DIR)
    )


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _move_once(origin: Path, destination: Path) -> None:
    """Move unless already moved (by this pass before a crash, or by another pass)."""
    if destination.exists():
        return
    try:
        os.replace(origin, destination)
    except FileNotFoundError:
        if destination.exists():
            return  # another pass (the watcher's, a worker's) moved it a moment ago
        if origin.name.endswith(SIDECAR_SUFFIX):
            return  # no note to carry (a clerk removed it): the copy still moves
        raise


def _in(archive_path: str, folder: str) -> bool:
    return PurePosixPath(archive_path).parts[:1] == (folder,)


def _from_the_inbox(document: Document) -> bool:
    return (
        document.filed_at is not None
        and document.source_document_id is None
        and document.part_index is None
    )


def _write_once(path: Path, text: str) -> None:
    """Write the note unless it already says this; whole or not at all (a crash midway
    leaves a temporary file, never half a note)."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except FileNotFoundError:
        pass
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
