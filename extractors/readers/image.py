"""Photos and scans: PNG, JPEG, TIFF (every page) and WebP, read by OCR.

The pixel count is checked from the header before any pixel is decoded, so a decompression
bomb is refused without touching memory. Each page is then decoded once, here: tesseract
and the re-read of doubtful regions work from those pixels (see `extractors.ocr`).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import numpy
from PIL import Image, ImageSequence, UnidentifiedImageError

from extractors.document import ParsedDocument
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.ocr import STAGE, PageToRead, document_from_ocr
from extractors.pages import needs, ocr_pages
from extractors.readers.base import ClosingReader

_DEFAULT_DPI = 300.0
_ORIENTATION = 0x0112  # EXIF tag: how the camera held the picture
# What turns a picture taken with each EXIF orientation upright (as ImageOps.exif_transpose).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# Files tesseract used to read itself when they held one upright page: it took their
# resolution from them, and is told it still (see `PageToRead.ppi`).
_TOLD = frozenset({"PNG", "JPEG", "TIFF"})
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
            _pages(image, frames, limits),
            timeout=limits.ocr_timeout_seconds,
            parallelism=limits.ocr_parallelism,
        )
        return document_from_ocr(image.get_format_mimetype() or "image", list(outcomes))


def _pages(image: Image.Image, frames: int, limits: ReadLimits) -> Iterator[PageToRead]:
    try:
        for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if frame.width * frame.height > limits.max_pixels:
                raise ExtractionError(
                    "too_large",
                    f"page {index} is {frame.width}x{frame.height} pixels; the limit is "
                    f"{limits.max_pixels} pixels",
                )
            if not needs(index):
                continue  # a page job read it already
            with STAGE("decode"):
                # The one decoding the page gets. A PNG's orientation tag may follow its
                # pixels: Pillow decodes them to look for it, so it is asked for after.
                frame.load()
                turn = _UPRIGHT.get(frame.getexif().get(_ORIENTATION, 1))
                grey = frame.convert("L")
                page = numpy.asarray(grey if turn is None else grey.transpose(turn))
                del grey
            told = frames == 1 and image.format in _TOLD and turn is None
            yield PageToRead(index, page, _dpi(frame), _ppi(frame) if told else 0)
            del page  # the OCR task holds the page now; let it go when that ends
    except _DAMAGED as exc:  # decoding a frame, or seeking to the next one
        raise ExtractionError("corrupt_file", f"a damaged image ({exc})") from exc


def _ppi(image: Image.Image) -> int:
    """The resolution the file states, as tesseract's image library reads it: 0 if none."""
    dpi = image.info.get("dpi")
    return round(float(dpi[1])) if isinstance(dpi, tuple) and len(dpi) == 2 else 0


def _dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) >= 50:
        return float(dpi[0])
    return _DEFAULT_DPI
