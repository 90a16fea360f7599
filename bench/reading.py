"""Reading benchmarks: text-layer speed, OCR speed and quality, classification accuracy.

    .venv/bin/python -m bench.reading            # everything
    .venv/bin/python -m bench.reading text ocr   # some parts

text      pages/s reading dense (~2,000 characters) born-digital pages into words with boxes,
          on one core, beside pdfplumber's words on the same pages.
ocr       s/page for scanned Vietnamese pages, word recall against the born-digital text,
          and the ratio of this reader's time to bare `tesseract` (vie, psm 3, Sauvola
          thresholding, TSV) on the same page images.
parallel  a multi-page scan with one tesseract at a time, then one per core.
classify  accuracy over 200+ generated documents: every type, both languages, born-digital
          PDF, scanned PDF, photos, Word files and e-invoice XML.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

from bench.measure import recall, words_of
from extractors.limits import ReadLimits
from extractors.readers.image import ImageReader
from extractors.readers.pdf import PdfTextReader
from extractors.service import extract_file
from tests import docgen

LIMITS = ReadLimits(ocr_parallelism=1)


def bench_text(tmp: Path) -> None:
    path = tmp / "dense.pdf"
    path.write_bytes(docgen.dense_pdf(50))
    started = time.perf_counter()
    with PdfTextReader() as reader:
        document = reader.read(path, limits=LIMITS)
    ours = 50 / (time.perf_counter() - started)
    words = sum(1 for page in document.pages for _ in page.words)
    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[:10]:
            page.extract_words()
    plumber = 10 / (time.perf_counter() - started)
    print(
        f"text: {ours:.0f} pages/s with {words / 50:.0f} words/page (pdfplumber words: "
        f"{plumber:.1f} pages/s, {ours / plumber:.0f}x slower)"
    )


def bench_ocr(tmp: Path, pages: int = 6) -> None:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    ours_total = bare_total = 0.0
    recalls = []
    for seed in range(pages):
        doc = docgen.dispatch(seed) if seed % 2 else docgen.invoice(seed)
        image = docgen.scan_image(doc, noise=0.001, blur=0.5, seed=seed)[0]
        png = tmp / f"page{seed}.png"
        image.save(png, dpi=(300, 300))
        started = time.perf_counter()
        subprocess.run(
            [
                "tesseract",
                str(png),
                str(tmp / "out"),
                "-l",
                "vie",
                "--psm",
                "3",
                "-c",
                "thresholding_method=2",
                "tsv",
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        bare_total += time.perf_counter() - started
        started = time.perf_counter()
        with ImageReader() as reader:
            document = reader.read(png, limits=LIMITS)
        ours_total += time.perf_counter() - started
        original = tmp / "original.pdf"
        original.write_bytes(doc.pdf)
        with PdfTextReader() as reader:
            truth = words_of(reader.read(original, limits=LIMITS).text)
        recalls.append(recall(truth, words_of(document.text)))
    print(
        f"ocr: {ours_total / pages:.2f} s/page (bare tesseract {bare_total / pages:.2f}), "
        f"ratio {ours_total / bare_total:.2f}; word recall min {min(recalls):.3f} "
        f"mean {sum(recalls) / len(recalls):.3f} over {pages} Vietnamese pages"
    )


def bench_ocr_parallel(tmp: Path, pages: int = 4) -> None:
    """A multi-page scan read with one tesseract at a time, then one per core."""
    from pypdfium2 import PdfDocument

    merged = PdfDocument.new()
    for seed in range(pages):
        merged.import_pages(PdfDocument(docgen.scanned_pdf(docgen.dispatch(seed))), [0])
    path = tmp / "multi.pdf"
    merged.save(path)
    timings = {}
    for parallelism in (1, os.cpu_count() or 1):
        started = time.perf_counter()
        with PdfTextReader() as reader:
            reader.read(path, limits=ReadLimits(ocr_parallelism=parallelism))
        timings[parallelism] = time.perf_counter() - started
    (one, one_time), (many, many_time) = timings.items()
    print(
        f"ocr pages in parallel: {pages} pages in {one_time:.1f} s with {one} tesseract, "
        f"{many_time:.1f} s with {many} ({one_time / many_time:.2f}x)"
    )


def bench_classify(tmp: Path) -> None:
    makers = [
        ("invoice", lambda s, lang: docgen.invoice(s, language=lang)),
        ("contract", lambda s, lang: docgen.contract(s, language=lang)),
        ("cv", lambda s, lang: docgen.cv(s, language=lang)),
        ("dispatch", lambda s, lang: docgen.dispatch(s)),
    ]
    total = right = 0
    misses = []
    started = time.perf_counter()
    for seed in range(26):
        for doc_type, make in makers:
            for language in ("vi", "en"):
                doc = make(seed, language)
                form = ("pdf", "scan", "png", "docx")[seed % 4]
                path = tmp / f"c.{form}"
                if form == "pdf":
                    path.write_bytes(doc.pdf)
                elif form == "scan":
                    path.write_bytes(docgen.scanned_pdf(doc, dpi=200, noise=0.0005))
                elif form == "png":
                    path.write_bytes(docgen.photo(doc, dpi=200))
                else:
                    path.write_bytes(docgen.as_docx(doc).content)
                record = extract_file(path, limits=ReadLimits())
                total += 1
                if record.doc_type == doc_type:
                    right += 1
                else:
                    misses.append(f"{doc_type}/{language}/{form}/{seed}->{record.doc_type}")
        xml = docgen.write(docgen.einvoice_xml(seed, namespaced=seed % 2 == 1), tmp / "c.xml")
        total += 1
        if extract_file(xml, limits=ReadLimits()).doc_type == "invoice":
            right += 1
        else:
            misses.append(f"invoice/vi/xml/{seed}")
    print(
        f"classify: accuracy {right / total:.3f} over {total} documents "
        f"({time.perf_counter() - started:.0f} s); misses: {misses[:10]}"
    )


def main() -> None:
    parts = sys.argv[1:] or ["text", "ocr", "parallel", "classify"]
    with tempfile.TemporaryDirectory() as tmp:
        for part in parts:
            benches = {
                "text": bench_text,
                "ocr": bench_ocr,
                "parallel": bench_ocr_parallel,
                "classify": bench_classify,
            }
            benches[part](Path(tmp))


if __name__ == "__main__":
    main()
