"""How much of a page's text a reading recovered: word recall, shared by the reading benchmark
and the OCR tests."""

from __future__ import annotations

import re


def words_of(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def recall(expected: list[str], got: list[str]) -> float:
    """The share of the expected words found, each found word used once."""
    remaining: dict[str, int] = {}
    for word in got:
        remaining[word] = remaining.get(word, 0) + 1
    found = 0
    for word in expected:
        if remaining.get(word, 0) > 0:
            remaining[word] -= 1
            found += 1
    return found / len(expected)
