"""Bad inputs (empty, truncated, encrypted, mislabelled); bulk and dense PDFs for speed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fpdf import FPDF

from tests.docgen.common import FONT_DIR, _Pdf
from tests.docgen.invoice import invoice

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
