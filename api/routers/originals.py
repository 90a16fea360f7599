"""A document's original as it was dropped, and its pages as images for the review screen."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.deps import AUTH_RESPONSES, DocumentReader, SessionDep, SettingsDep, visible_document
from api.schemas import Problem, ValidationProblem
from pipeline.intake.blobs import BlobStore
from pipeline.review.pages import (
    MAX_SCALE,
    MIN_SCALE,
    NoPageImages,
    PageNotFound,
    PageRenderer,
    PageTooLarge,
)
from pipeline.store.models import Document

router = APIRouter(prefix="/api/v1", tags=["originals"], responses=AUTH_RESPONSES)

DocumentId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The document's id.")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such document, page, or page image."}
}
# What ingest's magic-byte sniffing cannot tell apart: a DOCX is a ZIP.
_VAGUE = frozenset({"application/zip", "application/octet-stream"})


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
            # PDF, image, Word or XML: whatever was dropped, under its own media type.
            "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The original.",
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
    """The original's bytes as dropped, with its media type and file name."""
    document = visible_document(session, document_id, principal)
    path = BlobStore(settings.resolved_blob_dir).path_for(document.sha256)
    if not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "the original is missing from the store")
    return FileResponse(
        path,
        media_type=_media_type(document),
        headers={
            "Content-Disposition": content_disposition(document.filename),
            "ETag": f'"{document.sha256}"',
            "Cache-Control": "private, max-age=86400, immutable",
        },
    )


@router.get("/documents/{document_id}/pages", response_model=PagesOut, responses=_NOT_FOUND)
def pages(
    document_id: DocumentId,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: DocumentReader,
) -> PagesOut:
    """Every page's size, for drawing provenance boxes over page images. A Word or XML
    original has no pages to show: 404."""
    document = visible_document(session, document_id, principal)
    renderer: PageRenderer = request.app.state.page_renderer
    blob = BlobStore(settings.resolved_blob_dir).path_for(document.sha256)
    try:
        sizes = renderer.sizes(blob, sha256=document.sha256, media_type=document.media_type)
    except (NoPageImages, FileNotFoundError) as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _why(exc)) from exc
    return PagesOut(pages=[PageOut(**vars(size)) for size in sizes])


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
    blob = BlobStore(settings.resolved_blob_dir).path_for(document.sha256)
    try:
        path, size = renderer.png(
            blob, sha256=document.sha256, media_type=document.media_type, number=number, scale=scale
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
        },
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the original is missing from the store"
    return str(exc)


def _media_type(document: Document) -> str:
    if document.media_type in _VAGUE:
        guessed, _ = mimetypes.guess_type(document.filename)
        return guessed or document.media_type
    return document.media_type


def content_disposition(filename: str, disposition: str = "inline") -> str:
    """`filename*` (RFC 5987/6266) carries the name as it is, UTF-8 percent-encoded; the
    plain `filename` is an ASCII stand-in for clients that know no better (diacritics
    dropped, quotes and control characters replaced)."""
    ascii_name = unicodedata.normalize("NFKD", filename.replace("đ", "d").replace("Đ", "D"))
    ascii_name = ascii_name.encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^\x20-\x7e]|["\\]', "_", ascii_name).strip() or "document"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
