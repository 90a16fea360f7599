"""The reader interface: bytes of one media type in, one `ParsedDocument` out.

Readers are context managers so that whatever they open or write (file handles, rendered
pages, temporary files) is released even when reading fails half-way.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from extractors.document import ParsedDocument
from extractors.limits import ReadLimits


@runtime_checkable
class Reader(Protocol):
    name: str

    def supported_media_types(self) -> frozenset[str]: ...

    def score(self, media_type: str, path: Path) -> int:
        """How well this reader handles the file; the registry picks the highest, 0 = no."""
        ...

    def read(self, path: Path, *, limits: ReadLimits) -> ParsedDocument: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...
