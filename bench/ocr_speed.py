"""OCR speed against bare Tesseract, on the same pages, in the same run.

    nice -n 5 .venv/bin/python -m bench.ocr_speed               # 16 pages, 3 rounds
    nice -n 5 .venv/bin/python -m bench.ocr_speed --rounds 5 --keep /tmp/pages

Pages: the first page of generated invoices, contracts and letters, rasterised at 300 dpi
the way a scanner delivers them (PNG; noise, blur, a degree of skew, some tilted by two) or
a phone does (JPEG; grey paper lit from one side, taken at an angle). Each page is read by
bare `tesseract PAGE - -l vie --psm 3` and by the service's image reader, warm (imported and
one page read before timing), one page at a time, both with OMP_THREAD_LIMIT=1; within a
round the two sides alternate which goes first. Wall times are noisy on a shared machine:
the ratios of per-page medians over the rounds are what to read, and CPU seconds (bare
tesseract's; the service's own, all threads, and its warm tesseracts'), which other
engineers' load disturbs far less, are printed beside them.

Printed: per page, the median wall seconds of each side and their ratio, and the CPU
ratio; the median of the wall ratios (the acceptance figure: at most 1.10) and of the CPU
ratios; and the service's stages (extractors.ocr's STAGE clock, wall seconds), as a share
of bare Tesseract's time on the same pages.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from extractors.limits import ReadLimits
from extractors.ocr import STAGE
from extractors.readers.image import ImageReader
from tests import docgen
from tests.docgen.common import GeneratedDocument

LIMITS = ReadLimits(ocr_parallelism=1, ocr_timeout_seconds=300)
TARGET = 1.10

# (name, generator, seed, format, effects)
_Spec = tuple[str, Callable[[int], GeneratedDocument], int, str, dict[str, Any]]
_SCAN = {"noise": 0.001, "blur": 0.4}
_PHOTO = {"noise": 0.002, "blur": 0.6, "shade": 0.5, "perspective": 0.03}


def _invoice(language: str) -> Callable[[int], GeneratedDocument]:
    return lambda seed: docgen.invoice(seed, language=language)


def _contract(language: str) -> Callable[[int], GeneratedDocument]:
    return lambda seed: docgen.contract(seed, language=language)


PAGES: list[_Spec] = [
    ("invoice-vi", _invoice("vi"), 2, "PNG", {**_SCAN, "skew": 0.6}),
    ("invoice-en", _invoice("en"), 3, "PNG", {**_SCAN, "skew": -0.4}),
    ("invoice-vi", _invoice("vi"), 4, "PNG", {**_SCAN, "skew": 2.0}),
    ("invoice-en", _invoice("en"), 5, "PNG", {**_SCAN, "skew": 0.0}),
    ("invoice-vi", _invoice("vi"), 6, "JPEG", {**_PHOTO, "skew": 1.2}),
    ("invoice-en", _invoice("en"), 7, "JPEG", {**_PHOTO, "skew": -1.0}),
    ("contract-vi", _contract("vi"), 2, "PNG", {**_SCAN, "skew": 0.3}),
    ("contract-en", _contract("en"), 3, "PNG", {**_SCAN, "skew": -2.0}),
    ("contract-vi", _contract("vi"), 4, "PNG", {**_SCAN, "skew": 0.0}),
    ("contract-en", _contract("en"), 5, "JPEG", {**_PHOTO, "skew": 0.8}),
    ("letter-vi", docgen.dispatch, 2, "PNG", {**_SCAN, "skew": 0.5}),
    ("letter-vi", docgen.dispatch, 3, "PNG", {**_SCAN, "skew": -1.8}),
    ("letter-vi", docgen.dispatch, 4, "PNG", {**_SCAN, "skew": 0.0}),
    ("letter-vi", docgen.dispatch, 5, "JPEG", {**_PHOTO, "skew": -0.6}),
    ("invoice-vi", _invoice("vi"), 8, "PNG", {**_SCAN, "skew": -0.8}),
    ("contract-vi", _contract("vi"), 6, "PNG", {**_SCAN, "skew": 1.5}),
]


def make_pages(directory: Path) -> list[Path]:
    paths = []
    for index, (name, make, seed, image_format, effects) in enumerate(PAGES, start=1):
        content = docgen.photo(make(seed), image_format=image_format, seed=seed, **effects)
        suffix = ".png" if image_format == "PNG" else ".jpg"
        path = directory / f"{index:02d}-{name}-{seed}{suffix}"
        path.write_bytes(content)
        paths.append(path)
    return paths


def _children_cpu() -> float:
    """CPU seconds of this process's children: those waited for (bare tesseract, OSD) and
    those still running (the service's warm tesseracts, read from /proc)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    ticks = 0
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except FileNotFoundError:
                continue  # it ended in between
            fields = stat.rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return usage.ru_utime + usage.ru_stime + ticks / os.sysconf("SC_CLK_TCK")


def bare_tesseract(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds of bare tesseract reading the page."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(
        ["tesseract", str(path), "-", "-l", "vie", "--psm", "3"],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started, _children_cpu() - cpu


def service(path: Path) -> tuple[float, float, dict[str, float]]:
    """Wall and CPU seconds of the image reader reading the page, and its stages."""
    STAGE.take()
    cpu = time.process_time() + _children_cpu()
    started = time.perf_counter()
    with ImageReader() as reader:
        reader.read(path, limits=LIMITS)
    wall = time.perf_counter() - started
    return wall, time.process_time() + _children_cpu() - cpu, STAGE.take()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the pages here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.keep or Path(tmp)
        directory.mkdir(parents=True, exist_ok=True)
        paths = make_pages(directory)
        service(paths[0])  # warm: imports, the page buffers' first allocation
        bare: dict[Path, list[float]] = defaultdict(list)
        ours: dict[Path, list[float]] = defaultdict(list)
        bare_cpu: dict[Path, list[float]] = defaultdict(list)
        ours_cpu: dict[Path, list[float]] = defaultdict(list)
        stages: dict[Path, list[dict[str, float]]] = defaultdict(list)
        for round_number in range(args.rounds):
            for index, path in enumerate(paths):
                if (index + round_number) % 2:
                    wall, cpu = bare_tesseract(path)
                    seconds, used, split = service(path)
                else:
                    seconds, used, split = service(path)
                    wall, cpu = bare_tesseract(path)
                bare[path].append(wall)
                bare_cpu[path].append(cpu)
                ours[path].append(seconds)
                ours_cpu[path].append(used)
                stages[path].append(split)
    print(f"{len(paths)} pages, {args.rounds} rounds; medians per page (wall s)\n")
    print(f"{'page':<28} {'tesseract':>9} {'service':>8} {'ratio':>6} {'cpu ratio':>9}")
    ratios, cpu_ratios = [], []
    for path in paths:
        b, o = statistics.median(bare[path]), statistics.median(ours[path])
        cpu_ratio = statistics.median(ours_cpu[path]) / statistics.median(bare_cpu[path])
        ratios.append(o / b)
        cpu_ratios.append(cpu_ratio)
        print(f"{path.stem:<28} {b:9.2f} {o:8.2f} {o / b:6.2f} {cpu_ratio:9.2f}")
    total_bare = sum(statistics.median(bare[path]) for path in paths)
    total_ours = sum(statistics.median(ours[path]) for path in paths)
    print(f"\nsum of medians: tesseract {total_bare:.1f} s, service {total_ours:.1f} s")
    print("\nstages (median seconds per page, summed over pages, as a share of tesseract's):")
    names = sorted({name for runs in stages.values() for split in runs for name in split})
    for name in names:
        seconds = sum(
            statistics.median(split.get(name, 0.0) for split in stages[path]) for path in paths
        )
        print(f"  {name:<16} {seconds:7.2f} s  {seconds / total_bare:6.1%}")
    staged = sum(statistics.median(sum(split.values()) for split in stages[path]) for path in paths)
    rest = total_ours - staged
    print(f"  {'(the rest)':<16} {rest:7.2f} s  {rest / total_bare:6.1%}")
    median = statistics.median(ratios)
    verdict = "ok" if median <= TARGET else f"over {TARGET}"
    print(
        f"\nocr_ratio_median={median:.3f} ({verdict}); sum ratio {total_ours / total_bare:.3f}; "
        f"cpu ratio median {statistics.median(cpu_ratios):.3f}"
    )


if __name__ == "__main__":
    main()
