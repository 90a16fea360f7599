"""Field-extractor registry: one extractor per document type, each imported when the first
document of its type is read (an invoice never loads the contract extractor's lexicons)."""

from __future__ import annotations

import importlib

from extractors.fields.base import Extraction, FieldExtractor

_REGISTRY: dict[str, FieldExtractor] = {}
# The built-in extractors by document type: (module, class).
_BUILT_IN: dict[str, tuple[str, str]] = {
    "invoice": ("extractors.fields.invoice", "InvoiceExtractor"),
    "contract": ("extractors.fields.contract", "ContractExtractor"),
    "cv": ("extractors.fields.cv", "CvExtractor"),
    "dispatch": ("extractors.fields.dispatch", "DispatchExtractor"),
}


def register(extractor: FieldExtractor) -> FieldExtractor:
    _REGISTRY[extractor.doc_type] = extractor
    return extractor


def extractor_for(doc_type: str) -> FieldExtractor | None:
    if doc_type not in _REGISTRY and doc_type in _BUILT_IN:
        module, name = _BUILT_IN[doc_type]
        register(getattr(importlib.import_module(module), name)())
    return _REGISTRY.get(doc_type)


__all__ = ["Extraction", "FieldExtractor", "extractor_for", "register"]
