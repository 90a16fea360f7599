"""The reader interface: bytes of one media type in, one `ParsedDocument` out.

Readers are context managers so that whatever they open or write (file handles, rendered
pages, temporary files) is released even when reading fails half-way.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import ClassVar, Protocol, Self, TypeVar, runtime_checkable

from extractors.document import ParsedDocument
from extractors.limits import ReadLimits


@runtime_checkable
class Reader(Protocol):
    @property
    def name(self) -> str: ...

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


class Closeable(Protocol):
    def close(self) -> None: ...


ResourceT = TypeVar("ResourceT", bound=Closeable)


class ClosingReader:
    """What every reader shares: a fixed set of media types, and the resources it opened
    while reading, closed on exit whatever happened."""

    name: ClassVar[str]
    media_types: ClassVar[frozenset[str]]

    def __init__(self) -> None:
        self._resources: list[Closeable] = []

    def supported_media_types(self) -> frozenset[str]:
        return self.media_types

    def score(self, media_type: str, path: Path) -> int:
        return 10 if media_type in self.media_types else 0

    def hold(self, resource: ResourceT) -> ResourceT:
        self._resources.append(resource)
        return resource

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        while self._resources:
            self._resources.pop().close()
