"""Leave-one-layout-out: field accuracy of `backoffice extract` per generator layout.

    .venv/bin/python -m bench.layouts --count 2 --formats pdf docx     # born-digital first
    .venv/bin/python -m bench.layouts --count 1 --formats scan photo   # then scans
    .venv/bin/python -m bench.layouts --types dispatch --languages en
    .venv/bin/python -m bench.layouts --stacks 6 --formats             # only stacks
    .venv/bin/python -m bench.layouts --tuned invoice/vi/more:vi_party_grid ...

Every layout of `tests.docgen.catalogue` is scored on its own. A layout is **tuned** when
the extractors were developed on it: the `tuned` family (the generator they were written
against), every layout a golden pair (`tests/golden`) is drawn from, and any named with
`--tuned` (say which ones you looked at while tuning). Every other layout is **held out**,
and the leave-one-layout-out figures — what the issue's acceptance line asks — are computed
on held-out layouts only: field accuracy born-digital (PDF, Word) and scanned (scans,
photos), doc type (English letters apart), and the share of clean invoices (the generator
makes none with a fault here) that fail an `error` rule, i.e. false alarms.

Scoring is `bench.accuracy`'s: leaves, nulls checked, money as decimals.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.accuracy import CORPUS_TODAY, Case, Tally, _field_key, _render, run_extract, score
from tests.docgen import catalogue, holdout

GOLDEN = Path(__file__).resolve().parent.parent / "tests" / "golden"
FORMATS = ("pdf", "docx", "scan", "photo")
GROUPS = {"pdf": "born-digital", "docx": "born-digital", "scan": "scanned", "photo": "scanned"}
TARGETS = {"born-digital": 0.95, "scanned": 0.90}


def golden_layouts() -> set[str]:
    """The layouts golden pairs are drawn from: the extractors were checked against them."""
    ids = set()
    for path in sorted(GOLDEN.glob("*.json")):
        pair = json.loads(path.read_text(encoding="utf-8"))
        kind = (pair["doc_type"], pair["language"])
        if pair["layout_set"] == "holdout":
            name = holdout.layout_of(pair["doc_type"], pair["seed"], pair["language"])
            ids.add(f"{kind[0]}/{kind[1]}/holdout:{name}")
        else:
            ids.add(f"{kind[0]}/{kind[1]}/tuned:{kind[0]}-{kind[1]}")
    return ids


def tuned_layouts(extra: list[str]) -> set[str]:
    family = {layout.id for layout in catalogue.LAYOUTS if layout.family == "tuned"}
    return family | golden_layouts() | set(extra)


def build(
    directory: Path,
    layouts: list[catalogue.Layout],
    formats: list[str],
    count: int,
    first_seed: int,
) -> list[Case]:
    cases = []
    for number, layout in enumerate(layouts):
        for seed in range(first_seed, first_seed + count):
            doc = layout.make(seed)
            for fmt in formats:
                content, suffix = _render(doc, fmt, seed)
                path = directory / f"{number:03d}-{layout.name}-{seed}-{fmt}{suffix}"
                path.write_bytes(content)
                case = Case(
                    layout.doc_type, layout.language, fmt, layout.id, seed, path, doc.fields
                )
                cases.append(case)
    return cases


def _failed_errors(record: dict[str, Any]) -> list[str]:
    return [
        rule["rule"]
        for rule in record.get("rules") or []
        if rule.get("severity") == "error" and not rule.get("passed")
    ]


class LayoutScore:
    def __init__(self) -> None:
        self.fields: dict[str, Tally] = defaultdict(Tally)  # per format, and "all"
        self.doc_type = Tally()
        self.wrong: Counter[str] = Counter()
        self.example: dict[str, str] = {}

    def add(self, case: Case, record: dict[str, Any]) -> None:
        self.doc_type.add(record.get("doc_type") == case.doc_type)
        for leaf in score(case.truth, record):
            self.fields[case.fmt].add(leaf.correct)
            self.fields["all"].add(leaf.correct)
            if not leaf.correct:
                key = _field_key(case.doc_type, leaf.path).split(".", 1)[1]
                self.wrong[key] += 1
                self.example.setdefault(key, f"{leaf.expected!r} → {leaf.got!r}")

    def typical(self, n: int = 2) -> str:
        return "; ".join(
            f"{key} x{times} ({self.example[key]})" for key, times in self.wrong.most_common(n)
        )


def report(
    cases: list[Case], records: list[dict[str, Any]], tuned: set[str], worst: int
) -> dict[str, float]:
    layouts: dict[str, LayoutScore] = defaultdict(LayoutScore)
    lolo: dict[tuple[bool, str], Tally] = defaultdict(Tally)
    by_kind: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    doc_type: dict[tuple[bool, str], Tally] = defaultdict(Tally)
    alarms: dict[tuple[bool, str], Tally] = defaultdict(Tally)
    alarm_rules: Counter[str] = Counter()
    for case, record in zip(cases, records, strict=True):
        held = case.layout_set not in tuned
        layouts[case.layout_set].add(case, record)
        right = record.get("doc_type") == case.doc_type
        doc_type[(held, "all")].add(right)
        if case.doc_type == "dispatch" and case.language == "en":
            doc_type[(held, "English letters")].add(right)
        group = GROUPS[case.fmt]
        for leaf in score(case.truth, record):
            lolo[(held, group)].add(leaf.correct)
            if held:
                by_kind[(case.doc_type, case.language, case.fmt)].add(leaf.correct)
        if case.doc_type == "invoice":
            failed = _failed_errors(record)
            alarms[(held, group)].add(bool(failed))
            alarm_rules.update(failed if held else [])

    formats = [fmt for fmt in FORMATS if any(case.fmt == fmt for case in cases)]
    print("accuracy per layout (T: tuned on it, H: held out)")
    header = f"{'layout':44} {'':2} {'doc type':>14}" + "".join(f"{f:>16}" for f in formats)
    print(header + f"{'all':>16}")
    for layout_id in sorted(layouts, key=lambda i: (i.split("/")[:2], i)):
        s = layouts[layout_id]
        mark = "T" if layout_id in tuned else "H"
        row = "".join(f"{str(s.fields[f]):>16}" for f in formats)
        print(f"{layout_id:44} {mark:2} {str(s.doc_type):>14}{row}{str(s.fields['all']):>16}")

    print("\nheld-out layouts by type x language x format")
    for doc_type_, language in sorted({(c.doc_type, c.language) for c in cases}):
        row = "".join(f"{str(by_kind[(doc_type_, language, f)]):>16}" for f in formats)
        print(f"  {doc_type_ + ' ' + language:14}{row}")

    ranked = sorted(
        (s.fields["all"].ratio, layout_id)
        for layout_id, s in layouts.items()
        if s.fields["all"].total
    )
    print(f"\nworst {worst} layouts (field accuracy, the errors they make most)")
    for ratio, layout_id in ranked[:worst]:
        mark = "T" if layout_id in tuned else "H"
        print(f"  {ratio:.3f} {mark} {layout_id}: {layouts[layout_id].typical()}")

    print("\nleave-one-layout-out (held-out layouts only; tuned for comparison)")
    figures: dict[str, float] = {}
    for group, target in TARGETS.items():
        held, seen = lolo[(True, group)], lolo[(False, group)]
        if held.total:
            verdict = "ok" if held.ratio >= target else "BELOW"
            print(f"  fields {group:13} {held}  target {target:.2f} {verdict:5}  tuned {seen}")
            figures[group] = held.ratio
    for part in ("all", "English letters"):
        held = doc_type[(True, part)]
        if held.total:
            verdict = "ok" if held.ratio >= 0.99 else "BELOW"
            print(
                f"  doc type {part:17} {held}  target 0.99 {verdict:5}"
                f"  tuned {doc_type[(False, part)]}"
            )
            figures[f"doc_type {part}"] = held.ratio
    for group, target in (("born-digital", 0.0), ("scanned", 0.02)):
        held = alarms[(True, group)]
        if held.total:
            verdict = "ok" if held.ratio <= target else "ABOVE"
            print(
                f"  clean invoices failing an error rule, {group:12} {held}  "
                f"target <= {target:.2f} {verdict}  tuned {alarms[(False, group)]}"
            )
            figures[f"false alarms {group}"] = held.ratio
    every = Tally()
    for group in ("born-digital", "scanned"):
        every.right += alarms[(True, group)].right
        every.total += alarms[(True, group)].total
    if every.total:
        verdict = "ok" if every.ratio <= 0.02 else "ABOVE"
        print(
            f"  clean invoices failing an error rule, {'all':12} {every}  target <= 0.02 {verdict}"
        )
    if alarm_rules:
        print(
            "  rules that failed: " + ", ".join(f"{r} x{n}" for r, n in alarm_rules.most_common())
        )
    print(
        "\n"
        + " ".join(f"lolo_{key.replace(' ', '_')}={value:.4f}" for key, value in figures.items())
    )
    return figures


# --- stacks --------------------------------------------------------------------------------


def run_stacks(directory: Path, count: int, first_seed: int, workers: int) -> None:
    """Several documents in one PDF: how many records come back per file, and each part's
    doc type and fields when they come back one per part, in order."""
    stacks, paths = [], []
    for seed in range(first_seed, first_seed + count):
        made = catalogue.stack(seed)
        path = directory / f"stack-{seed}.pdf"
        path.write_bytes(made.content)
        stacks.append(made)
        paths.append(path)
    command = Path(sys.executable).with_name("backoffice")
    env = dict(os.environ, BACKOFFICE_WORKERS=str(workers))
    result = subprocess.run(
        [str(command), "extract", "--today", CORPUS_TODAY.isoformat(), *map(str, paths)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in result.stdout.splitlines():
        record = json.loads(line)
        records[record["source"]["filename"]].append(record)
    split, parts, typed, fields = Tally(), Tally(), Tally(), Tally()
    print("\nstacks (several documents in one PDF)")
    for made, path in zip(stacks, paths, strict=True):
        got = records.get(path.name, [])
        split.add(len(got) == len(made.parts))
        for index, part in enumerate(made.parts):
            record = got[index] if len(got) == len(made.parts) else {}
            parts.add(bool(record))
            typed.add(record.get("doc_type") == part.document.doc_type)
            for leaf in score(part.document.fields, record):
                fields.add(leaf.correct)
        kinds = ", ".join(f"{p.layout_id} p{p.first_page}-{p.last_page}" for p in made.parts)
        print(f"  {path.name}: {len(got)} record(s) for {len(made.parts)} parts: {kinds}")
    print(f"  files split into their parts: {split}")
    print(f"  parts: doc type {typed}, fields {fields}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--types", nargs="+", default=["invoice", "contract", "cv", "dispatch"])
    parser.add_argument("--languages", nargs="+", default=["vi", "en"])
    parser.add_argument("--families", nargs="+", default=["tuned", "holdout", "more"])
    parser.add_argument("--layouts", nargs="+", default=None, help="only these layout ids")
    parser.add_argument("--formats", nargs="*", choices=FORMATS, default=["pdf", "docx"])
    parser.add_argument("--count", type=int, default=2, help="seeds per layout and format")
    parser.add_argument("--first-seed", type=int, default=500)
    parser.add_argument("--tuned", nargs="+", default=[], metavar="LAYOUT_ID")
    parser.add_argument("--worst", type=int, default=10)
    parser.add_argument("--stacks", type=int, default=0, metavar="N")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = parser.parse_args(argv)
    unknown = set(args.tuned) - set(catalogue.BY_ID)
    if unknown:
        raise SystemExit(f"no such layout: {', '.join(sorted(unknown))}")
    layouts = [
        layout
        for layout in catalogue.LAYOUTS
        if layout.doc_type in args.types
        and layout.language in args.languages
        and layout.family in args.families
        and (args.layouts is None or layout.id in args.layouts)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        if args.formats:
            started = time.perf_counter()
            cases = build(directory, layouts, args.formats, args.count, args.first_seed)
            generated = time.perf_counter()
            records = run_extract(cases, args.workers)
            print(
                f"corpus: {len(layouts)} layouts, {len(cases)} files generated in "
                f"{generated - started:.0f} s, "
                f"extracted in {time.perf_counter() - generated:.0f} s\n"
            )
            report(cases, records, tuned_layouts(args.tuned), args.worst)
        if args.stacks:
            run_stacks(directory, args.stacks, args.first_seed, args.workers)


if __name__ == "__main__":
    main()
