"""Do the compliance rules catch deliberate faults, leave clean invoices alone, and run fast?

    .venv/bin/python -m bench.rules                    # born-digital PDFs and scans
    .venv/bin/python -m bench.rules --formats pdf --count 40
    .venv/bin/python -m bench.rules --timing           # only the evaluation time

The corpus: clean invoices (Vietnamese and English) and the same invoices carrying one fault
each (`tests.docgen.invoice.FAULTS`: a total that is not subtotal + VAT, a seller tax code with a
wrong check digit, words stating another amount, an issue date in the future), plus invoices
sent twice (the second copy other bytes: saved again as PDF, or scanned again). Every file goes
through the real `backoffice rules check --json` (extraction and rules, as a user runs it), as
of `FAULT_TODAY` so the dates mean the same every day the bench runs.

Printed: for each fault and format, the share of faulty files its rule fails (recall); the
share of clean files any error rule fails (false failures), with the rules that did; and the
time to evaluate every rule of a pack on one record.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.accuracy import _render
from tests import docgen
from tests.docgen.invoice import FAULT_TODAY, FAULTS

# The rules that catch each fault: one of them must fail. A total that is not subtotal + VAT
# is caught against the lines when the subtotal was not read.
CATCHES = {
    "total": {"invoice.totals_add_up", "invoice.lines_and_vat_make_total"},
    "tax_code": {"invoice.seller_tax_code_valid"},
    "words": {"invoice.amount_in_words_matches"},
    "future": {"invoice.issue_date_not_future"},
    "duplicate": {"invoice.not_duplicate"},
}
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Case:
    path: Path
    fmt: str
    fault: str | None  # None for a clean file (including the first of a pair sent twice)
    group: int  # files of one group are checked in one run: a pair must be seen together


def build(directory: Path, *, formats: list[str], count: int, first_seed: int) -> list[Case]:
    cases: list[Case] = []
    group = 0
    for number, fmt in enumerate(formats):
        for index in range(count):
            # Other invoices for each format: the same invoice as PDF and as scan would
            # rightly be caught as a duplicate of itself.
            seed = first_seed + 1000 * number + index
            language = LANGUAGES[index % 2]
            group += 1
            for fault in (None, *FAULTS):
                if fault == "words" and language != "vi":
                    continue
                doc = docgen.invoice(seed, language=language, fault=fault)
                content, suffix = _render(doc, fmt, seed)
                name = f"{fmt}-{language}-{seed}-{fault or 'clean'}{suffix}"
                (directory / name).write_bytes(content)
                cases.append(Case(directory / name, fmt, fault, group))
            # Sent twice: the clean file above is the first copy; the second has other bytes.
            if index % 2 == 0:
                doc = docgen.invoice(seed, language=language)
                if fmt == "scan":
                    content, suffix = _render(doc, fmt, seed + 10_000)  # scanned again
                else:
                    content, suffix = _render(doc, fmt, seed)
                    content += b"\n% saved again\n"
                name = f"{fmt}-{language}-{seed}-again{suffix}"
                (directory / name).write_bytes(content)
                cases.append(Case(directory / name, fmt, "duplicate", group))
    return cases


def run_checks(cases: list[Case], workers: int) -> list[dict[str, Any]]:
    """`backoffice rules check --json` over the corpus, the groups split among `workers`
    runs; each run holds whole groups, in order, so a second copy follows its first."""
    command = Path(sys.executable).with_name("backoffice")
    groups = sorted({case.group for case in cases})
    shares = [groups[index::workers] for index in range(workers)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    env["OMP_THREAD_LIMIT"] = "1"

    def run(share: list[int]) -> list[tuple[Case, dict[str, Any]]]:
        mine = [case for case in cases if case.group in share]
        if not mine:
            return []
        result = subprocess.run(
            [
                str(command),
                "rules",
                "check",
                "--json",
                "--today",
                FAULT_TODAY.isoformat(),
                *(str(case.path) for case in mine),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = result.stdout.splitlines()
        if len(lines) != len(mine):
            raise SystemExit(
                f"rules check printed {len(lines)} lines for {len(mine)} files:\n"
                + result.stderr[-3000:]
            )
        return list(zip(mine, (json.loads(line) for line in lines), strict=True))

    with ThreadPoolExecutor(workers) as pool:
        pairs = [pair for chunk in pool.map(run, shares) for pair in chunk]
    order = {case.path: index for index, case in enumerate(cases)}
    pairs.sort(key=lambda pair: order[pair[0].path])
    return [line for _, line in pairs]


def report(cases: list[Case], lines: list[dict[str, Any]]) -> None:
    caught: dict[tuple[str, str], list[bool]] = defaultdict(list)
    clean_total: Counter[str] = Counter()
    clean_failed: Counter[str] = Counter()
    culprits: Counter[tuple[str, str]] = Counter()
    missed: list[str] = []
    for case, line in zip(cases, lines, strict=True):
        failing = {r["rule"] for r in line["rules"] if not r["passed"] and r["severity"] == "error"}
        if case.fault is None:
            clean_total[case.fmt] += 1
            if failing:
                clean_failed[case.fmt] += 1
                missed.append(f"clean {case.path.name} fails {sorted(failing)}")
                culprits.update((case.fmt, rule) for rule in failing)
            continue
        hit = bool(CATCHES[case.fault] & failing)
        caught[(case.fault, case.fmt)].append(hit)
        if not hit:
            missed.append(f"{case.path.name}: {line.get('error') or sorted(failing)}")
    formats = sorted({case.fmt for case in cases})
    print(f"{'fault':<10}" + "".join(f"{fmt:>16}" for fmt in formats))
    for fault in (*FAULTS, "duplicate"):
        cells = []
        for fmt in formats:
            hits = caught.get((fault, fmt), [])
            cells.append(f"{sum(hits)}/{len(hits)} {sum(hits) / len(hits):.2f}" if hits else "-")
        print(f"{fault:<10}" + "".join(f"{cell:>16}" for cell in cells))
    for fmt in formats:
        hits = [hit for (_, f), values in caught.items() if f == fmt for hit in values]
        rate = clean_failed[fmt] / clean_total[fmt] if clean_total[fmt] else 0.0
        print(
            f"recall_{fmt}={sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})  "
            f"false_failures_{fmt}={rate:.3f} ({clean_failed[fmt]}/{clean_total[fmt]} clean files)"
        )
    if culprits:
        failing = ", ".join(f"{fmt} {rule} {n}" for (fmt, rule), n in sorted(culprits.items()))
        print(f"error rules failing clean files: {failing}")
    for line in missed[:20]:
        print(f"missed: {line}")


def bench_timing(runs: int = 2000) -> None:
    """CPU time to evaluate every rule of a pack on one record: each pack's example record,
    through the rule set the service loads."""
    from extractors.record import Record, Source
    from rules.functions import Facts
    from rules.loader import _as_json, load_rules

    rules = load_rules()
    facts = Facts(today=FAULT_TODAY, received=FAULT_TODAY)
    cases: list[tuple[str, dict[str, Any]]] = []
    for doc_type, pack in rules.packs.items():
        assert pack.examples is not None
        cases.append((doc_type, _as_json(pack.examples.record)))
    # Line rules walk every line: a long invoice costs more than the packs' two-line example.
    invoice = dict(next(fields for doc_type, fields in cases if doc_type == "invoice"))
    invoice["line_items"] = invoice["line_items"] * 10
    invoice["subtotal"] = str(int(invoice["subtotal"]) * 10)
    cases.append(("invoice", invoice))
    for doc_type, fields in cases:
        pack = rules.packs[doc_type]
        record = Record(
            source=Source(filename="x.pdf", sha256="0" * 64, media_type="application/pdf"),
            doc_type=doc_type,  # type: ignore[arg-type]
            fields=fields,
        )
        rules.evaluate(record, facts=facts)  # warm
        samples = []
        for _ in range(5):
            # CPU time, so that other work on the machine does not count
            started = time.process_time()
            for _ in range(runs // 5):
                rules.evaluate(record, facts=facts)
            samples.append((time.process_time() - started) / (runs // 5) * 1000)
        lines = f", {len(fields['line_items'])} lines" if doc_type == "invoice" else ""
        print(
            f"timing: {doc_type + lines:<18} {len(pack.rules):>2} rules  "
            f"{statistics.median(samples):.2f} ms CPU per record (median of 5 x {runs // 5})"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--formats", nargs="+", choices=("pdf", "scan"), default=["pdf", "scan"])
    parser.add_argument("--count", type=int, default=26, help="invoices per format")
    parser.add_argument("--first-seed", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timing", action="store_true", help="only the evaluation time")
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    args = parser.parse_args(argv)
    bench_timing()
    if args.timing:
        return
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        cases = build(directory, formats=args.formats, count=args.count, first_seed=args.first_seed)
        built = time.perf_counter()
        lines = run_checks(cases, args.workers)
        print(
            f"corpus: {len(cases)} files built in {built - started:.0f} s, "
            f"checked in {time.perf_counter() - built:.0f} s"
        )
        report(cases, lines)


if __name__ == "__main__":
    main()
