"""Scans and photos of generated documents: rendered pages with rotation, skew, noise and blur."""

from __future__ import annotations

import io
import random
from typing import Any

from PIL import Image

from tests.docgen.common import GeneratedDocument

# --- scans and photos --------------------------------------------------------------------


def scan_image(
    doc: GeneratedDocument,
    *,
    dpi: int = 300,
    rotation: int = 0,
    skew: float = 0.0,
    noise: float = 0.0,
    blur: float = 0.0,
    seed: int = 0,
) -> list[Image.Image]:
    """The document's pages as a scanner or phone would deliver them: rasterised, turned by
    `rotation` degrees clockwise, slightly skewed, blurred and speckled."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    rng = random.Random(seed)
    pdf = pdfium.PdfDocument(doc.pdf)
    images = []
    for page in pdf:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if skew:
            image = image.rotate(skew, expand=True, fillcolor=255, resample=Image.BICUBIC)
        if blur:
            image = image.filter(ImageFilter.GaussianBlur(blur))
        if noise:
            pixels = image.load()
            for _ in range(int(image.width * image.height * noise)):
                x, y = rng.randrange(image.width), rng.randrange(image.height)
                pixels[x, y] = rng.choice((0, 255))
        if rotation:
            image = image.rotate(-rotation, expand=True)
        images.append(image)
    return images


def scanned_pdf(
    doc: GeneratedDocument, *, dpi: int = 300, jpeg_quality: int = 75, **effects: Any
) -> bytes:
    """An image-only PDF, JPEG-compressed like a scanner's output: no text layer at all."""
    images = scan_image(doc, dpi=dpi, **effects)
    buffer = io.BytesIO()
    images[0].save(
        buffer,
        format="PDF",
        resolution=dpi,
        save_all=True,
        append_images=images[1:],
        quality=jpeg_quality,
    )
    return buffer.getvalue()


def photo(
    doc: GeneratedDocument, *, image_format: str = "PNG", dpi: int = 300, **effects: Any
) -> bytes:
    """The first page as a PNG/JPEG/WebP/TIFF file (every page for TIFF)."""
    images = scan_image(doc, dpi=dpi, **effects)
    buffer = io.BytesIO()
    if image_format == "TIFF":
        images[0].save(
            buffer, format="TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi)
        )
    else:
        images[0].save(buffer, format=image_format, dpi=(dpi, dpi), quality=85)
    return buffer.getvalue()
