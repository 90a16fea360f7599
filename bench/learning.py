"""Layout memory: after one corrected document per sender, how often the corrected fields
come back right on that sender's next documents, and what learning costs.

    .venv/bin/python -m bench.learning                               # born-digital, all layouts
    .venv/bin/python -m bench.learning --formats scan photo          # scans (slow)
    .venv/bin/python -m bench.learning --layouts invoice/vi/more:vi_party_grid --parts generated
    .venv/bin/python -m bench.learning --formats scan --parts generated --misses  # what failed
    .venv/bin/python -m bench.learning --parts real --misses         # each real miss and why
    .venv/bin/python -m bench.learning --formats scan --cache /tmp/reads  # OCR each file once

Generated series: for every layout of `tests.docgen.catalogue` (invoices, contracts, letters;
CVs are never learned from) and format, `tests.docgen.series` draws one sender's documents:
same sender, template and label wording, new values (number, dates, lines, amounts). The
first is extracted, every field it got wrong is corrected to the truth as a reviewer would,
and `extractors.memory.learn` turns each correction into a memory keyed by the sender read
from the corrected record (`sender_of`). The next documents are extracted with and without
those memories and the corrected fields scored on them; "changed" counts only the fields
whose value differs from the first document's (a letter's subject, a contract's parties may
repeat from one document of a sender to the next; a number or a date does not). Families
other than `tuned` are held out from tuning: the layouts the extractors were not fitted to.

Other senders: each next document is also extracted with the memories of every other series
of its type and format, as learned (their senders are not printed on it, so none should
apply), and re-keyed to its own sender (the worst case: one sender printing several layouts
of one type, so only the layout print tells them apart). Its accuracy must not drop.

Real dev set (`../shared/realdocs`, Vietnamese and English, no CVs): there is no second
document of the same sender, so it stands in twice. (a) The same file again after its
corrections: the issue's user story, a fresh copy of a corrected supplier PDF. (b) A scan of
it: its first pages and the later ones that print a scored value (up to `--scan-reach`, the
pages a service keeps to learn from; the pages between are blank, so every page keeps its
number), rasterised at 300 dpi and read by OCR, with the memories learned on the
born-digital file (a supplier that mailed a PDF, then a paper copy), and at 200 dpi with the
memories learned on the 300-dpi scan (the same page scanned twice). Neither has new values:
they measure where the memory reads and how it survives OCR, not a new month's invoice.

Cost: `learn` per correction, and `recall_into` per document with the memories of at least 50
senders loaded (reading and generic extraction excluded: they run with or without memory).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import io
import json
import pickle
import re
import statistics
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PIL import Image

from bench.accuracy import Leaf, Tally, _render, _same, score
from bench.realdocs import default_realdocs, documents
from extractors.document import ParsedDocument
from extractors.fields import confidence, extractor_for
from extractors.limits import ReadLimits
from extractors.memory import (
    Memory,
    _find_anchor,
    _rows,
    layout_print,
    learn,
    learnable,
    likeness,
    matching,
    printed_senders,
    recall,
    recall_into,
    sender_of,
    set_path,
)
from extractors.record import Record, RecordError, Source
from extractors.service import _extract
from extractors.service import _read as _read_source
from tests.docgen import catalogue, series
from tests.docgen.common import CORPUS_TODAY

LIMITS = ReadLimits()
LEARNED_TYPES = ("invoice", "contract", "dispatch")


@dataclass
class Read:
    """A file read once (OCR is the slow part) and extracted as often as needed."""

    source: Source
    document: ParsedDocument
    truth: dict[str, Any]

    def extract(self, memories: list[Memory]) -> dict[str, Any]:
        record: Record = _extract(
            copy.deepcopy(self.document),
            self.source,
            doc_type=None,
            as_of=CORPUS_TODAY,
            memories=memories,
        )
        return record.model_dump(mode="json")


@dataclass
class Taught:
    """What one corrected document taught."""

    sender: str | None
    corrections: dict[str, str]
    memories: list[Memory] = field(default_factory=list)
    seconds: float = 0.0


# Where `--cache` keeps what each file was read as: OCR of a scan is most of a run's time,
# and a file of the same bytes reads the same until the readers change (clear it then).
CACHE: Path | None = None
_UNDATED = re.compile(rb"/(?:CreationDate|ModDate) *\([^)]*\)")


def _read(path: Path, truth: dict[str, Any]) -> Read:
    cached = None
    if CACHE is not None:
        # Without the PDF's dates: a file rendered again is the same page.
        digest = hashlib.sha256(_UNDATED.sub(b"", path.read_bytes())).hexdigest()
        cached = CACHE / f"{digest}.pickle"
        if cached.exists():
            source, document = pickle.loads(cached.read_bytes())
            return Read(source, document, truth)
    source, document = _read_source(path, filename=None, limits=LIMITS)
    if isinstance(document, RecordError):
        raise SystemExit(f"{path}: {document.message}")
    if cached is not None:
        cached.write_bytes(pickle.dumps((source, document)))
    return Read(source, document, truth)


def _corrections(doc_type: str, leaves: list[Leaf]) -> dict[str, str]:
    """What a reviewer would type: the truth of every wrong field the memory can learn (a
    value, not an absence; not list items)."""
    return {
        leaf.path: str(leaf.expected)
        for leaf in leaves
        if not leaf.correct
        and leaf.expected not in (None, "", [])
        and "[]" not in leaf.path
        and "[+]" not in leaf.path
        and not isinstance(leaf.expected, (dict, list))
        and learnable(doc_type, leaf.path)
    }


def teach(doc_type: str, first: Read, record: dict[str, Any]) -> Taught:
    """The reviewer corrects `record` (the first document's reading) to the truth; each
    correction becomes a memory of the sender the corrected record names."""
    corrections = _corrections(doc_type, score(first.truth, record))
    corrected = copy.deepcopy(record.get("fields") or {})
    for path, value in corrections.items():
        entry = re.match(r"^(\w+)\[(\d+)\]\.", path)
        listed = corrected.setdefault(entry.group(1), []) if entry else None
        if entry and isinstance(listed, list):
            # The review form adds the entry (a party) the reading did not find.
            listed.extend({} for _ in range(len(listed), int(entry.group(2)) + 1))
        set_path(corrected, path, value)
    sender = sender_of(doc_type, corrected)
    taught = Taught(sender, corrections)
    if sender is None:
        return taught
    started = time.perf_counter()
    page = layout_print(first.document)
    for path, value in corrections.items():
        learned = learn(first.document, path=path, value=value, fields=corrected)
        if learned is not None:
            taught.memories.append(
                Memory(doc_type=doc_type, sender=sender, layout=page, field=learned)
            )
    taught.seconds = time.perf_counter() - started
    return taught


def _rekeyed(memories: list[Memory], sender: str | None) -> list[Memory]:
    if sender is None:
        return []
    return [memory.model_copy(update={"sender": sender}) for memory in memories]


def _all_right(leaves: list[Leaf], tally: Tally) -> None:
    for leaf in leaves:
        tally.add(leaf.correct)


# --- generated series -----------------------------------------------------------------------


@dataclass
class SeriesRun:
    layout: catalogue.Layout
    fmt: str
    reads: list[Read]
    taught: Taught | None = None
    plain: list[list[Leaf]] = field(default_factory=list)


def _held_out(layout: catalogue.Layout) -> str:
    return "tuned" if layout.family == "tuned" else "held-out"


def generated(args: argparse.Namespace, directory: Path) -> list[SeriesRun]:
    layouts = [
        layout
        for layout in catalogue.LAYOUTS
        if layout.doc_type in args.types and (args.layouts is None or layout.id in args.layouts)
    ]
    print(
        f"generated: {len(layouts)} layouts x {len(args.formats)} formats, series of "
        f"1 + {args.next} documents\n"
    )
    print(
        f"{'layout':44} {'fmt':5} {'fixed':>5} {'learnt':>6}  "
        f"{'corrected fields next, with memory':>34}  {'without':>15}  changed values with"
    )
    keys = ("with", "without", "changed with", "changed without")
    tallies: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    fields_plain: dict[str, Tally] = defaultdict(Tally)
    fields_taught: dict[str, Tally] = defaultdict(Tally)
    runs: list[SeriesRun] = []
    for layout, fmt in ((layout, fmt) for layout in layouts for fmt in args.formats):
        reads = []
        for index in range(args.next + 1):
            doc = series.draw(layout.make, args.sender_seed, index)
            content, suffix = _render(doc, fmt, args.sender_seed * 100 + index)
            file = directory / f"{layout.name}-{fmt}-{index}{suffix}"
            file.write_bytes(content)
            reads.append(_read(file, doc.fields))
        run = SeriesRun(layout, fmt, reads)
        runs.append(run)
        doc_type = run.layout.doc_type
        first, rest = run.reads[0], run.reads[1:]
        run.taught = taught = teach(doc_type, first, first.extract([]))
        line: dict[str, Tally] = defaultdict(Tally)
        misses: list[str] = []
        for number, read in enumerate(rest, start=1):
            plain = score(read.truth, read.extract([]))
            with_memory = score(read.truth, read.extract(taught.memories))
            run.plain.append(plain)
            _all_right(plain, fields_plain[run.fmt])
            _all_right(with_memory, fields_taught[run.fmt])
            before = {leaf.path: leaf for leaf in plain}
            after = {leaf.path: leaf for leaf in with_memory}
            for path, first_value in taught.corrections.items():
                if path not in after:
                    continue
                changed = str(after[path].expected) != first_value
                results = (after[path].correct, before[path].correct)
                if not after[path].correct:
                    misses.append(
                        f"    #{number} {path}: truth {after[path].expected!r}, "
                        f"recalled {after[path].got!r}, generic {before[path].got!r}"
                    )
                for key, right in zip(keys[: 2 + 2 * changed], results * 2, strict=False):
                    line[key].add(right)
                    for group in (run.fmt, _held_out(run.layout), "all"):
                        tallies[(group, run.layout.family, key)].add(right)
                        tallies[(group, "*", key)].add(right)
        if taught.corrections:
            print(
                f"{run.layout.id:44} {run.fmt:5} {len(taught.corrections):5} "
                f"{len(taught.memories):6}  {line['with']!s:>34}  {line['without']!s:>15}  "
                f"{line['changed with']}"
                + ("" if taught.sender else "  (no sender on the corrected record)")
            )
        else:
            print(f"{run.layout.id:44} {run.fmt:5} {0:5} {0:6}  (nothing to correct)")
        if args.misses:
            _print_misses(taught, misses)

    print("\ncorrected fields on the next documents: with memory / without (changed values)")
    families = sorted({run.layout.family for run in runs})
    for group in (*args.formats, "held-out", "tuned", "all"):
        rows = [("*", "all families")] + [(f, f) for f in families if group not in ("tuned",)]
        for family, name in rows:
            with_ = tallies[(group, family, "with")]
            if not with_.total:
                continue
            print(
                f"  {group:8} {name:12} {with_!s:>20} / {tallies[(group, family, 'without')]!s:20}"
                f"  ({tallies[(group, family, 'changed with')]} / "
                f"{tallies[(group, family, 'changed without')]})"
            )
    print("\nall fields of the next documents, without → with own memory")
    for fmt in args.formats:
        print(f"  {fmt:5} {fields_plain[fmt]} → {fields_taught[fmt]}")
    others(runs, args.formats)
    return runs


def _print_misses(taught: Taught, misses: list[str]) -> None:
    """What was learned from the corrected document, and every corrected field that still
    came back wrong with it: the truth, the reading with memory and the generic reading."""
    learned = {memory.field.path: memory.field for memory in taught.memories if memory.field}
    for path, value in taught.corrections.items():
        memory = learned.get(path)
        where = (
            "not learned (not found on the page, or no label)"
            if memory is None
            else f"anchor {memory.anchor.text!r} {memory.anchor.side} p{memory.page}"
        )
        print(f"    learnt {path} = {value!r}: {where}")
    for miss in misses:
        print(miss)


def others(runs: list[SeriesRun], formats: list[str]) -> None:
    """Other senders' memories must not change a document's reading for the worse."""
    plain: dict[str, Tally] = defaultdict(Tally)
    as_learned: dict[str, Tally] = defaultdict(Tally)
    own_sender: dict[str, Tally] = defaultdict(Tally)
    for run in runs:
        foreign = [
            memory
            for other in runs
            if other is not run
            and other.fmt == run.fmt
            and other.layout.doc_type == run.layout.doc_type
            and other.taught is not None
            for memory in other.taught.memories
        ]
        for read, leaves in zip(run.reads[1:], run.plain, strict=True):
            sender = sender_of(run.layout.doc_type, read.truth)
            _all_right(leaves, plain[run.fmt])
            _all_right(score(read.truth, read.extract(foreign)), as_learned[run.fmt])
            _all_right(
                score(read.truth, read.extract(_rekeyed(foreign, sender))), own_sender[run.fmt]
            )
    print("\nother senders' memories, all fields of the next documents")
    print(f"  {'fmt':5} {'none':>20} {'as learned':>20} {'re-keyed to own sender':>24}")
    for fmt in formats:
        print(f"  {fmt:5} {plain[fmt]!s:>20} {as_learned[fmt]!s:>20} {own_sender[fmt]!s:>24}")


# --- real dev set ---------------------------------------------------------------------------


def _raster(pdf: Path, dpi: int, directory: Path, pages: set[int]) -> Path:
    """The PDF's `pages` (1-based) as a scanner at `dpi` would give them (a TIFF), the pages
    between them blank: a page keeps its number, so a memory learned on the file or on
    another scan reads the same page of this one (a blank page costs OCR little)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        last = min(len(document), max(pages))
        images = [
            document[index].render(scale=dpi / 72).to_pil().convert("L")
            if index + 1 in pages
            else Image.new("L", (85, 110), 255)
            for index in range(last)
        ]
    finally:
        document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi))
    path = directory / f"{pdf.stem}-{dpi}.tiff"
    path.write_bytes(buffer.getvalue())
    return path


def _printing(
    record: dict[str, Any], truth: dict[str, Any], taught: Taught, reach: int
) -> set[int]:
    """The pages up to `reach` the file prints its scored values on: where its generic
    reading found those it read right, and where its corrections were learnt. A scan of
    only its first pages would leave out a contract's term or governing law, and score a
    reading against values the scan does not print."""
    provenance = record.get("provenance") or {}
    found = {
        where["page"]
        for leaf in score(truth, record)
        if leaf.correct and isinstance(where := provenance.get(leaf.path), dict)
    }
    found |= {memory.field.page for memory in taught.memories if memory.field is not None}
    return {page for page in found if isinstance(page, int) and page <= reach}


def _score_corrected(
    read: Read,
    doc_type: str,
    taught: Taught,
    tally: dict[str, Tally],
    misses: list[str],
) -> None:
    record = read.extract(taught.memories)
    plain = read.extract([])
    after = {leaf.path: leaf for leaf in score(read.truth, record)}
    before = {leaf.path: leaf for leaf in score(read.truth, plain)}
    for path in taught.corrections:
        if path in after:
            tally["with"].add(after[path].correct)
            tally["without"].add(before[path].correct)
            if not after[path].correct:
                why = _why(read, doc_type, taught, after[path], plain)
                misses.append(f"      {path}: truth {after[path].expected!r}, {why}")


def _why(read: Read, doc_type: str, taught: Taught, leaf: Leaf, plain: dict[str, Any]) -> str:
    """Why a corrected field came back wrong with its sender's memories: never learnt, learnt
    but not recalled (and where recall stopped), recalled right but refused by a cross-check,
    or recalled wrong."""
    memory = next(
        (m for m in taught.memories if m.field is not None and m.field.path == leaf.path), None
    )
    if memory is None or memory.field is None:
        return "not learnt (not found on the page, or no label)"
    learnt = memory.field
    where = f"anchor {learnt.anchor.text!r} {learnt.anchor.side} p{learnt.page}"
    if memory not in matching(read.document, doc_type=doc_type, memories=taught.memories):
        if not printed_senders(read.document, {memory.sender}):
            return f"learnt ({where}), not recalled: sender {memory.sender!r} not printed"
        alike = likeness(layout_print(read.document), memory.layout)
        return f"learnt ({where}), not recalled: layout unlike ({alike:.2f})"
    recalled = recall(read.document, learnt)
    if recalled is None:
        found = (
            learnt.anchor.side == "top"
            or learnt.page <= len(read.document.pages)
            and _find_anchor(_rows(read.document.pages[learnt.page - 1]), learnt.anchor)
        )
        stop = "nothing of its form at its place" if found else "anchor not found"
        return f"learnt ({where}), not recalled: {stop}"
    value = recalled[0]
    if not _same(leaf.path.rsplit(".", 1)[-1], leaf.expected, value):
        return f"learnt ({where}), wrong value: recalled {value!r}, got {leaf.got!r}"
    generic = (plain.get("confidence") or {}).get(leaf.path, 0.0)
    if generic >= confidence.CORROBORATED:
        return f"recalled right, refused: the generic {leaf.got!r} is cross-checked"
    return f"recalled right, refused by a cross-check (form or totals), got {leaf.got!r}"


def real(realdocs: Path, directory: Path, pages: int, reach: int, show_misses: bool) -> None:
    chosen: list[tuple[Path, dict[str, Any]]] = []
    for path in documents(realdocs):
        truth_path = path.with_name(path.name + ".truth.json")
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth["doc_type"] in LEARNED_TYPES and truth.get("language") in ("vi", "en"):
            chosen.append((path, truth))
    print(f"\nreal dev set: {len(chosen)} invoices, contracts and letters (vi, en)")
    copies: dict[str, Tally] = defaultdict(Tally)
    scans: dict[str, Tally] = defaultdict(Tally)
    rescans: dict[str, Tally] = defaultdict(Tally)
    learned: list[tuple[Read, str, Taught]] = []
    for path, truth in chosen:
        doc_type = truth["doc_type"]
        original = _read(path, truth["fields"])
        record = original.extract([])
        taught = teach(doc_type, original, record)
        learned.append((original, doc_type, taught))
        misses: dict[str, list[str]] = defaultdict(list)
        _score_corrected(original, doc_type, taught, copies, misses["(a) the same file again"])
        line = f"  {path.parent.name + '/' + path.name:70.70} fixed {len(taught.corrections):2}"
        line += f" learnt {len(taught.memories):2}"
        if original.source.media_type == "application/pdf":
            scanned = set(range(1, pages + 1)) | _printing(record, truth["fields"], taught, reach)
            scan = _read(_raster(path, 300, directory, scanned), truth["fields"])
            _score_corrected(scan, doc_type, taught, scans, misses["(b) its 300-dpi scan"])
            scan_taught = teach(doc_type, scan, scan.extract([]))
            rescan = _read(_raster(path, 200, directory, scanned), truth["fields"])
            _score_corrected(rescan, doc_type, scan_taught, rescans, misses["(b) its 200-dpi scan"])
            line += f"; scan fixed {len(scan_taught.corrections):2}"
            line += f" learnt {len(scan_taught.memories):2}"
            if len(scanned) > pages:
                line += f" (pages {','.join(map(str, sorted(scanned)))})"
        print(line)
        for name, listed_misses in misses.items():
            if show_misses and listed_misses:
                print(f"    {name}:")
                print("\n".join(listed_misses))
    print("  corrected fields, with memory / without:")
    print(f"  (a) the same file again:                      {copies['with']} / {copies['without']}")
    print(f"  (b) its 300-dpi scan, memory from the file:   {scans['with']} / {scans['without']}")
    print(
        f"  (b) its 200-dpi scan, memory from the 300-dpi: {rescans['with']} / {rescans['without']}"
    )
    print("  (the same page again, not a new month's document: see the module's docstring)")
    plain, foreign = Tally(), Tally()
    for read, doc_type, _ in learned:
        memories = [
            memory
            for other, other_type, taught in learned
            if other is not read and other_type == doc_type
            for memory in taught.memories
        ]
        _all_right(score(read.truth, read.extract([])), plain)
        _all_right(score(read.truth, read.extract(memories)), foreign)
    print(f"  other documents' memories, all fields: {plain} → {foreign}")


# --- cost -----------------------------------------------------------------------------------


def cost(taught: list[Taught], reads: list[tuple[str, Read]], senders: int) -> None:
    """ms per correction learned, and per document recalled with `senders` senders loaded."""
    corrections = sum(len(item.corrections) for item in taught)
    seconds = sum(item.seconds for item in taught)
    pool = [memory for item in taught for memory in item.memories]
    known = {memory.sender for memory in pool}
    copies = 0
    while pool and len(known) < senders:
        # More senders, none printed on these documents: what a busy back office loads.
        for memory in [m for item in taught for m in item.memories]:
            copy_sender = f"name:{memory.sender.partition(':')[2]} {copies}"
            pool.append(memory.model_copy(update={"sender": copy_sender}))
            known.add(copy_sender)
        copies += 1
    timings = []
    used = 0
    for doc_type, read in reads:
        extractor = extractor_for(doc_type)
        if extractor is None:
            continue
        document = copy.deepcopy(read.document)
        extraction = extractor.extract(document)
        started = time.perf_counter()
        used += len(recall_into(document, doc_type=doc_type, extraction=extraction, memories=pool))
        timings.append(time.perf_counter() - started)
    print("\ncost")
    if corrections:
        print(f"  learn: {1000 * seconds / corrections:.2f} ms per correction ({corrections})")
    if timings:
        print(
            f"  recall and apply, {len(known)} senders, {len(pool)} memories loaded: "
            f"{1000 * statistics.mean(timings):.2f} ms per document mean, "
            f"{1000 * max(timings):.2f} max ({len(timings)} documents, {used} values used)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--types", nargs="+", default=list(LEARNED_TYPES))
    parser.add_argument("--formats", nargs="+", default=["pdf", "docx"])
    parser.add_argument("--layouts", nargs="+", default=None)
    parser.add_argument("--next", type=int, default=5, help="documents after the corrected one")
    parser.add_argument("--sender-seed", type=int, default=700)
    parser.add_argument("--realdocs", type=Path, default=None)
    parser.add_argument("--parts", nargs="+", default=["generated", "real"])
    parser.add_argument("--scan-pages", type=int, default=3, help="pages of a real PDF scanned")
    parser.add_argument(
        "--scan-reach",
        type=int,
        default=20,
        help="and the pages up to this one that print a scored value (as a service keeps them)",
    )
    parser.add_argument("--senders", type=int, default=50, help="senders loaded for the cost")
    parser.add_argument(
        "--misses",
        action="store_true",
        help="print every corrected field that still came back wrong with memory, and why",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=None,
        help="keep each file's reading here and reuse it (clear it when a reader changes)",
    )
    args = parser.parse_args(argv)
    global CACHE
    CACHE = args.cache
    if CACHE is not None:
        CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        if "generated" in args.parts:
            runs = generated(args, directory)
            taught = [run.taught for run in runs if run.taught is not None]
            nexts = [(run.layout.doc_type, read) for run in runs for read in run.reads[1:]]
            cost(taught, nexts, args.senders)
        if "real" in args.parts:
            real(
                args.realdocs or default_realdocs(),
                directory,
                args.scan_pages,
                args.scan_reach,
                args.misses,
            )


if __name__ == "__main__":
    main()
