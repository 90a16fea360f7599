"""Readers, OCR, classification and per-type field extraction."""
