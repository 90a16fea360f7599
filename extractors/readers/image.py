"""Photos and scans: PNG, JPEG, TIFF (every page) and WebP, read by OCR.

The pixel count is checked from the header before any pixel is decoded, so a decompression
bomb is refused without touching memory.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from extractors.document import ParsedDocument
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.ocr import PageSource, document_from_ocr
from extractors.pages import needs, ocr_pages
from extractors.readers.base import ClosingReader

_DEFAULT_DPI = 300.0
_ORIENTATION = 0x0112  # EXIF tag: how the camera held the picture
# Formats tesseract (leptonica) reads itself, so an upright single page needs no re-encoding.
_AS_IS = frozenset({"PNG", "JPEG", "TIFF"})
# What Pillow raises on damaged files, besides OSError.
_DAMAGED = (OSError, ValueError, SyntaxError, struct.error)


class ImageReader(ClosingReader):
    name = "image-ocr"
    media_types = frozenset({"image/png", "image/jpeg", "image/tiff", "image/webp"})

    def read(self, path: Path, *, limits: ReadLimits) -> ParsedDocument:
        # PIL's own bomb guard warns below 2x its limit; ours refuses at the configured one.
        Image.MAX_IMAGE_PIXELS = None
        try:
            image = self.hold(Image.open(path))
        except (UnidentifiedImageError, OSError) as exc:
            raise ExtractionError("corrupt_file", f"not a readable image ({exc})") from exc
        try:
            frames = getattr(image, "n_frames", 1)  # a TIFF is walked frame by frame for it
        except _DAMAGED as exc:
            raise ExtractionError("corrupt_file", f"a damaged image ({exc})") from exc
        if frames > limits.max_pages:
            raise ExtractionError("too_large", f"the image has over {limits.max_pages} pages")
        # Frames are decoded one at a time as tesseracts become free (see `ocr_pages`): a
        # multi-page TIFF is not held whole in memory.
        outcomes = ocr_pages(
            _pages(image, path, frames, limits),
            timeout=limits.ocr_timeout_seconds,
            parallelism=limits.ocr_parallelism,
        )
        return document_from_ocr(image.get_format_mimetype() or "image", list(outcomes))


def _pages(
    image: Image.Image, path: Path, frames: int, limits: ReadLimits
) -> Iterator[tuple[int, PageSource, float]]:
    try:
        for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if frame.width * frame.height > limits.max_pixels:
                raise ExtractionError(
                    "too_large",
                    f"page {index} is {frame.width}x{frame.height} pixels; the limit is "
                    f"{limits.max_pixels} pixels",
                )
            if not needs(index):
                continue
            if frames == 1 and image.format in _AS_IS and _upright(frame):
                yield index, path, _dpi(frame)
                continue
            upright = ImageOps.exif_transpose(frame).convert("L")
            yield index, upright, _dpi(frame)
            del upright  # the OCR task holds the page now; let it go when that ends
    except _DAMAGED as exc:  # decoding a frame, or seeking to the next one
        raise ExtractionError("corrupt_file", f"a damaged image ({exc})") from exc


def _upright(image: Image.Image) -> bool:
    try:
        return bool(image.getexif().get(_ORIENTATION, 1) == 1)
    except _DAMAGED:
        return False  # decoded below, where the damage is reported


def _dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) >= 50:
        return float(dpi[0])
    return _DEFAULT_DPI
