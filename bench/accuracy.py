"""Field accuracy of `backoffice extract` on the generated corpus, and what confidence means.

    .venv/bin/python -m bench.accuracy                       # the whole corpus
    .venv/bin/python -m bench.accuracy --types cv --formats pdf docx --count 20
    .venv/bin/python -m bench.accuracy --sets holdout --show-errors 30
    .venv/bin/python -m bench.accuracy --timing              # CPU per invoice, beyond reading

The corpus: every type in both languages (dispatch letters are Vietnamese), drawn from two
generator sets — `tuned`, the layouts the extractors were developed against, and `holdout`,
layouts written separately from the extractors to measure how they generalise — in each
format clerks drop: born-digital PDF, Word, scanned PDF, phone photo, and e-invoice XML for
invoices. Every file goes through the real command line in one run, as a user would.

Scoring counts leaves: each scalar field, each key of each list item, each item of a list of
strings. A field the truth holds null is right only when the record says null too (an
absent value is never guessed). Lists of strings are compared as sets (every missing item and
every extra item is one wrong leaf); lists of objects by position. Money compares as decimals,
strings after whitespace is collapsed (case and diacritics count).

Printed: accuracy per type x format, per set and language, per field; calibration (of leaves
read with confidence >= 0.9, the share that is right); provenance coverage (non-null leaves
read from a page that say where); the issue's acceptance groups; and one
`field_accuracy=` line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tests import docgen
from tests.docgen.common import CORPUS_TODAY, GeneratedDocument

TYPES = ("invoice", "contract", "cv", "dispatch")
FORMATS = ("pdf", "docx", "office", "scan", "photo", "xml")
PAGE_FORMATS = {"pdf", "office", "scan", "photo"}
HIGH_CONFIDENCE = 0.9
MONEY_FIELDS = {
    "subtotal",
    "vat_amount",
    "total",
    "total_value",
    "quantity",
    "unit_price",
    "amount",
}


@dataclass(frozen=True)
class Case:
    doc_type: str
    language: str
    fmt: str
    layout_set: str
    seed: int
    path: Path
    truth: dict[str, Any]


@dataclass(frozen=True)
class Leaf:
    path: str
    correct: bool
    confidence: float | None
    has_value: bool
    has_provenance: bool
    expected: Any
    got: Any


# --- the corpus ------------------------------------------------------------------------------


def _generators(layout_set: str) -> dict[str, Callable[..., GeneratedDocument]]:
    if layout_set == "tuned":
        module: Any = docgen
    else:
        from tests.docgen import holdout

        module = holdout
    return {name: getattr(module, name) for name in TYPES if hasattr(module, name)}


def _generate(layout_set: str, doc_type: str, seed: int, language: str) -> GeneratedDocument:
    make = _generators(layout_set)[doc_type]
    return make(seed) if doc_type == "dispatch" else make(seed, language=language)


def _page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def _render(doc: GeneratedDocument, fmt: str, seed: int) -> tuple[bytes, str]:
    """The document as a file of `fmt`, with effects a scanner or phone adds."""
    rng = random.Random(f"accuracy-{fmt}-{seed}")
    if fmt == "pdf":
        return doc.content, ".pdf"
    if fmt in ("docx", "office"):
        return docgen.as_docx(doc).content, ".docx"
    if fmt == "scan":
        effects = {"noise": 0.001, "blur": 0.4, "skew": rng.uniform(-1.0, 1.0), "seed": seed}
        return docgen.scanned_pdf(doc, **effects), ".pdf"
    if fmt == "photo":
        effects = {
            "noise": 0.002,
            "blur": 0.6,
            "skew": rng.uniform(-1.5, 1.5),
            "shade": rng.uniform(0.2, 0.7),
            "perspective": rng.uniform(0.0, 0.05),
            "seed": seed,
        }
        # A phone photo is one page; a longer document arrives as a multi-page TIFF.
        if _page_count(doc.content) > 1:
            return docgen.photo(doc, image_format="TIFF", **effects), ".tiff"
        return docgen.photo(doc, image_format="JPEG", **effects), ".jpg"
    raise ValueError(fmt)


def build_corpus(
    directory: Path,
    *,
    types: Iterable[str],
    formats: Iterable[str],
    sets: Iterable[str],
    count: int,
    first_seed: int,
) -> list[Case]:
    cases = []
    formats = list(formats)
    for layout_set in sets:
        for doc_type in types:
            if doc_type not in _generators(layout_set):
                continue
            for seed in range(first_seed, first_seed + count):
                language = "vi" if doc_type == "dispatch" or seed % 2 == 0 else "en"
                doc = _generate(layout_set, doc_type, seed, language)
                for fmt in formats:
                    if fmt == "xml":
                        continue
                    content, suffix = _render(doc, fmt, seed)
                    path = directory / f"{layout_set}-{doc_type}-{language}-{seed}-{fmt}{suffix}"
                    path.write_bytes(content)
                    if fmt == "office":
                        path = _office_pdf(path)
                    cases.append(Case(doc_type, language, fmt, layout_set, seed, path, doc.fields))
            if doc_type == "invoice" and "xml" in formats and layout_set == "tuned":
                for seed in range(first_seed, first_seed + count):
                    doc = docgen.einvoice_xml(seed, namespaced=seed % 2 == 1)
                    path = directory / f"{layout_set}-invoice-vi-{seed}-xml.xml"
                    path.write_bytes(doc.content)
                    cases.append(Case("invoice", "vi", "xml", layout_set, seed, path, doc.fields))
    return cases


def _office_pdf(docx_path: Path) -> Path:
    """The Word file printed to PDF by LibreOffice: another producer's text layer, fonts
    and line breaking than the generator's own."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("the office format needs LibreOffice: apt-get install libreoffice-writer")
    subprocess.run(
        [
            soffice,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(docx_path.parent),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    docx_path.unlink()
    return docx_path.with_suffix(".pdf")


def run_extract(cases: list[Case], workers: int) -> list[dict[str, Any]]:
    """Every file through the real `backoffice extract`, in one run, as a user would."""
    command = Path(sys.executable).with_name("backoffice")
    env = dict(os.environ, BACKOFFICE_WORKERS=str(workers))
    records: list[dict[str, Any]] = []
    # Batches keep the argument list well under the kernel's limit.
    for start in range(0, len(cases), 200):
        batch = cases[start : start + 200]
        result = subprocess.run(
            # The corpus is true as of its own day: a CV's open-ended job runs to its month.
            [
                str(command),
                "extract",
                "--today",
                CORPUS_TODAY.isoformat(),
                *(str(case.path) for case in batch),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        lines = result.stdout.splitlines()
        if len(lines) != len(batch):
            raise SystemExit(
                f"backoffice extract printed {len(lines)} lines for {len(batch)} files:\n"
                + result.stderr[-3000:]
            )
        records.extend(json.loads(line) for line in lines)
    return records


# --- scoring ---------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()


def _same(key: str, expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    if key in MONEY_FIELDS:
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except InvalidOperation:
            return False
    if isinstance(expected, float | int) and isinstance(got, float | int):
        return abs(float(expected) - float(got)) <= 0.05 + 1e-9
    return _text(expected) == _text(got)


def _ancestors(path: str) -> list[str]:
    """`a.b[2].c` → [`a.b[2].c`, `a.b[2]`, `a.b`, `a`]: where a confidence may be kept."""
    chain = [path]
    while True:
        match = re.match(r"^(.*)(\.[^.\[\]]+|\[\d+\])$", path)
        if not match or not match.group(1):
            return chain
        path = match.group(1)
        chain.append(path)


def _lookup(table: dict[str, Any], path: str) -> Any:
    for candidate in _ancestors(path):
        if candidate in table:
            return table[candidate]
    return None


# Computed from other fields (each with its own provenance), not read anywhere on the page.
DERIVED = frozenset({"years_of_experience"})


def score(truth: dict[str, Any], record: dict[str, Any]) -> list[Leaf]:
    fields = record.get("fields") or {}
    confidence: dict[str, float] = record.get("confidence") or {}
    provenance: dict[str, Any] = record.get("provenance") or {}
    leaves: list[Leaf] = []

    def leaf(path: str, key: str, expected: Any, got: Any, where: str | None = None) -> None:
        where = where or path
        has_value = got not in (None, [], "")
        leaves.append(
            Leaf(
                path,
                _same(key, expected, got),
                _lookup(confidence, where) if has_value else None,
                has_value,
                _lookup(provenance, where) is not None,
                expected,
                got,
            )
        )

    def walk(path: str, key: str, expected: Any, got: Any) -> None:
        if isinstance(expected, dict):
            got = got if isinstance(got, dict) else {}
            for sub, value in expected.items():
                walk(f"{path}.{sub}", sub, value, got.get(sub))
        elif isinstance(expected, list):
            got = got if isinstance(got, list) else []
            if not expected and not got:
                leaves.append(Leaf(path, True, None, False, False, [], []))
            elif expected and isinstance(expected[0], dict):
                for index, item in enumerate(expected):
                    walk(f"{path}[{index}]", key, item, got[index] if index < len(got) else {})
                for index in range(len(expected), len(got)):
                    leaf(f"{path}[+]", key, None, got[index], f"{path}[{index}]")
            else:
                unmatched = list(enumerate(got))
                for item in expected:
                    found = next((pair for pair in unmatched if _same(key, item, pair[1])), None)
                    if found is None:
                        leaf(f"{path}[]", key, item, None)
                    else:
                        unmatched.remove(found)
                        leaf(f"{path}[]", key, item, found[1], f"{path}[{found[0]}]")
                for index, extra in unmatched:
                    leaf(f"{path}[+]", key, None, extra, f"{path}[{index}]")
        else:
            leaf(path, key, expected, got)

    for name, expected in truth.items():
        walk(name, name, expected, fields.get(name))
    return leaves


# --- report ----------------------------------------------------------------------------------


class Tally:
    def __init__(self) -> None:
        self.right = 0
        self.total = 0

    def add(self, correct: bool) -> None:
        self.right += correct
        self.total += 1

    def __str__(self) -> str:
        if not self.total:
            return "    -"
        return f"{self.right / self.total:.3f} ({self.right}/{self.total})"

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 1.0


def _field_key(doc_type: str, path: str) -> str:
    return doc_type + "." + re.sub(r"\[\d+\]", "[]", path)


def report(cases: list[Case], records: list[dict[str, Any]], show_errors: int) -> float:
    by_type_format: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_set: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_language: dict[tuple[str, str], Tally] = defaultdict(Tally)
    by_field: dict[str, Tally] = defaultdict(Tally)
    groups: dict[str, Tally] = defaultdict(Tally)
    calibration: dict[str, Tally] = defaultdict(Tally)
    provenance = Tally()
    unrated: dict[str, int] = defaultdict(int)
    missing_provenance: dict[str, int] = defaultdict(int)
    overall = Tally()
    classified = Tally()
    errors: list[str] = []
    group_of = {
        "pdf": "born-digital",
        "docx": "born-digital",
        "office": "born-digital",
        "scan": "scanned",
        "photo": "scanned",
    }
    for case, record in zip(cases, records, strict=True):
        classified.add(record.get("doc_type") == case.doc_type)
        for item in score(case.truth, record):
            for tally in (
                overall,
                by_type_format[(case.doc_type, case.fmt)],
                by_set[(case.layout_set, case.fmt)],
                by_language[(case.language, case.fmt)],
                by_field[_field_key(case.doc_type, item.path)],
                groups[group_of.get(case.fmt, "xml")],
            ):
                tally.add(item.correct)
            if item.has_value and item.confidence is not None:
                band = (
                    ">=0.9"
                    if item.confidence >= HIGH_CONFIDENCE
                    else ">=0.7"
                    if item.confidence >= 0.7
                    else "<0.7"
                )
                calibration[band].add(item.correct)
            elif item.has_value:
                unrated[_field_key(case.doc_type, item.path)] += 1
            # Read from a page: not a computed figure, nor a "no" that says nothing was found.
            read = item.got is not False and item.path.rsplit(".", 1)[-1] not in DERIVED
            if item.has_value and read and case.fmt in PAGE_FORMATS:
                provenance.add(item.has_provenance)
                if not item.has_provenance:
                    missing_provenance[_field_key(case.doc_type, item.path)] += 1
            if not item.correct and len(errors) < show_errors:
                errors.append(
                    f"  {case.path.name} {item.path}: expected {item.expected!r} "
                    f"got {item.got!r} (confidence {item.confidence})"
                )

    formats = [fmt for fmt in FORMATS if any(case.fmt == fmt for case in cases)]
    print(f"documents: {len(cases)}  classified right: {classified}")
    print("\naccuracy by type x format")
    print(f"{'':10}" + "".join(f"{fmt:>22}" for fmt in formats))
    for doc_type in TYPES:
        if any(case.doc_type == doc_type for case in cases):
            row = "".join(f"{str(by_type_format[(doc_type, fmt)]):>22}" for fmt in formats)
            print(f"{doc_type:10}{row}")
    for title, table, keys in (
        ("by layout set", by_set, sorted({case.layout_set for case in cases})),
        ("by language", by_language, sorted({case.language for case in cases})),
    ):
        print(f"\naccuracy {title} x format")
        for key in keys:
            row = "".join(f"{str(table[(key, fmt)]):>22}" for fmt in formats)
            print(f"{key:10}{row}")
    print("\naccuracy by field (worst first)")
    for key, tally in sorted(by_field.items(), key=lambda pair: (pair[1].ratio, pair[0])):
        print(f"  {key:42} {tally}")
    print("\ncalibration (leaves with a value, by confidence)")
    for band in (">=0.9", ">=0.7", "<0.7"):
        print(f"  confidence {band:6} right {calibration[band]}")
    print(f"  with a value but no confidence: {sum(unrated.values())}")
    for key, missing in sorted(unrated.items(), key=lambda pair: -pair[1])[:10]:
        print(f"    {key} x{missing}")
    print(
        f"\nprovenance: {provenance} of non-null leaves read from a page say where (not"
        f" counted: {', '.join(sorted(DERIVED))}, computed; booleans that are false)"
    )
    for key, missing in sorted(missing_provenance.items(), key=lambda pair: -pair[1])[:10]:
        print(f"  without provenance: {key} x{missing}")
    print("\nacceptance groups")
    targets = {"born-digital": 0.97, "scanned": 0.92, "xml": 1.0}
    for group, target in targets.items():
        if groups[group].total:
            verdict = "ok" if groups[group].ratio >= target else "BELOW"
            print(f"  {group:13} {groups[group]}  target {target:.2f}  {verdict}")
    high = calibration[">=0.9"]
    verdict = "ok" if high.ratio >= 0.98 else "BELOW"
    print(f"  calibration   {high}  target 0.98  {verdict}")
    if errors:
        print("\nerrors")
        print("\n".join(errors))
    print(f"\nfield_accuracy={overall.ratio:.4f}")
    return overall.ratio


# --- CPU beyond reading ----------------------------------------------------------------------


def bench_timing(runs: int = 50) -> None:
    """CPU for classification and field extraction of a one-page born-digital invoice, the
    reading (pdfium) excluded."""
    from extractors.classify import classify, detect_language
    from extractors.fields import extractor_for
    from extractors.limits import ReadLimits
    from extractors.readers.pdf import PdfTextReader
    from extractors.record import FIELDS_BY_TYPE

    timings = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed, language in ((0, "vi"), (1, "en"), (2, "vi"), (3, "en")):
            path = Path(tmp) / f"invoice-{seed}.pdf"
            path.write_bytes(docgen.invoice(seed, language=language).content)
            with PdfTextReader() as reader:
                document = reader.read(path, limits=ReadLimits())
            extractor = extractor_for("invoice")
            assert extractor is not None
            started = time.process_time()
            for _ in range(runs):
                document.language = detect_language(document.text)
                classify(document)
                fields = extractor.extract(document).fields
                FIELDS_BY_TYPE["invoice"].model_validate(fields)
            timings.append((time.process_time() - started) / runs * 1000)
    print(
        f"timing: classify + extract + validate a one-page invoice: "
        f"{min(timings):.1f}-{max(timings):.1f} ms CPU (mean of {runs} runs, 4 invoices)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--types", nargs="+", choices=TYPES, default=list(TYPES))
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=FORMATS,
        default=[fmt for fmt in FORMATS if fmt != "office" or shutil.which("soffice")],
    )
    parser.add_argument("--sets", nargs="+", choices=("tuned", "holdout"), default=None)
    parser.add_argument("--count", type=int, default=8, help="seeds per type, set and format")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    parser.add_argument("--keep", type=Path, help="write the corpus here and keep it")
    parser.add_argument("--timing", action="store_true", help="only the CPU timing")
    args = parser.parse_args(argv)
    if args.timing:
        bench_timing()
        return
    sets = args.sets
    if sets is None:
        try:
            import tests.docgen.holdout  # noqa: F401

            sets = ["tuned", "holdout"]
        except ImportError:
            sets = ["tuned"]
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        cases = build_corpus(
            directory,
            types=args.types,
            formats=args.formats,
            sets=sets,
            count=args.count,
            first_seed=args.first_seed,
        )
        generated = time.perf_counter()
        records = run_extract(cases, args.workers)
        extracted = time.perf_counter()
        print(
            f"corpus: {len(cases)} files generated in {generated - started:.0f} s, "
            f"extracted in {extracted - generated:.0f} s with {args.workers} workers\n"
        )
        report(cases, records, args.show_errors)


if __name__ == "__main__":
    main()
