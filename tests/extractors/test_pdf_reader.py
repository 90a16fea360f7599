"""The born-digital PDF reader on pages that mix a short text layer with pictures."""

import io
from pathlib import Path

from PIL import Image, ImageDraw

from extractors.limits import ReadLimits
from extractors.readers.pdf import PdfTextReader
from tests.docgen.common import _Pdf


def _seal() -> bytes:
    image = Image.new("RGB", (240, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 230, 230), outline="red", width=12)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_signature_page_with_a_seal_reads_its_short_text_layer(tmp_path: Path) -> None:
    # A contract's last page: two lines of text and a round seal. pypdfium2 5 renamed the
    # call that measures where an image sits; this page used to crash the reader there.
    pdf = _Pdf()
    pdf.text(20, 30, "ĐẠI DIỆN BÊN A")
    pdf.text(20, 80, "Nguyễn Văn An")
    pdf.pdf.image(io.BytesIO(_seal()), x=20, y=40, w=30, h=30)
    path = tmp_path / "seal.pdf"
    path.write_bytes(pdf.bytes())

    with PdfTextReader() as reader:
        parsed = reader.read(path, limits=ReadLimits())

    text = " ".join(word.text for word in parsed.pages[0].words)
    assert "Nguyễn" in text and "BÊN" in text
    assert parsed.problems == []
