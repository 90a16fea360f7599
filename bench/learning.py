"""Layout memory: after one corrected document per sender, how often the corrected fields
come back right on that sender's next documents of the same layout.

    .venv/bin/python -m bench.learning                        # born-digital, every layout
    .venv/bin/python -m bench.learning --formats scan --next 3
    .venv/bin/python -m bench.learning --types invoice --layouts invoice/vi/more:vi_party_grid

For every layout of `tests.docgen.catalogue` (invoices, contracts, letters; CVs are never
learned from) and format: the first document is extracted, every field it got wrong is
corrected to the truth as a reviewer would, and `extractors.memory.learn` turns each
correction into a memory. The next documents of that layout (other seeds: other values) are
extracted with those memories, and the corrected fields are scored on them: the learning
curve's second step. The generator draws a new seller for every seed, so each memory's sender
is set to the next document's own printed sender: what is measured is where the memory reads
on a layout it has seen; whether a sender is recognised is a test of its own
(`tests/extractors/test_memory.py`).

"Other layouts" checks that memories do no harm: each document is also extracted with the
memories of every *other* layout of its type, given its own sender (the worst case: one
sender, several layouts); its accuracy must not drop.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.accuracy import CORPUS_TODAY, Leaf, Tally, _render, score
from extractors.limits import ReadLimits
from extractors.memory import Memory, layout_print, learn, learnable, likeness, sender_of
from extractors.readers import reader_for
from extractors.service import extract_file
from extractors.sniff import SNIFF_BYTES, sniff_media_type
from tests.docgen import catalogue

LIMITS = ReadLimits()


def _extract(path: Path, memories: list[Memory]) -> dict[str, Any]:
    record = extract_file(path, limits=LIMITS, as_of=CORPUS_TODAY, memories=memories)
    return record.model_dump(mode="json")


def _read(path: Path) -> Any:
    head = path.read_bytes()[:SNIFF_BYTES]
    with reader_for(sniff_media_type(head), path) as reader:
        document = reader.read(path, limits=LIMITS)
    return document


def _corrections(leaves: list[Leaf]) -> dict[str, str]:
    """What a reviewer would type: the truth of every wrong field the memory can learn (a
    value, not an absence; not line items)."""
    return {
        leaf.path: str(leaf.expected)
        for leaf in leaves
        if not leaf.correct
        and leaf.expected not in (None, "", [])
        and "[]" not in leaf.path
        and "[+]" not in leaf.path
        and not isinstance(leaf.expected, (dict, list))
    }


def _for_sender(memories: list[Memory], sender: str | None) -> list[Memory]:
    if sender is None:
        return []
    return [memory.model_copy(update={"sender": sender}) for memory in memories]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--types", nargs="+", default=["invoice", "contract", "dispatch"])
    parser.add_argument("--formats", nargs="+", default=["pdf", "docx"])
    parser.add_argument("--layouts", nargs="+", default=None)
    parser.add_argument("--next", type=int, default=5, help="documents after the corrected one")
    parser.add_argument("--first-seed", type=int, default=700)
    args = parser.parse_args(argv)
    layouts = [
        layout
        for layout in catalogue.LAYOUTS
        if layout.doc_type in args.types and (args.layouts is None or layout.id in args.layouts)
    ]
    learned_fields: dict[str, Tally] = defaultdict(Tally)
    others_before, others_after = defaultdict(Tally), defaultdict(Tally)
    fields_before, fields_after = defaultdict(Tally), defaultdict(Tally)
    cost = {"learn": 0.0, "recall": 0.0, "documents": 0}
    learned_per_layout: dict[tuple[str, str], list[Memory]] = {}
    corpus: list[tuple[catalogue.Layout, str, list[tuple[Path, dict[str, Any]]]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for layout in layouts:
            for fmt in args.formats:
                files = []
                for seed in range(args.first_seed, args.first_seed + args.next + 1):
                    doc = layout.make(seed)
                    content, suffix = _render(doc, fmt, seed)
                    path = directory / f"{layout.name}-{fmt}-{seed}{suffix}"
                    path.write_bytes(content)
                    files.append((path, doc.fields))
                corpus.append((layout, fmt, files))
        print(f"corpus: {len(corpus)} layout x format series of {args.next + 1} documents\n")
        print(f"{'layout':48} {'fmt':5} {'fixed':>5} {'learned':>7}  corrected fields on the next")
        for layout, fmt, files in corpus:
            (first, truth), rest = files[0], files[1:]
            wrong = _corrections(score(truth, _extract(first, [])))
            document = _read(first)
            started = time.perf_counter()
            memories = []
            for path, value in wrong.items():
                if not learnable(layout.doc_type, path):
                    continue
                field = learn(document, path=path, value=value, fields=truth)
                if field is not None:
                    memories.append(
                        Memory(
                            doc_type=layout.doc_type,
                            sender="?",
                            layout=layout_print(document),
                            field=field,
                        )
                    )
            cost["learn"] += time.perf_counter() - started
            learned_per_layout[(layout.id, fmt)] = memories
            series = Tally()
            alike = []
            for path, truth_k in rest:
                alike.append(likeness(layout_print(document), layout_print(_read(path))))
                sender = sender_of(layout.doc_type, truth_k)
                plain = score(truth_k, _extract(path, []))
                started = time.perf_counter()
                taught = score(truth_k, _extract(path, _for_sender(memories, sender)))
                cost["recall"] += time.perf_counter() - started
                cost["documents"] += 1
                by_path = {leaf.path: leaf for leaf in taught}
                for corrected in wrong:
                    if corrected in by_path:
                        right = by_path[corrected].correct
                        series.add(right)
                        group = "line items" if corrected.startswith("line_items") else "fields"
                        learned_fields[f"{fmt} {group}"].add(right)
                for leaf in plain:
                    fields_before[fmt].add(leaf.correct)
                for leaf in taught:
                    fields_after[fmt].add(leaf.correct)
            print(
                f"{layout.id:48} {fmt:5} {len(wrong):5} {len(memories):7}  {series}"
                f"  layout alike {min(alike):.2f}-{max(alike):.2f}"
                if wrong
                else f"{layout.id:48} {fmt:5} {0:5} {0:7}  (nothing to correct)"
            )
        print("\nother layouts' memories given to each document's own sender")
        for layout, fmt, files in corpus:
            foreign = [
                memory
                for (layout_id, other_fmt), learned in learned_per_layout.items()
                if layout_id != layout.id
                and other_fmt == fmt
                and layout_id.split("/")[0] == layout.doc_type
                for memory in learned
            ]
            for path, truth_k in files[1:]:
                sender = sender_of(layout.doc_type, truth_k)
                for leaf in score(truth_k, _extract(path, [])):
                    others_before[fmt].add(leaf.correct)
                for leaf in score(truth_k, _extract(path, _for_sender(foreign, sender))):
                    others_after[fmt].add(leaf.correct)
    print("\nsummary")
    for fmt in args.formats:
        for group in ("fields", "line items"):
            print(
                f"  {fmt}: corrected {group} right on the next documents "
                f"{learned_fields[f'{fmt} {group}']}"
            )
        print(
            f"  {fmt}: all fields, own layout's memories {fields_before[fmt]} → {fields_after[fmt]}"
        )
        print(
            f"  {fmt}: all fields, other layouts' memories {others_before[fmt]} → "
            f"{others_after[fmt]}"
        )
    if cost["documents"]:
        per = 1000 * cost["recall"] / cost["documents"]
        print(f"  extraction with memories: {per:.1f} ms per document (reading included)")


if __name__ == "__main__":
    main()
