"""Content-addressed blob store: `<root>/ab/cd/<sha256>`.

Blobs are written to a temporary file in the store and renamed into place, so a blob at
its final path is always complete, and several machines can share one store.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from extractors.errors import BackofficeError

CHUNK = 1024 * 1024
HEAD_BYTES = 8192


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    head: bytes
    path: Path


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def put_file(self, source: Path, *, max_bytes: int | None = None) -> StoredBlob:
        """Copy `source` into the store, hashing it in the same pass."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        size = 0
        head = b""
        try:
            with source.open("rb") as src, tmp.open("wb") as dst:
                while chunk := src.read(CHUNK):
                    if len(head) < HEAD_BYTES:
                        head += chunk[: HEAD_BYTES - len(head)]
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise BlobTooLarge(size)
                dst.flush()
                os.fsync(dst.fileno())
            sha256 = digest.hexdigest()
            final = self.path_for(sha256)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return StoredBlob(sha256=sha256, size=size, head=head, path=final)


class BlobTooLarge(BackofficeError):
    code = "too_large"
    http_status = 413

    def __init__(self, size: int) -> None:
        super().__init__(f"more than {size} bytes")
        self.size = size
