"""Page images of stored originals, for reviewers to see where a value was read.

Pages are rendered on demand and cached on disk, keyed by the original's sha256, the page
and the scale (pixels per PDF point), so a page is rendered once whoever asks. Provenance
boxes are in PDF points from the top-left corner: a box [x0, top, x1, bottom] is drawn on a
page image at `scale` times those numbers. Images (scans, photos) measure in points at their
stated resolution (300 dpi when none), as OCR measured them.

Rendering runs in a small pool of processes, not in the API's threads: pdfium is not
thread-safe, a damaged file may crash it (a crash then takes a pool process, not the API),
and rendering is CPU-bound, so the pool's size is what bounds the cores it takes from
serving requests.

A Word original (DOCX) is shown as the pages LibreOffice lays it out in: converted to PDF
once, in the pool (`soffice --headless`, a profile directory of its own per conversion, so
two conversions never share one, and a time limit), and the PDF cached beside the images,
keyed by the original's sha256. Without LibreOffice there are no pages to show, and the
answer says why (`NoConverter`).
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

import pypdfium2 as pdfium
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from extractors.errors import BackofficeError

PDF = "application/pdf"
IMAGES = frozenset({"image/png", "image/jpeg", "image/tiff", "image/webp"})
# What a DOCX is sniffed as (a ZIP), or named as by a reader.
WORD = frozenset(
    {
        "application/zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
# A Word file LibreOffice has not converted in this long is one it never will (a conversion
# takes a few seconds): the pool process is given back.
CONVERSION_TIMEOUT_SECONDS = 120.0
MIN_SCALE, MAX_SCALE = 0.25, 4.0
# A rendered page larger than this is refused: ask for a smaller scale.
MAX_RENDERED_PIXELS = 40_000_000
_DEFAULT_DPI = 300.0
# What Pillow raises on damaged files, besides OSError.
_DAMAGED = (OSError, ValueError, SyntaxError, struct.error, EOFError)
T = TypeVar("T")


@dataclass(frozen=True)
class PageSize:
    number: int
    width_points: float
    height_points: float


class NoPageImages(BackofficeError):
    """The original has no pages to show (a Word file, an XML) or cannot be rendered."""

    code = "no_page_images"
    http_status = 404


class NoConverter(NoPageImages):
    """A Word original's pages need LibreOffice, which is not installed."""

    code = "no_converter"


class PageNotFound(BackofficeError):
    code = "page_not_found"
    http_status = 404

    def __init__(self, number: int, count: int) -> None:
        super().__init__(f"the document has {count} page(s): there is no page {number}")
        self.number, self.count = number, count


class PageTooLarge(BackofficeError):
    """The page at this scale would be too many pixels."""

    code = "page_too_large"
    http_status = 422

    def detail(self) -> list[dict[str, Any]]:
        return [{"loc": ["query", "scale"], "msg": str(self), "type": "value_error"}]


def cache_key(scale: float) -> int:
    """Scales are cached to the hundredth: 1.5 and 1.499 are one image."""
    return round(scale * 100)


class PageRenderer:
    def __init__(self, cache_dir: Path, *, processes: int, max_source_pixels: int) -> None:
        self.cache_dir = cache_dir
        self.processes = processes
        self.max_source_pixels = max_source_pixels
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def sizes(self, blob: Path, *, sha256: str, media_type: str) -> list[PageSize]:
        """Every page's size in points (cached with the images)."""
        _check_media_type(media_type)
        cached = self._dir(sha256) / f"{sha256}.json"
        if cached.is_file():
            return [PageSize(**page) for page in json.loads(cached.read_text())]
        blob, media_type = self._pageable(blob, sha256=sha256, media_type=media_type)
        sizes = self._run(page_sizes, blob, media_type, self.max_source_pixels)
        _write_atomically(cached, json.dumps([asdict(size) for size in sizes]).encode())
        return sizes

    def png(
        self, blob: Path, *, sha256: str, media_type: str, number: int, scale: float
    ) -> tuple[Path, PageSize]:
        """The page's PNG at `scale` pixels per point, and the page's size in points."""
        sizes = self.sizes(blob, sha256=sha256, media_type=media_type)
        if not 1 <= number <= len(sizes):
            raise PageNotFound(number, len(sizes))
        size = sizes[number - 1]
        key = cache_key(scale)
        if size.width_points * size.height_points * (key / 100) ** 2 > MAX_RENDERED_PIXELS:
            raise PageTooLarge(f"page {number} at scale {key / 100} is too large: lower the scale")
        target = self._dir(sha256) / f"{sha256}-p{number}-s{key}.png"
        if not target.is_file():
            blob, media_type = self._pageable(blob, sha256=sha256, media_type=media_type)
            self._run(render_page, blob, media_type, number, key / 100, target)
        return target, size

    def _pageable(self, blob: Path, *, sha256: str, media_type: str) -> tuple[Path, str]:
        """What the pages are rendered from: the original, or a Word original's PDF."""
        if media_type not in WORD:
            return blob, media_type
        converted = self._dir(sha256) / f"{sha256}.pdf"
        if not converted.is_file():
            if not blob.is_file():
                raise FileNotFoundError(blob)
            if not is_word(blob):
                raise NoPageImages("a ZIP that is not a Word document has no page images")
            converter = soffice()
            if converter is None:
                raise NoConverter(
                    "a Word original's pages are shown through LibreOffice, which is not "
                    "installed on the server: download the original from its /file"
                )
            self._run(convert_to_pdf, converter, blob, converted, CONVERSION_TIMEOUT_SECONDS)
        return converted, PDF

    def _dir(self, sha256: str) -> Path:
        return self.cache_dir / sha256[:2]

    def _run(self, function: Callable[..., T], *args: Any) -> T:
        future = self._executor().submit(function, *args)
        try:
            return future.result()
        except BrokenProcessPool as exc:
            # The file crashed the renderer: the next request gets a fresh pool.
            with self._lock:
                self._pool = None
            raise NoPageImages("the original could not be rendered") from exc

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # Spawned, not forked: a fork would copy the API's threads and connections.
                context = multiprocessing.get_context("spawn")
                self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(cancel_futures=True)
                self._pool = None


def soffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def is_word(blob: Path) -> bool:
    try:
        with zipfile.ZipFile(blob) as archive:
            return "word/document.xml" in archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


def _check_media_type(media_type: str) -> None:
    if media_type != PDF and media_type not in IMAGES and media_type not in WORD:
        raise NoPageImages(
            f"a {media_type} original has no page images: download it from its /file"
        )


# --- in the pool's processes --------------------------------------------------------------


def page_sizes(blob: Path, media_type: str, max_source_pixels: int) -> list[PageSize]:
    if media_type == PDF:
        try:
            pdf = pdfium.PdfDocument(blob)
        except pdfium.PdfiumError as exc:
            raise NoPageImages(f"the PDF cannot be opened ({exc})") from None
        try:
            return [
                PageSize(index + 1, *(round(v, 2) for v in pdf[index].get_size()))
                for index in range(len(pdf))
            ]
        finally:
            pdf.close()
    sizes = []
    try:
        with _open_image(blob) as image:
            for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if frame.width * frame.height > max_source_pixels:
                    raise NoPageImages(f"page {index} is too large an image to render")
                width, height = _upright_size(frame)
                points = 72.0 / _dpi(frame)
                sizes.append(PageSize(index, round(width * points, 2), round(height * points, 2)))
    except _DAMAGED as exc:
        raise NoPageImages(f"the image is damaged ({exc})") from None
    return sizes


def render_page(blob: Path, media_type: str, number: int, scale: float, target: Path) -> None:
    buffer = io.BytesIO()
    if media_type == PDF:
        pdf = pdfium.PdfDocument(blob)
        try:
            pdf[number - 1].render(scale=scale).to_pil().save(buffer, format="PNG")
        except pdfium.PdfiumError as exc:
            raise NoPageImages(f"page {number} cannot be rendered ({exc})") from None
        finally:
            pdf.close()
    else:
        try:
            with _open_image(blob) as image:
                frame = ImageSequence.Iterator(image)[number - 1]
                points = 72.0 / _dpi(frame)
                page = ImageOps.exif_transpose(frame)
                size = (
                    max(1, round(page.width * points * scale)),
                    max(1, round(page.height * points * scale)),
                )
                page = page.convert("L" if page.mode in ("L", "1") else "RGB")
                page.resize(size, Image.Resampling.LANCZOS).save(buffer, format="PNG")
        except _DAMAGED as exc:
            raise NoPageImages(f"page {number} cannot be rendered ({exc})") from None
    _write_atomically(target, buffer.getvalue())


def convert_to_pdf(converter: str, blob: Path, target: Path, timeout: float) -> None:
    """The Word file as LibreOffice prints it, written to `target`. Each conversion has its
    own LibreOffice profile: one profile is locked by the process using it, so conversions
    sharing one would wait on each other or fail."""
    with tempfile.TemporaryDirectory(prefix="backoffice-docx-") as work:
        folder = Path(work)
        source = folder / "original.docx"  # LibreOffice goes by the name's extension
        shutil.copyfile(blob, source)
        # Its own session: `soffice` starts `soffice.bin` under it, and a conversion that
        # hangs is stopped whole, not just its launcher.
        process = subprocess.Popen(
            [
                converter,
                f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder / "out"),
                str(source),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=os.environ | {"HOME": work},
            start_new_session=True,
        )
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise NoPageImages(
                f"LibreOffice did not convert the Word original within {timeout:g} s"
            ) from None
        produced = folder / "out" / "original.pdf"
        if not produced.is_file():
            raise NoPageImages("LibreOffice could not convert the Word original")
        _write_atomically(target, produced.read_bytes())


def _open_image(blob: Path) -> Image.Image:
    # The pixel count is checked per frame before decoding; PIL's own guard would only warn.
    Image.MAX_IMAGE_PIXELS = None
    try:
        return Image.open(blob)
    except (UnidentifiedImageError, OSError) as exc:
        raise NoPageImages(f"the image cannot be opened ({exc})") from None


def _upright_size(frame: Image.Image) -> tuple[int, int]:
    orientation = frame.getexif().get(0x0112, 1)  # EXIF: how the camera held the picture
    width, height = frame.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def _dpi(frame: Image.Image) -> float:
    dpi = frame.info.get("dpi")
    if isinstance(dpi, tuple) and dpi and float(dpi[0]) >= 50:
        return float(dpi[0])
    return _DEFAULT_DPI


def _write_atomically(target: Path, content: bytes) -> None:
    """Write to a temporary name and rename: a reader never sees half an image, and two
    renderers of one page race harmlessly."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        tmp.write_bytes(content)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
