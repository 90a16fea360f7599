"""Uploads: a clerk sends a file through the API instead of the shared folder."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath, PureWindowsPath

from fastapi import APIRouter, HTTPException, Response, UploadFile, status
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError

from api.deps import AUTH_RESPONSES, SessionDep, SettingsDep, Uploader
from api.schemas import UNREADABLE_BODY, Problem, ValidationProblem
from extractors.text import CONTROL
from pipeline.intake import ingest
from pipeline.intake.blobs import BlobStore, BlobTooLarge

router = APIRouter(prefix="/api/v1", tags=["documents"], responses=AUTH_RESPONSES)


class UploadOut(BaseModel):
    id: int = Field(description="The document holding the file.")
    duplicate: bool = Field(description="The same bytes were received before, as this document.")


@router.post(
    "/documents",
    response_model=UploadOut,
    status_code=status.HTTP_201_CREATED,
    responses=UNREADABLE_BODY
    | {
        200: {"model": UploadOut, "description": "The same bytes were received before."},
        409: {"model": Problem, "description": "The same bytes arrived another way at once."},
        413: {"model": Problem, "description": "Larger than BACKOFFICE_MAX_FILE_BYTES."},
        422: {
            "model": ValidationProblem,
            "description": "No file, an empty one, or control characters in its name.",
        },
    },
)
def upload(
    file: UploadFile,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    principal: Uploader,
) -> UploadOut:
    """Upload a file to be processed like one dropped into the shared folder; the uploader
    is recorded, and a clerk sees the documents they uploaded."""
    # Only the last part of a name a browser may send with a path, from either system.
    filename = PureWindowsPath(PurePosixPath(file.filename or "").name).name[:255] or "upload"
    if CONTROL.search(filename):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {
                    "loc": ["body", "file"],
                    "msg": "control characters in its name",
                    "type": "value_error",
                }
            ],
        )
    blobs = BlobStore(settings.resolved_blob_dir)
    staging_root = settings.resolved_blob_dir / "tmp"
    staging_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=staging_root) as staging:
        staged = Path(staging) / "upload"
        with staged.open("wb") as target:
            shutil.copyfileobj(file.file, target)
        if staged.stat().st_size == 0:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                [{"loc": ["body", "file"], "msg": "empty file (0 bytes)", "type": "value_error"}],
            )
        try:
            blob = blobs.put_file(staged, max_bytes=settings.max_file_bytes)
        except BlobTooLarge as exc:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"too large: the limit is {settings.max_file_bytes} bytes",
            ) from exc
    try:
        outcome, document_id = ingest.record_upload(
            session, blob=blob, filename=filename, uploaded_by=principal.name
        )
        session.commit()
    except IntegrityError as exc:  # the same bytes arrived by another way at this moment
        raise HTTPException(status.HTTP_409_CONFLICT, "received concurrently; retry") from exc
    duplicate = outcome is ingest.Outcome.DUPLICATE
    if duplicate:
        response.status_code = status.HTTP_200_OK
    return UploadOut(id=document_id, duplicate=duplicate)
