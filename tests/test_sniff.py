from extractors.sniff import sniff_media_type


def test_pdf_named_anything_is_recognised_by_its_bytes() -> None:
    assert sniff_media_type(b"%PDF-1.7\n%\xe2\xe3") == "application/pdf"


def test_zip_is_not_mistaken_for_pdf() -> None:
    assert sniff_media_type(b"PK\x03\x04\x14\x00") == "application/zip"


def test_empty_file_has_its_own_type() -> None:
    assert sniff_media_type(b"") == "application/x-empty"
