"""A warm tesseract: one process that loads a language model once and reads grey images
sent to it, through libtesseract's C API (what the `tesseract` command itself runs on),
until its input closes. `extractors.ocr` starts one per page it reads at a time.

Why a process of its own rather than the library in the service's: libtesseract aborts
the whole process on some inputs (an image over 32767 pixels wide throws from a vector
allocation), and the service must outlive that; a tesseract process per pass, as before,
loaded the model twice a page (~0.07 s each, 10-15% of a page's OCR) and had every page
written as a file and decoded again.

Run as a script, standard library only, so it starts in tens of milliseconds:

    python ocr_engine.py LANGUAGE

A request is one line, `PSM WIDTH HEIGHT TIMEOUT_MS PPI`, then WIDTH x HEIGHT bytes of
grey pixels (PPI 0: tesseract estimates the resolution from the size of the text); the
answer is one line, `STATUS LENGTH`, then LENGTH bytes of tesseract's TSV in UTF-8 (no
header row). STATUS is `ok`, `failed` (recognition failed) or `timeout`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import time

# Tesseract's own threading was measured 4-5x slower than one single-threaded process
# per core here; OpenMP reads this when the library loads.
os.environ["OMP_THREAD_LIMIT"] = "1"


def _library() -> ctypes.CDLL:
    lib = ctypes.CDLL(ctypes.util.find_library("tesseract") or "libtesseract.so.5")
    handle, text = ctypes.c_void_p, ctypes.c_char_p
    lib.TessBaseAPICreate.restype = handle
    lib.TessBaseAPIDelete.argtypes = [handle]
    lib.TessBaseAPIInit3.argtypes = [handle, text, text]
    lib.TessBaseAPISetVariable.argtypes = [handle, text, text]
    lib.TessBaseAPISetPageSegMode.argtypes = [handle, ctypes.c_int]
    number = ctypes.c_int
    lib.TessBaseAPISetImage.argtypes = [handle, text, number, number, number, number]
    lib.TessBaseAPISetSourceResolution.argtypes = [handle, number]
    lib.TessBaseAPIRecognize.argtypes = [handle, handle]
    lib.TessBaseAPIGetTsvText.argtypes = [handle, ctypes.c_int]
    lib.TessBaseAPIGetTsvText.restype = handle
    lib.TessBaseAPIClear.argtypes = [handle]
    lib.TessDeleteText.argtypes = [handle]
    lib.TessMonitorCreate.restype = handle
    lib.TessMonitorDelete.argtypes = [handle]
    lib.TessMonitorSetDeadlineMSecs.argtypes = [handle, ctypes.c_int]
    return lib


def _read(lib: ctypes.CDLL, api: int, request: bytes, pixels: bytes) -> tuple[str, bytes]:
    psm, width, height, timeout_ms, ppi = (int(value) for value in request.split())
    lib.TessBaseAPISetPageSegMode(api, psm)
    lib.TessBaseAPISetImage(api, pixels, width, height, 1, width)
    if ppi:
        lib.TessBaseAPISetSourceResolution(api, ppi)
    monitor = lib.TessMonitorCreate()
    try:
        lib.TessMonitorSetDeadlineMSecs(monitor, max(1, timeout_ms))
        started = time.monotonic()
        status = lib.TessBaseAPIRecognize(api, monitor)
        if (time.monotonic() - started) * 1000 >= timeout_ms:
            return "timeout", b""
        if status != 0:
            return "failed", b""
        text = lib.TessBaseAPIGetTsvText(api, 0)
        try:
            return "ok", ctypes.string_at(text)
        finally:
            lib.TessDeleteText(text)
    finally:
        lib.TessMonitorDelete(monitor)
        lib.TessBaseAPIClear(api)


def main() -> None:
    lib = _library()
    api = lib.TessBaseAPICreate()
    if lib.TessBaseAPIInit3(api, None, sys.argv[1].encode()) != 0:
        sys.exit(f"cannot load the {sys.argv[1]!r} language model")
    # Its notes (`Estimating resolution as 409`) are of no use to anyone reading them.
    lib.TessBaseAPISetVariable(api, b"debug_file", os.devnull.encode())
    # Sauvola thresholds each pixel by its neighbourhood: a phone photo lit from one side
    # loses whole lines under Tesseract's default global Otsu (word recall on shaded photos
    # 0.76-0.95 -> 0.99-1.0; field accuracy on the bench's photos 0.63 -> 0.77 for
    # invoices), plain scans read as well, about 15% slower. Adaptive Otsu was as good on
    # photos but lost words on JPEG-compressed scans.
    lib.TessBaseAPISetVariable(api, b"thresholding_method", b"2")
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    try:
        while request := requests.readline():
            width, height = (int(value) for value in request.split()[1:3])
            pixels = requests.read(width * height)
            status, tsv = _read(lib, api, request, pixels)
            answers.write(f"{status} {len(tsv)}\n".encode() + tsv)
            answers.flush()
    finally:
        lib.TessBaseAPIDelete(api)


if __name__ == "__main__":
    main()
