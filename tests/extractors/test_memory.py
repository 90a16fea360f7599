"""Layout memory: a reviewer's correction on one document of a sender's layout is read again
on the sender's next document, and never where it would do harm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from extractors.document import ParsedDocument
from extractors.fields import confidence as level
from extractors.limits import ReadLimits
from extractors.memory import (
    Memory,
    get_path,
    layout_print,
    learn,
    learnable,
    likeness,
    printed_senders,
    recall,
    sender_of,
)
from extractors.readers import reader_for
from extractors.record import Provenance
from extractors.service import extract_file
from extractors.sniff import sniff_media_type
from tests.docgen import catalogue
from tests.docgen.common import GeneratedDocument

LIMITS = ReadLimits()
# A layout the generic reader gets wrong: seller and buyer side by side in a grid.
GRID = "invoice/vi/more:vi_party_grid"


def _file(tmp_path: Path, doc: GeneratedDocument, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(doc.content)
    return path


def _read(path: Path) -> ParsedDocument:
    with reader_for(sniff_media_type(path.read_bytes()[:4096]), path) as reader:
        return reader.read(path, limits=LIMITS)


def _memories(
    document: ParsedDocument, fields: dict[str, Any], corrections: dict[str, str], sender: str
) -> list[Memory]:
    memories = []
    for number, (path, value) in enumerate(corrections.items(), start=1):
        field = learn(document, path=path, value=value, fields=fields)
        assert field is not None, f"{path}: {value!r} not found on the page"
        memories.append(
            Memory(
                id=number,
                doc_type="invoice",
                sender=sender,
                layout=layout_print(document),
                field=field,
            )
        )
    return memories


# The party fields this layout prints in its grid, as a reviewer would type them. Whether the
# generic reader gets them right today does not matter: a memory of a confirmed value is
# learned and recalled the same way.
PARTY_FIELDS = ("seller.name", "seller.tax_id", "seller.address", "buyer.tax_id", "buyer.address")


def _wrong_fields(path: Path, truth: dict[str, Any]) -> dict[str, str]:
    return {name: get_path(truth, name) for name in PARTY_FIELDS}


@pytest.fixture(scope="module")
def grid(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, dict[str, Any]]]:
    directory = tmp_path_factory.mktemp("grid")
    layout = catalogue.BY_ID[GRID]
    made = [layout.make(seed) for seed in (700, 701, 702)]
    return [(_file(directory, doc, f"{i}.pdf"), doc.fields) for i, doc in enumerate(made)]


def test_a_correction_reads_the_senders_next_document_of_that_layout(
    grid: list[tuple[Path, dict[str, Any]]],
) -> None:
    (first, truth), (second, next_truth) = grid[0], grid[1]
    corrections = _wrong_fields(first, truth)
    sender = sender_of("invoice", next_truth)
    assert sender is not None
    memories = _memories(_read(first), truth, corrections, sender)

    plain = extract_file(second, limits=LIMITS)
    taught = extract_file(second, limits=LIMITS, memories=memories)

    learned = [p for p in corrections if taught.provenance[p].learned_from is not None]
    assert learned, "no field of the next document was read by a memory"
    for path in corrections:
        assert get_path(taught.fields, path) == get_path(next_truth, path), path
        if plain.confidence.get(path, 0.0) < level.CORROBORATED:
            # Read by the memory, not by the generic reader, and saying so.
            assert taught.confidence[path] in (level.LEARNED, level.CORROBORATED)
            assert taught.provenance[path].learned_from in range(1, len(memories) + 1)


def test_a_memory_serves_only_a_sender_printed_on_the_document(
    grid: list[tuple[Path, dict[str, Any]]],
) -> None:
    (first, truth), (second, next_truth) = grid[0], grid[1]
    corrections = _wrong_fields(first, truth)
    document = _read(second)
    own = sender_of("invoice", next_truth)
    assert printed_senders(document, {own, "tax:0100109106", "name:cong ty khac"}) == {own}
    memories = _memories(_read(first), truth, corrections, "tax:0100109106")

    plain = extract_file(second, limits=LIMITS)
    taught = extract_file(second, limits=LIMITS, memories=memories)

    assert taught.fields == plain.fields
    assert taught.confidence == plain.confidence


def test_another_layout_of_the_same_sender_is_not_read_by_the_memory(
    tmp_path: Path, grid: list[tuple[Path, dict[str, Any]]]
) -> None:
    first, truth = grid[0]
    other = catalogue.BY_ID["invoice/vi/more:vi_price_first"].make(701)
    path = _file(tmp_path, other, "other.pdf")
    assert likeness(layout_print(_read(first)), layout_print(_read(path))) < 0.4
    sender = sender_of("invoice", other.fields)
    assert sender is not None
    memories = _memories(_read(first), truth, _wrong_fields(first, truth), sender)

    plain = extract_file(path, limits=LIMITS)
    taught = extract_file(path, limits=LIMITS, memories=memories)

    assert taught.fields == plain.fields


def test_a_recalled_amount_that_breaks_the_totals_is_not_used(
    tmp_path: Path,
) -> None:
    # A memory that points at the VAT amount for the total (a reviewer's slip, or a layout
    # that moved): the generic total adds up with subtotal and VAT, the recalled one would
    # not, so the generic reading stands.
    doc = catalogue.BY_ID["invoice/vi/tuned:invoice-vi"].make(3)
    path = _file(tmp_path, doc, "tuned.pdf")
    document = _read(path)
    wrong_place = learn(document, path="total", value=doc.fields["vat_amount"], fields=doc.fields)
    assert wrong_place is not None
    read = recall(document, wrong_place)
    assert read is not None and read[0] == doc.fields["vat_amount"]  # the memory does match
    sender = sender_of("invoice", doc.fields)
    assert sender is not None
    memory = Memory(
        id=7, doc_type="invoice", sender=sender, layout=layout_print(document), field=wrong_place
    )

    taught = extract_file(path, limits=LIMITS, memories=[memory])

    assert taught.fields["total"] == doc.fields["total"]
    assert "learned_from" not in taught.model_dump(mode="json")["provenance"].get("total", {})


def test_cvs_and_line_items_are_never_learned() -> None:
    assert not learnable("cv", "full_name")
    assert not learnable("invoice", "line_items[0].amount")
    assert learnable("invoice", "seller.address")
    assert learnable("contract", "parties[1].name")


def test_provenance_names_its_memory_only_when_it_has_one() -> None:
    assert Provenance(page=1).model_dump() == {"page": 1, "bbox": None}
    assert Provenance(page=2, learned_from=5).model_dump()["learned_from"] == 5
