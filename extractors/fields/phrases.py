"""Fixed phrases found as whole tokens, without loading spaCy for every text.

The clause and job-title gazetteers were matched with spaCy's `PhraseMatcher` (attribute
LOWER) over the tokens of a blank multi-language pipeline. Loading spaCy costs a batch
process more than a second, most of the time it spends on a few dozen contracts, only to
decide where tokens start and end. The boundaries around a phrase that real text prints
(a space, a line end, brackets, quotes, commas, a hyphenated compound) are decided here by
the same rules spaCy's tokeniser applies; a phrase with anything else around it (a rare
symbol, a period after a dash) is left to spaCy itself, so what is found never changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

# (label, start, end): character offsets into the text, in spaCy's order.
Match = tuple[str, int, int]

# What spaCy's tokeniser splits off a word when it stands between the word and the space
# before it (prefixes), or the space after it (suffixes); checked against spaCy in
# tests/extractors/test_phrases.py. A period is a suffix only right after the word or a
# closing bracket or quote (after a dash or a symbol it stays glued to it), and only after
# some words (see `_whole_tokens`).
_LEAD = re.compile("[!\"#$%&'()*+,:;<=>?\\[\\]_`{}£¥§«°·»–—‘’“”…€■●\ufffd]{1,3}")
_TRAIL = re.compile(
    "[!\"#&'(),:;<>?\\[\\]_`{}«°·»–—‘’“”…■●\ufffd]{0,3}"
    "|\\.[!\"#&'(),:;<>?\\[\\]_`{}«°·»–—‘’“”…■●\ufffd]{0,2}"
    "|[)\\]}\"'”’»]{1,2}\\."
)
# Infixes: a hyphen between two letters, or a slash between a letter or digit and a letter,
# splits a compound (`Co-Founder`, `738/BHXH-VP`, `WARRANTY/DISCLAIMER`; not `5-VP`); a
# possessive's `'s` is a suffix.
_COMPOUND_LEAD = re.compile(r"(?:[A-Za-z0-9]+[-/])*(?:[A-Za-z0-9]*[A-Za-z]-|[A-Za-z0-9]+/)")
_COMPOUND_TRAIL = re.compile(r"(?:[-/][A-Za-z][A-Za-z0-9]*)+|['’][sS][,;:]?")
_FIRST_WORD = re.compile(r"[a-z]+")


class _Unsure(Exception):
    """A boundary these rules do not decide: spaCy decides it."""


class PhraseMatcher:
    """Phrases (lower-case, words separated by single spaces) under labels, found in a text
    as spaCy's `PhraseMatcher(attr="LOWER")` over `spacy.blank("xx")` finds them: each
    match a run of whole tokens whose lower-case forms are the phrase's tokens."""

    def __init__(self, phrases: Mapping[str, Iterable[str]]) -> None:
        self._phrases = {label: tuple(cues) for label, cues in phrases.items()}
        self._labels: dict[str, list[str]] = {}
        for label, cues in self._phrases.items():
            for cue in cues:
                labels = self._labels.setdefault(cue, [])
                if label not in labels:
                    labels.append(label)
        self._by_word: dict[str, list[tuple[str, list[str]]]] = {}
        for cue, labels in self._labels.items():
            self._by_word.setdefault(_FIRST_WORD.match(cue).group(), []).append((cue, labels))  # type: ignore[union-attr]
        # Where a phrase may start: its first word, whole (a letter or digit before it would
        # glue it to a longer token).
        words = "|".join(sorted(self._by_word, key=len, reverse=True))
        self._starts = re.compile(rf"(?<![^\W_])(?:{words})(?![a-z])", re.IGNORECASE)

    def find(self, text: str) -> list[Match]:
        """Every match, ordered by start, then end, then the order labels were given."""
        try:
            return self._find(text)
        except _Unsure:
            return self._spacy(text)

    def _find(self, text: str) -> list[Match]:
        found: list[Match] = []
        for word in self._starts.finditer(text):
            start = word.start()
            for cue, labels in self._by_word.get(word.group().lower(), ()):
                end = start + len(cue)
                if text[start:end].lower() != cue:
                    if "-" in cue and _spaced_compound(text, start, cue):
                        raise _Unsure
                    continue
                if _whole_tokens(text, start, end, cue):
                    found.extend((label, start, end) for label in labels)
        order = {label: index for index, label in enumerate(self._phrases)}
        found.sort(key=lambda match: (match[1], match[2], order[match[0]]))
        return found

    def _spacy(self, text: str) -> list[Match]:
        nlp, matcher = self._spacy_matcher
        doc = nlp.make_doc(text)
        return [
            (nlp.vocab.strings[match_id], doc[start].idx, doc[end - 1].idx + len(doc[end - 1]))
            for match_id, start, end in matcher(doc)
        ]

    @cached_property
    def _spacy_matcher(self) -> tuple[Any, Any]:
        import spacy
        from spacy.matcher import PhraseMatcher as SpacyMatcher

        nlp = spacy.blank("xx")
        matcher = SpacyMatcher(nlp.vocab, attr="LOWER")
        for label, cues in self._phrases.items():
            matcher.add(label, [nlp.make_doc(cue) for cue in cues])
        return nlp, matcher


def _spaced_compound(text: str, start: int, cue: str) -> bool:
    """Whether a hyphenated phrase is printed with a space beside its hyphen (`non -
    disclosure`), which spaCy may still read as its three tokens."""
    pattern = re.escape(cue).replace("\\-", " ?- ?")
    return re.match(pattern, text[start:], re.IGNORECASE) is not None


def _whole_tokens(text: str, start: int, end: int, cue: str) -> bool:
    """Whether text[start:end] starts and ends on token boundaries; _Unsure when these
    rules cannot tell."""
    chunk_start = start
    while chunk_start > 0 and not text[chunk_start - 1].isspace():
        chunk_start -= 1
    chunk_end = end
    while chunk_end < len(text) and not text[chunk_end].isspace():
        chunk_end += 1
    lead, trail = text[chunk_start:start], text[end:chunk_end]
    if (lead and lead[-1].isalnum()) or (trail and trail[0].isalnum()):
        return False  # inside a longer word
    lead_ok = not lead or _LEAD.fullmatch(lead) or _COMPOUND_LEAD.fullmatch(lead)
    trail_ok = not trail or _TRAIL.fullmatch(trail) or _COMPOUND_TRAIL.fullmatch(trail)
    # A single letter with a period or quote beside it may be one of spaCy's exceptions
    # (`a.`, `'s`), one token with them.
    short = (lead and len(_FIRST_WORD.match(cue).group()) < 2) or (  # type: ignore[union-attr]
        trail and len(cue.rsplit(" ", 1)[-1].rsplit("-", 1)[-1]) < 2
    )
    if short or not (lead_ok and trail_ok):
        raise _Unsure
    # A period after a word is its own token after a lower-case letter or two capitals
    # (`TERMINATION.`); after `LaW` it stays, as in an abbreviation.
    last = text[end - 2 : end]
    if trail.startswith(".") and not (last[-1].islower() or last.isupper()):
        raise _Unsure
    return True
