"""Field-extractor registry: one extractor per document type."""

from __future__ import annotations

from extractors.fields.base import Extraction, FieldExtractor
from extractors.fields.contract import ContractExtractor
from extractors.fields.cv import CvExtractor
from extractors.fields.dispatch import DispatchExtractor
from extractors.fields.invoice import InvoiceExtractor

_REGISTRY: dict[str, FieldExtractor] = {}


def register(extractor: FieldExtractor) -> FieldExtractor:
    _REGISTRY[extractor.doc_type] = extractor
    return extractor


def extractor_for(doc_type: str) -> FieldExtractor | None:
    return _REGISTRY.get(doc_type)


for _extractor in (InvoiceExtractor(), ContractExtractor(), CvExtractor(), DispatchExtractor()):
    register(_extractor)

__all__ = ["Extraction", "FieldExtractor", "extractor_for", "register"]
