"""Ingest: a stable inbox file becomes a stored blob and a `Document`, then leaves the inbox.

Order matters for crash safety: hash and store the bytes, commit the row, and only then
move the file out of the inbox. A crash at any point leaves the file in the inbox or
recorded; on the next pass a row whose inbox move is unfinished (`filed_at` null, same
relative path) is recognised as the same drop, so the file is never recorded twice.
"""

from __future__ import annotations

import enum
import logging
import os
import stat
from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from extractors.sniff import sniff_media_type
from pipeline.intake.blobs import BlobStore, BlobTooLarge, StoredBlob
from pipeline.intake.failed_files import DONE_DIR, failed_place, file_failure, file_pending_failures
from pipeline.intake.failed_files import FAILED_DIR as FAILED_DIR  # the watcher's, as before
from pipeline.jobs.faults import crash_point
from pipeline.store.db import transaction
from pipeline.store.models import Document, DocumentEvent, DuplicateDrop, Job, utcnow

log = logging.getLogger(__name__)

ACTOR = "ingest"


_SPECIAL = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}


class Outcome(enum.StrEnum):
    NEW = "new"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    UNSTABLE = "unstable"
    GONE = "gone"


@dataclass(frozen=True)
class IngestResult:
    outcome: Outcome
    path: Path
    document_id: int | None = None
    reason: str | None = None


class Ingestor:
    def __init__(
        self,
        *,
        inbox: Path,
        blobs: BlobStore,
        session_factory: sessionmaker[Session],
        max_file_bytes: int,
        crash_at: Set[str] = frozenset(),
    ) -> None:
        self.inbox = inbox.resolve()
        self.blobs = blobs
        self.session_factory = session_factory
        self.max_file_bytes = max_file_bytes
        self.crash_at = crash_at

    def ingest(self, path: Path) -> IngestResult:
        path = self.inbox / path.relative_to(self.inbox) if path.is_absolute() else path
        relative = path.relative_to(self.inbox).as_posix()
        try:
            info = path.lstat()
        except FileNotFoundError:
            return IngestResult(Outcome.GONE, path)

        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if not target.is_relative_to(self.inbox):
                return self.refuse(path, f"link to {target}, outside the inbox: not followed")
            return self.refuse(path, f"symbolic link to {target}: links are not followed")
        if not stat.S_ISREG(info.st_mode):
            # Never opened: opening a FIFO blocks until a writer comes, a device never ends.
            kind = _SPECIAL.get(stat.S_IFMT(info.st_mode), "a special file")
            return self.refuse(path, f"{kind}, not a regular file: not read")
        if not _is_text(relative):
            # The database, the API and the records carry names as UTF-8 text: a name
            # written in an old code page would fail there at every try.
            return self.refuse(
                path, "its name is not UTF-8 text (an old code page?): rename it and drop it again"
            )
        if info.st_size == 0:
            return self.refuse(path, "empty file (0 bytes)")
        if info.st_size > self.max_file_bytes:
            return self.refuse(
                path, f"too large: {info.st_size} bytes, the limit is {self.max_file_bytes}"
            )

        try:
            blob = self.blobs.put_file(path, max_bytes=self.max_file_bytes)
        except FileNotFoundError:
            return IngestResult(Outcome.GONE, path)
        except BlobTooLarge as exc:
            return self.refuse(path, f"too large: {exc.size}+ bytes, limit {self.max_file_bytes}")
        except PermissionError as exc:
            return self.refuse(path, f"cannot read the file: {exc.strerror}")
        crash_point("ingest.blob_stored", self.crash_at)

        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (info.st_size, info.st_mtime_ns):
            # Still being written: the stored blob is harmless, the file comes back later.
            return IngestResult(Outcome.UNSTABLE, path)

        media_type = sniff_media_type(blob.head)
        planned_archive = self._plan_archive(relative, blob.sha256)
        for attempt in (1, 2):
            try:
                with transaction(self.session_factory) as session:
                    outcome, document_id, archive = self._record(
                        session,
                        sha256=blob.sha256,
                        size=blob.size,
                        media_type=media_type,
                        relative=relative,
                        filename=path.name,
                        planned_archive=planned_archive,
                    )
                break
            except IntegrityError:
                # Another ingester stored the same bytes a moment ago: ours is the duplicate.
                if attempt == 2:
                    raise
        crash_point("ingest.committed", self.crash_at)

        self._move(path, self.inbox / archive)
        crash_point("ingest.moved", self.crash_at)
        self._mark_filed(blob.sha256, relative)
        if outcome is Outcome.NEW:
            # A worker quick enough to fail the file before this move left its filing here.
            try:
                file_failure(
                    self.session_factory,
                    inbox=self.inbox,
                    document_id=document_id,
                    crash_at=self.crash_at,
                )
            except OSError:  # the file is in; the next reconcile files its failure
                log.exception("could not file the failure of document %s", document_id)
        return IngestResult(outcome, path, document_id)

    def _record(
        self,
        session: Session,
        *,
        sha256: str,
        size: int,
        media_type: str,
        relative: str,
        filename: str,
        planned_archive: str,
    ) -> tuple[Outcome, int, str]:
        existing = session.scalar(select(Document).where(Document.sha256 == sha256))
        if existing is None:
            document = Document(
                sha256=sha256,
                filename=filename,
                relative_path=relative,
                size=size,
                media_type=media_type,
                archive_path=planned_archive,
            )
            session.add(document)
            session.flush()
            session.add(Job(document_id=document.id))
            session.add(
                DocumentEvent(
                    document_id=document.id,
                    actor=ACTOR,
                    kind="received",
                    data={"relative_path": relative, "media_type": media_type, "size": size},
                )
            )
            return Outcome.NEW, document.id, planned_archive

        if existing.relative_path == relative and existing.filed_at is None:
            return Outcome.NEW, existing.id, existing.archive_path
        unfinished = session.scalar(
            select(DuplicateDrop).where(
                DuplicateDrop.document_id == existing.id,
                DuplicateDrop.relative_path == relative,
                DuplicateDrop.filed_at.is_(None),
            )
        )
        if unfinished is not None:
            return Outcome.DUPLICATE, existing.id, unfinished.archive_path
        session.add(
            DuplicateDrop(
                document_id=existing.id,
                filename=filename,
                relative_path=relative,
                archive_path=planned_archive,
            )
        )
        session.add(
            DocumentEvent(
                document_id=existing.id,
                actor=ACTOR,
                kind="duplicate_received",
                data={"relative_path": relative},
            )
        )
        return Outcome.DUPLICATE, existing.id, planned_archive

    def reconcile(self) -> int:
        """Finish bookkeeping that a crash interrupted after a file was moved out.

        A row with `filed_at` null whose inbox file is gone and whose archived copy exists
        was moved just before the crash. Rows whose file is still in the inbox are left to
        the next ingest of that file, which recognises the same drop.
        """
        fixed = 0
        with transaction(self.session_factory) as session:
            pending: list[Document | DuplicateDrop] = [
                *session.scalars(select(Document).where(Document.filed_at.is_(None))),
                *session.scalars(select(DuplicateDrop).where(DuplicateDrop.filed_at.is_(None))),
            ]
            for row in pending:
                in_inbox = (self.inbox / row.relative_path).exists()
                if not in_inbox and (self.inbox / row.archive_path).exists():
                    row.filed_at = utcnow()
                    fixed += 1
        # Failed documents whose copy a crash (or a worker without the inbox) left in `.done/`.
        file_pending_failures(self.session_factory, inbox=self.inbox, crash_at=self.crash_at)
        return fixed

    def _mark_filed(self, sha256: str, relative: str) -> None:
        with transaction(self.session_factory) as session:
            document = session.scalar(select(Document).where(Document.sha256 == sha256))
            if document is None:
                return
            if document.relative_path == relative and document.filed_at is None:
                document.filed_at = utcnow()
            for drop in document.duplicates:
                if drop.relative_path == relative and drop.filed_at is None:
                    drop.filed_at = utcnow()

    def _plan_archive(self, relative: str, sha256: str) -> str:
        base = Path(DONE_DIR) / date.today().isoformat() / relative
        candidate = base
        if self._taken(candidate):
            candidate = base.with_name(f"{base.stem}.{sha256[:12]}{base.suffix}")
        counter = 1
        while self._taken(candidate):
            candidate = base.with_name(f"{base.stem}.{sha256[:12]}-{counter}{base.suffix}")
            counter += 1
        return candidate.as_posix()

    def _taken(self, archive: Path) -> bool:
        """A `.done/` name is also taken while a failed file of that name waits in `.failed/`:
        a failure moves its copy to the same name there, and back here after a retry."""
        failed = failed_place(archive.as_posix())
        return (self.inbox / archive).exists() or (
            failed is not None and (self.inbox / failed).exists()
        )

    def _move(self, source: Path, destination: Path) -> None:
        if not source.exists() and destination.exists():
            return  # moved before a crash; only the bookkeeping was left
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, destination)

    def refuse(self, path: Path, reason: str) -> IngestResult:
        """Keep an unusable file, with its reason beside it, in `<inbox>/.failed/`."""
        relative = path.relative_to(self.inbox)
        destination = self.inbox / FAILED_DIR / relative
        counter = 1
        while destination.exists() or destination.is_symlink():
            destination = destination.with_name(f"{relative.stem}-{counter}{relative.suffix}")
            counter += 1
        destination.parent.mkdir(parents=True, exist_ok=True)
        sidecar = destination.with_name(destination.name + ".error.txt")
        sidecar.write_text(
            f"{relative.as_posix()}\n{datetime.now().astimezone().isoformat()}\n{reason}\n",
            encoding="utf-8",
            errors="replace",  # a name that is not UTF-8 is written with its bad bytes as "?"
        )
        os.replace(path, destination)
        # A name that is not UTF-8 logged with its bad bytes escaped (\xf3): log readers and
        # shippers take UTF-8 text only.
        shown = os.fsencode(relative).decode("utf-8", "backslashreplace")
        log.warning("kept %s in %s: %s", shown, FAILED_DIR, reason)
        return IngestResult(Outcome.FAILED, path, reason=reason)


def _is_text(name: str) -> bool:
    """Whether a name decoded from the file system is UTF-8 text: bytes that are not come
    back from it as lone surrogates."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def record_upload(
    session: Session, *, blob: StoredBlob, filename: str, uploaded_by: str
) -> tuple[Outcome, int]:
    """A file uploaded through the API: a new document queued for processing, or a duplicate
    drop of the document already holding these bytes. No inbox file is left to move."""
    media_type = sniff_media_type(blob.head)
    now = utcnow()
    existing = session.scalar(select(Document).where(Document.sha256 == blob.sha256))
    if existing is not None:
        session.add(
            DuplicateDrop(
                document_id=existing.id,
                filename=filename,
                relative_path=filename,
                archive_path="",
                filed_at=now,
            )
        )
        session.add(
            DocumentEvent(
                document_id=existing.id,
                actor=uploaded_by,
                kind="duplicate_received",
                data={"uploaded": filename},
            )
        )
        return Outcome.DUPLICATE, existing.id
    document = Document(
        sha256=blob.sha256,
        filename=filename,
        relative_path=filename,
        size=blob.size,
        media_type=media_type,
        archive_path="",
        filed_at=now,
        uploaded_by=uploaded_by,
    )
    session.add(document)
    session.flush()
    session.add(Job(document_id=document.id))
    session.add(
        DocumentEvent(
            document_id=document.id,
            actor=uploaded_by,
            kind="received",
            data={"uploaded": filename, "media_type": media_type, "size": blob.size},
        )
    )
    return Outcome.NEW, document.id
