"""Accent folding, so cues and labels match text that OCR or a typist left without
Vietnamese diacritics ("HOA DON" for "HÓA ĐƠN")."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# C0 controls but tab, line feed and carriage return (a reason may run over lines), DEL, and
# the C1 controls: nothing a person types, and NUL is refused by PostgreSQL outright. The API
# refuses them in any request; the review service in a corrected value.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    return unicodedata.normalize("NFD", char)[0]


def fold(text: str) -> str:
    """`text` without diacritics, one character for one: offsets into the folded text are
    offsets into the original (NFC) text."""
    # A line's text is folded again by every extractor that looks at it; a page's is not kept.
    return _fold_line(text) if len(text) <= _LINE else _fold(text)


_LINE = 256


def _fold(text: str) -> str:
    return "".join(_fold_char(char) for char in unicodedata.normalize("NFC", text))


_fold_line = lru_cache(maxsize=8192)(_fold)


def folded_pattern(source: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """A regex written with diacritics, matching text with or without them."""
    return re.compile(fold(source), flags)
