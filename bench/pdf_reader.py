"""The born-digital PDF reader alone against raw pypdfium2 (issue 23): what turning a page's
text layer into words, lines and the OCR verdict costs beyond pdfium reading the text.

    nice -n 5 .venv/bin/python -m bench.pdf_reader              # bench batch files
    nice -n 5 .venv/bin/python -m bench.pdf_reader --realdocs   # and ../shared/realdocs
    nice -n 5 .venv/bin/python -m bench.pdf_reader --realdocs DIR   # and the PDFs under DIR

Both sides open the same documents beforehand and load every page and its text page; the
reader then builds words, lines and notes (`_read_page`), raw pypdfium2 only its text. They
take turns, and the medians of the CPU time of each round are printed with their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium

from bench.speed import GENERATORS
from extractors.readers.pdf import _read_page
from tests import docgen

REALDOCS = Path(__file__).resolve().parents[1] / ".." / "shared" / "realdocs"


def reader(documents: list[pdfium.PdfDocument]) -> None:
    for document in documents:
        for index in range(len(document)):
            page = document[index]
            _read_page(page, index + 1)
            page.close()


def raw(documents: list[pdfium.PdfDocument]) -> None:
    for document in documents:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            textpage.get_text_range()
            textpage.close()
            page.close()


def cpu(run: Callable[[list[pdfium.PdfDocument]], None], docs: list[pdfium.PdfDocument]) -> float:
    started = time.process_time()
    run(docs)
    return time.process_time() - started


def measure(label: str, files: list[Path], repeat: int) -> None:
    documents = [pdfium.PdfDocument(file) for file in files]
    pages = sum(len(document) for document in documents)
    times: dict[str, list[float]] = {"raw": [], "reader": []}
    reader(documents)  # warm-up
    for _ in range(repeat):
        times["raw"].append(cpu(raw, documents))
        times["reader"].append(cpu(reader, documents))
    base, ours = statistics.median(times["raw"]), statistics.median(times["reader"])
    print(
        f"  {label:<28} {len(files):4d} files {pages:5d} pages   raw pypdfium2 {base:7.3f} s"
        f"   reader {ours:7.3f} s   {ours / base:5.2f}x"
    )
    for document in documents:
        document.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9, help="timed rounds")
    parser.add_argument("--files", type=int, default=30, help="generated PDFs")
    parser.add_argument(
        "--realdocs",
        nargs="?",
        const=REALDOCS,
        type=Path,
        help="also these PDFs (../shared/realdocs)",
    )
    args = parser.parse_args()
    print(f"PDF reader against raw pypdfium2, CPU s per round (median of {args.repeat})")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-reader-") as tmp:
        files = [
            docgen.write(GENERATORS[seed % 4](500 + seed), Path(tmp) / f"{seed:03d}.pdf")
            for seed in range(args.files)
        ]
        measure("generated (bench.speed batch)", files, args.repeat)
    if args.realdocs:
        measure("realdocs", sorted(args.realdocs.glob("**/*.pdf")), args.repeat)


if __name__ == "__main__":
    main()
