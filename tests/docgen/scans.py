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
    shade: float = 0.0,
    perspective: float = 0.0,
    seed: int = 0,
) -> list[Image.Image]:
    """The document's pages as a scanner or phone would deliver them: rasterised, turned by
    `rotation` degrees clockwise, slightly skewed, blurred and speckled; a phone photo also
    has uneven light (`shade`: how much darker the far corner is, on grey paper) and is
    taken at an angle (`perspective`: how much narrower the top edge is than the bottom)."""
    import pypdfium2 as pdfium
    from PIL import ImageFilter

    rng = random.Random(seed)
    pdf = pdfium.PdfDocument(doc.pdf)
    images = []
    for page in pdf:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        if skew:
            image = image.rotate(skew, expand=True, fillcolor=255, resample=Image.BICUBIC)
        if perspective:
            image = _keystone(image, perspective)
        if shade:
            image = _shaded(image, shade)
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


def _keystone(image: Image.Image, amount: float) -> Image.Image:
    """The page seen from below its bottom edge: the top edge `amount` narrower."""
    width, height = image.size
    inset = width * amount / 2
    # PIL maps each output pixel back into the input: the output's top corners come from
    # points outside the page, so the page's top edge appears narrower.
    coefficients = _perspective_coefficients(
        [(0, 0), (width, 0), (width, height), (0, height)],
        [(-inset, 0), (width + inset, 0), (width, height), (0, height)],
    )
    return image.transform(
        image.size, Image.PERSPECTIVE, coefficients, Image.BICUBIC, fillcolor=255
    )


def _perspective_coefficients(
    output: list[tuple[float, float]], source: list[tuple[float, float]]
) -> list[float]:
    import numpy

    rows = []
    for (x, y), (u, v) in zip(output, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = numpy.array(rows, dtype=float)
    target = numpy.array([coordinate for point in source for coordinate in point], dtype=float)
    return [float(value) for value in numpy.linalg.solve(matrix, target)]


def _shaded(image: Image.Image, amount: float) -> Image.Image:
    """Grey paper under a lamp: light falls off towards the bottom-right corner."""
    import numpy

    height, width = image.height, image.width
    ramp = (numpy.linspace(0, 1, width)[None, :] + numpy.linspace(0, 1, height)[:, None]) / 2
    light = 0.92 - amount * ramp  # grey paper even where the light is best
    pixels = numpy.asarray(image, dtype=float) * light
    return Image.fromarray(pixels.clip(0, 255).astype(numpy.uint8), "L")
