"""A document's original as it was dropped, its pages as images for the review screen, and
an e-invoice XML shown as the invoice it states."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from api.deps import AUTH_RESPONSES, DocumentReader, SessionDep, SettingsDep, visible_document
from api.schemas import Problem, ValidationProblem
from api.web_labels import FIELD_LABELS, LABELS, number, pick_lang
from extractors.readers.einvoice import invoice_fields
from pipeline.intake.blobs import BlobStore
from pipeline.review.pages import (
    MAX_SCALE,
    MIN_SCALE,
    NoPageImages,
    PageNotFound,
    PageRenderer,
    PageTooLarge,
)

router = APIRouter(prefix="/api/v1", tags=["originals"], responses=AUTH_RESPONSES)

DocumentId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The document's id.")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such document, page, or page image."}
}
# Originals are anyone's bytes (the shared folder needs no login): an SVG or XHTML file with
# a script would run on our origin, as whoever opened it. Only what our own sniffing found
# to be a PDF or a raster image is shown inline; everything else is a download. And whatever
# a browser makes of the bytes, nothing in them may run, load or be framed.
INLINE = frozenset({"application/pdf", "image/png", "image/jpeg", "image/webp"})
_INERT = frozenset({"application/zip", "image/tiff"})
_OFFICE = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
UNTRUSTED_CONTENT = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'; sandbox",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# The e-invoice view is framed by the review page (this origin only) and holds no script:
# its own styles inline, nothing else loads, and it runs sandboxed like an original.
EINVOICE_VIEW = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'; sandbox",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "private, no-cache",
}
_templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
_templates.env.filters["number"] = number


class PageOut(BaseModel):
    number: int = Field(description="1-based, as in provenance.")
    width_points: float
    height_points: float


class PagesOut(BaseModel):
    """Page sizes in PDF points: provenance boxes are in these units, origin top-left, so a
    box is drawn on a page image at `scale` times its numbers."""

    pages: list[PageOut]


@router.get(
    "/documents/{document_id}/file",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The original. A PDF or a PNG, JPEG or WebP image (as its bytes "
            "say, never its name) is sent inline under its media type; anything else as an "
            "attachment: an Office file as its type (read from the ZIP's entries), a ZIP or TIFF "
            "as such, the rest as `application/octet-stream`. A "
            "sandboxing Content-Security-Policy and `nosniff` keep a browser from running "
            "anything in it.",
        },
        **_NOT_FOUND,
    },
)
def original(
    document_id: DocumentId,
    session: SessionDep,
    settings: SettingsDep,
    principal: DocumentReader,
) -> FileResponse:
    """The original's bytes as dropped, under its file name: a PDF or raster image shown
    inline, anything else downloaded; never run in this origin."""
    document = visible_document(session, document_id, principal)
    path = BlobStore(settings.resolved_blob_dir).path_for(document.blob_sha256)
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the original is missing from the store")
    inline = document.media_type in INLINE
    return FileResponse(
        path,
        media_type=document.media_type if inline else _download_type(document.media_type, path),
        headers={
            "Content-Disposition": content_disposition(
                document.filename, "inline" if inline else "attachment"
            ),
            "ETag": f'"{document.blob_sha256}"',
            "Cache-Control": "private, max-age=86400, immutable",
            **UNTRUSTED_CONTENT,
        },
    )


@router.get("/documents/{document_id}/pages", response_model=PagesOut, responses=_NOT_FOUND)
def pages(
    document_id: DocumentId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: DocumentReader,
) -> PagesOut | JSONResponse:
    """Every page's size, for drawing provenance boxes over page images. A Word original's
    pages are LibreOffice's layout of it (converted once, then cached); without LibreOffice
    on the server, 404 with `code` `no_converter`. An XML original has no pages: 404 (its
    invoice is shown by `/einvoice`)."""
    document = visible_document(session, document_id, principal)
    renderer: PageRenderer = request.app.state.page_renderer
    blob = BlobStore(settings.resolved_blob_dir).path_for(document.blob_sha256)
    try:
        sizes = renderer.sizes(blob, sha256=document.blob_sha256, media_type=document.media_type)
    except (NoPageImages, FileNotFoundError) as exc:
        code = exc.code if isinstance(exc, NoPageImages) else "original_missing"
        return JSONResponse(
            {"detail": _why(exc), "code": code}, status_code=status.HTTP_404_NOT_FOUND
        )
    return PagesOut(pages=[PageOut(**vars(size)) for size in sizes])


@router.get(
    "/documents/{document_id}/einvoice",
    # Not HTMLResponse: its refusals are JSON, which the route's class would document as HTML.
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}},
            "description": "The invoice as a page: seller, buyer, form, series, number and "
            "date, lines and totals, as the XML states them. No script; a sandboxing "
            "Content-Security-Policy that lets only this site's pages frame it.",
        },
        **_NOT_FOUND,
    },
)
def einvoice_view(
    document_id: DocumentId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: DocumentReader,
    lang: Annotated[str | None, Query(max_length=2)] = None,
) -> HTMLResponse:
    """An e-invoice XML original shown as the invoice, read from the XML itself (the legal
    original, not the record a reviewer may have corrected); 404 for any other original."""
    document = visible_document(session, document_id, principal)
    if document.media_type != "application/xml":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the original is not an e-invoice XML")
    path = BlobStore(settings.resolved_blob_dir).path_for(document.blob_sha256)
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the original is missing from the store")
    try:
        root = SafeET.parse(path, forbid_dtd=True).getroot()
    except (DefusedXmlException, ET.ParseError) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"the XML cannot be read ({exc})") from exc
    if root.tag.rsplit("}", 1)[-1] != "HDon":
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the XML is not a Vietnamese e-invoice")
    chosen = pick_lang(lang, request.cookies.get("bo_lang"), request.headers.get("accept-language"))
    return _templates.TemplateResponse(
        request,
        "einvoice.html",
        {
            "invoice": invoice_fields(root),
            "filename": document.filename,
            "lang": chosen,
            "t": LABELS[chosen],
            "f": FIELD_LABELS[chosen],
        },
        headers=EINVOICE_VIEW,
    )


@router.get(
    "/documents/{document_id}/pages/{number}.png",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"image/png": {}},
            "description": "The page; `X-Page-Width-Points`, `X-Page-Height-Points` and "
            "`X-Page-Scale` (pixels per point) say how provenance boxes map onto it.",
        },
        422: {"model": ValidationProblem, "description": "The page is too large at this scale."},
        **_NOT_FOUND,
    },
)
def page_image(
    document_id: DocumentId,
    number: Annotated[int, PathParam(ge=1, le=100_000, description="1-based page number.")],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: DocumentReader,
    scale: Annotated[
        float,
        Query(ge=MIN_SCALE, le=MAX_SCALE, description="Pixels per PDF point (1.5 = 108 dpi)."),
    ] = 1.5,
) -> FileResponse:
    """A page as a PNG, rendered on first request and cached. A sync route: it waits in
    the threadpool while a render process works, never on the event loop."""
    document = visible_document(session, document_id, principal)
    renderer: PageRenderer = request.app.state.page_renderer
    blob = BlobStore(settings.resolved_blob_dir).path_for(document.blob_sha256)
    try:
        path, size = renderer.png(
            blob,
            sha256=document.blob_sha256,
            media_type=document.media_type,
            number=number,
            scale=scale,
        )
    except (NoPageImages, PageNotFound, FileNotFoundError) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _why(exc)) from exc
    except PageTooLarge as exc:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [{"loc": ["query", "scale"], "msg": str(exc), "type": "value_error"}],
        ) from exc
    return FileResponse(
        path,
        media_type="image/png",
        headers={
            "X-Page-Width-Points": f"{size.width_points}",
            "X-Page-Height-Points": f"{size.height_points}",
            "X-Page-Scale": f"{round(scale, 2)}",
            "Cache-Control": "private, max-age=86400, immutable",
            **UNTRUSTED_CONTENT,
        },
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the original is missing from the store"
    return str(exc)


def _download_type(sniffed: str, path: Path) -> str:
    """What a downloaded original is sent as, from its bytes, never its name: an Office
    file is a ZIP whose entries say which (so it opens in Word or Excel), a TIFF is a TIFF;
    anything else, XML, SVG or HTML included, is just bytes."""
    if sniffed == "application/zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (OSError, zipfile.BadZipFile):
            return sniffed
        return next((kind for entry, kind in _OFFICE.items() if entry in names), sniffed)
    return sniffed if sniffed in _INERT else "application/octet-stream"


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """`filename*` (RFC 5987/6266) carries the name as it is, UTF-8 percent-encoded; the
    plain `filename` is an ASCII stand-in for clients that know no better (diacritics
    dropped, quotes and control characters replaced)."""
    ascii_name = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^\x20-\x7e]|["\\]', "_", ascii_name).strip() or "document"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
