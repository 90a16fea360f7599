"""Field accuracy of `backoffice extract` on real documents nobody here wrote.

    .venv/bin/python -m bench.realdocs                          # Vietnamese and English
    .venv/bin/python -m bench.realdocs --scope all              # adds the German/Dutch invoices
    .venv/bin/python -m bench.realdocs --realdocs DIR --show-errors 40 --keep out.jsonl

The folder (default `../shared/realdocs`, beside the repository) holds public documents with
a partial truth beside each (`<file>.truth.json`). Scoring is the folder's own `score.py`, run
as a subprocess so that every measurement uses the same rules: this script only runs the
extraction and regroups the per-value verdicts `score.py` writes. The files are a thermometer
and stay outside the repository; nothing here knows their names or values.

Printed: accuracy per type x language and per field, doc-type accuracy, values returned where
the truth is null (invented values, counted apart from the rest), calibration (of the values
returned with confidence >= 0.9, the share that is right), and `score.py`'s own summary line.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
_NOT_DOCUMENTS = {".json", ".md", ".py"}
HIGH_CONFIDENCE = 0.9


@dataclass(frozen=True)
class Truth:
    doc_type: str
    language: str | None


class Tally:
    def __init__(self) -> None:
        self.right = 0
        self.total = 0

    def add(self, right: bool) -> None:
        self.right += right
        self.total += 1

    def __str__(self) -> str:
        share = self.right / self.total if self.total else 0.0
        return f"{self.right}/{self.total} = {share:.3f}"


def default_realdocs() -> Path:
    """`../shared/realdocs` beside the repository; from a git worktree, beside the main checkout."""
    result = subprocess.run(
        ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    roots = [REPO]
    if result.returncode == 0:
        roots.append(Path(result.stdout.strip()).parent)
    for root in roots:
        candidate = root.parent / "shared" / "realdocs"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "realdocs"


def documents(realdocs: Path) -> list[Path]:
    return sorted(
        path
        for path in realdocs.glob("*/*")
        if path.is_file() and path.suffix not in _NOT_DOCUMENTS
    )


def truths(realdocs: Path) -> dict[str, Truth]:
    """Type and language of each document, for grouping; the values are `score.py`'s business."""
    found: dict[str, Truth] = {}
    for path in realdocs.glob("*/*.truth.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[path.name.removesuffix(".truth.json")] = Truth(data["doc_type"], data.get("language"))
    return found


def run_extract(files: list[Path]) -> list[dict[str, Any]]:
    command = Path(sys.executable).with_name("backoffice")
    result = subprocess.run(
        [str(command), "extract", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = result.stdout.splitlines()
    if len(lines) != len(files):
        raise SystemExit(
            f"backoffice extract printed {len(lines)} lines for {len(files)} files:\n"
            + result.stderr[-3000:]
        )
    return [json.loads(line) for line in lines]


def run_score(realdocs: Path, predictions: Path, details: Path, scope: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            str(realdocs / "score.py"),
            "--realdocs",
            str(realdocs),
            "--pred",
            str(predictions),
            "--scope",
            scope,
            "--details",
            str(details),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def report(
    records: list[dict[str, Any]],
    known: dict[str, Truth],
    details: Path,
    scope: str,
    show_errors: int,
) -> None:
    in_scope = {
        name: truth
        for name, truth in known.items()
        if scope == "all" or truth.language in ("vi", "en")
    }
    predicted = {record["source"]["filename"]: record for record in records}

    doc_type: dict[str, Tally] = defaultdict(Tally)
    for name, truth in sorted(in_scope.items()):
        got = (predicted.get(name) or {}).get("doc_type")
        doc_type[truth.doc_type].add(got == truth.doc_type)
        doc_type["all"].add(got == truth.doc_type)

    by_group: dict[str, Tally] = defaultdict(Tally)
    by_field: dict[str, Tally] = defaultdict(Tally)
    invented: dict[str, Tally] = defaultdict(Tally)
    calibration: dict[str, Tally] = defaultdict(Tally)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    errors: list[str] = []
    with details.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            truth = in_scope.get(row["file"])
            if truth is None:
                continue
            right = row["ok"] == "1"
            language = truth.language or "other"
            by_group[f"{truth.doc_type:9s} {language}"].add(right)
            by_group[f"{truth.doc_type:9s} all"].add(right)
            by_group["all       all"].add(right)
            by_field[f"{truth.doc_type}.{row['field']}"].add(right)
            if row["truth"] == "null":
                invented[truth.doc_type].add(right)
                invented["all"].add(right)
            confidence = _confidence(predicted.get(row["file"]), row["field"], seen)
            if confidence is not None and row["pred"] not in ("null", '""', "[]", "{}"):
                band = ">=0.9" if confidence >= HIGH_CONFIDENCE else "<0.9"
                calibration[f"{truth.doc_type:9s} {band}"].add(right)
                calibration[f"all       {band}"].add(right)
            if not right:
                errors.append(
                    f"  {row['file']}: {row['field']} truth={row['truth']} got={row['pred']}"
                )

    print(f"scope: {scope}, {len(in_scope)} documents\n")
    print("doc type")
    for key, tally in sorted(doc_type.items()):
        print(f"  {key:20s} {tally}")
    print("\nfield accuracy by type and language")
    for key, tally in sorted(by_group.items()):
        print(f"  {key:20s} {tally}")
    print("\nfield accuracy by field")
    for key, tally in sorted(by_field.items()):
        print(f"  {key:40s} {tally}")
    print("\nwhere the truth is null, right = nothing returned (a miss is an invented value)")
    for key, tally in sorted(invented.items()):
        wrong = tally.total - tally.right
        share = wrong / tally.total if tally.total else 0.0
        print(f"  {key:20s} invented {wrong}/{tally.total} = {share:.3f}")
    print("\ncalibration: values returned, by confidence, share right")
    for key, tally in sorted(calibration.items()):
        print(f"  {key:20s} {tally}")
    if show_errors:
        print(f"\nwrong values (first {show_errors} of {len(errors)})")
        print("\n".join(errors[:show_errors]))


def _confidence(
    record: dict[str, Any] | None, path: str, seen: dict[tuple[str, str], int]
) -> float | None:
    """The record's confidence in the value `score.py` scored at `path`. Items of a list of
    objects are scored in order, so the n-th verdict on `line_items[].amount` of a file is
    item n's; items of a list of strings are matched in any order and are left out."""
    if record is None or path.endswith("[]"):
        return None
    confidence: dict[str, float] = record.get("confidence") or {}
    if "[]." not in path:
        return confidence.get(path)
    head, tail = path.split("[].", 1)
    key = (record["source"]["filename"], path)
    index = seen[key]
    seen[key] += 1
    return confidence.get(f"{head}[{index}].{tail}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realdocs", type=Path, default=None)
    parser.add_argument("--scope", choices=("vi-en", "all"), default="vi-en")
    parser.add_argument("--show-errors", type=int, default=0, metavar="N")
    parser.add_argument("--keep", type=Path, help="keep the extracted records (JSON Lines) here")
    args = parser.parse_args(argv)
    realdocs: Path = (args.realdocs or default_realdocs()).resolve()
    if not (realdocs / "score.py").is_file():
        raise SystemExit(f"no score.py in {realdocs}: pass --realdocs")

    files = documents(realdocs)
    records = run_extract(files)
    with tempfile.TemporaryDirectory() as scratch:
        predictions = args.keep or Path(scratch) / "records.jsonl"
        predictions.write_text(
            "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records),
            encoding="utf-8",
        )
        details = Path(scratch) / "details.tsv"
        summary = run_score(realdocs, predictions, details, args.scope)
        report(records, truths(realdocs), details, args.scope, args.show_errors)
    print("\n" + summary.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
