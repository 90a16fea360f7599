"""Straight-through processing: how many clean born-digital invoices of layouts the extractors
were not tuned on would be approved without review, and whether any approved one is wrong.

    .venv/bin/python -m bench.straight_through --count 2 --workers 1
    .venv/bin/python -m bench.straight_through --count 2 --first-seed 9000   # seeds never used

Every held-out invoice layout of `tests.docgen.catalogue` (see `bench.layouts` for the
tuned/held-out split) is generated clean, as PDF and Word, and read by the real
`backoffice extract`. Each record then goes through the rules and the routing decision the
service makes (`pipeline.review.checking.decide_route`) with auto-approval on for invoices at
the default confidence threshold. Printed: the share approved without review, per layout;
the holds that stopped the rest, grouped; and the approved invoices whose posted values (the
seller's tax code, form, series, number, date, amounts and line amounts) differ from the
generator's truth. That last count must be 0: an approval nobody looks at must be right.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.accuracy import CORPUS_TODAY, Case, Tally, _same, run_extract
from bench.layouts import build, tuned_layouts
from extractors.record import Record
from pipeline.jobs.processing import check_record, rule_book
from pipeline.review.checking import decide_route
from pipeline.store.settings import Settings, get_settings
from rules.functions import Facts
from tests.docgen import catalogue

# What posting writes to the books: none of it may be wrong on an invoice nobody reviewed.
POSTED = (
    "seller.tax_id",
    "invoice_form",
    "invoice_series",
    "invoice_number",
    "issue_date",
    "subtotal",
    "vat_amount",
    "total",
)


def _value(fields: dict[str, Any], path: str) -> Any:
    value: Any = fields
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def wrong_posted(truth: dict[str, Any], fields: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The posted values of `fields` that differ from `truth`, as `path: truth → read`:
    those read wrong, and those printed but not read (null, never a wrong figure)."""
    wrong, missing = [], []
    for path in POSTED:
        expected, got = _value(truth, path), _value(fields, path)
        if not _same(path.rsplit(".", 1)[-1], expected, got):
            (missing if got is None else wrong).append(f"{path}: {expected!r} → {got!r}")
    expected = [item.get("amount") for item in truth.get("line_items") or []]
    got = [item.get("amount") for item in fields.get("line_items") or []]
    if len(expected) != len(got) or not all(
        _same("amount", e, g) for e, g in zip(expected, got, strict=True)
    ):
        wrong.append(f"line_items[].amount: {expected} → {got}")
    return wrong, missing


def _hold_kind(hold: str) -> str:
    """A hold as grouped: a confidence's named level tells how the value was read, so it
    stays; a partial record's warnings are too varied to group by."""
    return hold.split(": ", 1)[0] if hold.startswith("the record is partial") else hold


def route(records: list[dict[str, Any]], settings: Settings) -> list[tuple[str, ...]]:
    """Each record's holds, as the service would decide them after the rules."""
    required = rule_book(settings).current().required("invoice")
    facts = Facts(today=CORPUS_TODAY, received=CORPUS_TODAY)
    holds = []
    for line in records:
        record = Record.model_validate(line)
        if record.error is not None:
            holds.append((f"not read: {record.error.code}",))
            continue
        outcomes = check_record(record, settings=settings, facts=facts)
        decision = decide_route(
            record=record, outcomes=outcomes, required=required, settings=settings
        )
        holds.append(decision.holds)
    return holds


def report(cases: list[Case], records: list[dict[str, Any]], holds: list[tuple[str, ...]]) -> int:
    per_layout: dict[str, Tally] = defaultdict(Tally)
    per_format: dict[str, Tally] = defaultdict(Tally)
    everything = Tally()
    reasons: Counter[str] = Counter()
    wrong: list[str] = []
    missing: list[str] = []
    named: list[str] = []  # the seller's name is not posted, but a wrong one shows
    for case, record, held in zip(cases, records, holds, strict=True):
        approved = not held
        per_layout[case.layout_set].add(approved)
        per_format[case.fmt].add(approved)
        everything.add(approved)
        reasons.update({_hold_kind(hold) for hold in held})
        if approved:
            fields = record.get("fields") or {}
            mistakes, unread = wrong_posted(case.truth, fields)
            if mistakes:
                wrong.append(f"{case.path.name}: " + "; ".join(mistakes))
            if unread:
                missing.append(f"{case.path.name}: " + "; ".join(unread))
            expected, got = _value(case.truth, "seller.name"), _value(fields, "seller.name")
            if not _same("name", expected, got):
                named.append(f"{case.path.name}: {expected!r} → {got!r}")
    print("auto-approved per layout")
    for layout_id in sorted(per_layout):
        print(f"  {layout_id:44} {per_layout[layout_id]}")
    print("\nauto-approved per format: " + ", ".join(f"{f} {t}" for f, t in per_format.items()))
    print("\nholds that stopped the rest (invoices held by each)")
    for reason, times in reasons.most_common():
        print(f"  {times:4}  {reason}")
    print(f"\nauto-approved with a wrong posted value: {len(wrong)}")
    for line in wrong:
        print(f"  {line}")
    print(f"auto-approved with a posted value printed but not read (null): {len(missing)}")
    for line in missing:
        print(f"  {line}")
    print(f"auto-approved with another seller name than printed: {len(named)}")
    for line in named:
        print(f"  {line}")
    verdict = "ok" if everything.ratio >= 0.6 else "BELOW"
    print(f"\nauto-approved: {everything}  target 0.60 {verdict}")
    print(
        f"straight_through={everything.ratio:.4f} wrong_posted={len(wrong)} "
        f"unread_posted={len(missing)}"
    )
    return len(wrong)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", nargs="+", default=["vi", "en"])
    parser.add_argument("--layouts", nargs="+", default=None, help="only these layout ids")
    parser.add_argument("--formats", nargs="+", choices=("pdf", "docx"), default=["pdf", "docx"])
    parser.add_argument("--count", type=int, default=2, help="seeds per layout and format")
    parser.add_argument("--first-seed", type=int, default=500)
    parser.add_argument("--tuned", nargs="+", default=[], metavar="LAYOUT_ID")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    tuned = tuned_layouts(args.tuned)
    layouts = [
        layout
        for layout in catalogue.LAYOUTS
        if layout.doc_type == "invoice"
        and layout.language in args.languages
        and layout.id not in tuned
        and (args.layouts is None or layout.id in args.layouts)
    ]
    settings = get_settings().model_copy(update={"auto_approve_types": frozenset({"invoice"})})
    with tempfile.TemporaryDirectory() as tmp:
        cases = build(Path(tmp), layouts, args.formats, args.count, args.first_seed)
        records = run_extract(cases, args.workers)
    print(
        f"{len(layouts)} held-out invoice layouts, {len(cases)} clean born-digital invoices, "
        f"threshold {settings.auto_approve_confidence:.2f}\n"
    )
    wrong = report(cases, records, route(records, settings))
    raise SystemExit(1 if wrong else 0)


if __name__ == "__main__":
    main()
