"""Media type from magic bytes: the extension of a dropped file is never trusted."""

# How many leading bytes sniffing looks at. PDF readers (Acrobat, PDFium) accept a header
# anywhere in the first 1024 bytes, and mail gateways and some scanners do put junk first.
SNIFF_BYTES = 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),
)


def sniff_media_type(head: bytes) -> str:
    """Return the media type of a file given its first `SNIFF_BYTES` bytes."""
    for magic, media_type in _SIGNATURES:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if not head:
        return "application/x-empty"
    # After the signatures that must come first: an image or a ZIP may mention "%PDF-" early.
    if b"%PDF-" in head[:SNIFF_BYTES]:
        return "application/pdf"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return "application/xml"
    return "application/octet-stream"
