"""The layout catalogue checked on its own, without the extractors.

Every new layout (invoices, letters and memos, table-form contracts, timeline and two-column
CVs) renders; its truth is a valid record whose values are on the page (read back from the
PDF's text layer with pypdfium2, normalised values re-printed the ways documents print them,
totals and terms recomputed); a seed always gives the same bytes; each type and language has
the layouts the benchmark promises; a stack keeps each part's truth on that part's pages.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from typing import Any

import pypdfium2 as pdfium
import pytest

from extractors.record import FIELDS_BY_TYPE, Record, Source
from rules.engine import RuleSet
from rules.functions import Facts
from rules.loader import load_rules
from tests.docgen import catalogue, holdout
from tests.docgen.common import CORPUS_TODAY, GeneratedDocument
from tests.support.truth import (
    _check_contract,
    _check_cv,
    _check_invoice,
    _flat,
    date_printed,
    printed,
)

NEW = [layout for layout in catalogue.LAYOUTS if layout.family == "more"]
SEEDS = (0, 5)
CASES = [(layout.id, seed) for layout in NEW for seed in SEEDS]


@functools.cache
def generated(layout_id: str, seed: int) -> GeneratedDocument:
    return catalogue.BY_ID[layout_id].make(seed)


def pages(content: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(content)
    try:
        texts = [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()
    return [unicodedata.normalize("NFC", text.replace("\r", "")) for text in texts]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _check_letter(f: dict[str, Any], text: str) -> None:
    """A letter or memo: every value it holds is printed, and what it does not hold is not
    guessed (no urgency on English letters; no `Kính gửi` means no recipients)."""
    flat = _flat(text)
    for key in ("dispatch_number", "issuer", "subject", "signer_name", "signer_title"):
        assert f[key] is None or printed(f[key], text), (key, f[key])
    assert f["issuer"] and f["issue_date"] and f["subject"] and f["signer_name"]
    assert f["issue_place"] is None or f"{f['issue_place']}, " in flat
    for key in ("issue_date", "reply_deadline"):
        assert f[key] is None or date_printed(f[key], text), (key, f[key])
    for item in f["recipients"] + f["cc"]:
        assert printed(item, text), item
    if f["urgency"]:
        assert f["urgency"].upper() in flat
    else:
        assert not re.search(r"\bKHẨN\b|HỎA TỐC", flat)
    # the office over the name (Decree 30), or right after it (`Name / Title`, `Name, Title`)
    name, title = f["signer_name"], f["signer_title"]
    above = flat.rindex(title) < flat.rindex(name)
    assert above or f"{name} {title}" in flat or f"{name}, {title}" in flat


CHECKS = {
    "invoice": _check_invoice,
    "contract": _check_contract,
    "cv": _check_cv,
    "dispatch": _check_letter,
}


@pytest.mark.parametrize(("layout_id", "seed"), CASES)
def test_truth_is_a_valid_record_printed_on_the_page(layout_id: str, seed: int) -> None:
    layout = catalogue.BY_ID[layout_id]
    doc = generated(layout_id, seed)
    assert (doc.doc_type, doc.language, doc.suffix) == (layout.doc_type, layout.language, ".pdf")
    assert doc.content.startswith(b"%PDF")
    model = FIELDS_BY_TYPE[doc.doc_type]
    assert model.model_validate(doc.fields).model_dump(mode="json") == doc.fields
    for text in _strings(doc.fields):
        assert text == unicodedata.normalize("NFC", text), text
        assert text == " ".join(text.split()), repr(text)
    CHECKS[doc.doc_type](doc.fields, "\n".join(pages(doc.content)))


@pytest.mark.slow
@pytest.mark.parametrize("layout_id", [layout.id for layout in NEW])
def test_a_seed_always_gives_the_same_document(layout_id: str) -> None:
    again = catalogue.BY_ID[layout_id].make(5)
    assert again.content == generated(layout_id, 5).content
    assert again.fields == generated(layout_id, 5).fields
    assert generated(layout_id, 0).fields != generated(layout_id, 5).fields


def test_every_type_and_language_has_its_layouts() -> None:
    counts = Counter((layout.doc_type, layout.language) for layout in catalogue.LAYOUTS)
    for doc_type in ("invoice", "contract", "cv", "dispatch"):
        for language in ("vi", "en"):
            assert counts[(doc_type, language)] >= (10 if doc_type == "invoice" else 6), (
                doc_type,
                language,
            )
    assert len(catalogue.BY_ID) == len(catalogue.LAYOUTS)  # ids are unique


@pytest.mark.slow
def test_invoice_labels_are_drawn_from_lexicons() -> None:
    """One layout, several seeds: the seller's and buyer's labels vary, as suppliers' do."""
    layout = catalogue.BY_ID["invoice/vi/more:vi_lexicon_grid"]
    texts = [pages(layout.make(seed).content)[0] for seed in range(8)]
    sellers = ("Đơn vị bán hàng:", "Tên người bán:", "Người bán:", "Đơn vị bán:")
    buyers = ("Đơn vị mua hàng:", "Khách hàng:", "Tên người mua:", "Tên đơn vị:")
    assert len({label for text in texts for label in sellers if label in text}) >= 2
    assert len({label for text in texts for label in buyers if label in text}) >= 2


def test_a_layout_id_draws_that_layout() -> None:
    for layout in catalogue.LAYOUTS:
        if layout.family == "holdout":
            for k in range(4):
                seed = catalogue.holdout_seed(layout.doc_type, layout.language, layout.name, k)
                assert holdout.layout_of(layout.doc_type, seed, layout.language) == layout.name


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_stack_keeps_each_part_on_its_pages(seed: int) -> None:
    made = catalogue.stack(seed)
    assert made.content == catalogue.stack(seed).content
    texts = pages(made.content)
    assert 2 <= len(made.parts) <= 4
    assert made.parts[0].first_page == 1 and made.parts[-1].last_page == len(texts)
    for before, after in zip(made.parts, made.parts[1:], strict=False):
        assert after.first_page == before.last_page + 1
    for part in made.parts:
        own = pages(part.document.content)
        assert texts[part.first_page - 1 : part.last_page] == own  # its truth is checked above


# A foreign tax id (EU VAT number, Singapore GST number) is a valid value under SCHEMA.md,
# but today's `invoice.seller_tax_code_valid` checks every seller tax id as an MST (issue 19
# point 5): those invoices are left out here until the rule knows foreign ids.
FOREIGN_SELLERS = {"en_letterhead", "en_side_grid", "en_vat_column", "en_qty_first"}
_MST = re.compile(r"[0-9]{10}(-[0-9]{3})?|[0-9]{12}")


@functools.cache
def _rules() -> RuleSet:
    return load_rules()


@pytest.mark.slow
@pytest.mark.parametrize(
    "layout_id",
    [layout.id for layout in catalogue.LAYOUTS if layout.doc_type == "invoice"],
)
def test_a_clean_invoice_passes_every_error_rule(layout_id: str) -> None:
    """The benchmark counts an error rule failing on a generated invoice as a false alarm:
    read exactly (its truth), the invoice must pass them all."""
    facts = Facts(today=CORPUS_TODAY, received=CORPUS_TODAY)
    source = Source(filename="x.pdf", sha256="0" * 64, media_type="application/pdf", pages=1)
    checked = 0
    for seed in range(3):
        doc = catalogue.BY_ID[layout_id].make(seed)
        tax_id = doc.fields["seller"]["tax_id"]
        if tax_id is not None and not _MST.fullmatch(tax_id):
            continue
        record = Record(source=source, doc_type="invoice", language=doc.language, fields=doc.fields)
        results = [outcome.as_result() for outcome in _rules().evaluate(record, facts=facts)]
        failed = [(r.rule, r.message) for r in results if r.severity == "error" and not r.passed]
        assert failed == [], (seed, failed)
        checked += 1
    assert checked or layout_id.split(":")[1] in FOREIGN_SELLERS
