"""Checked rules kept on disk, so a new process does not read and check every pack again.

Loading rules reads the YAML, validates every rule and runs every example: most of what a
short-lived process (`backoffice extract` of one file, a freshly started worker) spends
before its first record. The result is kept in the cache folder under a key made of the
bytes of every file it was read from and of the code that reads and compiles them, so an
edited pack, overlay, VAT table or master data file, or another version of this code or of
rule-engine, is a different key and is loaded afresh. Rule-engine's expressions do not
pickle: each rule is kept as the rule it was written as, and each of its expressions is
parsed again when an evaluation first needs it (see `CompiledRule.__reduce__`): a process
parses the conditions of the rules it runs, and the messages of those that fail.

Many workers share the folder: a file is written under a temporary name and renamed into
place, so a reader sees a whole file or none; a file that cannot be read back (truncated,
from another Python) is ignored and written again. The folder is the service's own (beside
its database and secret key): what is in it is trusted as those are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from rules.engine import RulePack, RuleSet
from rules.functions import BUSINESS_TZ

log = logging.getLogger(__name__)

# Bumped when what is kept changes shape in a way the code fingerprint would not show.
FORMAT = 2
_PREFIX = "rules-"
# The code that turns the files into rules: any change to it is a different key.
_CODE = (
    *sorted((Path(__file__).parent).glob("*.py")),
    Path(__file__).parents[1] / "extractors" / "record.py",
)


def cache_key(sources: Iterable[Path]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{sys.version}\0{version('rule-engine')}\0".encode())
    for path in (*_CODE, *sources):
        digest.update(f"{path}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:32]


def cached_rules(load: Callable[[], RuleSet], *, sources: Iterable[Path], folder: Path) -> RuleSet:
    """The rules `load` gives for these source files, from the cache when it has them."""
    try:
        path = folder / f"{_PREFIX}{cache_key(sources)}.pickle"
    except OSError:  # a missing or unreadable file: loading says which, as it always has
        return load()
    try:
        with path.open("rb") as stream:
            rules, packs = pickle.load(stream)
        if isinstance(rules, RuleSet) and isinstance(packs, dict):
            return dataclasses.replace(
                rules, packs=_Packs(packs), loaded_at=datetime.now(BUSINESS_TZ)
            )
        log.warning("rule cache %s holds something else: loading the rules again", path)
    except FileNotFoundError:
        pass
    except Exception as error:  # noqa: BLE001 - a damaged cache is only a slower start
        log.warning("rule cache %s unreadable (%s): loading the rules again", path, error)
    rules = load()
    _store(path, rules)
    return rules


class _Packs(Mapping[str, RulePack]):
    """The cached packs by document type, each compiled when first asked for: a process that
    checks only invoices never parses the other types' expressions."""

    def __init__(self, pickled: dict[str, bytes]) -> None:
        self._pickled = pickled
        self._packs: dict[str, RulePack] = {}

    def __getitem__(self, doc_type: str) -> RulePack:
        pack = self._packs.get(doc_type)
        if pack is None:
            pack = pickle.loads(self._pickled[doc_type])
            self._packs[doc_type] = pack
        return pack

    def __contains__(self, doc_type: object) -> bool:
        return doc_type in self._pickled

    def __iter__(self) -> Iterator[str]:
        return iter(self._pickled)

    def __len__(self) -> int:
        return len(self._pickled)


def _store(path: Path, rules: RuleSet) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            # Each pack apart, read back when a record of its type is first checked.
            packs = {
                doc_type: pickle.dumps(pack, protocol=pickle.HIGHEST_PROTOCOL)
                for doc_type, pack in rules.packs.items()
            }
            with os.fdopen(handle, "wb") as stream:
                pickle.dump(
                    (dataclasses.replace(rules, packs={}), packs),
                    stream,
                    protocol=pickle.HIGHEST_PROTOCOL,
                )
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as error:  # a read-only or full disk costs speed, never the rules
        log.warning("rule cache %s not written: %s", path, error)
        return
    for stale in path.parent.glob(f"{_PREFIX}*.pickle"):
        if stale != path:
            with contextlib.suppress(OSError):
                stale.unlink()
