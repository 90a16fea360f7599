"""Speed against the tools underneath, side by side in one run (issue 23): how far the
service is from reading at the speed of the libraries it reads with.

    nice -n 5 .venv/bin/python -m bench.speed                 # everything
    nice -n 5 .venv/bin/python -m bench.speed startup batch   # some parts
    nice -n 5 .venv/bin/python -m bench.speed --repeat 9 --files 40

startup   fresh processes: `backoffice --help`, and `backoffice extract` of a one-page
          born-digital invoice, each against a fresh `python -c "import pypdfium2; ..."`
          reading the same file's text (and a bare `python -c pass`, for scale, and the
          same read importing pydantic and pydantic-settings, the floor of `extract`'s ratio).
batch     one `backoffice extract` over N born-digital PDFs (invoices, contracts, CVs,
          letters, from tests/docgen) against one raw pypdfium2 process and one pdfplumber
          process reading the same files' text: seconds per file, whole runs (start-up
          included) and marginal ((N files - 1 file) / (N - 1), start-up excluded).
ocr       OCR against bare tesseract on the same pages: bench/ocr_speed.py, run from here
          when it is present.

The machine is shared: every measurement is repeated (`--repeat`), the service and the
library it is compared with take turns so that both see the same load, and what is printed
is medians and ratios of medians, of wall time and of the CPU time the processes used (less
disturbed by the other work on the machine); absolute times are only indicative. Child
processes run as an installed service runs: bytecode cached (in a temporary folder, warmed
before timing) and a data folder, so checked rule packs are kept between processes
(BACKOFFICE_CACHE_DIR).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests import docgen
from tests.docgen.common import CORPUS_TODAY

PYTHON = sys.executable
BACKOFFICE = str(Path(sys.executable).with_name("backoffice"))
RAW_PDFIUM = (
    "import sys, pypdfium2\n"
    "for name in sys.argv[1:]:\n"
    "    pdf = pypdfium2.PdfDocument(name)\n"
    "    for page in pdf:\n"
    "        page.get_textpage().get_text_range()\n"
)
# What `extract` cannot do without in a fresh process: the record models (pydantic) and the
# settings (pydantic-settings, which the guide names for them) loaded, beside raw pypdfium2
# reading the page; its ratio is the floor of `extract`'s, whatever the service's own code
# costs. (Its plain command line needs no typer: see pipeline/cli.py.)
FLOOR = "import pydantic.main, pydantic_settings\n" + RAW_PDFIUM
RAW_PLUMBER = (
    "import sys, pdfplumber\n"
    "for name in sys.argv[1:]:\n"
    "    with pdfplumber.open(name) as pdf:\n"
    "        for page in pdf.pages:\n"
    "            page.extract_text()\n"
)
PARTS = ("startup", "batch", "ocr")
GENERATORS: tuple[Callable[[int], docgen.GeneratedDocument], ...] = (
    docgen.invoice,
    docgen.contract,
    docgen.cv,
    docgen.dispatch,
)


def environment(root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKOFFICE_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    (root / "data").mkdir(exist_ok=True)
    return env | {
        "PYTHONPYCACHEPREFIX": str(root / "pycache"),
        "BACKOFFICE_DATA_DIR": str(root / "data"),
        "BACKOFFICE_INBOX": str(root / "inbox"),
    }


@dataclass(frozen=True)
class Timing:
    """Medians of a command's wall time and of the CPU time its processes used: on a loaded
    machine the wall time says how long a user waits, the CPU time what the work costs."""

    wall: float
    cpu: float

    def __truediv__(self, count: float) -> Timing:
        return Timing(self.wall / count, self.cpu / count)

    def __sub__(self, other: Timing) -> Timing:
        return Timing(max(0.0, self.wall - other.wall), max(0.0, self.cpu - other.cpu))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: Sequence[str], env: dict[str, str]) -> Timing:
    cpu, started = _children_cpu(), time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, check=False)
    timing = Timing(time.perf_counter() - started, _children_cpu() - cpu)
    if result.returncode not in (0, 1):  # extract exits 1 when a file has an error record
        raise SystemExit(f"{' '.join(command[:3])} failed:\n{result.stderr.decode()[-2000:]}")
    return timing


def race(commands: dict[str, Sequence[str]], env: dict[str, str], repeat: int) -> dict[str, Timing]:
    """Each command's medians; one warm-up round, then `repeat` rounds in turn."""
    for command in commands.values():
        timed(command, env)
    times: dict[str, list[Timing]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    return {
        name: Timing(
            statistics.median(t.wall for t in values), statistics.median(t.cpu for t in values)
        )
        for name, values in times.items()
    }


def show(label: str, timing: Timing, base: Timing) -> None:
    print(
        f"  {label:<46} {timing.wall:8.4f} {timing.wall / base.wall:6.2f}x"
        f"   {timing.cpu:8.4f} {timing.cpu / base.cpu:6.2f}x"
    )


HEADER = f"  {'':<46} {'wall s':>8} {'ratio':>7}   {'CPU s':>8} {'ratio':>7}"


def bench_startup(root: Path, env: dict[str, str], repeat: int) -> None:
    page = docgen.write(docgen.invoice(1), root / "one-page.pdf")
    medians = race(
        {
            "python": [PYTHON, "-c", "pass"],
            "raw": [PYTHON, "-c", RAW_PDFIUM, str(page)],
            "floor": [PYTHON, "-c", FLOOR, str(page)],
            "help": [BACKOFFICE, "--help"],
            "extract": [BACKOFFICE, "extract", "--today", CORPUS_TODAY.isoformat(), str(page)],
        },
        env,
        repeat,
    )
    raw = medians["raw"]
    # Timed as an installed service runs: say so, since a cold cache would be timed instead.
    rules = list((root / "data" / "cache").glob("rules-*.pickle"))
    bytecode = sum(1 for _ in (root / "pycache").rglob("*.pyc"))
    print(
        f"start-up, fresh processes (median of {repeat}; ratios to raw pypdfium2; "
        f"rule cache {'kept' if rules else 'MISSING'}, {bytecode} modules' bytecode cached)"
    )
    print(HEADER)
    show("python -c pass", medians["python"], raw)
    show("raw pypdfium2: import, open, read the page", raw, raw)
    show("the same, importing pydantic-settings too", medians["floor"], raw)
    show("backoffice --help  (target <= 0.15 s)", medians["help"], raw)
    show("backoffice extract, 1-page invoice  (target 2x)", medians["extract"], raw)
    extract = medians["extract"]
    print(
        f"startup_help_s={medians['help'].wall:.3f} "
        f"help_over_bare_python={medians['help'].wall / medians['python'].wall:.2f} "
        f"startup_extract_ratio={extract.wall / raw.wall:.2f} "
        f"startup_floor_ratio={medians['floor'].wall / raw.wall:.2f} "
        f"startup_extract_cpu_ratio={extract.cpu / raw.cpu:.2f}"
    )


def bench_batch(root: Path, env: dict[str, str], repeat: int, count: int) -> None:
    folder = root / "batch"
    folder.mkdir(exist_ok=True)
    files = [
        str(docgen.write(GENERATORS[seed % 4](500 + seed), folder / f"{seed:03d}.pdf"))
        for seed in range(count)
    ]
    today = ["--today", CORPUS_TODAY.isoformat()]
    medians = race(
        {
            "raw 1": [PYTHON, "-c", RAW_PDFIUM, files[0]],
            "raw": [PYTHON, "-c", RAW_PDFIUM, *files],
            "plumber 1": [PYTHON, "-c", RAW_PLUMBER, files[0]],
            "plumber": [PYTHON, "-c", RAW_PLUMBER, *files],
            "ours 1": [BACKOFFICE, "extract", *today, files[0]],
            "ours": [BACKOFFICE, "extract", *today, *files],
        },
        env,
        repeat,
    )

    def per_file(name: str) -> Timing:
        return medians[name] / count

    def marginal(name: str) -> Timing:
        return (medians[name] - medians[f"{name} 1"]) / (count - 1)

    workers = os.cpu_count() or 1
    print(
        f"born-digital batch: {count} PDFs, each tool in one process (median of {repeat}; "
        f"BACKOFFICE_WORKERS={workers}; ratios to raw pypdfium2)"
    )
    print(" per file, whole run (start-up included)")
    print(HEADER)
    show("raw pypdfium2 text", per_file("raw"), per_file("raw"))
    show("pdfplumber text", per_file("plumber"), per_file("raw"))
    show("backoffice extract  (target 2x)", per_file("ours"), per_file("raw"))
    print(" per file, marginal (start-up excluded)")
    show("raw pypdfium2 text", marginal("raw"), marginal("raw"))
    show("pdfplumber text", marginal("plumber"), marginal("raw"))
    show("backoffice extract", marginal("ours"), marginal("raw"))
    ours, raw, plumber = per_file("ours"), per_file("raw"), per_file("plumber")
    print(
        f"batch_ratio_pdfium={ours.wall / raw.wall:.2f} "
        f"batch_cpu_ratio_pdfium={ours.cpu / raw.cpu:.2f} "
        f"batch_ratio_plumber={ours.wall / plumber.wall:.2f}"
    )


def bench_ocr(env: dict[str, str]) -> None:
    """OCR against bare tesseract lives in bench/ocr_speed.py; run it here when present."""
    print("OCR, warm, against bare tesseract on the same pages")
    if importlib.util.find_spec("bench.ocr_speed") is None:
        print("  bench/ocr_speed.py is not here yet: nothing measured")
        return
    subprocess.run([PYTHON, "-m", "bench.ocr_speed"], env=env, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", metavar="PART", help="startup, batch, ocr")
    parser.add_argument("--repeat", type=int, default=7, help="timed rounds per measurement")
    parser.add_argument("--files", type=int, default=30, help="born-digital PDFs in the batch")
    args = parser.parse_args()
    parts = args.parts or list(PARTS)
    if unknown := set(parts) - set(PARTS):
        parser.error(f"no part {', '.join(sorted(unknown))}; parts: {', '.join(PARTS)}")
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        root = Path(tmp)
        env = environment(root)
        if "startup" in parts:
            bench_startup(root, env, args.repeat)
        if "batch" in parts:
            bench_batch(root, env, args.repeat, max(2, args.files))
        if "ocr" in parts:
            bench_ocr(env)


if __name__ == "__main__":
    main()
