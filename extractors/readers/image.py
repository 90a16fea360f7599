"""Photos and scans: PNG, JPEG, TIFF (every page) and WebP, read by OCR.

The pixel count is checked from the header before any pixel is decoded, so a decompression
bomb is refused without touching memory.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from extractors.document import ParsedDocument
from extractors.errors import ExtractionError
from extractors.limits import ReadLimits
from extractors.ocr import document_from_ocr, ocr_pages
from extractors.readers.base import ClosingReader

_DEFAULT_DPI = 300.0


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
        pages = []
        for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if index > limits.max_pages:
                raise ExtractionError(
                    "too_large", f"the image has over {limits.max_pages} pages"
                )
            if frame.width * frame.height > limits.max_pixels:
                raise ExtractionError(
                    "too_large",
                    f"page {index} is {frame.width}x{frame.height} pixels; the limit is "
                    f"{limits.max_pixels} pixels",
                )
            try:
                upright = ImageOps.exif_transpose(frame).convert("L")
            except OSError as exc:
                raise ExtractionError("corrupt_file", f"page {index}: {exc}") from exc
            pages.append((index, upright, _dpi(frame)))
        outcomes = ocr_pages(
            pages, timeout=limits.ocr_timeout_seconds, parallelism=limits.ocr_parallelism
        )
        return document_from_ocr(image.get_format_mimetype() or "image", outcomes)


def _dpi(image: Image.Image) -> float:
    dpi = image.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) >= 50:
        return float(dpi[0])
    return _DEFAULT_DPI
