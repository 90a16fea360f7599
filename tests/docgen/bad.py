"""Bad inputs (empty, truncated, encrypted, mislabelled, damaged); bulk and dense PDFs for
speed."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from fpdf import FPDF

from tests.docgen.common import FONT_DIR, _Pdf
from tests.docgen.contract import contract
from tests.docgen.einvoice import einvoice_xml
from tests.docgen.invoice import invoice
from tests.docgen.scans import photo
from tests.docgen.word import as_docx

# --- bad inputs ----------------------------------------------------------------------------


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated_pdf(path: Path) -> Path:
    data = invoice(99).pdf
    path.write_bytes(data[: int(len(data) * 0.4)])
    return path


def encrypted_pdf(path: Path) -> Path:
    from fpdf.enums import EncryptionMethod

    pdf = _Pdf()
    pdf.text(20, 20, "HÓA ĐƠN GIÁ TRỊ GIA TĂNG")
    pdf.pdf.set_encryption(
        owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4
    )
    path.write_bytes(pdf.bytes())
    return path


def zip_as_pdf(path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("invoice.xml", "<HDon/>")
    path.write_bytes(buffer.getvalue())
    return path


def distinct_pdfs(directory: Path, count: int, *, prefix: str = "doc") -> list[Path]:
    """`count` byte-distinct one-page invoices, fast: one font subset, numbers varied."""
    paths = []
    for index in range(count):
        pdf = FPDF(format="A4")
        pdf.set_font("Helvetica", size=11)
        pdf.add_page()
        pdf.text(15, 20, "INVOICE")
        pdf.text(15, 30, f"Invoice No.: {index + 1:07d}")
        pdf.text(15, 36, "Invoice Date: 2026-03-05")
        pdf.text(15, 46, f"Subtotal: {1000 + index}.00")
        pdf.text(15, 52, "VAT: 0.00")
        pdf.text(15, 58, f"Total: {1000 + index}.00")
        path = directory / f"{prefix}_{index:05d}.pdf"
        path.write_bytes(bytes(pdf.output()))
        paths.append(path)
    return paths


_PROSE = (
    "Căn cứ hợp đồng kinh tế đã ký giữa hai bên, công ty đề nghị thanh toán các khoản công "
    "nợ phát sinh trong quý theo đúng thời hạn. The parties agree that all invoices shall be "
    "settled within thirty days of receipt, including value added tax at the applicable rate. "
)


def dense_pdf(pages: int, *, characters_per_page: int = 2000) -> bytes:
    """Pages of running text, about `characters_per_page` characters each, for reading
    benchmarks."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.set_font("DejaVu", size=9)
    text = (_PROSE * (characters_per_page // len(_PROSE) + 1))[:characters_per_page]
    for _ in range(pages):
        pdf.add_page()
        pdf.multi_cell(0, 4.2, text)
    return bytes(pdf.output())


# --- damaged files, as a failing disk, a cut-off transfer or a broken tool leaves them -----


def damaged_page_tree_pdf(path: Path) -> Path:
    """A PDF whose page tree counts more pages than it holds: it opens, and loading the
    missing page fails (pypdfium2 `PdfiumError: Failed to load page`)."""
    data = invoice(98).pdf
    count = re.search(rb"/Count (\d+)", data)
    assert count is not None
    path.write_bytes(data.replace(count.group(0), b"/Count %d" % (int(count.group(1)) + 3), 1))
    return path


def docx_with_unknown_zip_version(path: Path) -> Path:
    """A Word file whose first ZIP directory entry claims a ZIP version no reader knows
    (zipfile: `NotImplementedError: zip file version 9.9`)."""
    data = bytearray(_docx_bytes())
    entry = data.find(b"PK\x01\x02")
    data[entry + 6] = 99  # version needed to extract, in tenths
    path.write_bytes(bytes(data))
    return path


def truncated_docx(path: Path) -> Path:
    data = _docx_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def truncated_image(path: Path, image_format: str) -> Path:
    """The first half of a scan saved as JPEG, PNG or TIFF, as an interrupted copy leaves it."""
    data = photo(invoice(97), image_format=image_format, dpi=100)
    path.write_bytes(data[: len(data) // 2])
    return path


def too_wide_for_tesseract(path: Path) -> Path:
    """A sound PNG banner 40000 pixels wide (0.8 Mpx, far under the pixel limit) that
    tesseract aborts on (`Image too large`): a failed OCR run, not a damaged file."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (40_000, 60), 255)
    ImageDraw.Draw(image).text((10, 20), "HÓA ĐƠN " * 40, fill=0)
    image.save(path, format="PNG")
    return path


def einvoice_with_nan_total(path: Path) -> Path:
    """An e-invoice XML whose total is `NaN`: the reader passes it on as a number and the
    record contract rejects it, an error no reader anticipates."""
    data = einvoice_xml(invoice(96)).content
    path.write_bytes(re.sub(rb"<TgTTTBSo>[^<]*</TgTTTBSo>", b"<TgTTTBSo>NaN</TgTTTBSo>", data))
    return path


def _docx_bytes() -> bytes:
    return as_docx(contract(95)).content
