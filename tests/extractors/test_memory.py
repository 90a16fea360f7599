"""Layout memory: a reviewer's correction on one document of a sender's layout is read again
on the sender's next document, and never where it would do harm."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from extractors.document import Line, Page, ParsedDocument, Word
from extractors.fields import confidence as level
from extractors.limits import ReadLimits
from extractors.memory import (
    FieldMemory,
    Memory,
    apply,
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
from tests.docgen import catalogue, series
from tests.docgen.common import GeneratedDocument

Box = tuple[float, float, float, float]

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
    assert own is not None
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


# --- a sender's series: what the measurement on series and scans showed missing -------------


def _series(
    tmp_path: Path, layout_id: str, count: int, sender: int = 700
) -> list[tuple[ParsedDocument, Any]]:
    layout = catalogue.BY_ID[layout_id]
    drawn = [series.draw(layout.make, sender, index) for index in range(count)]
    return [(_read(_file(tmp_path, doc, f"{i}.pdf")), doc.fields) for i, doc in enumerate(drawn)]


def _misread(document: ParsedDocument, wrong: dict[str, str]) -> ParsedDocument:
    """The document as OCR might have read it: some words with a letter wrong."""
    document = copy.deepcopy(document)
    for page in document.pages:
        page.lines = [
            dataclasses.replace(
                line,
                words=tuple(
                    dataclasses.replace(word, text=wrong.get(word.text, word.text))
                    for word in line.words
                ),
            )
            for line in page.lines
        ]
    return document


def learned_as(memory: FieldMemory, typed: str) -> FieldMemory:
    """The memory as if the reviewer had typed `typed` on the learned document."""
    return memory.model_copy(update={"value": typed})


def test_a_wrapped_value_stops_before_the_next_labelled_line(tmp_path: Path) -> None:
    # The buyer's name wraps under its label; the line after it is the buyer's tax code.
    (first, truth), (second, next_truth) = _series(tmp_path, "invoice/vi/more:vi_side_plain", 2)
    name = truth["buyer"]["name"]
    memory = learn(first, path="buyer.name", value=name, fields=truth)
    assert memory is not None and memory.wrap_gap is not None

    read = recall(second, memory)

    assert read is not None and read[0] == next_truth["buyer"]["name"]


def test_a_value_ocr_misread_reads_as_the_reviewer_typed_it_but_a_new_value_does_not(
    tmp_path: Path,
) -> None:
    layout = "invoice/en/holdout:en_template"
    (first, truth), (second, next_truth) = _series(tmp_path, layout, 2)
    buyer = truth["buyer"]["name"]
    assert next_truth["buyer"]["name"] == buyer  # one sender bills one buyer every month
    word = next(word for word in buyer.split() if len(word) >= 5)
    misread = {word: word[:-1] + "x"}
    memory = learn(_misread(first, misread), path="buyer.name", value=buyer, fields=truth)
    assert memory is not None, "a misread value is still found where it is printed"

    read = recall(_misread(second, misread), memory)

    assert read is not None and read[0] == buyer
    # A short word that differs is another word (`năm`, `tám` in an amount in words): the
    # value is read as printed.
    short = next(word for word in buyer.split() if len(word) <= 4 and word.isalpha())
    other_word = learned_as(memory, buyer.replace(short, short[:-1] + "x", 1))
    read = recall(second, other_word)
    assert read is not None and read[0] == next_truth["buyer"]["name"]
    # Brackets printed around a value are not part of what the reviewer typed.
    first_word, *_, last_word = buyer.split()
    bracketed = _misread(second, {first_word: f"({first_word}", last_word: f"{last_word})"})
    read = recall(bracketed, learned_as(memory, buyer.replace(short, short[:-1] + "x", 1)))
    assert read is not None and read[0] == buyer
    # Words where the reviewer typed figures (an account number) are not this field: none.
    assert recall(second, learned_as(memory, "0068264306221")) is None
    # A value with other figures than the typed one is another value: read as printed.
    address = truth["buyer"]["address"]
    learned = learn(first, path="buyer.address", value=address, fields=truth)
    assert learned is not None and re.search(r"\d", address)
    typed_before = learned_as(learned, re.sub(r"\d", "9", address))
    read = recall(second, typed_before)
    assert read is not None and read[0] == next_truth["buyer"]["address"]


def test_a_sender_name_ocr_misread_is_still_printed(tmp_path: Path) -> None:
    ((document, truth),) = _series(tmp_path, "invoice/en/holdout:en_template", 1)
    name = truth["seller"]["name"]
    key = sender_of("invoice", {"seller": {"name": name}})
    assert key is not None and key.startswith("name:")
    first = name.split()[0]
    misread = _misread(document, {first: first[:-1] + "x"})

    assert printed_senders(misread, {key}) == {key}
    # One word in common is not the name: another sender of the same trade is not printed.
    other = f"name:{key.split(':')[1].split()[0]} analytics holdings pte ltd"
    assert not printed_senders(misread, {other})


def test_a_wrapped_name_the_reader_joined_into_one_line_is_learned_in_reading_order(
    tmp_path: Path,
) -> None:
    # The seller's name wraps under itself; the text layer gives both rows as one line, words
    # sorted left to right, so the generic reading interleaves them.
    layout = "invoice/vi/holdout:vi_compact"
    (first, truth), (second, next_truth) = _series(tmp_path, layout, 2)
    name = truth["seller"]["name"]
    joined = [
        line
        for line in first.pages[0].lines
        if any(word.bbox[1] >= line.words[0].bbox[3] for word in line.words)
    ]
    assert joined, "the reader no longer joins the wrapped rows: this test proves nothing"
    memory = learn(first, path="seller.name", value=name, fields=truth)
    assert memory is not None, "a name printed on two rows of one line is still found"

    read = recall(second, memory)

    assert read is not None and read[0] == next_truth["seller"]["name"]


def _words_joined(document: ParsedDocument, first: str, second: str) -> ParsedDocument:
    """The document as OCR might have read it: two neighbouring words read as one."""
    document = copy.deepcopy(document)
    for page in document.pages:
        for number, line in enumerate(page.lines):
            texts = [word.text for word in line.words]
            for index in range(len(texts) - 1):
                if texts[index : index + 2] == [first, second]:
                    left, right = line.words[index], line.words[index + 1]
                    merged = dataclasses.replace(
                        left,
                        text=left.text + right.text,
                        bbox=(left.bbox[0], left.bbox[1], right.bbox[2], left.bbox[3]),
                    )
                    words = (*line.words[:index], merged, *line.words[index + 2 :])
                    page.lines[number] = dataclasses.replace(line, words=words)
                    break
    return document


def test_a_label_ocr_joined_or_misread_by_a_letter_still_anchors_the_value(
    tmp_path: Path,
) -> None:
    layout = "invoice/en/more:en_side_grid"
    (first, truth), (second, next_truth) = _series(tmp_path, layout, 2)
    tax_id = truth["seller"]["tax_id"]
    memory = learn(first, path="seller.tax_id", value=tax_id, fields=truth)
    assert memory is not None and memory.anchor.text == "vat id"

    read = recall(_words_joined(second, "VAT", "ID:"), memory)

    assert read is not None and read[0] == next_truth["seller"]["tax_id"]
    # The label above the seller's name, read with one letter wrong on the learned scan.
    name = truth["seller"]["name"]
    misread = learn(_misread(first, {"From": "trom"}), path="seller.name", value=name, fields=truth)
    assert misread is not None and misread.anchor.text == "trom"
    read = recall(second, misread)
    assert read is not None and read[0] == next_truth["seller"]["name"]


def test_a_recalled_name_stops_at_a_signatures_ink_or_a_column_gap(tmp_path: Path) -> None:
    layout = "invoice/en/more:en_side_grid"
    (first, truth), (second, next_truth) = _series(tmp_path, layout, 2)
    name = truth["seller"]["name"]
    memory = learn(first, path="seller.name", value=name, fields=truth)
    assert memory is not None and memory.wrap_gap is None
    scribbled = copy.deepcopy(second)
    for page in scribbled.pages:
        for number, line in enumerate(page.lines):
            if line.text == next_truth["seller"]["name"]:
                last = line.words[-1].bbox
                # A signature OCR read as `1...`: one short word over a wide box.
                ink = dataclasses.replace(
                    line.words[-1], text="1...", bbox=(last[2] + 2, last[1], last[2] + 150, last[3])
                )
                page.lines[number] = dataclasses.replace(line, words=(*line.words, ink))

    read = recall(scribbled, memory)

    assert read is not None and read[0] == next_truth["seller"]["name"]


def test_a_one_line_value_of_more_than_ten_words_is_learned_and_read_whole(
    tmp_path: Path,
) -> None:
    # An exporter's address on one line under its name: thirteen words.
    layout = "invoice/en/holdout:en_export"
    (first, truth), (second, next_truth) = _series(tmp_path, layout, 2)
    address = truth["seller"]["address"]
    assert len(address.split()) > 10
    memory = learn(first, path="seller.address", value=address, fields=truth)
    assert memory is not None, "a long one-line value is found where it is printed"

    read = recall(second, memory)

    assert read is not None and read[0] == next_truth["seller"]["address"]


def test_a_code_printed_joined_to_another_is_learned_and_read_as_its_part(
    tmp_path: Path,
) -> None:
    # The grid prints the form and the series as one word (`1K26TYY`).
    (first, truth), (second, next_truth) = _series(tmp_path, GRID, 2)
    series_, form = truth["invoice_series"], truth["invoice_form"]
    assert any(word.text == form + series_ for word in first.pages[0].words)
    learned = {
        path: learn(first, path=path, value=value, fields=truth)
        for path, value in (("invoice_series", series_), ("invoice_form", form))
    }

    for path, memory in learned.items():
        assert memory is not None and memory.part is not None, path
        read = recall(second, memory)
        assert read is not None and read[0] == next_truth[path], path
    # An amount (`17.221.680`) is one value, not codes joined: its figures are not a code.
    total = next(w.text for w in first.pages[0].words if w.text.count(".") == 2)
    memory = learn(first, path="po_number", value=total.split(".")[1], fields=truth)
    assert memory is None or memory.part is None


def _moved(document: ParsedDocument, texts: set[str], dx: float, dy: float) -> ParsedDocument:
    """The document with the words `texts` moved, as a scan of another sheet may print them."""
    document = copy.deepcopy(document)
    for page in document.pages:
        for number, line in enumerate(page.lines):
            words = tuple(
                dataclasses.replace(
                    word,
                    bbox=(
                        word.bbox[0] + dx,
                        word.bbox[1] + dy,
                        word.bbox[2] + dx,
                        word.bbox[3] + dy,
                    ),
                )
                if word.text in texts
                else word
                for word in line.words
            )
            page.lines[number] = dataclasses.replace(line, words=words)
    return document


def test_a_value_in_the_right_column_of_a_grid_wraps_under_itself_not_its_neighbour(
    tmp_path: Path,
) -> None:
    # Seller and buyer side by side; both names wrap, and their second rows are at one height.
    (first, truth), (second, next_truth) = _series(tmp_path, GRID, 2, sender=702)
    for path in ("buyer.name", "buyer.address"):
        value = get_path(truth, path)
        memory = learn(first, path=path, value=value, fields=truth)
        assert memory is not None and memory.wrap_gap is not None, path

        read = recall(second, memory)

        assert read is not None and read[0] == get_path(next_truth, path), path


def test_a_wrapped_name_stops_at_its_neighbours_column_when_the_scan_moved_it_nearer(
    tmp_path: Path,
) -> None:
    (first, truth), (second, next_truth) = _series(tmp_path, GRID, 2, sender=703)
    name, buyer = truth["seller"]["name"], next_truth["buyer"]["name"]
    memory = learn(first, path="seller.name", value=name, fields=truth)
    assert memory is not None and memory.width is not None
    # The buyer's column a few points nearer the seller's on the next sheet's scan.
    nearer = _moved(second, set(buyer.split()), -4.0, 0.0)

    read = recall(nearer, memory)

    assert read is not None and read[0] == next_truth["seller"]["name"]


def test_a_value_after_its_label_is_read_on_the_labels_row_only(tmp_path: Path) -> None:
    # `Signed by Jordan Nguyen`: where OCR lost the name, the line under it is not the name.
    (first, truth), (second, _) = _series(tmp_path, "contract/en/holdout:en_uk_msa", 2)
    name = truth["parties"][0]["representative"]
    memory = learn(first, path="parties[0].representative", value=name, fields=truth)
    assert memory is not None and memory.anchor.side == "left"
    lost = copy.deepcopy(second)
    for page in lost.pages:
        for number, line in enumerate(page.lines):
            if line.text.startswith("Signed by"):
                page.lines[number] = dataclasses.replace(line, words=line.words[:2])
    assert any("behalf of" in line.text for page in lost.pages for line in page.lines)

    assert recall(lost, memory) is None


def test_a_party_the_reading_did_not_find_is_added_for_its_learned_values(
    tmp_path: Path,
) -> None:
    # OCR garbled the parties' block of the sender's next contract: the generic reading has no
    # parties, and the second party's learned name and address need an entry to go in.
    (first, truth), (second, next_truth) = _series(tmp_path, "contract/en/holdout:en_uk_msa", 2)
    sender = sender_of("contract", next_truth)
    assert sender is not None
    memories = []
    for path in ("parties[1].name", "parties[1].address"):
        field = learn(first, path=path, value=get_path(truth, path), fields=truth)
        assert field is not None, path
        memories.append(
            Memory(doc_type="contract", sender=sender, layout=layout_print(first), field=field)
        )
    fields: dict[str, Any] = {"parties": []}

    used = apply(second, doc_type="contract", fields=fields, confidence={}, memories=memories)

    assert {item.path for item in used} == {"parties[1].name", "parties[1].address"}
    assert [party["role"] for party in fields["parties"]] == ["party_a", "party_b"]
    assert fields["parties"][1]["name"] == next_truth["parties"][1]["name"]
    assert fields["parties"][1]["address"] == next_truth["parties"][1]["address"]
    assert "name" not in fields["parties"][0]  # nothing is made up for the party not learned


# --- pages as OCR reads them: values and labels it misreads -----------------------------------


def _scan(*rows: tuple[float, float, str], doubted: frozenset[str] = frozenset()) -> ParsedDocument:
    """A scanned page as OCR gives it: each row (x, y, text) one line of words, six points a
    letter; the words of `doubted` rated low."""
    lines = []
    for x, y, text in rows:
        words = []
        for token in text.split():
            width = 6.0 * len(token)
            sure = 0.5 if token in doubted else 0.95
            words.append(Word(token, (x, y, x + width, y + 10), 1, sure, "ocr"))
            x += width + 4
        lines.append(Line(tuple(words), 1))
    return ParsedDocument("image/png", [Page(1, 600, 800, lines)], "en")


def _invoice_scan(
    *rows: tuple[float, float, str], name: str = "Northwind Traders"
) -> ParsedDocument:
    """A supplier's invoice: its letterhead, the buyer under a label, then `rows`."""
    return _scan(
        (50, 30, name),
        (50, 45, "12 Harbour Road, Springfield"),
        (420, 30, "INVOICE"),
        (50, 100, "Bill To:"),
        (50, 115, "Contoso Ltd"),
        *rows,
    )


INVOICE_FIELDS = {"seller": {"name": "Northwind Traders"}, "buyer": {"name": "Contoso Ltd"}}


def test_a_date_whose_month_ocr_misread_is_learned_at_its_label_and_read_again() -> None:
    first = _invoice_scan((380, 160, "Invoice date:"), (480, 160, "dan 5, 2024"))
    fields = INVOICE_FIELDS | {"issue_date": "2024-01-05"}

    memory = learn(first, path="issue_date", value="2024-01-05", fields=fields)

    # The label, not the month: the month changes with the date.
    assert memory is not None and memory.anchor.text == "invoice date"
    second = _invoice_scan((380, 160, "Invoice date:"), (480, 160, "Mar 1I, 2024"))
    assert (read := recall(second, memory)) is not None and read[0] == "2024-03-11"
    # A word a letter from two months (`mar`, `may`) is neither: not read.
    assert (
        recall(_invoice_scan((380, 160, "Invoice date:"), (480, 160, "Mav 3, 2024")), memory)
        is None
    )


def test_a_letterhead_name_without_a_label_is_learned_at_its_place_on_the_page() -> None:
    first = _invoice_scan()

    memory = learn(first, path="seller.name", value="Northwind Traders", fields=INVOICE_FIELDS)

    assert memory is not None and memory.anchor.side == "top"
    # A speck OCR read as a letter, on a word it doubted, is the name as the reviewer typed.
    specked = _scan(
        *_rows(_invoice_scan(name="dNorthwind Traders")), doubted=frozenset({"dNorthwind"})
    )
    assert (read := recall(specked, memory)) is not None and read[0] == "Northwind Traders"
    # Read with confidence, another word is another name: read as printed.
    renamed = _invoice_scan(name="Northwind Trading")
    assert (read := recall(renamed, memory)) is not None and read[0] == "Northwind Trading"
    # A value printed under another line is not the page's heading: the address is anchored
    # on the name above it, or not learned.
    address = learn(
        first,
        path="seller.address",
        value="12 Harbour Road, Springfield",
        fields=INVOICE_FIELDS | {"seller": {"name": "Northwind Traders", "address": "x"}},
    )
    assert address is None or address.anchor.side != "top"


def _rows(document: ParsedDocument) -> list[tuple[float, float, str]]:
    return [(line.bbox[0], line.bbox[1], line.text) for line in document.pages[0].lines]


TOTALS = ((300, 500, "Subtotal"), (500, 500, "262.90"), (300, 540, "Total"), (500, 540, "$279.84"))


def test_an_amount_after_a_label_with_its_own_figures_is_anchored_on_the_labels_words() -> None:
    first = _invoice_scan(*TOTALS, (300, 520, "Tax 15% on $ 112.90"), (500, 520, "$ 16.94"))

    memory = learn(first, path="vat_amount", value="16.94", fields=INVOICE_FIELDS)

    assert memory is not None and memory.anchor.text == "tax"
    second = _invoice_scan(*TOTALS, (300, 520, "Tax 10% on $ 184.50"), (500, 520, "$ 18.45"))
    assert (read := recall(second, memory)) is not None and read[0] == "18.45"


def test_a_figure_ocr_read_as_a_sign_is_learned_but_never_read_as_the_figures_before_it() -> None:
    first = _invoice_scan(*TOTALS, (300, 520, "Tax 15% on $ 112.90"), (500, 520, "$ 1ó.94"))

    memory = learn(first, path="vat_amount", value="16.94", fields=INVOICE_FIELDS)

    assert memory is not None
    second = _invoice_scan(*TOTALS, (300, 520, "Tax 10% on $ 184.50"), (500, 520, "$ 18.45"))
    assert (read := recall(second, memory)) is not None and read[0] == "18.45"
    # Garbled again on a later scan: unreadable, not `1`.
    garbled = _invoice_scan(*TOTALS, (300, 520, "Tax 10% on $ 184.50"), (500, 520, "$ 1ó.40"))
    assert recall(garbled, memory) is None


def test_short_words_every_long_value_holds_do_not_unmake_a_label() -> None:
    # `is dated as of` before a date: `is`, `as`, `of` are in the title too, yet the label.
    fields = {"title": "Agreement of services as is", "effective_date": "2015-06-11"}
    text = "This Agreement is dated as of {}, by and between Alpha Corp and Beta LLC"
    first = _scan((50, 30, "AGREEMENT OF SERVICES"), (50, 100, text.format("June 11, 2015")))

    memory = learn(first, path="effective_date", value="2015-06-11", fields=fields)

    assert memory is not None and memory.anchor.text.endswith("dated as of")
    second = _scan((50, 30, "AGREEMENT OF SERVICES"), (50, 100, text.format("July 2, 2016")))
    assert (read := recall(second, memory)) is not None and read[0] == "2016-07-02"


def test_a_heading_value_ends_before_the_sign_that_follows_it_on_its_line() -> None:
    # `Summit Peak Software, Inc. — INTERNAL MEMO`: the issuer ends at the dash.
    fields = {"issuer": "Summit Peak Software, Inc.", "subject": "Quarterly close"}
    first = _scan((50, 40, "Summit Peak Software, Inc. — INTERNAL MEMO"), (50, 90, "To Finance"))

    memory = learn(first, path="issuer", value="Summit Peak Software, Inc.", fields=fields)

    assert memory is not None and memory.after == "—"
    second = _scan((50, 40, "Summit Peak Software, Inc. — INTERNAL MEMO"), (50, 90, "To Sales"))
    assert (read := recall(second, memory)) is not None and read[0] == "Summit Peak Software, Inc."


def test_a_heading_memory_serves_only_a_page_whose_words_sit_where_they_sat() -> None:
    # The sender's other layout: the same words in the same order, all lower on the page,
    # under a title of their own where the learned page had the sender's name.
    rows = [
        (50, 30, "Northwind Traders"),
        *[(50, 100 + 20 * n, f"{label} line") for n, label in enumerate(LABELS)],
    ]
    first = _scan(*rows)
    memory = learn(first, path="seller.name", value="Northwind Traders", fields=INVOICE_FIELDS)
    assert memory is not None and memory.anchor.side == "top"
    stored = Memory(
        doc_type="invoice",
        sender="name:northwind traders",
        layout=layout_print(first),
        field=memory,
    )
    other = _scan((50, 30, "Quarterly Statement"), *[(x, y + 60, text) for x, y, text in rows])
    assert likeness(layout_print(other), stored.layout) >= 0.4  # alike enough for a label

    fields: dict[str, Any] = {}
    used = apply(other, doc_type="invoice", fields=fields, confidence={}, memories=[stored])

    assert used == [] and "seller" not in fields
    # On the learned layout itself it serves.
    again: dict[str, Any] = {}
    assert apply(first, doc_type="invoice", fields=again, confidence={}, memories=[stored])


LABELS = ("Bill", "Ship", "Terms", "Reference", "Description", "Quantity", "Price", "Amount")


def _reboxed(document: ParsedDocument, token: str, box: Callable[[Box], Box]) -> ParsedDocument:
    """The document with every word `token` boxed anew by `box`, the rest as read."""
    pages = []
    for page in document.pages:
        lines = [
            Line(
                tuple(
                    dataclasses.replace(word, bbox=box(word.bbox)) if word.text == token else word
                    for word in line.words
                ),
                line.page,
            )
            for line in page.lines
        ]
        pages.append(Page(page.number, page.width, page.height, lines))
    return ParsedDocument(document.media_type, pages, document.language)


def _flat_dashes(document: ParsedDocument) -> ParsedDocument:
    """The page with each dash boxed as OCR boxes it: a point high, mid-line."""
    return _reboxed(document, "-", lambda b: (b[0], b[1] + 4.5, b[2], b[1] + 5.5))


BRANCH = "Ngân hàng TMCP Phương Đông - Chi nhánh Thăng Long"


def _branch_invoice(first_row: str) -> ParsedDocument:
    """A buyer's name wrapped over two lines under its label, a dash in it."""
    return _flat_dashes(
        _invoice_scan(
            (300, 160, "Khách hàng"),
            (300, 175, first_row),
            (300, 188, "Thăng Long"),
            (300, 210, "MST: 0101243150"),
        )
    )


def test_a_wrapped_name_with_one_word_ocr_misread_is_learned_and_read_whole() -> None:
    fields = INVOICE_FIELDS | {"buyer": {"name": BRANCH}}
    # `Chin` for `Chi`: a wrapped value is found word for word, so it was not learned at all.
    first = _branch_invoice("Ngân hàng TMCP Phương Đông - Chin nhánh")

    memory = learn(first, path="buyer.name", value=BRANCH, fields=fields)

    assert memory is not None and memory.anchor.text == "khach hang"
    second = _branch_invoice("Ngân hàng TMCP Phương Đông - Chi nhánh")
    assert (read := recall(second, memory)) is not None and read[0] == BRANCH


def test_a_dash_ocr_boxed_a_point_high_does_not_end_a_recalled_name() -> None:
    fields = INVOICE_FIELDS | {"buyer": {"name": BRANCH}}
    first = _branch_invoice("Ngân hàng TMCP Phương Đông - Chi nhánh")
    memory = learn(first, path="buyer.name", value=BRANCH, fields=fields)
    assert memory is not None

    # Read as a gap wider than the dash's height, or as ink far wider than its letters, the
    # dash ended the name at `Đông`.
    assert (read := recall(first, memory)) is not None and read[0] == BRANCH


def _terms(renewal: str, currency: str) -> ParsedDocument:
    """A contract's first page that prints its yes/no and its currency after their labels."""
    return _scan(
        (50, 30, "Alpha Services Co"),
        (50, 100, "SERVICE AGREEMENT"),
        (50, 150, f"Automatic renewal: {renewal}"),
        (50, 170, f"Payment currency: {currency}"),
    )


def test_a_yes_no_answer_printed_after_its_label_is_learned_and_read_from_the_word() -> None:
    memory = learn(_terms("Yes", "USD"), path="auto_renewal", value="True", fields={})

    assert memory is not None and memory.anchor.text == "automatic renewal"
    stored = Memory(
        doc_type="contract",
        sender="name:alpha services co",
        layout=layout_print(_terms("Yes", "USD")),
        field=memory,
    )
    fields: dict[str, Any] = {"auto_renewal": True}
    used = apply(
        _terms("No", "USD"), doc_type="contract", fields=fields, confidence={}, memories=[stored]
    )
    # The page's answer, as the record's boolean: a memory is no constant.
    assert [item.path for item in used] == ["auto_renewal"] and fields["auto_renewal"] is False
    # Where no answer is printed, nothing is read.
    assert recall(_terms("see clause 4", "USD"), memory) is None


def test_a_yes_no_the_page_does_not_print_as_a_word_is_not_learned() -> None:
    # Stated in prose, or not at all: there is no place to read it from again.
    page = _scan((50, 30, "Alpha Services Co"), (50, 100, "This Agreement renews each year."))

    assert learn(page, path="auto_renewal", value="True", fields={}) is None


def test_a_yes_no_printed_as_the_answer_to_several_questions_is_not_learned() -> None:
    # `No` answers two questions: which one the reviewer's `false` is, the page cannot say,
    # and a memory of the wrong one would read another question's answer next month.
    page = _scan(
        (50, 30, "Alpha Services Co"),
        (50, 120, "Exclusive: No"),
        (50, 150, "Automatic renewal: No"),
    )

    assert learn(page, path="auto_renewal", value="False", fields={}) is None


def test_a_currency_printed_as_its_sign_or_code_is_learned_in_its_iso_form() -> None:
    memory = learn(_terms("Yes", "VNĐ"), path="currency", value="VND", fields={})

    assert memory is not None and memory.anchor.text == "payment currency"
    assert (read := recall(_terms("No", "US$"), memory)) is not None and read[0] == "USD"


def _tall(document: ParsedDocument, token: str) -> ParsedDocument:
    """The page with `token` boxed as OCR boxes a comma with a speck under it: half again
    as tall as its line."""
    return _reboxed(document, token, lambda b: (b[0], b[1], b[2], b[3] + 6))


def _export_invoice(address: str) -> ParsedDocument:
    return _invoice_scan(
        (50, 160, "Seller"),
        (50, 175, address),
        (50, 191, "Sold to"),
        (50, 206, "Nordlicht Maschinenbau GmbH"),
    )


def test_a_word_ocr_boxed_tall_does_not_make_the_next_block_a_values_wrap() -> None:
    address = "No. 18, Road 3, Binh Tan District, Vietnam"
    fields = INVOICE_FIELDS | {"seller": {"name": "Northwind Traders", "address": address}}
    memory = learn(_export_invoice(address), path="seller.address", value=address, fields=fields)
    assert memory is not None and memory.end_gap is not None

    # The tall box shrank the gap to `Sold to` below the learned one: read as the address's
    # next line.
    second = _tall(_export_invoice(address), "District,")
    assert (read := recall(second, memory)) is not None and read[0] == address


# --- letters and prose: a signer's title, a short word misread, an address in a clause -------


def _signed_letter(title: str) -> ParsedDocument:
    """A letter whose signer's title is printed under the signer's name, with no label."""
    return _scan(
        (50, 30, "Brightwave Media Ltd"),
        (50, 100, "Dear Mr Kim,"),
        (50, 130, "We write further to our recent correspondence."),
        (50, 200, "Yours sincerely,"),
        (50, 300, "Priya Reyes"),
        (50, 318, title),
    )


def test_a_signers_title_without_a_label_is_anchored_on_the_signers_name_above_it() -> None:
    fields = {
        "issuer": "Brightwave Media Ltd",
        "signer_name": "Priya Reyes",
        "signer_title": "Finance Director",
    }
    # OCR read `Einance`; the name above is a value of the record, so no label was found.
    first = _signed_letter("Einance Director")

    memory = learn(first, path="signer_title", value="Finance Director", fields=fields)

    assert memory is not None and memory.anchor.text == "priya reyes"
    assert (read := recall(first, memory)) is not None and read[0] == "Finance Director"
    # A new title under the same signer is read as printed.
    assert (read := recall(_signed_letter("Head of Finance"), memory)) is not None
    assert read[0] == "Head of Finance"


def _agency_letter(issuer: str, doubted: frozenset[str]) -> ParsedDocument:
    return _scan(
        (50, 30, "MINISTRY OF FINANCE"),
        (50, 45, issuer),
        (320, 30, "SOCIALIST REPUBLIC OF VIETNAM"),
        (50, 100, "Re: guidance on electronic invoices"),
        doubted=doubted,
    )


def test_a_short_word_ocr_doubted_and_misread_by_a_letter_is_learned_and_read_as_typed() -> None:
    typed = "GENERAL DEPARTMENT OF TAXATION"
    misread = "GENERAL DEPARTMENT OE TAXATION"
    first = _agency_letter(misread, frozenset({"OE"}))

    memory = learn(first, path="issuer", value=typed, fields={"issuer": typed})

    assert memory is not None and memory.anchor.text == "ministry of finance"
    second = _agency_letter(misread, frozenset({"OE"}))
    assert (read := recall(second, memory)) is not None and read[0] == typed
    # Read with confidence, the word is what the page prints: a short word one letter from
    # another may be another word (`năm`, `tám`).
    sure = _agency_letter(misread, frozenset())
    assert (read := recall(sure, memory)) is not None and read[0] == misread


ADDRESS = "3 Thistle Street, Edinburgh EH2 1DF, United Kingdom"


def _clause(postcode: str, street: str = "Thistle") -> ParsedDocument:
    """An address in a contract's opening clause: it starts at the end of a line, wraps back to
    the paragraph's margin and the clause goes on after it; OCR doubted the postcode."""
    return _scan(
        (50, 30, "SERVICES AGREEMENT"),
        (50, 100, f"Blue River Ltd, whose registered office is at 3 {street}"),
        (50, 115, f"Street, Edinburgh EH2 {postcode}, United Kingdom (Supplier); and Acme"),
        (50, 130, "Corp, whose registered office is at 9 Main Road, Leeds"),
        doubted=frozenset({f"{postcode},"}),
    )


def test_an_address_wrapped_back_to_its_paragraphs_margin_is_learned_and_read_whole() -> None:
    fields = {"parties": [{"name": "Blue River Ltd", "address": ADDRESS}]}

    memory = learn(_clause("1DE"), path="parties[0].address", value=ADDRESS, fields=fields)

    # Its next line starts at the margin, left of where it started; the clause's words after
    # it on that line are no column of its own.
    assert memory is not None and memory.margin is not None and memory.width is None
    assert memory.after == "supplier"
    assert (read := recall(_clause("1DE"), memory)) is not None and read[0] == ADDRESS
    assert (read := recall(_clause("1DF"), memory)) is not None and read[0] == ADDRESS
    # A word OCR split in two (`T histle`) as well: still the address the reviewer typed.
    assert (read := recall(_clause("1DE", "T histle"), memory)) is not None and read[0] == ADDRESS


AGENCY = "CÔNG TY CỔ PHẦN GIẢI PHÁP CÔNG NGHỆ VIỆT TIẾN"


def _agency_head(last_word: str) -> ParsedDocument:
    """A company's letterhead centred over the left column, wrapped centred; reading order
    puts the national motto's second line between its two lines; the number under it starts
    where it does."""
    return _scan(
        (40, 30, "TẬP ĐOÀN HƯNG THỊNH"),
        (330, 30, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (40, 45, "CÔNG TY CỔ PHẦN GIẢI PHÁP"),
        (330, 47, "Độc lập - Tự do - Hạnh phúc"),
        (56, 60, f"CÔNG NGHỆ VIỆT {last_word}"),
        (40, 74, "Số: 452/VT-HCNS"),
        (330, 74, "Hải Phòng, ngày 21 tháng 7 năm 2026"),
    )


def test_a_heading_centred_over_its_column_wraps_centred_and_still_names_its_sender() -> None:
    memory = learn(_agency_head("TIẾN"), path="issuer", value=AGENCY, fields={"issuer": AGENCY})

    assert memory is not None and memory.centred
    # OCR dropped a mark (`TIÊN`): read whole, as typed; not on to the number under it.
    second = _agency_head("TIÊN")
    assert (read := recall(second, memory)) is not None and read[0] == AGENCY
    sender = sender_of("dispatch", {"issuer": AGENCY})
    assert sender is not None and printed_senders(second, {sender}) == {sender}


def _boxed_code(code: str) -> ParsedDocument:
    """A seller whose tax code is printed one figure to a box: OCR reads the boxes' walls
    between the figures, and doubts the word."""
    return _scan(
        (50, 30, "CÔNG TY TNHH AN PHÁT"),
        (50, 50, f"Mã số thuế: {code}"),
        (50, 70, "Địa chỉ: 12 Lê Lợi, Hải Phòng"),
        (50, 120, "Mã số thuế: 6521780913"),
        doubted=frozenset({code}),
    )


def test_a_tax_code_printed_in_boxes_is_learned_and_read_as_its_figures() -> None:
    code = "8622845374"
    fields = {"seller": {"name": "CÔNG TY TNHH AN PHÁT", "tax_id": code}}
    # The last box misread: the place is learned, not the figure.
    first = _boxed_code("8|6|2|2|8|4|5|3|7]2")

    memory = learn(first, path="seller.tax_id", value=code, fields=fields)

    assert memory is not None and memory.anchor.text == "ma so thue" and memory.anchor.y < 0.07
    stored = Memory(
        doc_type="invoice", sender=f"tax:{code}", layout=layout_print(first), field=memory
    )
    second = _boxed_code("8|6|2|2|8|4|5|3|7]4")
    read: dict[str, Any] = {}
    used = apply(second, doc_type="invoice", fields=read, confidence={}, memories=[stored])
    # The sender is printed in boxes too: its memory serves, and reads the seller's code.
    assert [item.path for item in used] == ["seller.tax_id"] and read["seller"]["tax_id"] == code
    # Misread again (the figures fail the code's checksum, and name no sender): not used.
    misread = _boxed_code("8|6|2|2|8|4|5|3|7]2")
    assert apply(misread, doc_type="invoice", fields={}, confidence={}, memories=[stored]) == []


def _numbered(number: str, *, doubted: bool) -> ParsedDocument:
    return _scan(
        (50, 30, "HỢP ĐỒNG DỊCH VỤ KỸ THUẬT"),
        (300, 60, f"Số: {number}"),
        (50, 100, "Căn cứ Bộ luật Dân sự"),
        doubted=frozenset({number} if doubted else ()),
    )


def test_a_codes_sign_ocr_misread_as_a_figure_is_read_in_the_learned_form() -> None:
    typed = "65/2026/HĐDVKT/VT"
    # OCR read the last `/` as a `7`, and doubted the word.
    first = _numbered("65/2026/HĐDVKT7VT", doubted=True)

    memory = learn(first, path="contract_number", value=typed, fields={"contract_number": typed})

    assert memory is not None and memory.anchor.text == "so"
    # The next contract's number, misread alike: its own figures, the form's signs.
    second = _numbered("47/2026/HĐDVKT7VT", doubted=True)
    assert (read := recall(second, memory)) is not None and read[0] == "47/2026/HĐDVKT/VT"
    # Read with confidence, the figure is what the page prints.
    sure = _numbered("47/2026/HĐDVKT7VT", doubted=False)
    assert (read := recall(sure, memory)) is not None and read[0] == "47/2026/HĐDVKT7VT"


def test_a_code_printed_without_its_sign_is_read_as_printed_never_resigned() -> None:
    # A letter or a figure where the form prints a sign is no stroke OCR misread: putting the
    # sign there would drop what the page prints (`3`, `C`).
    for typed, printed in (("12-3456", "1234567"), ("AB-2026", "ABC2026"), ("12/2025", "1272025")):
        first = _numbered(typed, doubted=False)
        memory = learn(
            first, path="contract_number", value=typed, fields={"contract_number": typed}
        )
        assert memory is not None
        read = recall(_numbered(printed, doubted=True), memory)
        assert read is not None and read[0] == printed


def test_a_code_of_other_figures_is_never_where_the_typed_code_is_learned() -> None:
    typed = "65/2026/HĐDVKT/VT"
    # The page prints another contract's number, its sign misread: the typed one is not here.
    printed = _numbered("12/2025/HĐDVKT7VT", doubted=True)

    assert (
        learn(printed, path="contract_number", value=typed, fields={"contract_number": typed})
        is None
    )


def _delivery(unit: str, doubted: frozenset[str]) -> ParsedDocument:
    return _scan(
        (50, 30, "Northwind Traders"),
        (50, 60, "Delivery to:"),
        (50, 75, f"Unit {unit}, Harbour Road"),
        (50, 120, "Total due"),
        doubted=doubted,
    )


def test_a_short_word_ocr_doubted_reads_as_typed_only_for_a_letter_of_like_shape() -> None:
    typed = "Unit 5B, Harbour Road"
    fields = {"seller": {"name": "Northwind Traders"}, "delivery_address": typed}
    memory = learn(
        _delivery("5B", frozenset()), path="delivery_address", value=typed, fields=fields
    )
    assert memory is not None
    # `C` is no `B` misread: another unit, read as printed however OCR rated it.
    assert (read := recall(_delivery("5C", frozenset({"5C,"})), memory)) is not None
    assert read[0] == "Unit 5C, Harbour Road"
    parties = {"parties": [{"name": "Blue River Ltd", "address": ADDRESS}]}
    clause = learn(_clause("1DE"), path="parties[0].address", value=ADDRESS, fields=parties)
    assert clause is not None
    # Nor is `G` an `F` misread (`E` is): another postcode.
    assert (read := recall(_clause("1DG"), clause)) is not None
    assert read[0] == ADDRESS.replace("1DF", "1DG")


def _amount_invoice(words: str, doubted: frozenset[str]) -> ParsedDocument:
    return _scan(
        (50, 30, "CÔNG TY TNHH AN PHÁT"),
        (50, 50, "Mã số thuế: 0101243150"),
        (50, 300, "Cộng tiền hàng: 4.500.000"),
        (50, 320, f"Số tiền viết bằng chữ: {words}"),
        (50, 360, "Người mua hàng"),
        doubted=doubted,
    )


def test_an_amount_in_words_ocr_doubted_is_never_read_as_last_times_amount() -> None:
    typed = "Bốn triệu năm trăm nghìn đồng"
    fields = {"seller": {"name": "CÔNG TY TNHH AN PHÁT", "tax_id": "0101243150"}}
    first = _amount_invoice(typed, frozenset())
    learned = learn(
        first, path="amount_in_words", value=typed, fields={**fields, "amount_in_words": typed}
    )
    assert learned is not None
    # `tám` (eight) one letter from `năm` (five) once its marks are gone: another amount.
    second = _amount_invoice("Bốn triệu tám trăm nghìn đồng", frozenset({"tám"}))
    assert (read := recall(second, learned)) is not None
    assert read[0] == "Bốn triệu tám trăm nghìn đồng"


def test_a_recalled_amount_in_words_that_says_another_total_is_not_used() -> None:
    typed = "Bốn triệu năm trăm nghìn đồng"
    fields = {"seller": {"name": "CÔNG TY TNHH AN PHÁT", "tax_id": "0101243150"}}
    first = _amount_invoice(typed, frozenset())
    learned = learn(
        first, path="amount_in_words", value=typed, fields={**fields, "amount_in_words": typed}
    )
    sender = sender_of("invoice", fields)
    assert learned is not None and sender == "tax:0101243150"
    stored = Memory(
        id=1,
        doc_type="invoice",
        sender=sender,
        layout=layout_print(first),
        field=learned,
    )
    # The record's total is another amount than the words at the place: not laid over it.
    out: dict[str, Any] = {"seller": {"name": "CÔNG TY TNHH AN PHÁT"}, "total": "4800000"}
    assert apply(first, doc_type="invoice", fields=out, confidence={}, memories=[stored]) == []
    assert "amount_in_words" not in out
    # The same words where the total agrees are.
    agreed: dict[str, Any] = {"seller": {"name": "CÔNG TY TNHH AN PHÁT"}, "total": "4500000"}
    used = apply(first, doc_type="invoice", fields=agreed, confidence={}, memories=[stored])
    assert [item.path for item in used] == ["amount_in_words"] and agreed[
        "amount_in_words"
    ] == typed


def _reflowed(first: str, second: str) -> ParsedDocument:
    return _scan(
        (50, 30, "SERVICES AGREEMENT"),
        (50, 100, f"Blue River Ltd, whose registered office is at {first}"),
        (50, 115, f"{second} (Supplier); and Acme"),
        (50, 130, "Corp, whose registered office is at 9 Main Road, Leeds"),
    )


def test_an_address_wrapped_to_its_margin_reads_on_from_the_next_lines_first_word() -> None:
    fields = {"parties": [{"name": "Blue River Ltd", "address": ADDRESS}]}
    memory = learn(_clause("1DF"), path="parties[0].address", value=ADDRESS, fields=fields)
    assert memory is not None and memory.margin is not None

    # A longer first line: its wrap starts at the margin, not at a word under the label.
    longer = _reflowed("Units 2 the 3", "Thistle Street, Edinburgh EH2 1DF, United Kingdom")
    assert (read := recall(longer, memory)) is not None
    assert read[0] == "Units 2 the 3 Thistle Street, Edinburgh EH2 1DF, United Kingdom"
    # The words it ended before never come: no end is known, nothing is read (not the four
    # lines of the clause).
    endless = _scan(
        (50, 30, "SERVICES AGREEMENT"),
        (50, 100, "Blue River Ltd, whose registered office is at 3 Thistle Street,"),
        (50, 115, "Edinburgh EH2 1DF, United Kingdom and Acme"),
        (50, 130, "Corp, whose registered office is at 9 Main Road, Leeds"),
    )
    assert recall(endless, memory) is None


def test_senders_given_as_an_iterator_are_each_looked_for_on_the_page() -> None:
    sender = sender_of("dispatch", {"issuer": AGENCY})
    assert sender is not None
    # Found by its wrapped lines only, after the first look went through the senders.
    assert printed_senders(_agency_head("TIẾN"), iter([sender])) == {sender}
