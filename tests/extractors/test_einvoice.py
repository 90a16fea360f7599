"""Vietnamese e-invoice XML: the legal original, read exactly; hostile XML refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.limits import ReadLimits
from extractors.service import extract_file
from tests import docgen
from tests.support.documents import BILLION_LAUGHS

LIMITS = ReadLimits()


@pytest.mark.parametrize("namespaced", [False, True])
@pytest.mark.parametrize("seed", range(10))
def test_every_invoice_field_equals_what_the_xml_states(
    seed: int, namespaced: bool, tmp_path: Path
) -> None:
    doc = docgen.einvoice_xml(seed, namespaced=namespaced)
    record = extract_file(docgen.write(doc, tmp_path / "hd.xml"), limits=LIMITS)
    assert record.error is None
    assert record.source.media_type == "application/xml"
    assert record.doc_type == "invoice"
    assert record.fields == doc.fields
    assert record.confidence["total"] == 1.0


def test_a_coded_invoice_carries_the_tax_authority_code(tmp_path: Path) -> None:
    coded = next(
        doc
        for seed in range(50)
        if (doc := docgen.einvoice_xml(seed)).fields["invoice_series"].startswith("C")
    )
    record = extract_file(docgen.write(coded, tmp_path / "hd.xml"), limits=LIMITS)
    assert record.fields["tax_authority_code"] == coded.fields["tax_authority_code"]
    assert len(record.fields["tax_authority_code"]) == 32


def test_a_foreign_currency_invoice_carries_the_sellers_exchange_rate(tmp_path: Path) -> None:
    """`TGia` is the rate the seller converted at: posting books the VND amounts with it."""
    doc = docgen.einvoice_xml(1)
    content = doc.content.replace(b"<DVTTe>VND</DVTTe>", b"<DVTTe>USD</DVTTe>")
    content = content.replace(b"<TGia>1</TGia>", b"<TGia>25410.5</TGia>")
    assert content != doc.content
    (tmp_path / "hd.xml").write_bytes(content)
    fields = extract_file(tmp_path / "hd.xml", limits=LIMITS).fields
    assert (fields["currency"], fields["exchange_rate"]) == ("USD", "25410.5")
    assert doc.fields["exchange_rate"] is None  # a VND invoice's record carries none


EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<HDon><DLHDon><TTChung><SHDon>&secret;</SHDon></TTChung></DLHDon></HDon>"""


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (BILLION_LAUGHS, "corrupt_file"),
        (EXTERNAL_ENTITY, "corrupt_file"),
        (b"<?xml version='1.0'?><HDon><DLHDon>", "corrupt_file"),
        (b"<?xml version='1.0'?><rss><channel/></rss>", "unsupported_type"),
    ],
)
def test_hostile_or_foreign_xml_is_refused_with_a_reason(
    content: bytes, code: str, tmp_path: Path
) -> None:
    path = tmp_path / "hd.xml"
    path.write_bytes(content)
    record = extract_file(path, limits=LIMITS)
    assert record.error is not None
    assert record.error.code == code
    assert record.fields == {}
