"""What a reader may spend on one file: bytes, pages, pixels and OCR time."""

from __future__ import annotations

import os

from pydantic import BaseModel, Field


class ReadLimits(BaseModel):
    max_file_bytes: int = Field(default=200 * 1024 * 1024, gt=0)
    max_pages: int = Field(default=500, gt=0)
    # A 300 dpi A3 page is 35 Mpx; far larger images are decompression bombs, not scans.
    max_pixels: int = Field(default=100_000_000, gt=0)
    ocr_dpi: int = Field(default=300, ge=72, le=600)
    ocr_timeout_seconds: float = Field(default=120.0, gt=0)
    ocr_parallelism: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
