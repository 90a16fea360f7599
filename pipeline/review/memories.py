"""Layout memories in the database: learned when a reviewer corrects a document, handed to
every worker, listed and forgotten by admins, and the learning curve they bring.

`extractors.memory` does the learning and recalling, purely; this module keeps what it
learns. A correction is learned in the request that makes it, from the words the worker
stored when it read the document (`document_layouts`), so the API never reads or OCRs a
file. Functions take the caller's session and never commit: a memory is learned in the
transaction that stores the correction, or not at all.

Two reviewers correcting the same sender's documents at once must leave one memory per
field and layout, so learning takes the sender's lock first: a PostgreSQL transaction-scoped
advisory lock keyed on doc type and sender, released at commit, after which the second
transaction (READ COMMITTED) sees the first one's row and updates it. SQLite serialises
writers anyway (every transaction there is `BEGIN IMMEDIATE`).
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from extractors.document import Line, Page, ParsedDocument, Word
from extractors.fields.confidence import CORROBORATED
from extractors.memory import (
    NEVER_LEARNED,
    SAME_LAYOUT,
    FieldMemory,
    LayoutPrint,
    Memory,
    layout_print,
    learn,
    learnable,
    leaves,
    likeness,
    sender_of,
)
from extractors.record import Record
from pipeline.access import audit
from pipeline.intake.pairing import lock_id
from pipeline.store.models import (
    AuditEvent,
    Document,
    DocumentLayout,
    LayoutMemory,
    MemoryChanges,
)

log = logging.getLogger(__name__)

# Below this a memory is not recalled (`extractors.memory` skips it too): it was corrected
# again more often than it was right.
LIVE_WEIGHT = 0.5
# Each correction of a value a memory produced halves its weight: the second one retires it.
_WORN = 0.5
# Events whose data name the fields a reviewer corrected (the learning curve).
_CORRECTION_KINDS = ("corrected", "line_item_added", "line_item_changed", "line_item_removed")
_LAYOUT_FORMAT = 1
# Pages of a document's words kept to learn from. A layout is known by its first page
# (`layout_print`), but a contract prints its term, renewal and governing law pages into its
# body (page 5, 8, 16 of real service agreements): a correction of one must find it to be
# learned. Bounded because each dense page packs to about 20 KB, so a document keeps at most
# some 400 KB, the order of its file; what lies beyond is schedules and annexes, which hold
# no field of the record.
_STORED_PAGES = 20
_LEARNED_BY_SIZE = 255  # the size of memories.learned_by


class MemoryRow(BaseModel):
    """A stored memory as admins see it."""

    id: int
    doc_type: str
    sender: str
    # The field it reads, or None for a remembered document type (`doc_type_as`).
    path: str | None
    field: dict[str, Any] | None
    doc_type_as: str | None
    weight: float
    live: bool
    # How many label words its layout fingerprint holds.
    layout_words: int
    learned_from_document_id: int | None
    learned_by: str
    created_at: datetime
    updated_at: datetime
    times_used: int
    times_corrected_again: int


class CurvePoint(BaseModel):
    """One of a sender's documents and how many of its fields reviewers corrected."""

    document_id: int
    received_at: datetime
    corrected_fields: int


# --- learning -------------------------------------------------------------------------------


@contextmanager
def learning(session: Session, *, document_id: int) -> Iterator[None]:
    """Learn in a savepoint, and log what fails instead of raising it: a reviewer's
    correction or reassignment is stored whatever becomes of what it would teach (a layout
    stored by another version, a lock timeout, a bug), only the memory is lost."""
    try:
        with session.begin_nested():
            yield
    except Exception:
        log.exception("document %s: nothing learned from the reviewer's change", document_id)


def learn_from_correction(
    session: Session, *, document: Document, changed: Mapping[str, Any], actor: str
) -> list[MemoryRow]:
    """Remember where each corrected value (`changed`: field path -> new value) is printed
    on the document's layout, for its sender; a value a memory produced and the reviewer
    corrected wears that memory down. The document's record must already hold the
    correction. Returns the memories learned or updated."""
    doc_type = document.doc_type
    record = document.record or {}
    fields = record.get("fields") or {}
    provenance = record.get("provenance") or {}
    if doc_type is None or doc_type in NEVER_LEARNED:
        return []
    worn = {
        path: where["learned_from"]
        for path, where in provenance.items()
        if path in changed and isinstance(where, Mapping) and where.get("learned_from")
    }
    sender = document.sender
    # A yes/no answer is learned as the word for it the page prints (`extractors.memory`).
    typed = {
        path: ("true" if value else "false") if isinstance(value, bool) else value
        for path, value in changed.items()
    }
    wanted = {
        path: value
        for path, value in typed.items()
        if learnable(doc_type, path) and isinstance(value, str) and value.strip()
    }
    # Every sender lock this correction needs, before any memory row is written: a row lock
    # taken first (wearing a memory) while another reviewer holds the sender's lock and
    # waits for that row would deadlock.
    owners = (
        session.execute(
            select(LayoutMemory.doc_type, LayoutMemory.sender).where(
                LayoutMemory.id.in_(set(worn.values()))
            )
        ).all()
        if worn
        else []
    )
    keys = {(row.doc_type, row.sender) for row in owners}
    if sender is not None and wanted:
        keys.add((doc_type, sender))
    for key_type, key_sender in sorted(keys):
        _lock_sender(session, doc_type=key_type, sender=key_sender)
    for memory_id in worn.values():
        _wear(session, memory_id=memory_id)
    if worn:
        # The value is the reviewer's now: correcting it again does not wear the memory twice.
        document.record = record | {
            "provenance": {
                path: {k: v for k, v in where.items() if k != "learned_from" or path not in worn}
                for path, where in provenance.items()
            }
        }
    if sender is None or not wanted:
        return []
    parsed = _load_layout(session, document_id=document.id)
    if parsed is None:
        return []
    page = layout_print(parsed)
    learned: list[MemoryRow] = []
    for path, value in wanted.items():
        field = learn(parsed, path=path, value=value, fields=fields)
        if field is None:  # not printed on the page: nothing to read it from next time
            continue
        row = _like(session, doc_type=doc_type, sender=sender, path=path, page=page)
        if row is None:
            row = LayoutMemory(
                doc_type=doc_type,
                sender=sender,
                path=path,
                weight=1.0,
                times_used=0,
                times_corrected_again=0,
            )
            session.add(row)
        row.layout = page.model_dump(mode="json")
        row.field = field.model_dump(mode="json")
        row.learned_from_document_id = document.id
        row.learned_by = actor[:_LEARNED_BY_SIZE]
        session.flush()
        _event(session, row, document_id=document.id, actor=actor, kind="memory_learned")
        learned.append(_row(row))
    return learned


def learn_type(session: Session, *, document: Document, doc_type: str, actor: str) -> None:
    """Remember that reviewers read this sender's documents of this layout as `doc_type`:
    the next one is extracted as that type without classifying."""
    sender = document.sender
    if document.doc_type is None or sender is None or doc_type == document.doc_type:
        return
    if document.doc_type in NEVER_LEARNED or doc_type in NEVER_LEARNED:
        # A CV is a person's: neither what it was read as nor what it is said to be teaches
        # anything about a sender, and no memory or event names the person.
        return
    parsed = _load_layout(session, document_id=document.id)
    if parsed is None:
        return
    page = layout_print(parsed)
    _lock_sender(session, doc_type=document.doc_type, sender=sender)
    row = _like(session, doc_type=document.doc_type, sender=sender, path=None, page=page)
    if row is None:
        row = LayoutMemory(
            doc_type=document.doc_type,
            sender=sender,
            path=None,
            weight=1.0,
            times_used=0,
            times_corrected_again=0,
        )
        session.add(row)
    elif row.doc_type_as is not None and row.doc_type_as != doc_type:
        # Reviewers disagree about this sender's type: the earlier word wears down.
        row.weight *= _WORN
        row.times_corrected_again += 1
    row.layout = page.model_dump(mode="json")
    row.doc_type_as = doc_type
    row.learned_from_document_id = document.id
    row.learned_by = actor[:_LEARNED_BY_SIZE]
    session.flush()
    _event(session, row, document_id=document.id, actor=actor, kind="memory_learned")


def sender_of_record(
    session: Session, record: Record, *, own_tax_ids: Iterable[str] = ()
) -> str | None:
    """Who sent the document, as its fields say (a contract's sender is a party other than
    the company, whose tax codes are `own_tax_ids`), unless they say nothing sure: then the
    sender of the memories that read it, when any did (they serve only a sender printed on
    the page, whereas the generic reading may have taken the sender for another party, the
    very mistake they mend). A seller's tax code the page corroborates outranks them."""
    own = sender_of(record.doc_type, record.fields, own_tax_ids=own_tax_ids)
    if own is not None and record.confidence.get("seller.tax_id", 0.0) >= CORROBORATED:
        return own
    recalled = {where.learned_from for where in record.provenance.values() if where.learned_from}
    if recalled:
        senders = session.scalars(
            select(LayoutMemory.sender).where(LayoutMemory.id.in_(recalled)).distinct()
        ).all()
        if len(senders) == 1:
            return senders[0]
    return own


def note_recalled(session: Session, *, record: Record) -> None:
    """Count a use of each memory that read a value of the record. The memory's
    `updated_at` is kept, and the change count too: a use changes nothing learned, so
    workers' caches stand."""
    recalled = {where.learned_from for where in record.provenance.values() if where.learned_from}
    if recalled:
        session.execute(
            update(LayoutMemory)
            .where(LayoutMemory.id.in_(recalled))
            .values(times_used=LayoutMemory.times_used + 1, updated_at=LayoutMemory.updated_at)
            .execution_options(synchronize_session=False)
        )


def corrected_paths(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """The leaves (`seller.tax_id`, `parties[1].name`) whose values differ between two
    versions of a record's fields, with their new values (None: removed)."""
    before, after = leaves(old), leaves(new)
    return {
        path: after.get(path)
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    }


def _wear(session: Session, *, memory_id: int) -> None:
    # One UPDATE, not a read and a write: two reviewers correcting values of one memory at
    # once both count.
    session.execute(
        update(LayoutMemory)
        .where(LayoutMemory.id == memory_id)
        .values(
            weight=LayoutMemory.weight * _WORN,
            times_corrected_again=LayoutMemory.times_corrected_again + 1,
        )
        .execution_options(synchronize_session="fetch")
    )
    _changed(session)


def _like(
    session: Session, *, doc_type: str, sender: str, path: str | None, page: LayoutPrint
) -> LayoutMemory | None:
    """The sender's memory of `path` on a layout like `page`, if there is one: the most
    alike, so a learned place moves instead of a second memory being added. A retired one
    (worn below LIVE_WEIGHT) is left as it is, for admins to see: learning the layout again
    makes a new memory, which workers recall."""
    rows = session.scalars(
        select(LayoutMemory).where(
            LayoutMemory.doc_type == doc_type,
            LayoutMemory.sender == sender,
            LayoutMemory.path.is_(None) if path is None else LayoutMemory.path == path,
            LayoutMemory.weight >= LIVE_WEIGHT,
        )
    ).all()
    scored = [(likeness(page, LayoutPrint.model_validate(row.layout)), row) for row in rows]
    best = max(scored, key=lambda item: item[0], default=None)
    return best[1] if best is not None and best[0] >= SAME_LAYOUT else None


def _lock_sender(session: Session, *, doc_type: str, sender: str) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(lock_id(f"memory|{doc_type}|{sender}"))))


def _changed(session: Session) -> None:
    """Count a change to what workers recall, in the caller's transaction."""
    session.execute(
        update(MemoryChanges)
        .where(MemoryChanges.id == 1)
        .values(changes=MemoryChanges.changes + 1)
        .execution_options(synchronize_session=False)
    )


def _event(
    session: Session, row: LayoutMemory, *, document_id: int | None, actor: str, kind: str
) -> None:
    # Every event of a memory is a change workers must see.
    _changed(session)
    audit.record(
        session,
        document_id=document_id,
        actor=actor,
        kind=kind,
        data={
            "memory_id": row.id,
            "doc_type": row.doc_type,
            "sender": row.sender,
            "path": row.path,
            "doc_type_as": row.doc_type_as,
        },
    )


# --- the words a document was read as ----------------------------------------------------------


def store_layout(
    session: Session, *, document_id: int, doc_type: str | None, document: ParsedDocument
) -> None:
    """Keep the words the worker read (replacing an earlier reading's), of the first pages:
    what a later correction is learned from. A type never learned from (a CV) keeps none."""
    if doc_type in NEVER_LEARNED:
        drop_layout(session, document_id=document_id)
        return
    pages = [
        {
            "number": page.number,
            "width": page.width,
            "height": page.height,
            "lines": [
                [[w.text, *w.bbox, w.confidence, w.source] for w in line.words]
                for line in page.lines
            ],
        }
        for page in document.pages[:_STORED_PAGES]
    ]
    data = {"format": _LAYOUT_FORMAT, "media_type": document.media_type, "pages": pages}
    packed = zlib.compress(json.dumps(data, separators=(",", ":")).encode(), 6)
    row = session.get(DocumentLayout, document_id)
    if row is None:
        session.add(DocumentLayout(document_id=document_id, pages=packed))
    else:
        row.pages = packed


def drop_layout(session: Session, *, document_id: int) -> None:
    """Forget the words a document was read as: it is not to be learned from (a CV)."""
    row = session.get(DocumentLayout, document_id)
    if row is not None:
        session.delete(row)


def _load_layout(session: Session, *, document_id: int) -> ParsedDocument | None:
    row = session.get(DocumentLayout, document_id)
    if row is None:
        return None
    data = json.loads(zlib.decompress(row.pages))
    if not isinstance(data, dict) or data.get("format") != _LAYOUT_FORMAT:
        return None  # written by another version: its words are not read as these are
    pages = []
    for page in data["pages"]:
        number = page["number"]
        lines = [
            Line(
                tuple(
                    Word(text, (x0, y0, x1, y1), number, confidence, source)
                    for text, x0, y0, x1, y1, confidence, source in words
                ),
                number,
            )
            for words in page["lines"]
            if words
        ]
        pages.append(Page(number, page["width"], page["height"], lines))
    return ParsedDocument(media_type=data["media_type"], pages=pages)


# --- what workers recall ----------------------------------------------------------------------

_cache_lock = threading.Lock()
# Per database: the memories' change count and the live memories it stood for.
_cache: dict[str, tuple[int | None, list[Memory]]] = {}


def live_memories(session: Session) -> list[Memory]:
    """Every memory worth recalling, as `extractors.memory` takes them. Reloaded only when
    the change count moved, so a worker pays one small query per document. A row that does
    not read as a memory is skipped (and logged): one bad row must not stop every job."""
    stamp = session.scalar(select(MemoryChanges.changes).where(MemoryChanges.id == 1))
    key = session.get_bind().engine.url.render_as_string(hide_password=True)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    rows = session.scalars(
        select(LayoutMemory).where(LayoutMemory.weight >= LIVE_WEIGHT).order_by(LayoutMemory.id)
    ).all()
    memories = []
    for row in rows:
        try:
            memories.append(
                Memory(
                    id=row.id,
                    doc_type=row.doc_type,
                    sender=row.sender,
                    layout=LayoutPrint.model_validate(row.layout),
                    field=None if row.field is None else FieldMemory.model_validate(row.field),
                    doc_type_as=row.doc_type_as,
                    weight=min(max(row.weight, 0.0), 1.0),
                )
            )
        except (ValueError, TypeError):
            log.exception("memory %s does not read as a memory: not recalled", row.id)
    with _cache_lock:
        _cache[key] = (stamp, memories)
    return memories


# --- admins ----------------------------------------------------------------------------------


def list_memories(
    session: Session,
    *,
    doc_type: str | None = None,
    sender: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[MemoryRow]:
    query = select(LayoutMemory).order_by(LayoutMemory.id).limit(limit).offset(offset)
    if doc_type is not None:
        query = query.where(LayoutMemory.doc_type == doc_type)
    if sender is not None:
        query = query.where(LayoutMemory.sender == sender)
    return [_row(row) for row in session.scalars(query).all()]


def get_memory(session: Session, *, memory_id: int) -> MemoryRow | None:
    row = session.get(LayoutMemory, memory_id)
    return None if row is None else _row(row)


def forget_memory(session: Session, *, memory_id: int, actor: str) -> bool:
    """Delete a memory: its sender's documents are read generically again. False when there
    is no such memory."""
    row = session.get(LayoutMemory, memory_id)
    if row is None:
        return False
    # The sender's lock, as learning takes it: a reviewer learning onto this row meanwhile
    # finishes first (and the row is read again here), or finds it gone.
    _lock_sender(session, doc_type=row.doc_type, sender=row.sender)
    row = session.scalars(
        select(LayoutMemory)
        .where(LayoutMemory.id == memory_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if row is None:
        return False
    _event(session, row, document_id=None, actor=actor, kind="memory_forgotten")
    session.delete(row)
    session.flush()
    return True


def learning_curve(session: Session, *, sender: str, limit: int = 10) -> list[CurvePoint]:
    """The sender's `limit` most recent documents, oldest first, each with how many distinct
    fields reviewers corrected on it: falling as memories learn the sender's layouts."""
    documents = session.execute(
        select(Document.id, Document.received_at)
        .where(Document.sender == sender)
        .order_by(Document.received_at.desc(), Document.id.desc())
        .limit(limit)
    ).all()
    ids = [row.id for row in documents]
    events = session.execute(
        select(AuditEvent.document_id, AuditEvent.kind, AuditEvent.data).where(
            AuditEvent.document_id.in_(ids), AuditEvent.kind.in_(_CORRECTION_KINDS)
        )
    ).all()
    corrected: dict[int, set[str]] = {document_id: set() for document_id in ids}
    for document_id, kind, data in events:
        corrected[document_id] |= _paths_of(kind, data or {})
    return [
        CurvePoint(
            document_id=row.id,
            received_at=row.received_at,
            corrected_fields=len(corrected[row.id]),
        )
        for row in reversed(documents)
    ]


def _paths_of(kind: str, data: Mapping[str, Any]) -> set[str]:
    if kind == "corrected":
        paths: set[str] = set()
        for name, change in (data.get("fields") or {}).items():
            if isinstance(change, Mapping):
                old, new = {name: change.get("old")}, {name: change.get("new")}
                paths |= set(corrected_paths(old, new)) or {name}
        return paths
    index = data.get("index")
    if kind != "line_item_changed":
        return {f"line_items[{index}]"}
    old, new = data.get("old") or {}, data.get("new") or {}
    return {
        f"line_items[{index}].{key}"
        for key in old.keys() | new.keys()
        if old.get(key) != new.get(key)
    }


def _row(row: LayoutMemory) -> MemoryRow:
    return MemoryRow(
        id=row.id,
        doc_type=row.doc_type,
        sender=row.sender,
        path=row.path,
        field=row.field,
        doc_type_as=row.doc_type_as,
        weight=row.weight,
        live=row.weight >= LIVE_WEIGHT,
        layout_words=len((row.layout or {}).get("words") or ()),
        learned_from_document_id=row.learned_from_document_id,
        learned_by=row.learned_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        times_used=row.times_used,
        times_corrected_again=row.times_corrected_again,
    )
