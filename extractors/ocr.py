"""Tesseract OCR: words with boxes and confidences from one TSV pass per page.

Tesseract's own threading was measured 4-5x slower than one single-threaded process per
core here, so OMP_THREAD_LIMIT=1 is set for every tesseract this process starts, and pages
run in parallel as separate tesseract processes: warm ones (extractors/ocr_engine.py), each
with its language model loaded once, that read pages from memory.

Every page is read with `vie` alone, English pages too: English documents here carry
Vietnamese names and addresses, which `eng` strips of every diacritic (word recall on nine
scanned English documents: `eng` 0.902, `vie` 0.988, `vie` with the repairs below 0.993, and
one pass instead of two). `vie` misreads a few English letter shapes the same way every time
(`lnvoice`, `BiII`); those are repaired word by word.
A page whose result looks like noise (few words, low confidence) is checked for orientation
with OSD, turned, and read again; upright pages never pay for OSD.
"""

from __future__ import annotations

import atexit
import ctypes
import math
import os
import re
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy
import pytesseract
from PIL import Image

from extractors.classify import detect_language
from extractors.document import Page, ParsedDocument, Word, group_lines
from extractors.errors import ExtractionError
from extractors.record import ErrorCode

os.environ["OMP_THREAD_LIMIT"] = "1"


def _return_page_buffers_to_the_system() -> None:
    """Page images and their arrays (9-35 MB each) are allocated by the thread rendering
    a page and freed by the one that OCR'd it. glibc raises its mmap threshold after each
    such free, so later pages come from heap arenas that keep the memory: the reader's peak
    then crept up with the page count (bench/memory.py, 20 scanned pages, one tesseract:
    204 MB, with a fixed threshold 164 MB against 148 MB for one page). Fixing the
    threshold keeps every large buffer in its own mapping, given back when freed."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return  # not glibc: nothing to tune
    m_mmap_threshold = -3
    libc.mallopt(m_mmap_threshold, 128 * 1024)


_return_page_buffers_to_the_system()


class StageClock:
    """Seconds spent in each stage of reading pages, summed over every page since the last
    `take`: bench/ocr_speed.py prints them beside bare Tesseract's time on the same pages.
    Pages run on several threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            with self._lock:
                self._seconds[stage] += elapsed

    def take(self) -> dict[str, float]:
        """The seconds per stage so far, and a fresh start."""
        with self._lock:
            seconds = dict(self._seconds)
            self._seconds.clear()
        return seconds


STAGE = StageClock()

_SPECK_CONFIDENCE = 60.0
_SPECK_HEIGHT = 0.75  # of the median word's height: smaller, an unsure word may be dust
# Tesseract sometimes reads one bold `Đ` as `ĐÐĐ`, with the Icelandic eth in between.
_DOUBLED_D = re.compile("[ĐÐ]*Ð[ĐÐ]*")
_MIN_CONFIDENCE = 0.6  # mean word confidence below which a page may be turned
# A word Tesseract is this unsure of is often a region its page layout analysis cut wrongly:
# two short lines stacked under each other (`Ký hiệu:` over `C26TCM`) read as one garbled
# word (`Fe`, confidence 0), or a figure in a table cell read beside a rule (`17708` at 40
# for `177.06`, `38` at 65 for `39`). Read alone, as a block, such a crop comes out right.
_UNSURE = 70.0
_MAX_REREAD = 12  # regions per page: a noisy photo must not cost a second full pass
_SURER = 20.0  # how much surer a re-read region must be to replace the first reading
# Figures decide whether totals add up, so they are read again below a higher confidence,
# and a clearly surer reading replaces them.
_UNSURE_NUMBER = 90.0
_SURER_NUMBER = 3.0
# Ink that gave no word: at most this many regions per page, read as words only when
# Tesseract is this sure of them (a signature or a logo reads as low-confidence noise).
_MAX_UNREAD = 6
_UNREAD_CONFIDENCE = 75.0
_BLOB_DENSITY = 0.15  # share of a grid cell's pixels that are ink, for the cell to count
_MAX_BLOB_CELLS = 20_000
_REREAD_GAP = 40  # white pixels between the crops stacked into one image
# A blank gap inside one word, in letter heights, beyond which it is two words: spaces
# between the letters of a spaced-out title stay well below it.
_SPREAD = 1.2
_MIN_WORDS = 8
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
# A word as Tesseract gives it: text, confidence, (block, paragraph, line), left, top,
# width, height in pixels.
_Box = tuple[str, float, tuple[int, int, int], float, float, float, float]


@dataclass
class OcrOutcome:
    page: Page
    language: str
    failed: str | None = None
    # Why the page failed: `timeout`, or `ocr_failed` when tesseract itself gave up.
    code: ErrorCode | None = None
    notes: list[str] = field(default_factory=list)


def failure(outcomes: list[OcrOutcome]) -> ExtractionError:
    """The error of a document none of whose OCR'd pages could be read: a timeout only when
    every page ran out of time, since a tesseract that failed will fail again."""
    codes = {o.code or "timeout" for o in outcomes if o.failed}
    code: ErrorCode = "timeout" if codes == {"timeout"} else "ocr_failed"
    return ExtractionError(code, "; ".join(f"page {o.page.number}: {o.failed}" for o in outcomes))


def document_from_ocr(media_type: str, outcomes: list[OcrOutcome]) -> ParsedDocument:
    """A document of OCR'd pages. A page that could not be read leaves the document partial,
    with the reason among its problems; when no page could be read, it is an error."""
    problems = [f"page {o.page.number}: {o.failed}" for o in outcomes if o.failed]
    if outcomes and len(problems) == len(outcomes):
        raise failure(outcomes)
    return ParsedDocument(
        media_type=media_type, pages=[o.page for o in outcomes], problems=problems
    )


# A page as a reader hands it over: an image, or its grey pixels already in an array.
PageImage = Image.Image | numpy.ndarray


class PageToRead(NamedTuple):
    number: int
    image: PageImage
    dpi: float
    # The resolution tesseract is told; 0, and it estimates one from the size of the text.
    # What it is told changes its reading (Sauvola's window is sized by it): the field
    # accuracy of bench.accuracy's photos went 0.947 -> 0.922 when the 300 dpi of the
    # JPEGs among them went untold.
    ppi: int = 0


def ocr_pages(
    images: Iterable[tuple[int, PageImage, float] | PageToRead],
    *,
    timeout: float,
    parallelism: int,
) -> Iterator[OcrOutcome]:
    """OCR `(page number, image, dpi)` triples, several tesseract processes at a time, and
    yield the outcomes in the order of `images`.

    The next image is taken from `images` only once one of `parallelism` tesseracts is free,
    so a generator that renders each page when asked holds at most `parallelism` pages in
    memory, whatever the page count (rendering all pages first took 3.4 GB for 20)."""
    width = max(1, parallelism)
    pending = iter(images)
    with ThreadPoolExecutor(max_workers=width) as pool:
        running: deque[Future[OcrOutcome]] = deque()
        while True:
            if len(running) >= width:
                yield running.popleft().result()
            item = next(pending, None)
            if item is None:
                break
            running.append(pool.submit(ocr_page, *item, timeout=timeout))
            del item  # the running task holds the page; it is freed when the task ends
        while running:
            yield running.popleft().result()


def ocr_page(
    number: int, image: PageImage, dpi: float, ppi: int = 0, *, timeout: float
) -> OcrOutcome:
    """One page, decoded once by the caller: its grey pixels are held in one array, which
    every stage reads (converting an image to an array costs ~0.02 s a page, each time),
    and tesseract reads them from memory (a PNG round trip cost ~10% of the OCR time, and
    decoding the file again for the re-read as much)."""
    with STAGE("preprocess"):
        gray = _grey(image)
        # Rules come off scanned pages only: on phone photos, bent and unevenly lit,
        # removing them cost more words than it saved (bench photos 0.73 -> 0.69). What
        # the page is decides, not its container: a photo arrives as a TIFF frame too.
        if scanned_paper(gray):
            cleaned = without_rules(gray, dpi)
            gray = gray if cleaned is None else cleaned
    rotation = 0
    try:
        words, confidence = _read(gray, "vie", number, dpi, ppi, timeout)
        if len(words) < _MIN_WORDS or confidence < _MIN_CONFIDENCE or _sideways(words):
            with STAGE("osd"):
                rotation = _orientation(gray, timeout)
            if rotation:
                gray = numpy.rot90(gray, -rotation // 90)  # clockwise
                # Turned, its resolution is left to tesseract, as it always was.
                words, confidence = _read(gray, "vie", number, dpi, 0, timeout)
        language = detect_language(" ".join(w.text for w in words))
    # TesseractError is a RuntimeError: it must be caught first, or a tesseract that
    # failed reads as a timeout.
    except pytesseract.TesseractError as exc:
        return OcrOutcome(
            _page(number, _size(gray), dpi, []),
            "vi",
            failed=f"OCR failed: {_tesseract_message(exc)}",
            code="ocr_failed",
        )
    except RuntimeError as exc:  # past the time limit
        return OcrOutcome(
            _page(number, _size(gray), dpi, []),
            "vi",
            failed=f"OCR timed out: {exc}",
            code="timeout",
        )
    page = _page(number, _size(gray), dpi, words)
    page.notes.append("ocr_used")
    if rotation:
        page.notes.append(f"rotated_{rotation}")
    return OcrOutcome(page, language)


def _grey(image: PageImage) -> numpy.ndarray:
    if isinstance(image, numpy.ndarray):
        return image
    return numpy.asarray(image if image.mode == "L" else image.convert("L"))


def _size(gray: numpy.ndarray) -> tuple[int, int]:
    return gray.shape[1], gray.shape[0]


def _write_pgm(path: Path, gray: numpy.ndarray) -> None:
    height, width = gray.shape
    with path.open("wb") as file:
        file.write(b"P5\n%d %d\n255\n" % (width, height))
        file.write(numpy.ascontiguousarray(gray, dtype=numpy.uint8).tobytes())


def _page(number: int, size: tuple[int, int], dpi: float, words: list[Word]) -> Page:
    scale = 72.0 / dpi
    return Page(
        number=number,
        width=size[0] * scale,
        height=size[1] * scale,
        lines=group_lines(words, number),
    )


def _tesseract_message(exc: pytesseract.TesseractError) -> str:
    return f"tesseract exited with status {exc.status}: {exc.message or 'no message'}"


# Page segmentation modes: a whole page, its blocks found by layout analysis; one uniform
# block of text (the stacked crops of a re-read).
_PSM_PAGE = 3
_PSM_BLOCK = 6
_TSV_COLUMNS = (
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
)


class _Engine:
    """A warm tesseract process (extractors/ocr_engine.py) with its language model loaded,
    reading one image at a time from memory. One that dies (libtesseract aborts on some
    images) or runs past its time is gone; the next page starts another."""

    def __init__(self, language: str) -> None:
        # Where a dying libtesseract says why; a file, as a pipe nobody reads would fill.
        # It lives as long as the engine: `close` closes it.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, "-I", str(Path(__file__).with_name("ocr_engine.py")), language],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
        )

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def tsv(self, gray: numpy.ndarray, psm: int, ppi: int, timeout: float) -> str:
        """Tesseract's TSV of the grey pixels, read within `timeout` seconds; `ppi` is
        their resolution, 0 for tesseract to estimate it."""
        if self._process.stdin is None or self._process.stdout is None:
            raise pytesseract.TesseractError(0, "the engine has no pipes")
        pixels = numpy.ascontiguousarray(gray, dtype=numpy.uint8)
        height, width = pixels.shape
        request = f"{psm} {width} {height} {max(1, int(timeout * 1000))} {ppi}\n".encode()
        try:
            self._process.stdin.write(request)
            self._process.stdin.write(pixels.data)
            self._process.stdin.flush()
            # The engine stops recognising at its deadline itself; layout analysis before
            # it does not look at the clock, so the process is stopped a little later.
            ready, _, _ = select.select([self._process.stdout], [], [], timeout + 1.0)
            if not ready:
                self.close()
                raise RuntimeError(f"tesseract ran past {timeout:g} s")
            answer = self._process.stdout.readline().split()
            if len(answer) != 2:
                raise BrokenPipeError
            body = self._process.stdout.read(int(answer[1]))
        except (BrokenPipeError, ValueError):
            raise self._died() from None
        if answer[0] == b"timeout":
            raise RuntimeError(f"tesseract ran past {timeout:g} s")
        if answer[0] != b"ok":
            raise pytesseract.TesseractError(0, "recognition failed")
        return body.decode("utf-8", errors="replace")

    def _died(self) -> pytesseract.TesseractError:
        status = self._process.wait()
        self._errors.seek(0)
        said = self._errors.read().decode(errors="replace").strip().splitlines()
        self.close()
        return pytesseract.TesseractError(status, said[-1] if said else "")

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._errors.close()


class _Engines:
    """Warm engines, one per page being read at once, kept between documents: starting
    one and loading its model costs more than reading a short page's re-read crops."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner = os.getpid()
        self._idle: dict[str, list[_Engine]] = defaultdict(list)
        atexit.register(self.close)

    @contextmanager
    def __call__(self, language: str) -> Iterator[_Engine]:
        with self._lock:
            if os.getpid() != self._owner:
                # A forked child shares its parent's pipes: it starts engines of its own.
                self._owner, self._idle = os.getpid(), defaultdict(list)
            idle = self._idle[language]
            engine = idle.pop() if idle else None
        if engine is None:
            with STAGE("engine_start"):
                engine = _Engine(language)
        try:
            yield engine
        finally:
            if engine.alive:
                with self._lock:
                    self._idle[language].append(engine)

    def close(self) -> None:
        with self._lock:
            engines = [engine for idle in self._idle.values() for engine in idle]
            self._idle.clear()
        for engine in engines:
            engine.close()


_ENGINES = _Engines()


def _data(
    gray: numpy.ndarray, language: str, psm: int, ppi: int, timeout: float
) -> dict[str, list[Any]]:
    """Tesseract's TSV of the grey pixels as columns, numbers as whole numbers: the
    confidences too (`88.81` is 88), as every threshold here was set on them so."""
    with _ENGINES(language) as engine:
        tsv = engine.tsv(gray, psm, ppi, timeout)
    columns: dict[str, list[Any]] = {name: [] for name in _TSV_COLUMNS}
    for row in tsv.splitlines():
        values = row.split("\t", len(_TSV_COLUMNS) - 1)
        if len(values) != len(_TSV_COLUMNS):
            continue
        for name, value in zip(_TSV_COLUMNS[:-1], values, strict=False):
            columns[name].append(int(float(value)))
        columns["text"].append(values[-1])
    return columns


def _read(
    gray: numpy.ndarray, language: str, number: int, dpi: float, ppi: int, timeout: float
) -> tuple[list[Word], float]:
    with STAGE("tesseract"):
        data = _data(gray, language, _PSM_PAGE, ppi, timeout)
    boxes: list[_Box] = []
    for index, text in enumerate(data["text"]):
        confidence = float(data["conf"][index])
        left, top = float(data["left"][index]), float(data["top"][index])
        width, height = float(data["width"][index]), float(data["height"][index])
        text, left, width = _without_bars(text.strip(), left, width)
        if not text or confidence < 0:
            continue
        # Specks and table rules read as stray punctuation, and Tesseract says it is unsure.
        if confidence < _SPECK_CONFIDENCE and not any(char.isalnum() for char in text):
            continue
        line = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        boxes.append((text, confidence, line, left, top, width, height))
    boxes = _printed_bars_only(boxes)
    boxes = _reread_unsure(gray, language, boxes, timeout)
    angle = _skew(boxes)
    cos, sin = math.cos(angle), math.sin(angle)
    scale = 72.0 / dpi
    words: list[Word] = []
    for text, confidence, _, left, top, width, height in boxes:
        # Turn each box's centre back by the page's skew, so that the words of one printed
        # line share a row again; small angles leave the boxes' own sizes as they were.
        cx, cy = left + width / 2, top + height / 2
        cx, cy = cx * cos + cy * sin, -cx * sin + cy * cos
        words.append(
            Word(
                text=repair_word(unicodedata.normalize("NFC", text)),
                bbox=(
                    (cx - width / 2) * scale,
                    (cy - height / 2) * scale,
                    (cx + width / 2) * scale,
                    (cy + height / 2) * scale,
                ),
                page=number,
                confidence=round(confidence / 100, 3),
                source="ocr",
            )
        )
    mean = sum(w.confidence for w in words) / len(words) if words else 0.0
    return words, mean


def _reread_unsure(
    gray: numpy.ndarray, language: str, boxes: list[_Box], timeout: float
) -> list[_Box]:
    """`boxes` with the regions Tesseract was unsure of, or left unread, read again, each
    crop on its own as a block of text; all crops go through one tesseract run, stacked into
    one image. Unsure words side by side are one region (a value garbled into pieces:
    `_AN P. N.-`). A region's new words replace its old ones only when they are read with
    clearly more confidence; ink nobody read takes new words read with confidence. A word
    spread over a wide blank gap is read again piece by piece, and becomes those pieces
    when each reads with confidence. A word with a glyph nothing prints is read alone and
    gives way to any clean reading made with confidence; a small unsure word that reads as
    nothing alone is dust, and goes."""
    with STAGE("spread_words"):
        splits = _spread_words(gray, boxes)
    split = {id(box) for box, _ in splits}
    unsure = [box for box in boxes if _unsure(box) and id(box) not in split]
    # A stray glyph is read on its own: cropped with a garbled neighbour, the two misread
    # each other again (`TINVOICE) s¿,` comes back `INVOICE) s¿,`; `s¿,` alone is `Số:`).
    stray = [box for box in unsure if _stray(box[0])]
    groups = _side_by_side([box for box in unsure if not _stray(box[0])])
    groups = sorted(groups + [[box] for box in stray], key=lambda group: min(b[1] for b in group))
    targets: list[tuple[tuple[int, int, int, int], list[_Box]]] = [
        (_region(group, _size(gray)), group) for group in groups[:_MAX_REREAD]
    ]
    with STAGE("unread_ink"):
        targets += [(region, []) for region in _unread_ink(gray, boxes)]
    if not targets and not splits:
        return boxes
    regions = [region for region, _ in targets]
    regions += [part for _, parts in splits for part in parts]
    found = _read_regions(gray, regions, language, timeout)
    if found is None:
        return boxes  # the first reading stands
    result = list(boxes)
    letters = statistics.median([box[6] for box in boxes if box[0].isalpha()] or [0.0])
    pieces = iter(found[len(targets) :])
    for box, parts in splits:
        read = [next(pieces) for _ in parts]
        # Each piece on its own must give a word, read with confidence: else the joined
        # reading, whatever it is, is all there is.
        if all(read) and all(
            statistics.mean(b[1] for b in words) >= _UNREAD_CONFIDENCE for words in read
        ):
            result = [other for other in result if other is not box]
            result += [word for words in read for word in words]
    for (_, group), new in zip(targets, found[: len(targets)], strict=True):
        mine = {id(box) for box in group}
        others = [box for box in result if id(box) not in mine]
        # The crop's margins reach into neighbouring words, read well or re-read in a
        # neighbouring crop: those are not read twice, nor do they vouch for the crop.
        settled = [other for other in others if not _unsure(other) or _reread(other)]
        fresh = [box for box in new if not any(_covers(other, box) for other in settled)]
        if not fresh:
            if group and all(_speck(box, letters) for box in group):
                result = others  # read alone it is no text at all: dust, not a word
            continue
        now = statistics.mean(box[1] for box in fresh)
        if group:
            was = statistics.mean(box[1] for box in group)
            # A figure read whole and sure beats a shaky reading of it: alone on its line,
            # `1.433.440` at 81 comes back as `4.433.440` at 96.
            margin = _SURER_NUMBER if all(_numeric(box[0]) for box in group) else _SURER
            better = now >= was + margin
            if any(_stray(box[0]) for box in group):
                # A glyph nothing prints is wrong however sure Tesseract was: a clean reading
                # read with confidence is better.
                better = better or (
                    now >= _UNREAD_CONFIDENCE and not any(_stray(box[0]) for box in fresh)
                )
        else:
            better = now >= _UNREAD_CONFIDENCE
        if better:
            result = others + fresh
    return _reread_stray(gray, result, language, timeout)


def _reread_stray(
    gray: numpy.ndarray, boxes: list[_Box], language: str, timeout: float
) -> list[_Box]:
    """A region read again can come back with a stray glyph of its own (`My b2`, two
    garbled column numbers, as `1 ⁄2`): each such word is read once more, alone, and its
    new reading replaces it when it is clean and read with confidence."""
    stray = [box for box in boxes if _reread(box) and _stray(box[0])][:_MAX_REREAD]
    if not stray:
        return boxes
    found = _read_regions(gray, [_region([box], _size(gray)) for box in stray], language, timeout)
    if found is None:
        return boxes
    result = list(boxes)
    for box, new in zip(stray, found, strict=True):
        others = [other for other in result if other is not box]
        fresh = [word for word in new if not any(_covers(other, word) for other in others)]
        if (
            fresh
            and statistics.mean(word[1] for word in fresh) >= _UNREAD_CONFIDENCE
            and not any(_stray(word[0]) for word in fresh)
        ):
            result = others + fresh
    return result


def _read_regions(
    gray: numpy.ndarray, regions: list[tuple[int, int, int, int]], language: str, timeout: float
) -> list[list[_Box]] | None:
    """The words of each region, each crop read on its own as a block of text, all in one
    tesseract run with the crops stacked into one image; None when tesseract failed. A word
    cut by a crop's edge is left out: it is read in full where it is."""
    with STAGE("reread"):
        crops = [gray[top:bottom, left:right] for left, top, right, bottom in regions]
        # White all round each crop: text against the image's edge reads worse (`€32,317.81`
        # at the top left of the stack came back as `t17,317`).
        border = _REREAD_GAP // 2
        stack = numpy.full(
            (
                sum(crop.shape[0] + _REREAD_GAP for crop in crops) + border,
                max(crop.shape[1] for crop in crops) + 2 * border,
            ),
            255,
            dtype=numpy.uint8,
        )
        offsets: list[int] = []
        y = border
        for crop in crops:
            stack[y : y + crop.shape[0], border : border + crop.shape[1]] = crop
            offsets.append(y)
            y += crop.shape[0] + _REREAD_GAP
        try:
            data = _data(stack, language, _PSM_BLOCK, 0, timeout)
        except RuntimeError:  # a timeout or a TesseractError
            return None
    found: list[list[_Box]] = [[] for _ in regions]
    for index, text in enumerate(data["text"]):
        confidence = float(data["conf"][index])
        left, top = float(data["left"][index]), float(data["top"][index])
        width, height = float(data["width"][index]), float(data["height"][index])
        text, left, width = _without_bars(text.strip(), left, width)
        if not any(char.isalnum() for char in text) or confidence < 0:
            continue
        centre = top + height / 2
        which = next(
            (
                number
                for number, (offset, crop) in enumerate(zip(offsets, crops, strict=True))
                if offset <= centre < offset + crop.shape[0]
            ),
            None,
        )
        left -= border
        if which is None or left <= 2 or left + width >= crops[which].shape[1] - 2:
            continue  # a neighbour cut by the crop's edge: read in full where it is
        x0, y0 = regions[which][0], regions[which][1] - offsets[which]
        line = (_REREAD_BLOCK + which, data["par_num"][index], data["line_num"][index])
        found[which].append((text, confidence, line, left + x0, top + y0, width, height))
    return found


def _spread_words(
    gray: numpy.ndarray, boxes: list[_Box]
) -> list[tuple[_Box, list[tuple[int, int, int, int]]]]:
    """Words whose ink has a blank gap wider than a letter is tall: Tesseract sometimes
    takes two cells of a table for one word once the rule between them is gone (`1` and
    `2` of a column-number row read as `12` or `1.2`; a unit price and an amount as
    `76000608000`). No word is printed so spread out; each piece is one region to read
    again on its own. Largest gaps first, at most `_MAX_REREAD` words a page."""
    found: list[tuple[float, _Box, list[tuple[int, int, int, int]]]] = []
    for box in boxes:
        text, _, _, left, top, width, height = box
        if len(text) < 2 or width < 2 * height:
            continue
        crop = gray[int(top) : int(top + height), int(left) : int(left + width)]
        if crop.size == 0:
            continue
        # Ink against this word's own paper: a photo's shade differs across the page.
        paper = float(numpy.percentile(crop, 90))
        columns = (crop < paper * _INK_SHARE).any(axis=0)
        inked = numpy.flatnonzero(columns)
        if inked.size == 0:
            continue
        pieces: list[tuple[int, int]] = []
        start = previous = int(inked[0])
        widest = 0
        for column in inked[1:]:
            gap = int(column) - previous - 1
            if gap > _SPREAD * height:
                pieces.append((start, previous + 1))
                widest = max(widest, gap)
                start = int(column)
            previous = int(column)
        pieces.append((start, previous + 1))
        if len(pieces) < 2:
            continue
        margin = max(10, int(0.25 * height))
        regions = [
            (
                max(0, int(left) + a - margin),
                max(0, int(top - margin)),
                min(gray.shape[1], int(left) + b + margin),
                min(gray.shape[0], int(top + height + margin)),
            )
            for a, b in pieces
        ]
        found.append((widest / height, box, regions))
    found.sort(key=lambda item: -item[0])
    return [(box, regions) for _, box, regions in found[:_MAX_REREAD]]


# A vertical table rule Tesseract reads as a character glued to the end of a cell's value,
# with a piece of the horizontal rule it meets (`SL|`, `2_|`): no value on a business
# document starts or ends with a bar. (Alone, `|` may be printed: see `_LONE_BARS`.)
_BARS = re.compile(r"^[|¦│_]*[|¦│][|¦│_]*|[|¦│_]*[|¦│][|¦│_]*$")
# A horizontal rule's stub read after a cell's value (`2_.`, `3_`) or before it (`_PO`):
# no printed value starts or ends with an underscore.
_STUB = re.compile(r"(?<=[^\W_])_+[._-]*$|^_+(?=[^\W_])")
# Nor does a figure grouped in thousands end in a separator (`39.831.600.`): the end of a
# rule beside it, or a full stop that is no part of the value.
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+[.,]")


def _without_bars(text: str, left: float, width: float) -> tuple[str, float, float]:
    """The word without the rules read into it, and its box narrowed to what is left (in
    proportion to the characters), so a row number with a stub does not reach into the
    next column. A bar alone is left for `_printed_bars_only` to judge by its size."""
    raw = text
    if text in _LONE_BARS:
        return text, left, width
    text = _BARS.sub("", text)
    text = _STUB.sub("", text)
    if _GROUPED.fullmatch(text):
        text = text[:-1]
    if not text or text == raw:
        return text, left, width
    start = raw.find(text)
    share = width / len(raw)
    return text, left + max(0, start) * share, len(text) * share


_LONE_BARS = frozenset("|¦│")
# A bar printed as a separator (`Seattle, WA | +1 (206) 555-0136` heading a CV) is a glyph
# of the text's height, thin; a table rule read as `|` is taller than the letters (it
# spans the cell's padding) and, on a skewed photo, wide (bench: printed 1.15x the median
# word's height and 5 px wide; rules 1.4-2.3x, 14-54 px).
_BAR_HEIGHT = 1.3
_BAR_WIDTH = 0.25  # of its own height


def _printed_bars_only(boxes: list[_Box]) -> list[_Box]:
    """Lone bars that are table rules dropped; printed separators kept."""
    heights = [box[6] for box in boxes if any(char.isalpha() for char in box[0])]
    if not heights:
        return [box for box in boxes if box[0] not in _LONE_BARS]
    tallest = _BAR_HEIGHT * statistics.median(heights)
    return [
        box
        for box in boxes
        if box[0] not in _LONE_BARS or (box[6] <= tallest and box[5] <= _BAR_WIDTH * box[6])
    ]


# Glyphs Tesseract emits for a blurred letter or a speck that no invoice, contract, CV or
# letter prints: inverted punctuation, the fraction slash, spacing accents standing alone
# (`s¿,` for `Số:`, `⁄2` for an italic `2`, `ˆ` for a dot of dust). Tesseract may still be
# fairly sure of them, so they are read again whatever its confidence.
_STRAY_GLYPHS = frozenset("¿¡⁄¬¦§¶")


def _speck(box: _Box, letters: float) -> bool:
    """Whether a word may be dust Tesseract read as text (`1"` at 41 between two rows of a
    table): read with little confidence, and smaller than the page's words."""
    return box[1] < _SPECK_CONFIDENCE and box[6] < _SPECK_HEIGHT * letters


def _stray(text: str) -> bool:
    return any(char in _STRAY_GLYPHS or unicodedata.category(char) in ("Sk", "Lm") for char in text)


def _unsure(box: _Box) -> bool:
    text, confidence = box[0], box[1]
    if _stray(text):
        return True
    if _numeric(text):
        return confidence < _UNSURE_NUMBER
    return confidence < _UNSURE and any(char.isalnum() for char in text)


def _numeric(text: str) -> bool:
    """A figure: an amount, a code of digits, a date; a stray letter or two inside is what
    a misreading looks like (`$2,B23.28`)."""
    digits = sum(char.isdigit() for char in text)
    return digits >= 2 and digits >= 0.6 * sum(char.isalnum() for char in text)


def _region(group: list[_Box], size: tuple[int, int]) -> tuple[int, int, int, int]:
    left = min(box[3] for box in group)
    top = min(box[4] for box in group)
    right = max(box[3] + box[5] for box in group)
    bottom = max(box[4] + box[6] for box in group)
    height = bottom - top
    margin = max(10.0, 0.25 * height)
    return (
        max(0, int(left - margin)),
        max(0, int(top - margin)),
        # Further right: a value cut off the merged region is read whole.
        min(size[0], int(right + margin + height)),
        min(size[1], int(bottom + margin)),
    )


def _unread_ink(gray: numpy.ndarray, boxes: list[_Box]) -> list[tuple[int, int, int, int]]:
    """Regions of the page that look like text but gave no word at all: Tesseract's layout
    analysis sometimes drops a short line beside a title (`Ngày 12 tháng 05 năm 2026`, the
    series under `Ký hiệu`). Ink is what is left once every word read is blanked out; it is
    gathered into blobs on a grid of quarter line heights, and blobs shaped like one or two
    lines of text are kept, largest first."""
    if len(boxes) < _MIN_WORDS:
        return []
    line = statistics.median(box[6] for box in boxes)
    pixels = gray[::2, ::2]  # half resolution: blobs, not letters
    ink = _ink(pixels)
    pad = int(0.2 * line) + 1  # diacritics above and below a word's box belong to it
    for _, _, _, left, top, width, height in boxes:
        ink[
            max(0, int(top / 2) - pad) : int((top + height) / 2) + pad,
            max(0, int(left / 2) - pad) : int((left + width) / 2) + pad,
        ] = False
    cell = max(2, int(line / 8))
    rows, columns = ink.shape[0] // cell, ink.shape[1] // cell
    grid = ink[: rows * cell, : columns * cell].reshape(rows, cell, columns, cell)
    density = grid.mean(axis=(1, 3))
    occupied = density >= _BLOB_DENSITY
    # Letters of a word and words of a line sit less than half a line apart.
    bridged = occupied.copy()
    for shift in (1, 2):
        bridged[:, shift:] |= occupied[:, :-shift]
    if bridged.sum() > _MAX_BLOB_CELLS:
        return []  # a photo's texture or a picture, not a missed line
    regions: list[tuple[float, tuple[int, int, int, int]]] = []
    for top, left, bottom, right in _blobs(bridged):
        height = (bottom - top) * cell * 2
        width = (right - left) * cell * 2
        if not (0.6 * line <= height <= 3 * line and width >= line):
            continue
        if top == 0 or left == 0 or bottom >= rows or right >= columns:
            continue  # the scanner's edge
        margin = int(0.4 * line)
        regions.append(
            (
                height * width,
                (
                    max(0, left * cell * 2 - margin),
                    max(0, top * cell * 2 - margin),
                    min(gray.shape[1], right * cell * 2 + margin),
                    min(gray.shape[0], bottom * cell * 2 + margin),
                ),
            )
        )
    regions.sort(key=lambda item: -item[0])
    return [region for _, region in regions[:_MAX_UNREAD]]


def _blobs(mask: numpy.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (top, left, bottom, right; ends exclusive) of the 8-connected groups
    of True cells."""
    seen = numpy.zeros_like(mask)
    height, width = mask.shape
    found: list[tuple[int, int, int, int]] = []
    for start_row, start_column in zip(*numpy.nonzero(mask), strict=True):
        if seen[start_row, start_column]:
            continue
        seen[start_row, start_column] = True
        stack = [(int(start_row), int(start_column))]
        top, left, bottom, right = height, width, 0, 0
        while stack:
            row, column = stack.pop()
            top, left = min(top, row), min(left, column)
            bottom, right = max(bottom, row + 1), max(right, column + 1)
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    r, c = row + dr, column + dc
                    if 0 <= r < height and 0 <= c < width and mask[r, c] and not seen[r, c]:
                        seen[r, c] = True
                        stack.append((r, c))
        found.append((top, left, bottom, right))
    return found


def _side_by_side(boxes: list[_Box]) -> list[list[_Box]]:
    """The boxes in groups of neighbours on one line, less than 1.5 line heights apart. Boxes
    that overlap a little are neighbours too: Tesseract's boxes for the pieces of one
    garbled blob often do, and cropped apart each piece cuts the other's letters."""
    groups: list[list[_Box]] = []
    # Left to right: the pieces of one line rarely share a top (`1.8L` sits a pixel above
    # the `K2,` before it).
    for box in sorted(boxes, key=lambda box: (box[3], box[4])):
        for group in groups:
            last = group[-1]
            height = max(last[6], box[6])
            same_line = abs((last[4] + last[6] / 2) - (box[4] + box[6] / 2)) < height / 2
            if same_line and -height / 2 <= box[3] - (last[3] + last[5]) < 1.5 * height:
                group.append(box)
                break
        else:
            groups.append([box])
    return groups


_REREAD_BLOCK = 10_000  # block numbers of words read again, apart from the page's own


def _reread(box: _Box) -> bool:
    return box[2][0] >= _REREAD_BLOCK


def _covers(box: _Box, other: _Box) -> bool:
    """Whether `other`'s centre lies inside `box`."""
    cx, cy = other[3] + other[5] / 2, other[4] + other[6] / 2
    return box[3] <= cx <= box[3] + box[5] and box[4] <= cy <= box[4] + box[6]


def _skew(boxes: list[_Box]) -> float:
    """The page's skew in radians: the median slope of the lines Tesseract found, each
    fitted through its words' centres. Scans come a degree or two off; Tesseract reads
    them, but its boxes keep the slope, and a slope of 2 degrees over a line moves its last
    word a full line down."""
    lines: dict[tuple[int, int, int], list[tuple[float, float]]] = defaultdict(list)
    for _, _, line, left, top, width, height in boxes:
        lines[line].append((left + width / 2, top + height / 2))
    slopes = []
    for points in lines.values():
        if len(points) < 3:
            continue
        xs, ys = zip(*points, strict=True)
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        spread = sum((x - mean_x) ** 2 for x in xs)
        if max(xs) - min(xs) < 300 or spread == 0:
            continue
        slopes.append(sum((x - mean_x) * (y - mean_y) for x, y in points) / spread)
    if len(slopes) < 3:
        return 0.0
    angle = math.atan(statistics.median(slopes))
    return angle if abs(angle) > math.radians(0.2) else 0.0


def _sideways(words: list[Word]) -> bool:
    """Tesseract reads a page turned by 90 degrees, but its boxes stay turned with it:
    most words are then taller than wide."""
    long_words = [w for w in words if len(w.text) >= 4]
    if len(long_words) < _MIN_WORDS:
        return False
    tall = sum(1 for w in long_words if (w.bbox[3] - w.bbox[1]) > (w.bbox[2] - w.bbox[0]))
    return tall > 0.6 * len(long_words)


def _orientation(gray: numpy.ndarray, timeout: float) -> int:
    """Degrees to turn the page clockwise to make it upright (0, 90, 180 or 270). OSD needs
    its own model and runs on few pages: the `tesseract` command does it, from a PGM."""
    with tempfile.TemporaryDirectory(prefix="backoffice-ocr-") as tmp:
        path = Path(tmp) / "page.pgm"
        _write_pgm(path, gray)
        try:
            report = pytesseract.image_to_osd(str(path), config="--psm 0", timeout=timeout)
        except pytesseract.TesseractError:
            return 0  # too little text to tell: leave the page as it is
    match = _ROTATE.search(report)
    return int(match.group(1)) % 360 if match else 0


def repair_word(text: str) -> str:
    """Undo the letter confusions `vie` makes on English words: `I` after a lower-case
    letter is `l` (`BiII` → `Bill`; no word has a capital I inside it), and a word-initial
    `l` before a capital, or before `n`, `s`, `t` or `m` and a lower-case letter, is `I`
    (`lnvoice`, `lssued`, `ltem`, `lD`; no Vietnamese or English word starts so, `ltd` apart);
    the eth `Ð` is Vietnamese `Đ`, and a doubled `Đ` is one."""
    chars = list(text)
    for index in range(1, len(chars)):
        if chars[index] == "I" and chars[index - 1].islower():
            chars[index] = "l"
    if (
        len(chars) > 1
        and chars[0] == "l"
        and (
            chars[1].isupper()
            or (
                chars[1] in "nstm"
                and len(chars) > 2
                and chars[2].islower()
                and not text.startswith("ltd")
            )
        )
    ):
        chars[0] = "I"
    return _DOUBLED_D.sub("Đ", "".join(chars))


# Table rules and boxes: Tesseract takes a ruled table for a picture and skips it (word
# recall on ruled invoice tables 0.62-0.86 with the rules, 0.98-0.99 without). A rule is a
# straight run of ink at least this long; no letter in body text comes near it.
_RULE_INCHES = 0.4
_INK_SHARE = 0.55  # ink is darker than this share of the paper's brightness


# A scanner lights the page evenly: its paper is near white everywhere. A phone photo's
# paper is grey and darker towards one side (bench photos: paper 140-220, scans 255).
_SCAN_PAPER = 225
_SCAN_PAPER_SPREAD = 30
_PAPER_BLOCK = 64  # pixels of the quarter-resolution page: about an inch at 300 dpi


def scanned_paper(gray: numpy.ndarray) -> bool:
    """Whether the page (grey pixels) looks scanned rather than photographed: the paper
    around the text is bright and even across the page."""
    pixels = gray[::4, ::4]
    rows, columns = pixels.shape[0] // _PAPER_BLOCK, pixels.shape[1] // _PAPER_BLOCK
    if not rows or not columns:
        return True  # too small to judge the light; a scan is the common case
    tiles = (
        pixels[: rows * _PAPER_BLOCK, : columns * _PAPER_BLOCK]
        .reshape(rows, _PAPER_BLOCK, columns, _PAPER_BLOCK)
        .transpose(0, 2, 1, 3)
        .reshape(rows, columns, -1)
    )
    # A bright percentile of each tile is its paper, whatever text it holds.
    paper = numpy.percentile(tiles, 90, axis=2)
    low, middle, high = numpy.percentile(paper, [5, 50, 95])
    return bool(middle >= _SCAN_PAPER and high - low <= _SCAN_PAPER_SPREAD)


def without_rules(pixels: numpy.ndarray, dpi: float = 300.0) -> numpy.ndarray | None:
    """The page (grey pixels) with its long horizontal and vertical rules whitened, or None
    when it has none. Rules are found at half resolution (they are long; 4x less work)."""
    small = _ink(pixels[::2, ::2])
    length = max(8, int(dpi * _RULE_INCHES / 2))
    # Thickened across the rule's direction, a rule a degree or two off the axis still
    # makes one long run.
    tall = small | numpy.roll(small, 1, axis=0) | numpy.roll(small, -1, axis=0)
    wide = small | numpy.roll(small, 1, axis=1) | numpy.roll(small, -1, axis=1)
    rules = (_runs(tall, length) & small) | (_runs(wide.T, length).T & small)
    if not rules.any():
        return None
    # A blurred or JPEG-compressed rule has a grey fringe too light to count as ink, yet
    # Sauvola, judging each pixel against its white neighbourhood, turns it back into a thin
    # line that reads as `|`, `_` or `-` beside a cell's value: the fringe goes as well.
    grown = rules.copy()
    grown[1:, :] |= rules[:-1, :]
    grown[:-1, :] |= rules[1:, :]
    grown[:, 1:] |= rules[:, :-1]
    grown[:, :-1] |= rules[:, 1:]
    cleaned = pixels.copy()
    # Each pixel of `grown` stands for a 2x2 block of the page.
    for row in (0, 1):
        for column in (0, 1):
            block = cleaned[row::2, column::2]
            block[grown[: block.shape[0], : block.shape[1]]] = 255
    return cleaned


def _ink(pixels: numpy.ndarray, block: int = 16) -> numpy.ndarray:
    """Pixels much darker than the paper around them: a photo's shadow is not ink."""
    height, width = pixels.shape
    rows, columns = -(-height // block), -(-width // block)
    padded = numpy.full((rows * block, columns * block), 255, dtype=numpy.uint8)
    padded[:height, :width] = pixels
    blocks = padded.reshape(rows, block, columns, block)
    tiles = blocks.transpose(0, 2, 1, 3).reshape(rows, columns, block * block)
    # A bright percentile, not the maximum: scanner speckle is pure white on any paper.
    paper = numpy.partition(tiles, int(0.9 * block * block), axis=2)[:, :, int(0.9 * block * block)]
    # A block sitting on a rule or a bold word still has paper in a neighbouring block.
    paper = numpy.maximum(paper, numpy.roll(paper, 1, axis=0))
    paper = numpy.maximum(paper, numpy.roll(paper, 1, axis=1))
    # A whole pixel is below `paper * share` exactly when it is below that product rounded
    # up: comparing bytes with bytes, block by block, is 2x faster than with floats.
    darker = numpy.ceil(paper.astype(numpy.int16) * _INK_SHARE).astype(numpy.uint8)
    ink: numpy.ndarray = blocks < darker[:, None, :, None]
    return ink.reshape(rows * block, columns * block)[:height, :width]


def _runs(mask: numpy.ndarray, length: int) -> numpy.ndarray:
    """Where `mask` holds a horizontal run of at least `length` True pixels: run starts and
    ends from one pass over the flattened rows, then marked back with a cumulative sum."""
    rows, width = mask.shape
    padded = numpy.zeros((rows, width + 2), dtype=numpy.int8)
    padded[:, 1:-1] = mask
    flat = padded.ravel()
    steps = numpy.diff(flat)
    starts = numpy.flatnonzero(steps == 1)
    ends = numpy.flatnonzero(steps == -1)
    keep = (ends - starts) >= length
    marks = numpy.zeros(flat.size + 1, dtype=numpy.int32)
    # Starts are distinct, and so are ends: plain indexing adds each mark once.
    marks[starts[keep] + 1] += 1
    marks[ends[keep] + 1] -= 1
    return (numpy.cumsum(marks)[: flat.size] > 0).reshape(rows, width + 2)[:, 1:-1]
