"""Layout memory: where a reviewer's corrected value was printed on a sender's document, and
reading it from the same place on that sender's next document of the same layout.

Generic extraction reads any layout and will always miss on some; a memory reads one. It is
learned from a correction: the value the reviewer typed is found among the page's words, and
the label words beside or above it become its anchor. On a later document the memory is
recalled when the sender is printed on it and its page's words sit where the learned page's
did; the anchor is found again (fuzzily, OCR shifts letters) and the value read at the same
offset, in its field's form. Every function here is pure: the pipeline stores memories and
hands them in, so a memory learned on one worker serves every other.
"""

from __future__ import annotations

import copy
import functools
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from stdnum.vn import mst

from extractors.amount_words import number_word, words_to_amount
from extractors.document import Line, Page, ParsedDocument, Word, union
from extractors.fields import confidence as level
from extractors.fields.base import SURE_OCR, Extraction
from extractors.fields.layout import Found
from extractors.normalize import (
    _MONTHS_EN,
    clean_text,
    decimal_or_none,
    find_currency,
    parse_date,
    parse_foreign_tax_id,
    parse_money,
    parse_tax_id,
    parse_vat_rate,
)
from extractors.text import fold

Kind = Literal["money", "date", "tax_id", "rate", "currency", "flag", "text"]
# `inside`: the label is printed as part of the value (`Ngày … tháng … năm …`); `top`: no
# label at all, the value heads the page (a letterhead's name) and is placed on the page.
Side = Literal["left", "above", "inside", "top"]

# Fields never learned: a CV is personal data on a one-off layout, line items are columns
# (remembered per column, not per cell), and lists of clauses are not read at one place.
NEVER_LEARNED = frozenset({"cv"})
_NOT_LEARNED_PATH = re.compile(r"^(line_items|clauses|skills|experience|education)\b")

_MONEY = frozenset({"subtotal", "vat_amount", "total", "value", "amount"})
# The record's yes/no fields (`extractors.record`; a CV's are never learned). A memory reads
# one only where the page prints the answer as a word after or under its label (`Tự động
# gia hạn: Có`, `Auto-renewal: No`): a yes/no a contract states in its prose is no word at a
# place, so nothing is learned from it rather than a constant.
_FLAGS = frozenset({"auto_renewal"})
# The words that print an answer, as `_squash` folds them.
_YES = frozenset({"co", "yes", "true"})
_NO = frozenset({"khong", "no", "false"})
_DATES = re.compile(r"(^|\.)(\w*date|date)$")

# How alike two pages must be for one's memory to serve the other (`likeness`): measured on
# the generator's layouts, two documents of one layout score 0.6 at the median (the
# generator rewords labels from seed to seed, which a sender's template does not), two of
# different layouts 0.01 at the median and at most 0.64, for English letters that barely
# differ at all.
SAME_LAYOUT = 0.4
# How far a word may move between two prints of one layout, as a share of the page: OCR and
# a value of another length shift words a little, a different template moves them a lot.
_JITTER = 0.03
_FUZZY_ANCHOR = 0.8
# How far a scan's rows may fall or rise across the page (a scanner's skew, up to 2 degrees).
_TILT = 0.035
_FUZZY_WORD = 0.6
_MAX_ANCHOR_WORDS = 5
_MAX_SPAN_WORDS = 10
_MAX_WRAPPED_LINES = 4
_PRINT_WORDS = 400
# Fewer shared words than this say nothing about a layout (a near-empty page or OCR failure).
_SHARED_WORDS = 8


class Anchor(BaseModel):
    """The label words a value is printed after (`left`) or under (`above`), where they sat
    (fractions of the page) and where the value starts relative to them; for a value with
    no label (`top`), none, and the value's place on the page."""

    model_config = ConfigDict(frozen=True)

    text: str
    side: Side
    x: float
    y: float
    dx: float
    dy: float
    vx: float  # where the value starts across the page
    words: int = Field(ge=0)  # how many printed words the label is

    @model_validator(mode="after")
    def _labelled(self) -> Anchor:
        if (self.side == "top") != (len(self.text) < 2):
            raise ValueError("a label of two letters or more, unless the value heads the page")
        return self


class FieldMemory(BaseModel):
    """Where one field's value lies on a sender's layout."""

    model_config = ConfigDict(frozen=True)

    path: str
    kind: Kind
    page: int = Field(ge=1)
    anchor: Anchor
    # A text value may wrap: the widest gap between its lines, and the gap to the aligned
    # line that ended it (in line heights), tell where it ends on the next document.
    wrap_gap: float | None = None
    end_gap: float | None = None
    # From the value's left edge to the next column's (a share of the page), when the value
    # shares its lines with that column: words from there on are the neighbour's.
    width: float | None = None
    # The word printed right after a text value that ends before its line does (`HOF
    # Village, LLC` | `a Delaware limited liability company`): it ends the value again.
    after: str | None = None
    # The text the reviewer typed: OCR misreading a letter of it on the sender's next page
    # (`THÀNH PHÓ` for `THÀNH PHỐ`) reads it as typed; a value that changed does not match.
    value: str | None = None
    # The last word of a wrapped text value (`đồng` closing an amount in words, `Ltd`): a
    # line read so far that ends with it ends the value, however near the next line is.
    last: str | None = None
    # A code printed joined to its neighbour (`1K26TYY`: a form `1` and a series `K26TYY`):
    # how many runs of letters or of figures of the printed word come before and after it.
    part: tuple[int, int] | None = None
    # For a value of a list's entry (`parties[1].name`): the roles of the list's entries up
    # to it, as the reviewer left them. A reading that found fewer entries (OCR garbled the
    # parties' block) gets them, so the value has an entry to go in.
    roles: tuple[str, ...] | None = None
    # Where a wrapped value's next lines start, from its label's left edge (a share of the
    # page: a scan shifts both), when they return to its paragraph's margin (`… whose
    # registered office is at 3 Thistle` / `Street, Edinburgh`), not under the value or label.
    margin: float | None = None
    # A value centred over its column (a letterhead's agency) wraps onto a line centred under
    # it, that starts neither where it nor its label does.
    centred: bool = False


class LayoutPrint(BaseModel):
    """A page's words that read as labels (letters only), with where they start (fractions of
    the page), in reading order: what a layout keeps while its values change."""

    model_config = ConfigDict(frozen=True)

    words: tuple[tuple[str, float, float], ...]


class Memory(BaseModel):
    """One learned memory as the pipeline stores it: a field's place on a sender's layout, or
    (with `doc_type_as` set and no `field`) the type a reviewer gave the sender's documents."""

    id: int | None = None
    doc_type: str
    sender: str
    layout: LayoutPrint
    field: FieldMemory | None = None
    doc_type_as: str | None = None
    # Kept when recalled values stand, lowered when a reviewer corrects one again.
    weight: float = Field(default=1.0, ge=0, le=1)


@dataclass(frozen=True)
class Recalled:
    path: str
    value: str
    line: Line
    memory: Memory


# --- senders --------------------------------------------------------------------------------


def sender_of(
    doc_type: str, fields: Mapping[str, Any], *, own_tax_ids: Iterable[str] = ()
) -> str | None:
    """Who sent a document, as memories key it: an invoice's seller (tax code, else name), a
    letter's issuing agency, a contract's counterparty (the first party that is not the
    company itself). CVs have none: they are never learned from."""
    if doc_type == "invoice":
        return _party_key(fields.get("seller"))
    if doc_type == "dispatch":
        issuer = fields.get("issuer")
        return _name_key(issuer) if isinstance(issuer, str) else None
    if doc_type == "contract":
        own = set(own_tax_ids)
        parties = [p for p in fields.get("parties") or [] if isinstance(p, Mapping)]
        others = [p for p in parties if p.get("tax_id") not in own or not p.get("tax_id")]
        return _party_key(others[0]) if others else None
    return None


def _party_key(party: object) -> str | None:
    if not isinstance(party, Mapping):
        return None
    tax_id = party.get("tax_id")
    if isinstance(tax_id, str) and tax_id:
        return f"tax:{tax_id}"
    name = party.get("name")
    return _name_key(name) if isinstance(name, str) else None


def _name_key(name: str) -> str | None:
    folded = _squash(name)
    return f"name:{folded}" if len(folded) >= 4 else None


@functools.lru_cache(maxsize=8192)
def _squash(text: str) -> str:
    # Cached: recalling compares every memory's anchor with the same lines of one page.
    return re.sub(r"[^0-9a-z]+", " ", fold(text).lower()).strip()


def printed_senders(document: ParsedDocument, senders: Iterable[str]) -> set[str]:
    """Those of `senders` printed on the document: a tax code among its digits, a name among
    its words. The generic reading may have put the sender's tax code on the wrong party (the
    very mistake a memory is there to mend), so the page, not the reading, says who sent it."""
    text = document.text
    # A tax code printed in boxes (`8|6|2|2|8|4|5|3|7]4`) is its figures.
    digits = re.sub(r"[ .]", "", _unboxed(text))
    squashed = f" {_squash(text)} "
    tokens = squashed.split()
    at: dict[str, list[int]] = defaultdict(list)
    for index, token in enumerate(tokens):
        at[token].append(index)

    def printed(sender: str) -> bool:
        kind, _, key = sender.partition(":")
        if kind == "tax":
            return re.search(rf"(?<![0-9]){re.escape(key)}(?![0-9])", digits) is not None
        return f" {key} " in squashed or _name_misread(key, tokens, at)

    senders = list(senders)  # an iterable is gone once read
    found = {sender for sender in senders if printed(sender)}
    names = [s for s in senders if s not in found and s.startswith("name:")]
    if names:
        # A name wrapped in its column, beside another column's line that reading order put
        # between its two lines (a letterhead's agency left of the national motto).
        wrapped = _column_pairs(document)
        found |= {sender for sender in names if f" {sender[5:]} " in wrapped}
    return found


# The lines below one that `_column_pairs` looks at, at most: a row holds a few columns' lines,
# not hundreds (OCR boxing a page's specks at one height would make the look quadratic).
_LOOKED_BELOW = 48


def _column_pairs(document: ParsedDocument) -> str:
    """Each line's text followed by the next line under it in its column, pair by pair."""
    pairs = []
    for page in document.pages:
        lines = sorted(page.lines, key=lambda line: line.bbox[1])
        for index, line in enumerate(lines):
            height = max(line.bbox[3] - line.bbox[1], 1.0)
            for below in lines[index + 1 : index + 1 + _LOOKED_BELOW]:
                if below.bbox[1] - line.bbox[3] > 2 * height:
                    break
                if (
                    below.bbox[1] >= line.bbox[1] + height / 2
                    and below.bbox[0] < line.bbox[2]
                    and below.bbox[2] > line.bbox[0]
                ):
                    pairs.append(f" {_squash(line.text)} {_squash(below.text)} ")
                    break
    return "|".join(pairs)


def _name_misread(key: str, tokens: Sequence[str], at: Mapping[str, Sequence[int]]) -> bool:
    """A name OCR misread a letter or two of (`Samnnny Maystone`): the words in its place,
    found from a word of it that was read right, are nearly the same. A name of one word has
    nothing to find it by."""
    parts = key.split()
    if len(parts) < 2:
        return False
    # From its rarest words read right (`cong ty` starts every other name on a page).
    found = sorted((len(at[part]), offset) for offset, part in enumerate(parts) if part in at)
    for _, offset in found[:2]:
        part = parts[offset]
        for index in at[part]:
            start = index - offset
            if start < 0:
                continue
            window = " ".join(tokens[start : start + len(parts)])
            if _near_length(window, key) and _ratio(window, key) >= _FUZZY_ANCHOR:
                return True
    return False


# --- layout prints --------------------------------------------------------------------------


def layout_print(document: ParsedDocument) -> LayoutPrint:
    """The first page's label-like words and their places."""
    if not document.pages:
        return LayoutPrint(words=())
    page = document.pages[0]
    words = []
    for word in page.words:
        text = _squash(word.text)
        if len(text) >= 2 and text.isalpha():
            words.append((text, *_place(page, word.bbox[0], word.bbox[1])))
            if len(words) == _PRINT_WORDS:
                break
    return LayoutPrint(words=tuple(words))


def likeness(first: LayoutPrint, second: LayoutPrint) -> float:
    """How alike two pages' layouts are, 0 to 1, whatever their values: the better of two
    readings. Of the words both print, the share at the same place (a form whose fields
    stay put); and how much of the sequence of words and their columns the two share (a
    letter or contract whose text flows, so its lines move down as a value grows)."""
    return max(_same_places(first, second), _same_sequence(first, second))


def _same_places(first: LayoutPrint, second: LayoutPrint) -> float:
    places: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for text, x, y in second.words:
        places[text].append((x, y))
    shared = [(text, x, y) for text, x, y in first.words if text in places]
    if len(shared) < _SHARED_WORDS:
        return 0.0
    hits = sum(
        any(abs(x - x2) <= _JITTER and abs(y - y2) <= _JITTER for x2, y2 in places[text])
        for text, x, y in shared
    )
    return hits / len(shared)


def _same_sequence(first: LayoutPrint, second: LayoutPrint) -> float:
    def tokens(print_: LayoutPrint) -> list[str]:
        return [f"{text}@{round(x / _JITTER / 2)}" for text, x, _ in print_.words]

    a, b = tokens(first), tokens(second)
    if min(len(a), len(b)) < _SHARED_WORDS:
        return 0.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _place(page: Page, x: float, y: float) -> tuple[float, float]:
    return (round(x / max(page.width, 1.0), 4), round(y / max(page.height, 1.0), 4))


# --- learning -------------------------------------------------------------------------------


# Kinds whose value is one common word, learned only where it is printed once.
_ONE_WORD_KINDS = frozenset({"flag", "currency"})


def kind_of(path: str) -> Kind:
    leaf = path.rsplit(".", 1)[-1]
    if leaf in _MONEY:
        return "money"
    if _DATES.search(path):
        return "date"
    if leaf == "tax_id":
        return "tax_id"
    if leaf == "vat_rate":
        return "rate"
    if leaf == "currency":
        return "currency"
    if leaf in _FLAGS:
        return "flag"
    return "text"


def learnable(doc_type: str, path: str) -> bool:
    return doc_type not in NEVER_LEARNED and _NOT_LEARNED_PATH.match(path) is None


def learn(
    document: ParsedDocument, *, path: str, value: str, fields: Mapping[str, Any]
) -> FieldMemory | None:
    """Where `value` (a reviewer's correction of `path`) is printed, and the label it is
    printed after or under; None when the page does not print it (a value a person knew but
    the document does not show cannot be read from it again). `fields` are the corrected
    record's: their values' words are never taken for a label, but for the short ones every
    long value holds (`of`, `as`: `is dated as of` stays a label)."""
    kind = kind_of(path)
    values = {
        word
        for leaf in leaves(fields).values()
        if isinstance(leaf, str)
        for word in _squash(leaf).split()
        if len(word) >= 3
    }
    # A party's name is printed as it was on the sender's next document (the sender's own
    # is what recalls the memory at all): a letterhead's name anchors the address under it
    # when no label does, a letter's signer (`signer_name`) the title printed under it.
    names = {
        word
        for key, leaf in leaves(fields).items()
        if isinstance(leaf, str) and re.search(r"(^|[._])(name|issuer)$", key)
        for word in _squash(leaf).split()
    }
    best: tuple[tuple[int, bool, float], FieldMemory] | None = None
    # A yes/no or a currency is a word many labels may print (`Exclusive: No` above
    # `Automatic renewal: No`): learned only where the document prints it once, or the
    # memory could read another question's answer on the sender's next document.
    answers = 0
    for printed in document.pages:
        page = _rows(printed)
        spots = _spots(page, kind, value)
        if not spots and (restored := _figures_restored(page, value)) is not None:
            page, spots = restored, _spots(restored, kind, value)
        if not spots and kind == "text" and (restored := _letters_restored(page, value)):
            # Restored where the value is found only: a label one letter from a word of it
            # (`THÀNH` from `nhánh`) stays as printed, to anchor it as the next page prints it.
            used = {word.bbox for spot in _spots(restored, kind, value) for word in spot.words}
            if used and (restored := _letters_restored(page, value, only=used)):
                page, spots = restored, _spots(restored, kind, value)
        answers += len(spots)
        if kind in _ONE_WORD_KINDS and answers > 1:
            return None
        for spot in spots:
            anchored = _anchor_for(page, spot, kind, values)
            if anchored is None and names:
                named = _anchor_for(page, spot, kind, values - names)
                anchored = None if named is None else (0, named[1])
            if anchored is None:
                anchored = _heading(page, spot)
            if anchored is None:
                continue
            score, anchor = anchored
            # Totals are printed under the lines that may repeat them: the lower one is the total.
            tiebreak = (
                spot.words[0].bbox[1] if kind in ("money", "rate") else -spot.words[0].bbox[1]
            )
            memory = FieldMemory(
                path=path,
                kind=kind,
                page=page.number,
                anchor=anchor,
                wrap_gap=max(
                    (
                        _gap(a, b)
                        for a, b in zip((spot.line, *spot.below), spot.below, strict=False)
                    ),
                    default=None,
                ),
                end_gap=_end_gap(page, spot),
                width=None
                if spot.right is None
                else (spot.right - spot.words[0].bbox[0]) / max(page.width, 1.0),
                after=_after(spot) if kind == "text" else None,
                value=value if kind == "text" else None,
                last=_squash(spot.words[-1].text) or None if spot.below else None,
                part=spot.part,
                roles=_roles(fields, path),
                margin=None
                if spot.margin is None
                else round(_place(page, spot.margin, 0)[0] - anchor.x, 4),
                centred=spot.centred,
            )
            # A value printed as a word of its own before one printed joined to another.
            ranked = ((score, spot.part is None, tiebreak), memory)
            if best is None or ranked[0] > best[0]:
                best = ranked
    return best[1] if best else None


def _figures_restored(page: Page, value: str) -> Page | None:
    """The page with each word that prints one of the typed value's words but for a figure
    OCR read as a sign no figure looks like (`1ó.94`, `US12345ó7890`, `number_†`), or a
    number in boxes OCR doubted with one figure misread (`8|6|2|2|8|4|5|3|7]2`), read as
    typed: the place is learned, the next document's figures are read there afresh. None
    when no word is."""
    typed = value.split()
    # Looked for in every word of the page: the tokens a box can print, found once.
    numbers = [token for token in typed if token.isdigit() and len(token) >= 6]
    changed = False
    lines = []
    for line in page.lines:
        words = []
        for word in line.words:
            restored = next(
                (
                    token
                    for token in typed
                    if _garbled_figure(word.text, token)
                    or (token in numbers and _boxed_misread(word, token))
                    or (
                        _sign_misread(word.text, token, word.confidence < SURE_OCR)
                        # Learned where the typed code is printed: its own figures.
                        and _resigned(word.text, token) == token
                    )
                ),
                None,
            )
            changed |= restored is not None
            words.append(word if restored is None else replace(word, text=restored))
        lines.append(Line(tuple(words), line.page))
    return Page(page.number, page.width, page.height, lines, page.notes) if changed else None


def _letters_restored(
    page: Page, value: str, *, only: Set[tuple[float, float, float, float]] | None = None
) -> Page | None:
    """The page with each word that prints one of the typed value's words but for a letter
    OCR added, dropped or misread (`Chin nhánh` for `Chi nhánh`) read as typed: a value that
    wraps over lines is found word for word, so one misread word would hide all of it. Only
    the place is learned from it; the next document's words are read there afresh. With
    `only`, the words at those boxes alone. None when no word is."""
    typed = {
        _squash(token): token
        for token in value.split()
        if len(_squash(token)) >= 3 and _squash(token).isalpha()
    }
    # A short word or a code (`OF`, `1DF`) is one letter from other words: restored only
    # where OCR itself doubted the word it printed (`OE`, `1DE`).
    short = {_marked(token): token for token in value.split() if len(_squash(token)) >= 2}
    changed = False
    lines = []
    for line in page.lines:
        words = []
        for word in line.words:
            printed = _squash(word.text)
            restored = None
            if only is None or word.bbox in only:
                if printed.isalpha() and printed not in typed:
                    restored = next(
                        (t for key, t in typed.items() if _one_edit(printed, key)), None
                    )
                if restored is None and word.confidence < SURE_OCR:
                    marked = _marked(word.text)
                    restored = next(
                        (t for k, t in short.items() if _letter_swapped(marked, k)), None
                    )
            changed |= restored is not None
            words.append(word if restored is None else replace(word, text=restored))
        lines.append(Line(tuple(words), line.page))
    return Page(page.number, page.width, page.height, lines, page.notes) if changed else None


def _one_edit(first: str, second: str) -> bool:
    """Whether two different words are one letter added, dropped or changed apart."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    if len(first) == len(second):
        return sum(a != b for a, b in zip(first, second, strict=True)) == 1
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def _letter_swapped(printed: str, typed: str) -> bool:
    """Whether two words (`_marked`) of two letters or more differ in one letter only, in
    its place, a letter OCR confuses with the typed one (`oe` for `of`, `1de` for `1df`):
    figures, length and marks as typed (`tám` is not `năm`), and never a number word (`five`
    is not `fivf`)."""
    if len(printed) != len(typed) or len(typed) < 2:
        return False
    wrong = [(a, b) for a, b in zip(printed, typed, strict=True) if a != b]
    return (
        len(wrong) == 1
        and wrong[0][1].isalpha()
        and wrong[0][0] in _LOOKALIKE.get(wrong[0][1], "")
        and not number_word(typed)
        and not number_word(printed)
    )


def _marked(text: str) -> str:
    """A word's letters and figures, lower case, its marks kept (NFC)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFC", text).lower())


# The characters OCR reads for one another, as shapes alike (lower case): a letter read as
# another outside these is a different word (`5C` is not `5B`).
_CONFUSED = ("ef", "cg", "odq0", "il1|", "s5", "b8", "z2")
_LOOKALIKE = {char: group.replace(char, "") for group in _CONFUSED for char in group}


# The signs that part a code's runs (`65/2026/HĐDVKT/VT`, `INV-2024.07`), each with what OCR
# reads it as: a stroke of like shape, never a letter or figure of another form.
_SEPARATORS = frozenset("/-.")
_SIGN_LOOKALIKES = {"/": "71lI|", "-": "_~", ".": ","}


def _sign_misread(printed: str, typed: str, doubted: bool) -> bool:
    """Whether a code OCR doubted (`doubted`: its own word) is the typed one of its form, but
    for one of its separating signs read as a stroke of like shape (`HĐDVKT7VT` for
    `HĐDVKT/VT`); its letters as typed, the figures that change from one document to the
    next may differ. A figure read in a sign's place must stand apart from figures (in
    `1272025` the 7 may be printed)."""
    if not doubted or len(printed) != len(typed) or not any(c in _SEPARATORS for c in typed):
        return False
    signs = 0
    for index, (read, wanted) in enumerate(zip(printed, typed, strict=True)):
        if read == wanted or (read.isdigit() and wanted.isdigit()):
            continue
        if wanted in _SEPARATORS and read in _SIGN_LOOKALIKES[wanted]:
            beside = printed[max(index - 1, 0) : index] + printed[index + 1 : index + 2]
            if read.isdigit() and any(c.isdigit() for c in beside):
                return False
            signs += 1
        else:
            return False
    return signs == 1


def _resigned(printed: str, typed: str) -> str:
    """The code with its separating signs where the typed one has them."""
    return "".join(
        wanted if wanted in _SEPARATORS else read
        for read, wanted in zip(printed, typed, strict=True)
    )


def _boxed_misread(word: Word, typed: str) -> bool:
    """Whether a word OCR doubted prints a number of six figures or more in boxes with one
    figure of the typed number misread."""
    # The cheap tests first: this is asked of every word of a page for every typed number.
    if word.confidence >= SURE_OCR or len(typed) < 6 or not typed.isdigit():
        return False
    printed = _unboxed(word.text)
    if printed == word.text or not printed.isdigit() or len(printed) != len(typed):
        return False
    return sum(a != b for a, b in zip(printed, typed, strict=True)) == 1


def _garbled_figure(printed: str, typed: str) -> bool:
    # Of a few characters or more: a short word has too few to tell a misreading apart.
    if len(printed) != len(typed) or len(typed) < 4:
        return False
    wrong = [(a, b) for a, b in zip(printed, typed, strict=True) if a != b]
    if len(wrong) != 1:
        return False
    printed_as = wrong[0][0]
    return wrong[0][1].isdigit() and not (printed_as.isascii() and printed_as.isalnum())


def _heading(page: Page, spot: _Spot) -> tuple[int, Anchor] | None:
    """For a value with no label that nothing is printed above (a letterhead's name), its
    place on the page; ranked below any label."""
    box = union(word.bbox for word in spot.words if word in spot.line.words)
    if any(
        line.bbox[3] <= box[1] and line.bbox[0] <= box[2] and line.bbox[2] >= box[0]
        for line in page.lines
    ):
        return None
    vx, vy = _place(page, box[0], box[1])
    return -1, Anchor(text="", side="top", x=0.0, y=0.0, dx=vx, dy=vy, vx=vx, words=0)


def _roles(fields: Mapping[str, Any], path: str) -> tuple[str, ...] | None:
    entry = re.match(r"^(\w+)\[(\d+)\]\.", path)
    if entry is None:
        return None
    listed = fields.get(entry.group(1))
    index = int(entry.group(2))
    if not isinstance(listed, list) or index >= len(listed):
        return None
    roles = [item.get("role") if isinstance(item, Mapping) else None for item in listed]
    chosen = roles[: index + 1]
    return tuple(role for role in chosen if isinstance(role, str)) if all(chosen) else None


def _rows(page: Page) -> Page:
    """The page with every line split into the rows its words are printed on. A reader may
    join a value's wrapped second row to its first (one text-layer line, words sorted left to
    right: `CÔNG MIỀN BẮC TY …`); the value and its wrap are then told apart by height."""
    lines: list[Line] = []
    for line in page.lines:
        rows: list[list[Word]] = []
        for word in sorted(line.words, key=lambda word: word.bbox[1]):
            centre = (word.bbox[1] + word.bbox[3]) / 2
            row = next((row for row in rows if row[0].bbox[1] <= centre <= row[0].bbox[3]), None)
            if row is None:
                rows.append([word])
            else:
                row.append(word)
        if len(rows) == 1:
            lines.append(line)
            continue
        lines.extend(
            Line(tuple(sorted(row, key=lambda word: word.bbox[0])), line.page) for row in rows
        )
    return Page(page.number, page.width, page.height, lines, page.notes)


def _after(spot: _Spot) -> str | None:
    """The word after a text value on its last line, when it is not the next column's: a
    value in a line of its own, or wrapped back into a paragraph that goes on after it."""
    last = spot.below[-1] if spot.below else spot.line
    end = last.words.index(spot.words[-1]) + 1
    if spot.right is not None or end >= len(last.words):
        return None
    return _word_key(last.words[end].text) or None


def _word_key(text: str) -> str:
    """A word as `after` compares it: its letters and figures, or a sign as printed (the
    dash of `Summit Peak Software, Inc. — INTERNAL MEMO`)."""
    return _squash(text) or text.strip()


@dataclass(frozen=True)
class _Spot:
    line: Line
    start: int  # index of the value's first word in `line.words`
    words: tuple[Word, ...]
    below: tuple[Line, ...] = ()  # the lines a wrapped value continues on
    # Where the next column starts, when a wrapped value shares its lines with it.
    right: float | None = None
    part: tuple[int, int] | None = None  # runs of its word before and after a joined code
    margin: float | None = None  # where its wrapped lines start, when not under itself
    centred: bool = False  # wrapped onto a line centred under it


def _spots(page: Page, kind: Kind, value: str) -> list[_Spot]:
    parse = _PARSERS[kind]
    wanted = _normal(kind, value)
    if wanted is None:
        return []
    spots: list[_Spot] = []
    # A text is as many words as it was typed with (an address runs to a dozen), give or take
    # the ones OCR split; a value in figures is a few words at most.
    span = max(_MAX_SPAN_WORDS, len(wanted.split()) + 2) if kind == "text" else _MAX_SPAN_WORDS
    for line in page.lines:
        words = line.words
        # Only a word the value can start with starts a spot (a value in figures needs a
        # figure on its line): the rest of the page is passed over, learning is per click.
        if kind in _FIGURES and not any(ch.isdigit() for word in words for ch in word.text):
            continue
        for start in range(len(words)):
            if kind == "text" and not _may_start(words[start].text, wanted):
                continue
            for end in range(start + 1, min(len(words), start + span) + 1):
                text = " ".join(word.text for word in words[start:end])
                if _normal(kind, parse(text) or "") == wanted:
                    # The value starts here only if it needs this word: a label before an
                    # amount still parses to the amount.
                    rest = " ".join(word.text for word in words[start + 1 : end])
                    if (kind == "text" or _normal(kind, parse(rest) or "") != wanted) and (
                        kind != "flag" or _answered(words, start)
                    ):
                        spots.append(_Spot(line, start, words[start:end]))
                    break
            if kind == "text":
                wrapped = _wrapped(page, line, start, wanted)
                if wrapped is not None:
                    spots.append(wrapped)
    if kind == "text":
        spots.extend(_joined_spots(page, value))
    if kind == "text" and not spots:
        return _misread_spots(page, value)
    return spots


def _answered(words: Sequence[Word], index: int) -> bool:
    """Whether the word at `index` stands as an answer: alone on its line, or after a label's
    colon, and last on its line. `Co` ending `Alpha Services Co` or the `No.` of `No. 177
    Tran Hung Dao` is a word of a name, not a yes or a no."""
    return index == len(words) - 1 and (index == 0 or words[index - 1].text.endswith(":"))


# A word's runs of letters and of figures: where a code printed joined to another splits.
_RUN = re.compile(r"[^\W\d_]+|\d+")


def _runs(text: str) -> list[str] | None:
    """A word's runs of letters and of figures, if it is nothing else (no stops or
    hyphens inside: `15.946.000` is one amount, not codes joined)."""
    core = text.strip(_ENCLOSING)
    runs = _RUN.findall(core)
    return runs if runs and "".join(runs) == core else None


def _joined_spots(page: Page, value: str) -> list[_Spot]:
    """Where a one-word code is printed joined to another (`1K26TYY` holds the series
    `K26TYY` after the form `1`): the word's runs of letters and figures, split between two
    of them."""
    wanted = _runs(value.strip())
    if wanted is None:
        return []
    folded = [fold(run).lower() for run in wanted]
    spots: list[_Spot] = []
    for line in page.lines:
        for index, word in enumerate(line.words):
            runs = _runs(word.text)
            if runs is None or len(runs) <= len(wanted):
                continue
            runs = [fold(run).lower() for run in runs]
            for head in range(len(runs) - len(wanted) + 1):
                if runs[head : head + len(wanted)] == folded:
                    tail = len(runs) - head - len(wanted)
                    spots.append(_Spot(line, index, (word,), part=(head, tail)))
    return spots


def _misread_spots(page: Page, value: str) -> list[_Spot]:
    """Where OCR printed a misreading of a one-line text value (`Samnnny Maystone`): as many
    words, that `_misread` takes for it."""
    wanted = _squash(value).split()
    spots: list[_Spot] = []
    for line in page.lines:
        words = line.words
        for start in range(len(words) - len(wanted) + 1):
            window = words[start : start + len(wanted)]
            if _misread(" ".join(word.text for word in window), value, _doubted(window)):
                spots.append(_Spot(line, start, window))
    return spots


def _may_start(word: str, wanted: str) -> bool:
    first = _squash(word)
    return bool(first) and wanted.startswith(first)


def _prefix(words: Sequence[Word], wanted: str, text: str) -> int:
    """How many of `words` continue `text` as a prefix of `wanted` (0: none)."""
    best = 0
    for end in range(1, len(words) + 1):
        joined = _squash(" ".join([text, *(word.text for word in words[:end])]))
        if joined == wanted or wanted.startswith(joined + " "):
            best = end
        else:
            break
    return best


def _continuation(
    page: Page, line: Line, lefts: tuple[float, ...], taken: Sequence[Line]
) -> Line | None:
    """The line a value wrapped onto: the nearest below `line` with a word starting where the
    value starts (the value may share its printed line with a neighbouring column)."""
    height = max(line.bbox[3] - line.bbox[1], 1.0)
    best: tuple[float, Line] | None = None
    for other in page.lines:
        if other is line or other in taken or other.bbox[1] < line.bbox[3] - 0.3 * height:
            continue
        if other.bbox[1] - line.bbox[3] > 2 * height:
            continue
        if _starting_at(other, lefts, page) is None:
            continue
        # Of two rows at one height, the one under the value itself: the other is the wrap
        # of the column whose line the value shared.
        under = _starting_at(other, lefts[:1], page) is not None
        rank = other.bbox[1] + (0.0 if under else 0.5 * height)
        if best is None or rank < best[0]:
            best = (rank, other)
    return best[1] if best else None


def _starting_at(line: Line, lefts: tuple[float, ...], page: Page) -> int | None:
    """The word of `line` that starts at one of `lefts`: where the value started, or the
    margin of its label (`Address: 12 Main St,` wraps back under `Address`)."""
    # Under itself first: a line that holds both is the neighbour's wrap and the value's.
    for left in lefts:
        for index, word in enumerate(line.words):
            if abs(word.bbox[0] - left) <= _JITTER * page.width / 2:
                return index
    return None


def _gap(upper: Line, lower: Line) -> float:
    """The space between two lines, in heights of the upper one, each line where most of its
    words sit: one word OCR boxed tall (a comma with a speck under it, an accent) makes the
    line no taller, nor the gap smaller."""
    bottom = statistics.median(word.bbox[3] for word in upper.words)
    height = bottom - statistics.median(word.bbox[1] for word in upper.words)
    top = statistics.median(word.bbox[1] for word in lower.words)
    return (top - bottom) / max(height, 1.0)


def _wrapped(page: Page, line: Line, start: int, wanted: str) -> _Spot | None:
    """A text value that starts at word `start` of `line` and wraps onto aligned lines."""
    count = _prefix(line.words[start:], wanted, "")
    text = _squash(" ".join(word.text for word in line.words[start : start + count]))
    if count == 0 or len(text) < 4 or text == wanted:
        return None
    lefts = (line.words[start].bbox[0], line.words[0].bbox[0])
    chosen = list(line.words[start : start + count])
    # Where the neighbouring column starts, on the lines the value shares with it, and
    # where the value's own words end on them.
    stops = [line.words[start + count].bbox[0]] if start + count < len(line.words) else []
    ends = [line.words[start + count - 1].bbox[2]]
    taken: list[Line] = []
    current = line
    more: Sequence[Word] = chosen
    margin: float | None = None
    centred = False
    while len(taken) < _MAX_WRAPPED_LINES - 1:
        # Aligned under the value or its margin, else centred under it (a line that starts
        # where it does may be the next value: `Số: …` under a centred letterhead).
        count = 0
        for centred_under in (False, True):
            found = _next_line(page, current, more, lefts, taken, centred=centred_under)
            if found is not None:
                following, first = found
                count = _prefix(following.words[first:], wanted, text)
                if count:
                    break
        if count == 0:
            return None
        more = following.words[first : first + count]
        centred |= centred_under
        # A column beside the value starts right of where the value does: the words after a
        # value that wrapped back to its paragraph's margin are the paragraph's.
        after = (
            following.words[first + count].bbox[0] if first + count < len(following.words) else 0
        )
        if not centred_under and after > lefts[0]:
            stops.append(after)
            ends.append(more[-1].bbox[2])
        if (
            margin is None
            and not centred_under
            and _starting_at(following, lefts[:1], page) is None
        ):
            margin = more[0].bbox[0]
        chosen.extend(more)
        text = _squash(" ".join([text, *(word.text for word in more)]))
        taken.append(following)
        if text == wanted:
            return _Spot(
                line,
                start,
                tuple(chosen),
                tuple(taken),
                _boundary(ends, stops),
                margin=margin,
                centred=centred,
            )
        current = following
    return None


def _next_line(
    page: Page,
    line: Line,
    words: Sequence[Word],
    lefts: tuple[float, ...],
    taken: Sequence[Line],
    *,
    centred: bool,
) -> tuple[Line, int] | None:
    """The line a value wrapped onto from `words` of `line`, and the index of its first word
    there: one starting where the value or its margin does
    (`_continuation`); with `centred`, the nearest line below centred where `words` are
    instead (a heading centred over its column, `CÔNG TY CỔ PHẦN GIẢI PHÁP` / `CÔNG NGHỆ
    VIỆT TIẾN`, wraps centred)."""
    if not centred:
        following = _continuation(page, line, lefts, taken)
        if following is None:
            return None
        first = _starting_at(following, lefts, page)
        assert first is not None
        return following, first
    if not words:
        return None
    centre = (words[0].bbox[0] + words[-1].bbox[2]) / 2
    height = max(line.bbox[3] - line.bbox[1], 1.0)
    best: Line | None = None
    for other in page.lines:
        if other is line or other in taken or other.bbox[1] < line.bbox[3] - 0.3 * height:
            continue
        if other.bbox[1] - line.bbox[3] > 2 * height:
            continue
        if abs((other.bbox[0] + other.bbox[2]) / 2 - centre) > _JITTER * page.width / 2:
            continue
        if best is None or other.bbox[1] < best.bbox[1]:
            best = other
    return None if best is None else (best, 0)


def _boundary(ends: Sequence[float], stops: Sequence[float]) -> float | None:
    """Between a value's column and its neighbour's: midway across the gap between them,
    so a scan that shifts either a few points does not move a word across it."""
    if not stops:
        return None
    end, stop = max(ends, default=min(stops)), min(stops)
    return (end + stop) / 2 if end < stop else stop


def _anchor_for(page: Page, spot: _Spot, kind: Kind, values: Set[str]) -> tuple[int, Anchor] | None:
    """The label the value follows on its own line, else the nearest label on its row to its
    left, else the nearest label above it; scored so that a label on the value's own line
    wins. Words that belong to the record's values are never a label: they change."""
    # Where the value starts: its first line (a wrapped value returns to the margin below).
    value_box = union(word.bbox for word in spot.words if word in spot.line.words)
    before = _label_words(spot.line.words[: spot.start], values) or _label_words(
        _before_figures(spot.line.words[: spot.start]), values
    )
    if before:
        return 3, _anchor(page, before, value_box, "left")
    lead = _leading_label(spot.words) if kind == "date" else ()
    if lead:
        # A value printed with its own words (`Ngày 16 tháng 02 năm 2026`): they anchor it.
        return 3, _anchor(page, lead, value_box, "inside")
    centre = (value_box[1] + value_box[3]) / 2
    row = [
        line
        for line in page.lines
        if line is not spot.line
        and line.bbox[1] <= centre <= line.bbox[3]
        and line.bbox[2] <= value_box[0]
    ]
    for nearest in sorted(row, key=lambda line: -line.bbox[2]):
        words = _label_words(nearest.words, values) or _label_words(
            _before_figures(nearest.words), values
        )
        if words:
            return 2, _anchor(page, words, value_box, "left")
    height = max(value_box[3] - value_box[1], 1.0)
    above = [
        line
        for line in page.lines
        if line.bbox[3] <= value_box[1] + 0.3 * height
        and value_box[1] - line.bbox[3] <= 6 * height
        and line.bbox[0] <= value_box[2]
        and line.bbox[2] >= value_box[0]
    ]
    for nearest in sorted(above, key=lambda line: -line.bbox[3]):
        words = _label_words(nearest.words, values)
        if words:
            return 1, _anchor(page, words, value_box, "above")
    return None


def _before_figures(words: Sequence[Word]) -> tuple[Word, ...]:
    """The words of a label that its own figures follow (`Tax 15% on $ 112.90`, then the
    amount): up to the first figure, none if it starts with one."""
    for index, word in enumerate(words):
        if any(character.isdigit() for character in word.text):
            return tuple(words[:index])
    return ()


def _leading_label(words: Sequence[Word]) -> tuple[Word, ...]:
    lead: list[Word] = []
    for word in words[:_MAX_ANCHOR_WORDS]:
        # A month's name, even misread, is the date's own and changes with it.
        if any(character.isdigit() for character in word.text) or _is_month(word.text):
            break
        lead.append(word)
    text = _squash(" ".join(word.text for word in lead))
    return tuple(lead) if len(lead) < len(words) and len(text) >= 3 else ()


def _label_words(words: Sequence[Word], values: Set[str]) -> tuple[Word, ...]:
    """The last few words before a value, if they read as a label: letters, not figures, and
    not part of any of the record's values."""
    chosen = tuple(words[-_MAX_ANCHOR_WORDS:])
    text = _squash(" ".join(word.text for word in chosen))
    letters = sum(character.isalpha() for character in text)
    digits = sum(character.isdigit() for character in text)
    if letters < 2 or digits > letters // 4:
        return ()
    # Words of the record's values change from one document to the next: not a label.
    mine = text.split()
    if sum(word in values for word in mine) * 2 > len(mine):
        return ()
    return chosen


def _anchor(
    page: Page, words: Sequence[Word], value_box: tuple[float, float, float, float], side: Side
) -> Anchor:
    box = union(word.bbox for word in words)
    x, y = _place(page, box[0], box[1])
    origin_x = box[2] if side == "left" else box[0]
    origin_y = box[1] if side == "left" else box[3]
    dx, dy = _place(page, value_box[0] - origin_x, value_box[1] - origin_y)
    text = _squash(" ".join(word.text for word in words))
    vx = _place(page, value_box[0], 0)[0]
    return Anchor(text=text, side=side, x=x, y=y, dx=dx, dy=dy, vx=vx, words=len(words))


# --- recalling ------------------------------------------------------------------------------


def recall(document: ParsedDocument, memory: FieldMemory) -> tuple[str, Line] | None:
    """The value at the memory's place on this document, in its field's form, and the words
    it was read from; None when the anchor is not found or nothing of that form is there."""
    read = _recall(document, memory)
    if read is None or memory.value is None:
        return read
    text = _trimmed(read[0], memory.value)
    if not text or _figures(text) != _figures(memory.value):
        # An account or a code read as words, a name read as figures: not this field's form.
        return None
    doubted = _doubted(read[1].words)
    if _misread(text, memory.value, doubted):
        return memory.value, read[1]
    # A code of the learned form, its figures new, one of its signs misread (`47/2026/
    # HĐDVKT7VT`) that OCR doubted (the read words are the code's own): the sign the form prints.
    if _sign_misread(text, memory.value, bool(doubted)):
        return _resigned(text, memory.value), read[1]
    return text, read[1]


_ENCLOSING = "()[]{}<>,;:.|"


def _trimmed(text: str, typed: str) -> str:
    """The text without the brackets and stops around it that the typed value has not
    (`(GBP)` printed where the reviewer typed `GBP`)."""
    while text and text[0] in _ENCLOSING and not typed.startswith(text[0]):
        text = text[1:].lstrip()
    while text and text[-1] in _ENCLOSING and not typed.endswith(text[-1]):
        text = text[:-1].rstrip()
    return text


def _figures(text: str) -> bool:
    """Whether a text is mostly figures (an account number, a code) rather than words."""
    characters = [character for character in text if character.isalnum()]
    return sum(character.isdigit() for character in characters) * 2 >= max(len(characters), 1)


def _misread(text: str, typed: str, doubted: Set[str] = frozenset()) -> bool:
    """Whether `text` is `typed` with a letter or two of one word misread: the same figures (a
    number that changed is another value), the same words but one, that one long enough not
    to be another word (`năm` and `tám` are two amounts in words), marks and case aside. A
    shorter word OCR doubted (of `doubted`) that holds the typed one whole is it with a speck
    read as a letter (`dJohn`). A typed word OCR split in two (`T histle`) is that word."""
    if re.sub(r"\D", "", text) != re.sub(r"\D", "", typed):
        return False
    read, wanted = _split_marked(text), _split_marked(typed)
    if len(read) == len(wanted) + 1:
        read = next(
            (
                [*read[:i], _joined(read[i], read[i + 1]), *read[i + 2 :]]
                for i in range(len(wanted))
                if read[i][0] + read[i + 1][0] == wanted[i][0]
            ),
            read,
        )
    if len(read) != len(wanted) or sum(len(word) for word, _ in wanted) < 4:
        return False
    wrong = [(a, b) for a, b in zip(read, wanted, strict=True) if a[0] != b[0]]
    return len(wrong) <= 1 and all(
        (min(len(a), len(b)) >= 5 or (a in doubted and b in a and len(a) == len(b) + 1))
        and _ratio(a, b) >= _FUZZY_WORD
        # A short word OCR doubted, one letter of it misread in place as a letter of like
        # shape (`OE` for `OF`); compared with its marks, a mark is another word.
        or (a in doubted and _letter_swapped(marked_a, marked_b))
        for (a, marked_a), (b, marked_b) in wrong
    )


def _split_marked(text: str) -> list[tuple[str, str]]:
    """`text`'s words as `_squash` splits them, each with its letters as printed (marks kept)."""
    nfc = unicodedata.normalize("NFC", text)
    folded = fold(nfc).lower()
    marked = nfc.lower() if len(nfc.lower()) == len(folded) else folded
    return [(m.group(), marked[m.start() : m.end()]) for m in re.finditer(r"[0-9a-z]+", folded)]


def _joined(first: tuple[str, str], second: tuple[str, str]) -> tuple[str, str]:
    return first[0] + second[0], first[1] + second[1]


def _doubted(words: Iterable[Word]) -> set[str]:
    """The words OCR itself doubted, as `_misread` compares them."""
    return {_squash(word.text) for word in words if word.confidence < SURE_OCR}


def _recall(document: ParsedDocument, memory: FieldMemory) -> tuple[str, Line] | None:
    if memory.page > len(document.pages):
        return None
    page = _rows(document.pages[memory.page - 1])
    anchor = () if memory.anchor.side == "top" else _find_anchor(page, memory.anchor)
    if anchor is None:
        return None
    if memory.anchor.side == "inside":
        return _read_inside(page, anchor, memory.kind)
    # A value that heads the page is placed from the page's corner, as under a label there.
    box = union(word.bbox for word in anchor) if anchor else (0.0, 0.0, 0.0, 0.0)
    side = memory.anchor.side
    # After its label (`Address: …`) a value starts where the label ends; in a column of its
    # own it starts where the column does, however long the label. Either may hold.
    xs = (
        (box[2] if side == "left" else box[0]) + memory.anchor.dx * page.width,
        memory.anchor.vx * page.width,
    )
    y = (box[1] if side == "left" else box[3]) + memory.anchor.dy * page.height
    # A value after its label is on the label's row, however the scan is tilted; one under
    # its label may sit a line lower or higher on the sender's next document.
    reach = (
        0.6 * (box[3] - box[1]) + _TILT * abs(xs[0] - box[2])
        if side == "left"
        else _JITTER * page.height
    )
    start = _word_at(page, xs, y, anchor, reach)
    if start is None:
        return None
    line, index = start
    words = line.words[index:]
    if memory.kind == "flag" and not _answered(line.words, index):
        return None  # `No. 177 …` or `… Co` where the answer was: a word of something else
    if memory.kind != "text":
        for end in range(1, min(len(words), _MAX_SPAN_WORDS) + 1):
            value = _PARSERS[memory.kind](" ".join(word.text for word in words[:end]))
            if value is not None:
                return value, Line(words[:end], page.number)
        return None
    if memory.part is not None:
        return _joined_read(words[0], memory.part, page)
    left = words[0].bbox[0]
    # A value wraps under itself or back to its label's margin, not to the margin of the
    # line it shares with a neighbouring column (the seller's name left of the buyer's).
    lefts: tuple[float, ...] = (left, box[0] if anchor else left)
    if memory.margin is not None:
        # Learned wrapping back to its paragraph's margin: its lines start there, and only
        # there (a word of the line that happens to sit under the label is mid-sentence).
        lefts = (box[0] + memory.margin * page.width,)
    right = None if memory.width is None else left + memory.width * page.width
    chosen = [word for word in words if right is None or word.bbox[0] < right]
    ended = _column_end(chosen)
    if ended < len(chosen):
        # A one-line value ends where the next column or a signature's ink begins.
        return _text_read(chosen[:ended], page)
    if (cut := _after_at(chosen, memory.after)) is not None:
        return _text_read(chosen[:cut], page)
    taken: list[Line] = []
    current = line
    on_line: Sequence[Word] = chosen
    while len(taken) < _MAX_WRAPPED_LINES - 1:
        if memory.last is not None and chosen and _squash(chosen[-1].text) == memory.last:
            return _text_read(chosen, page)
        # A value learned wrapping centred wraps centred: a line that happens to start at
        # its label's edge (`Hải Phòng, ngày …` under `CỘNG HÒA …`) is another value.
        found = _next_line(
            page,
            current,
            on_line,
            lefts,
            taken,
            centred=memory.centred,
        )
        if found is None or not _wraps(memory, _gap(current, found[0])):
            break
        following, first = found
        if memory.margin is not None and first != 0:
            break
        if _LABELLED.match(" ".join(word.text for word in following.words[first:])):
            break
        on_line = [
            word for word in following.words[first:] if right is None or word.bbox[0] < right
        ]
        chosen.extend(on_line)
        taken.append(following)
        current = following
        # A value that wrapped back into its paragraph ends before the word that followed it.
        if (cut := _after_at(chosen, memory.after)) is not None:
            return _text_read(chosen[:cut], page)
    if memory.margin is not None and memory.after is not None:
        # The words it was learned to end before never came: where it ends is not known,
        # and the generic reading stands.
        return None
    return _text_read(chosen, page)


def _after_at(words: Sequence[Word], after: str | None) -> int | None:
    """Where the word learned to follow a value is among `words` (not first): its end."""
    if after is None:
        return None
    return next((i for i, word in enumerate(words) if i and _word_key(word.text) == after), None)


def _joined_read(word: Word, part: tuple[int, int], page: Page) -> tuple[str, Line] | None:
    """The code a word holds joined to others, at the runs it was learned at."""
    runs = _runs(word.text)
    head, tail = part
    if runs is None or len(runs) <= head + tail:
        return None
    return "".join(runs[head : len(runs) - tail]), Line((word,), page.number)


def _column_end(words: Sequence[Word]) -> int:
    """How many of `words` read on before a column gap (wider than twice the line's height)
    or a scribble OCR took for a word (a box far wider than its letters: a signature)."""
    # The line's height, not the word's: a dash or a stop OCR boxes a point high (`Đông -
    # Chi nhánh`) would otherwise end the value as a wide gap or a scribble.
    height = (
        max(statistics.median(word.bbox[3] - word.bbox[1] for word in words), 1.0) if words else 1.0
    )
    for index, word in enumerate(words):
        if index and word.bbox[0] - words[index - 1].bbox[2] > 2 * height:
            return index
        if index and word.bbox[2] - word.bbox[0] > 1.5 * height * max(len(word.text), 1):
            return index
    return len(words)


def _text_read(chosen: Sequence[Word], page: Page) -> tuple[str, Line] | None:
    # A value's own closing comma (`HOF Village, LLC,`) is punctuation, not the value.
    text = clean_text(" ".join(word.text for word in chosen)).rstrip(",;")
    return (text, Line(tuple(chosen), page.number)) if text else None


def _read_inside(page: Page, anchor: tuple[Word, ...], kind: Kind) -> tuple[str, Line] | None:
    for line in page.lines:
        if anchor[0] in line.words:
            words = line.words[line.words.index(anchor[0]) :]
            for end in range(len(anchor) + 1, min(len(words), _MAX_SPAN_WORDS) + 1):
                value = _PARSERS[kind](" ".join(word.text for word in words[:end]))
                if value is not None:
                    return value, Line(words[:end], page.number)
    return None


def _wraps(memory: FieldMemory, gap: float) -> bool:
    """Whether an aligned line `gap` heights below still belongs to the value: as close as the
    learned value's own lines were, or clearly closer than the line that ended it."""
    if (
        memory.wrap_gap is not None
        and memory.end_gap is not None
        and memory.end_gap > memory.wrap_gap
    ):
        # Both gaps were seen: the line is the value's if nearer the one than the other.
        return gap < (memory.wrap_gap + memory.end_gap) / 2
    if memory.wrap_gap is not None:
        return gap <= memory.wrap_gap + 0.25
    if memory.end_gap is not None:
        # Clearly closer, whatever the sign: OCR boxes of tight lines overlap (a gap below 0).
        return gap < memory.end_gap - max(0.4 * abs(memory.end_gap), 0.15)
    return False


# A line that starts with a label (`MST:`, `Địa chỉ (Address):`) starts another value.
_LABELLED = re.compile(r"^[^\W\d][^:\d]{0,40}:(\s|$)")


def _end_gap(page: Page, spot: _Spot) -> float | None:
    last = spot.below[-1] if spot.below else spot.line
    lefts = (spot.words[0].bbox[0], spot.line.words[0].bbox[0])
    following = _continuation(page, last, lefts, spot.below)
    return _gap(last, following) if following is not None else None


def _find_anchor(page: Page, anchor: Anchor) -> tuple[Word, ...] | None:
    # Printed as learned, the nearest copy of the label is it; only a page where no copy
    # reads right (OCR) is compared letter by letter, which is what recall costs.
    exact = [
        line.words[start : start + anchor.words]
        for line in page.lines
        if anchor.text.split()[0] in _squash(line.text).split()
        for start in range(0, max(len(line.words) - anchor.words, 0) + 1)
        if _squash(" ".join(word.text for word in line.words[start : start + anchor.words]))
        == anchor.text
    ]
    if exact:
        return min(exact, key=lambda words: _distance(page, words, anchor))
    wanted = anchor.text.replace(" ", "")
    best: tuple[float, tuple[Word, ...]] | None = None
    # OCR joins or splits a label's words (`VAT ID` read `VATID:`): compared without spaces,
    # over one word more or fewer.
    for size in {max(anchor.words - 1, 1), anchor.words, anchor.words + 1}:
        for line in page.lines:
            for start in range(0, max(len(line.words) - size, 0) + 1):
                words = line.words[start : start + size]
                text = _squash(" ".join(word.text for word in words)).replace(" ", "")
                near = _distance(page, words, anchor)
                # A short label has no letters to spare: `Đ/c` is not `Tân`; one letter
                # misread (`trom` for `From`) counts only where the label was printed.
                alike = (
                    1.0
                    if text == wanted
                    else _one_letter(text, wanted)
                    if len(text) < 6 and near <= 2 * _JITTER
                    else 0.0
                    if len(text) < 6 or not _near_length(text, wanted)
                    else _ratio(text, wanted)
                )
                if alike < _FUZZY_ANCHOR:
                    continue
                score = alike - near
                if best is None or score > best[0]:
                    best = (score, tuple(words))
    return best[1] if best else _label_in_place(page, anchor)


def _one_letter(text: str, wanted: str) -> float:
    """1.0 for a label of four letters or more read with one letter wrong, else 0.0."""
    if len(text) != len(wanted) or len(wanted) < 4:
        return 0.0
    return 1.0 if sum(a != b for a, b in zip(text, wanted, strict=True)) == 1 else 0.0


def _distance(page: Page, words: Sequence[Word], anchor: Anchor) -> float:
    x, y = _place(page, words[0].bbox[0], words[0].bbox[1])
    return abs(x - anchor.x) + abs(y - anchor.y)


def _label_in_place(page: Page, anchor: Anchor) -> tuple[Word, ...] | None:
    """A label reworded or garbled by OCR: the line that starts where the anchor did, if it
    reads as a label."""
    for line in page.lines:
        x, y = _place(page, line.bbox[0], line.bbox[1])
        if abs(x - anchor.x) <= _JITTER / 2 and abs(y - anchor.y) <= _JITTER / 2:
            words = _label_words(line.words[:_MAX_ANCHOR_WORDS], set())
            if words:
                return words
    return None


def _near_length(first: str, second: str) -> bool:
    """Whether two texts' lengths allow them to be `_FUZZY_ANCHOR` alike (a ratio is at most
    twice the shorter length over both): most of a page is ruled out without comparing."""
    shorter, longer = sorted((len(first), len(second)))
    return 2 * shorter >= _FUZZY_ANCHOR * (shorter + longer)


def _ratio(first: str, second: str) -> float:
    return SequenceMatcher(None, first, second, autojunk=False).ratio()


def _word_at(
    page: Page, xs: tuple[float, float], y: float, anchor: tuple[Word, ...], reach_y: float
) -> tuple[Line, int] | None:
    """The word starting nearest to one of `xs` at height `y`, within a little jitter across
    and `reach_y` down or up, that is neither the anchor nor left of it on its row."""
    best: tuple[float, Line, int] | None = None
    reach_x = 2 * _JITTER * page.width
    last = anchor[-1].bbox if anchor else None
    for line in page.lines:
        for index, word in enumerate(line.words):
            dy = abs(word.bbox[1] - y)
            if dy > reach_y:
                continue
            if any(word is label for label in anchor) or (
                last is not None and word.bbox[1] < last[3] and word.bbox[0] < last[0]
            ):
                continue
            dx = min(abs(word.bbox[0] - x) for x in xs)
            if dx > reach_x:
                continue
            distance = dx / max(page.width, 1.0) + dy / max(page.height, 1.0)
            if best is None or distance < best[0]:
                best = (distance, line, index)
    return (best[1], best[2]) if best else None


# --- applying -------------------------------------------------------------------------------


def apply(
    document: ParsedDocument,
    *,
    doc_type: str,
    fields: dict[str, Any],
    confidence: dict[str, float],
    memories: Sequence[Memory],
) -> list[Recalled]:
    """Lay the matching memories' values over a generic reading, in place, and say which were
    used. A recalled value is used only in its field's form, never over a generic value that
    a cross-check confirmed, and never when it breaks the totals the generic values kept."""
    if doc_type in NEVER_LEARNED:
        return []
    chosen = matching(document, doc_type=doc_type, memories=memories)
    used: list[Recalled] = []
    page = layout_print(document)
    for memory in chosen:
        assert memory.field is not None
        path = memory.field.path
        if confidence.get(path, 0.0) >= level.CORROBORATED:
            continue
        # With no label to find again, only the page's geometry says the value is there: its
        # words must sit where they sat (a letter whose text flows alike is not enough).
        if memory.field.anchor.side == "top" and _same_places(page, memory.layout) < SAME_LAYOUT:
            continue
        read = recall(document, memory.field)
        if read is None or not _checks(memory.field.kind, read[0]):
            continue
        if path == "amount_in_words" and not _words_agree(read[0], fields):
            continue
        value, line = read
        before = get_path(fields, path)
        # A yes/no is the record's boolean, read from the answer word printed.
        stored: str | bool = value == "true" if memory.field.kind == "flag" else value
        if not set_path(fields, path, stored) and not (
            _add_entries(fields, path, memory.field.roles) and set_path(fields, path, stored)
        ):
            continue
        if _totals_broken(fields) and not _totals_broken(_with(fields, path, before)):
            set_path(fields, path, before)
            continue
        used.append(Recalled(path, value, line, memory))
    return used


def _add_entries(fields: dict[str, Any], path: str, roles: Sequence[str] | None) -> bool:
    """Give a list the entries up to the one `path` names that the reading did not find,
    each with its learned role; False when there is no list or no roles to make them with."""
    entry = re.match(r"^(\w+)\[(\d+)\]\.", path)
    if entry is None or roles is None or int(entry.group(2)) >= len(roles):
        return False
    listed = fields.setdefault(entry.group(1), [])
    if not isinstance(listed, list):
        return False
    for role in roles[len(listed) : int(entry.group(2)) + 1]:
        listed.append({"role": role})
    return True


def matching(
    document: ParsedDocument, *, doc_type: str, memories: Sequence[Memory]
) -> list[Memory]:
    """The field memories that serve this document: of its type, of a sender printed on it,
    on its layout, not worn out by later corrections; the best-kept one per field."""
    candidates = [m for m in memories if m.doc_type == doc_type and m.field is not None]
    return _best_per_key(document, candidates, key=lambda m: m.field.path if m.field else "")


def remembered_type(document: ParsedDocument, memories: Sequence[Memory]) -> str | None:
    """The type reviewers gave this sender's documents of this layout, if they did."""
    candidates = [m for m in memories if m.doc_type_as is not None]
    chosen = _best_per_key(document, candidates, key=lambda m: "")
    return chosen[0].doc_type_as if chosen else None


def _best_per_key(
    document: ParsedDocument, memories: Sequence[Memory], *, key: Callable[[Memory], str]
) -> list[Memory]:
    if not memories:
        return []
    senders = printed_senders(document, {m.sender for m in memories})
    if not senders:
        return []
    page = layout_print(document)
    best: dict[str, tuple[float, Memory]] = {}
    # A sender's memories mostly share one layout: compared once.
    alikes: dict[tuple[tuple[str, float, float], ...], float] = {}
    for memory in memories:
        if memory.sender not in senders or memory.weight < 0.5:
            continue
        words = memory.layout.words
        if words not in alikes:
            alikes[words] = likeness(page, memory.layout)
        alike = alikes[words]
        if alike < SAME_LAYOUT:
            continue
        score = alike * memory.weight
        if key(memory) not in best or score > best[key(memory)][0]:
            best[key(memory)] = (score, memory)
    return [memory for _, memory in best.values()]


def _checks(kind: Kind, value: str) -> bool:
    if kind == "tax_id" and re.fullmatch(r"\d{10}(-\d{3})?", value):
        return bool(mst.is_valid(value))
    return bool(value.strip())


def _words_agree(words: str, fields: Mapping[str, Any]) -> bool:
    """Whether an amount in words says the record's total (or either is not known): words
    that say another amount are another reading, never the one to lay over it."""
    said, total = words_to_amount(words), decimal_or_none(fields.get("total"))
    return said is None or total is None or said == total


def _totals_broken(fields: Mapping[str, Any]) -> bool:
    amounts = [decimal_or_none(fields.get(name)) for name in _TOTALS]
    if any(amount is None for amount in amounts):
        return False
    subtotal, vat, total = amounts
    assert subtotal is not None and vat is not None and total is not None
    return abs(subtotal + vat - total) > Decimal("0.01")


def recall_into(
    document: ParsedDocument,
    *,
    doc_type: str,
    extraction: Extraction,
    memories: Sequence[Memory],
) -> list[Recalled]:
    """`apply` on an extraction: each recalled value is LEARNED (CORROBORATED when it makes
    the totals add up), OCR doubt still caps it, and its provenance names its memory."""
    used = apply(
        document,
        doc_type=doc_type,
        fields=extraction.fields,
        confidence=extraction.confidence,
        memories=memories,
    )
    for item in used:
        adds_up = item.path in _TOTALS and _totals_present(extraction.fields)
        sure = level.CORROBORATED if adds_up else level.LEARNED
        extraction.note(item.path, Found(item.value, item.line, sure))
        where = extraction.provenance[item.path]
        extraction.provenance[item.path] = where.model_copy(update={"learned_from": item.memory.id})
    return used


_TOTALS = ("subtotal", "vat_amount", "total")


def _totals_present(fields: Mapping[str, Any]) -> bool:
    return all(decimal_or_none(fields.get(name)) is not None for name in _TOTALS) and not (
        _totals_broken(fields)
    )


# --- field paths ------------------------------------------------------------------------------

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _STEP.findall(path)]


def get_path(fields: Mapping[str, Any], path: str) -> Any:
    node: Any = fields
    for step in _steps(path):
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return None
        elif not isinstance(node, Mapping):
            return None
        node = node[step] if isinstance(step, int) else node.get(step)
    return node


def set_path(fields: dict[str, Any], path: str, value: Any) -> bool:
    """Set a leaf whose parents exist (or are objects that can be made); False otherwise."""
    steps = _steps(path)
    node: Any = fields
    for step in steps[:-1]:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return False
            node = node[step]
        else:
            if not isinstance(node, dict):
                return False
            node = node.setdefault(step, {})
    last = steps[-1]
    if isinstance(last, int) or not isinstance(node, dict):
        return False
    node[last] = value
    return True


def _with(fields: Mapping[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(dict(fields))
    set_path(changed, path, value)
    return changed


def leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """Every scalar in a record's fields by its path (`seller.tax_id`, `parties[1].name`)."""
    if isinstance(value, Mapping):
        found: dict[str, Any] = {}
        for key, item in value.items():
            found |= leaves(item, f"{prefix}.{key}" if prefix else str(key))
        return found
    if isinstance(value, list):
        found = {}
        for index, item in enumerate(value):
            found |= leaves(item, f"{prefix}[{index}]")
        return found
    return {prefix: value}


# --- forms ----------------------------------------------------------------------------------


# A registration number of another country, printed without a prefix (a Singapore UEN
# `201862842M`): letters and at least six digits in one token.
_ID_TOKEN = re.compile(r"(?<![\w-])(?=(?:[A-Z-]*\d){6})[0-9A-Z][0-9A-Z-]{6,18}[0-9A-Z](?![\w-])")


# Figures printed one to a box, as pre-printed forms print a tax code: OCR reads the boxes'
# walls as bars or brackets between them (`8|6|2|2|8|4|5|3|7]4`).
_BOXED = re.compile(r"(?<![\w|\[\]])[|\[\]]?\d(?:[|\[\]]\d){5,}[|\[\]]?(?![\w|\[\]])")


def _unboxed(text: str) -> str:
    """The text with each number printed in boxes joined into its figures."""
    return _BOXED.sub(lambda match: re.sub(r"\D", "", match.group(0)), text)


def _tax_id(text: str) -> str | None:
    text = _unboxed(text)
    found = parse_foreign_tax_id(text) or parse_tax_id(text)
    if found is None and (token := _ID_TOKEN.search(text)) is not None:
        return token.group(0)
    return found


def _text(text: str) -> str | None:
    return clean_text(text) or None


def _date(text: str) -> str | None:
    # Bilingual glosses sit inside a printed date: `16 tháng (month) 02 năm (year) 2026`.
    text = _as_figures(re.sub(r"\([^()\d]{1,20}\)", " ", text))
    return parse_date(text) or parse_date(_MONTH_WORD.sub(_month_misread, text))


def _money(text: str) -> str | None:
    # A figure OCR read as a letter no figure looks like (`1ó.94`): the amount is unreadable,
    # not the `1` before it.
    text = _as_figures(text)
    return None if _GARBLED_FIGURE.search(text) else parse_money(text)


_GARBLED_FIGURE = re.compile(r"(?<=\d)[^\W\d_](?=[.,]?\d)")


# Letters OCR reads for the figures they look like, in a word of figures (`I1` for `11`,
# `2O15` for `2015`): a word with a figure and nothing but figures, these and signs.
_FIGURES_WORD = re.compile(r"(?<!\S)(?=\S*\d)[\dIlO|.,/:$()-]+(?!\S)")
_LOOK_ALIKE = str.maketrans({"I": "1", "l": "1", "|": "1", "O": "0"})


def _as_figures(text: str) -> str:
    return _FIGURES_WORD.sub(lambda match: match.group(0).translate(_LOOK_ALIKE), text)


_MONTH_WORD = re.compile(r"\b[^\W\d_]{3,9}\b")


def _is_month(word: str) -> bool:
    folded = _squash(word)
    return (
        folded in _MONTHS_EN or bool(folded) and _MONTH_WORD.sub(_month_misread, folded) != folded
    )


def _month_misread(match: re.Match[str]) -> str:
    """A month's name with one letter misread (`dan 1, 2022`): the month it can only be; a
    word one letter from two months (`mav`: `mar` or `may`) or from none is left as is."""
    word = match.group(0).lower()
    if word in _MONTHS_EN:
        return match.group(0)
    near = {
        _MONTHS_EN[name]
        for name in _MONTHS_EN
        if len(name) == len(word) and sum(a != b for a, b in zip(name, word, strict=True)) == 1
    }
    if len(near) != 1:
        return match.group(0)
    (month,) = near
    return next(name for name, number in _MONTHS_EN.items() if number == month)


def _currency(text: str) -> str | None:
    """A currency printed as one word, a code or a sign (`VNĐ`, `US$`, `€`), as its ISO code:
    a span of several words would find one anywhere in it, not at the learned place. Not
    `đồng`, a word of other words too (`Hợp đồng`, `Đồng tiền thanh toán`)."""
    if len(text.split()) != 1 or _squash(text) == "dong":
        return None
    return find_currency(text)


def _answer(text: str) -> str | None:
    """A yes/no printed as one word (`Có`, `No`), as `true` or `false`."""
    word = _squash(text)
    return "true" if word in _YES else "false" if word in _NO else None


_PARSERS: dict[Kind, Callable[[str], str | None]] = {
    "money": _money,
    "date": _date,
    "tax_id": _tax_id,
    "rate": parse_vat_rate,
    "currency": _currency,
    "flag": _answer,
    "text": _text,
}
# The kinds whose values hold figures: a line without one holds none of them.
_FIGURES = frozenset({"money", "date", "tax_id", "rate"})


def _normal(kind: Kind, value: str) -> str | None:
    """A value as two readings of it compare: amounts as numbers, text without case, marks or
    diacritics."""
    if not value:
        return None
    if kind == "money":
        number = decimal_or_none(value)
        return None if number is None else str(number.normalize())
    if kind == "text":
        return _squash(value) or None
    if kind in ("flag", "currency"):
        # A reviewer's answer (`True`, `VND`) and a printed one (`Có`, `VNĐ`) alike.
        return _PARSERS[kind](value)
    return value
