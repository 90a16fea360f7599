from pathlib import Path

from extractors.limits import ReadLimits
from extractors.service import extract_file
from extractors.sniff import SNIFF_BYTES, sniff_media_type
from tests import docgen


def test_pdf_named_anything_is_recognised_by_its_bytes() -> None:
    assert sniff_media_type(b"%PDF-1.7\n%\xe2\xe3") == "application/pdf"


def test_zip_is_not_mistaken_for_pdf() -> None:
    assert sniff_media_type(b"PK\x03\x04\x14\x00") == "application/zip"


def test_empty_file_has_its_own_type() -> None:
    assert sniff_media_type(b"") == "application/x-empty"


def test_pdf_with_junk_before_its_header_is_a_pdf_and_reads(tmp_path: Path) -> None:
    # A mail gateway's banner and some binary before "%PDF-": PDF readers accept a header
    # anywhere in the first 1024 bytes, so the service must too.
    doc = docgen.invoice(3)
    junk = (b"X-Scanned-By: gateway\r\n\r\n" + bytes(range(256)) * 4)[:1000]
    path = tmp_path / "forwarded.bin"
    path.write_bytes(junk + doc.content)

    assert sniff_media_type(path.read_bytes()[:SNIFF_BYTES]) == "application/pdf"
    record = extract_file(path, limits=ReadLimits())
    assert record.error is None
    assert record.source.media_type == "application/pdf"
    assert record.doc_type == "invoice"
    assert record.fields["total"] == doc.fields["total"]
    assert record.fields["seller"]["tax_id"] == doc.fields["seller"]["tax_id"]


def test_pdf_header_past_the_first_kilobyte_is_not_a_pdf() -> None:
    assert sniff_media_type(b"\x00" * 1024 + b"%PDF-1.7\n") == "application/octet-stream"


def test_image_mentioning_pdf_keeps_its_own_type() -> None:
    assert sniff_media_type(b"\xff\xd8\xff\xe1 exif made from %PDF-1.4") == "image/jpeg"
