"""A sender's series: the documents one supplier, partner or agency sends month after month.

`layout.make(seed)` draws every choice from its seed, so two seeds of one layout are two
senders who happen to share a template, with their labels reworded. A series keeps what a
sender's own template keeps and lets the rest change: `draw(make, sender_seed, index)` runs
the same generator with a random source that splits its draws in two.

- The sender's draws repeat on every document of the series: the picks (`choice`, `sample`,
  `shuffle`, `random`, `uniform`: label wording, placement, which company, which goods), and
  every number drawn for a party's identity (tax codes, addresses, phones, accounts, people,
  company names: in the helpers that make them, or on a line that names them). Each such
  draw is seeded by where the generator makes it (its call sites) and how many times it made
  it there before, so a document with more lines or paragraphs still prints the same labels
  after them.
- The document's values change with `index`: every other number (`randint`, `randrange`):
  the document number, dates, quantities, prices and so the amounts, how many lines.

Nothing of the plain generator changes: its modules see this source only inside `draw`.
"""

from __future__ import annotations

import linecache
import random
import re
import sys
import types
from collections import Counter
from collections.abc import Callable, Iterator, MutableSequence, Sequence
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path
from random import Random as _Random
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from types import FrameType

    from _typeshed import SupportsLenAndGetItem

from tests.docgen.common import GeneratedDocument

_T = TypeVar("_T")
_HERE = str(Path(__file__).resolve().parent)

# The helpers that draw a party's identity: what a sender prints the same on every document.
_IDENTITY = frozenset(
    {
        "mst",
        "address",
        "person",
        "_vi_address",
        "_vi_tax_id",
        "_personal_tax_id",
        "_account",
        "_vi_mobile",
        "_vi_landline",
        "_phone",
        "_en_email",
        "_vi_email",
        "_vat_number",
        "_eu_vat",
        "_digits",
        "_person",
        "_vi_person",
        "_en_person",
        "_vi_company",
        "_en_vn_company",
        "_foreign_company",
        "_vi_individual",
    }
)


# A number drawn inline for a party's identity: `"address": f"{rng.randint(1, 99)} Market St"`.
_IDENTITY_LINE = re.compile(r"address|tax|\breg\b|account|phone|\bTel\b|Sort code")


class SeriesRandom(random.Random):
    """The random source of document `index` of the series seeded `seed` (see the module)."""

    def __init__(self, seed: Any = None, index: int = 0) -> None:
        self._seed = str(seed)
        self._values = _Random(f"{self._seed}|document-{index}")
        self._seen: Counter[tuple[tuple[str, int], ...]] = Counter()
        super().__init__(seed)

    def _sender(self) -> random.Random:
        """A source seeded by the generator's call sites of this draw and its count there."""
        sites: list[tuple[str, int]] = []
        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            # This module's own lines are not the generator's: editing them keeps the draws.
            if frame.f_code.co_filename.startswith(_HERE) and frame.f_code.co_filename != __file__:
                sites.append((Path(frame.f_code.co_filename).name, frame.f_lineno))
            frame = frame.f_back
        key = tuple(sites)
        self._seen[key] += 1
        return _Random(f"{self._seed}|{key}|{self._seen[key]}")

    def _identity(self) -> bool:
        caller = sys._getframe(2)
        if _IDENTITY_LINE.search(linecache.getline(caller.f_code.co_filename, caller.f_lineno)):
            return True
        frame: FrameType | None = caller
        while frame is not None:
            if frame.f_code.co_filename.startswith(_HERE) and frame.f_code.co_name in _IDENTITY:
                return True
            frame = frame.f_back
        return False

    def random(self) -> float:
        return self._sender().random()

    def uniform(self, a: float, b: float) -> float:
        return self._sender().uniform(a, b)

    def choice(self, seq: SupportsLenAndGetItem[_T]) -> _T:
        return self._sender().choice(seq)

    def choices(
        self,
        population: SupportsLenAndGetItem[_T],
        weights: Sequence[float | Fraction] | None = None,
        *,
        cum_weights: Sequence[float | Fraction] | None = None,
        k: int = 1,
    ) -> list[_T]:
        return self._sender().choices(population, weights, cum_weights=cum_weights, k=k)

    def sample(self, population: Sequence[_T], k: int, **kwargs: Any) -> list[_T]:
        return self._sender().sample(population, k, **kwargs)

    def shuffle(self, x: MutableSequence[Any]) -> None:
        self._sender().shuffle(x)

    def randint(self, a: int, b: int) -> int:
        return self._sender().randint(a, b) if self._identity() else self._values.randint(a, b)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        source = self._sender() if self._identity() else self._values
        return source.randrange(start, stop, step)


class _RandomModule(types.ModuleType):
    """`random` as a generator module sees it inside `draw`: its `Random` is the series'."""

    def __init__(self, index: int) -> None:
        super().__init__("random")
        self._index = index

    def __getattr__(self, name: str) -> Any:
        return getattr(random, name)

    def Random(self, seed: Any = None) -> SeriesRandom:  # noqa: N802 - random.Random's name
        return SeriesRandom(seed, self._index)


@contextmanager
def _series_source(index: int) -> Iterator[None]:
    modules = [
        module
        for name, module in list(sys.modules.items())
        if name.startswith("tests.docgen.")
        and name != __name__
        and getattr(module, "random", None) is random
    ]
    shim = _RandomModule(index)
    for module in modules:
        module.random = shim  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for module in modules:
            module.random = random  # type: ignore[attr-defined]


def draw(
    make: Callable[[int], GeneratedDocument], sender_seed: int, index: int
) -> GeneratedDocument:
    """Document `index` (0, 1, …) of the series of sender `sender_seed` drawn by `make` (a
    layout's `make`, `tests.docgen.invoice`, …): same sender and template, new values."""
    with _series_source(index):
        return make(sender_seed)
