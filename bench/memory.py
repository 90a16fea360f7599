"""Peak memory of reading a scanned PDF of 1, 5 and 20 pages (issue 16: a 20-page scan once
took 3.4 GB, since every page was rendered before OCR started).

    .venv/bin/python -m bench.memory                  # 1, 5 and 20 pages
    .venv/bin/python -m bench.memory --parallelism 1 --pages 1 20

Each scan is read by `extract_file` in a fresh Python process, as a worker reads a file.
Three peaks are printed: the reading process's own (its VmHWM, from the kernel: Python,
pdfium and the page images), its largest tesseract child's, and the whole tree's (the sum
of the high-water marks of the processes alive at once, sampled every 20 ms: a tesseract
that lives less than that can be missed, and peaks that did not coincide are added, so it
is an upper bound). The ratio of the 20-page peaks to the 1-page ones is what issue 16 asks
about: with pages rendered and OCR'd a few at a time it stays near 1 whatever the page
count. With several tesseracts at a time, the tree holds that many; a 1-page scan uses only
one, so there the tree ratio shows the parallelism, not the page count.

To measure another checkout's readers with this benchmark, run this file by its path with
that checkout first on PYTHONPATH: the reading process imports whatever PYTHONPATH gives.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image

from pipeline.store.settings import Settings
from tests import docgen

_DPI = 300
_SAMPLE_SECONDS = 0.02
# The reading process: imports as a worker has them, reads the file once, and reports its
# own peak (VmHWM: Python alone) in KiB.
_READ = """
import sys
from pathlib import Path
from extractors.limits import ReadLimits
from extractors.service import extract_file
record = extract_file(Path(sys.argv[1]), limits=ReadLimits(ocr_parallelism=int(sys.argv[2])))
assert record.error is None, record.error
assert record.source.pages == int(sys.argv[3]), record.source.pages
print(next(l for l in open("/proc/self/status") if l.startswith("VmHWM:")).split()[1])
"""


def scanned_pdf(path: Path, pages: int) -> Path:
    """`pages` scanned pages, each a different generated invoice or contract page, saved as
    scanners save them (one JPEG per page)."""
    images: list[Image.Image] = []
    seed = 0
    while len(images) < pages:
        doc = docgen.invoice(seed) if seed % 2 == 0 else docgen.contract(seed)
        images += docgen.scan_image(doc, dpi=_DPI, noise=0.0005, seed=seed)
        seed += 1
    buffer = io.BytesIO()
    first, *rest = images[:pages]
    first.save(buffer, format="PDF", resolution=_DPI, save_all=True, append_images=rest, quality=75)
    path.write_bytes(buffer.getvalue())
    return path


def _peak_kib(pid: int) -> int:
    """The process's own high-water mark so far (VmHWM): a sample between two of its peaks
    still sees the peak."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _is_tesseract(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/comm") as comm:
            return comm.read().strip() == "tesseract"
    except FileNotFoundError:
        return False


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from the kernel's per-thread child lists."""
    found = [pid]
    index = 0
    while index < len(found):
        try:
            tasks = os.listdir(f"/proc/{found[index]}/task")
        except FileNotFoundError:
            tasks = []
        for task in tasks:
            try:
                with open(f"/proc/{found[index]}/task/{task}/children") as children:
                    found += [int(child) for child in children.read().split()]
            except FileNotFoundError:
                continue
        index += 1
    return found


def measure(path: Path, pages: int, parallelism: int) -> tuple[float, float, float, float]:
    """Peak resident MB of the reading process, of its largest tesseract, of the whole tree,
    and the seconds it took."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-c", _READ, str(path), str(parallelism), str(pages)],
        stdout=subprocess.PIPE,
        text=True,
    )
    peak_tree = peak_child = 0

    def sample() -> None:
        nonlocal peak_tree, peak_child
        while process.poll() is None:
            peaks = {pid: _peak_kib(pid) for pid in _tree(process.pid)}
            # A child between fork and exec still shows Python's memory: tesseracts only.
            children = [kib for pid, kib in peaks.items() if _is_tesseract(pid)]
            peak_child = max([peak_child, *children])
            peak_tree = max(peak_tree, peaks.get(process.pid, 0) + sum(children))
            time.sleep(_SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"reading {path.name} failed (exit {process.returncode})")
    own = int(output.split()[0]) / 1024
    return own, peak_child / 1024, peak_tree / 1024, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 5, 20])
    parser.add_argument(
        "--parallelism",
        type=int,
        nargs="+",
        default=sorted({Settings().read_limits.ocr_parallelism, os.cpu_count() or 1}),
        help="tesseracts at a time per file (default: what a worker has, one per core that "
        "workers leave free, and what `backoffice extract` of one file has, one per core)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        scans = {pages: scanned_pdf(Path(tmp) / f"scan_{pages}.pdf", pages) for pages in args.pages}
        for parallelism in args.parallelism:
            print(f"scanned PDFs at {_DPI} dpi, OCR parallelism {parallelism}")
            print(
                f"{'pages':>5}  {'reader MB':>9}  {'one tesseract MB':>16}  "
                f"{'tree MB':>7}  {'seconds':>7}"
            )
            peaks: dict[int, float] = {}
            trees: dict[int, float] = {}
            for pages, path in scans.items():
                own, child, tree, seconds = measure(path, pages, parallelism)
                peaks[pages] = own
                trees[pages] = tree
                print(
                    f"{pages:>5}  {own:>9.0f}  {child:>16.0f}  {tree:>7.0f}  {seconds:>7.1f}",
                    flush=True,
                )
            low, high = min(peaks), max(peaks)
            if low != high:
                print(
                    f"ratio {high}/{low} pages: reader {peaks[high] / peaks[low]:.2f}, "
                    f"tree {trees[high] / trees[low]:.2f}\n",
                    flush=True,
                )


if __name__ == "__main__":
    main()
