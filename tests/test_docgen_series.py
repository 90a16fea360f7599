"""A sender's series (`tests.docgen.series`): what the layout-memory benchmark relies on.

Documents of one series print the same sender and the same label wording with new values;
a series is as reproducible as a seed; drawing one leaves the plain generator's output as it
was (every other test and benchmark depends on it).
"""

from __future__ import annotations

import re
from typing import Any

import pypdfium2 as pdfium
import pytest

from tests.docgen import catalogue, series
from tests.support.truth import printed

LEARNED = [layout for layout in catalogue.LAYOUTS if layout.doc_type != "cv"]


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


def _labels(pdf: bytes) -> set[str]:
    """The page's labels: the last words without digits before a colon (`Mã số thuế:`)."""
    found = set()
    for before in re.findall(r"([^:\n]+):", _text(pdf)):
        if before.lstrip().startswith(("-", "•", "+")):
            continue  # a list item (`- Archives: Office`): lists grow and shrink
        words = [word for word in before.split() if not re.search(r"\d", word)]
        found.add(" ".join(words[-3:]))
    return found


def _sender(fields: dict[str, Any]) -> object:
    """Who sent it as memories key it, and where: name, tax code, address."""
    parties = [fields["seller"]] if fields.get("seller") else fields.get("parties") or []
    named = [(p.get("name"), p.get("tax_id"), p.get("address")) for p in parties]
    return named or fields.get("issuer")


def _values(fields: dict[str, Any]) -> tuple[object, ...]:
    keys = ("invoice_number", "dispatch_number", "contract_number", "issue_date", "signing_date")
    return tuple(fields.get(key) for key in keys) + (fields.get("total"), fields.get("value"))


@pytest.mark.parametrize("layout_id", [layout.id for layout in LEARNED])
def test_a_series_keeps_its_sender_and_labels_and_changes_its_values(layout_id: str) -> None:
    layout = catalogue.BY_ID[layout_id]
    documents = [series.draw(layout.make, 700, index) for index in range(4)]
    first = documents[0]
    for document in documents[1:]:
        assert _sender(document.fields) == _sender(first.fields)
        assert _labels(document.content) == _labels(first.content)
    assert len({_values(document.fields) for document in documents}) == len(documents)
    for document in documents:
        text = _text(document.content)
        for key in ("invoice_number", "dispatch_number", "contract_number"):
            if document.fields.get(key):
                assert printed(document.fields[key], text)


def test_plain_seeds_reword_labels_where_a_series_does_not() -> None:
    """The contrast the series exists for: two seeds of one layout are two senders."""
    layout = catalogue.BY_ID["invoice/vi/tuned:invoice-vi"]
    plain = [layout.make(seed) for seed in range(700, 706)]
    assert len({str(sorted(_labels(document.content))) for document in plain}) > 1
    assert len({document.fields["seller"]["tax_id"] for document in plain}) > 1


def test_a_series_is_reproducible_and_leaves_the_plain_generator_unchanged() -> None:
    layout = catalogue.BY_ID["invoice/en/holdout:en_template"]
    before = layout.make(3).content
    drawn = series.draw(layout.make, 3, 2).content
    assert series.draw(layout.make, 3, 2).content == drawn
    assert drawn != before
    assert layout.make(3).content == before
