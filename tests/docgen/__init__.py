"""The project's own document generator: realistic documents with their ground truth.

Tests never depend on files from outside the repository: every fixture is generated here,
seeded, with layout choices (label wording, value beside or below its label, column
positions, section order) drawn from the seed so extractors are exercised on more than one
layout. One module per document type; the scans, Word and bad-input modules turn any
generated document into the other formats clerks drop. `catalogue` names every layout
(the tuned generator's, `holdout`'s and the further ones of `invoices_more`, `papers` and
`letters`) so each can be drawn and scored on its own, and stacks documents into one PDF.
"""

from tests.docgen.bad import (
    dense_pdf,
    distinct_pdfs,
    empty_file,
    encrypted_pdf,
    truncated_pdf,
    zip_as_pdf,
)
from tests.docgen.common import GeneratedDocument, write
from tests.docgen.contract import contract
from tests.docgen.cv import cv
from tests.docgen.dispatch import dispatch
from tests.docgen.einvoice import einvoice_xml
from tests.docgen.invoice import invoice
from tests.docgen.scans import photo, scan_image, scanned_pdf
from tests.docgen.word import as_docx

__all__ = [
    "GeneratedDocument",
    "as_docx",
    "contract",
    "cv",
    "dense_pdf",
    "dispatch",
    "distinct_pdfs",
    "einvoice_xml",
    "empty_file",
    "encrypted_pdf",
    "invoice",
    "photo",
    "scan_image",
    "scanned_pdf",
    "truncated_pdf",
    "write",
    "zip_as_pdf",
]
