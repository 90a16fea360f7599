"""Documents whose processing failed, as the people who deal with them see them: why in
words (Vietnamese and English, the technical detail kept beside), the list of them, and
sending one to be read again once its cause is fixed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pipeline.lifecycle import InvalidTransition, transition
from pipeline.review.checking import StaleVersion
from pipeline.store.models import AuditEvent, Document, DocumentStatus, Job

ReasonLang = Literal["vi", "en"]

# One sentence per failure code (every `ErrorCode`: the extractors' `ExtractionError` codes
# and the worker's `internal_error`), saying what went wrong and what to do about it: the
# clerk who sent the file reads it, not a developer.
REASONS: dict[str, dict[ReasonLang, str]] = {
    "encrypted_pdf": {
        "vi": "Tệp PDF có mật khẩu: hãy gửi bản không khoá.",
        "en": "The PDF is password-protected: please send an unlocked copy.",
    },
    "corrupt_file": {
        "vi": "Tệp bị hỏng hoặc không đọc được: hãy xuất hoặc quét lại và gửi lại.",
        "en": "The file is damaged or unreadable: please export or scan it again and resend.",
    },
    "unsupported_type": {
        "vi": "Loại tệp này không được hỗ trợ: hãy gửi PDF, ảnh, Word hoặc hoá đơn XML.",
        "en": "This kind of file is not supported: please send a PDF, image, Word file "
        "or XML e-invoice.",
    },
    "empty_file": {
        "vi": "Tệp trống, không có nội dung: hãy gửi lại tệp đầy đủ.",
        "en": "The file is empty: please send the complete file again.",
    },
    "too_large": {
        "vi": "Tệp quá lớn hoặc quá nhiều trang: hãy tách thành các tệp nhỏ hơn.",
        "en": "The file is too large or has too many pages: please split it into smaller files.",
    },
    "unreadable": {
        "vi": "Không đọc được chữ trong tệp: hãy quét lại rõ hơn (ít nhất 300 dpi).",
        "en": "No text could be read from the file: please scan it again more clearly "
        "(300 dpi or more).",
    },
    "ocr_failed": {
        "vi": "Nhận dạng chữ (OCR) thất bại: hãy thử lại, hoặc quét lại rõ hơn.",
        "en": "Text recognition (OCR) failed: please retry, or scan it again more clearly.",
    },
    "timeout": {
        "vi": "Xử lý quá thời gian cho phép: hãy thử lại, hoặc tách tệp thành phần nhỏ hơn.",
        "en": "Processing took too long: please retry, or split the file into smaller parts.",
    },
    "internal_error": {
        "vi": "Lỗi của hệ thống khi xử lý tệp: hãy thử lại; nếu vẫn lỗi, báo quản trị viên.",
        "en": "The system failed while processing the file: please retry; if it fails "
        "again, tell the administrator.",
    },
}
# A code from a newer reader than this table knows: still a sentence, never a blank.
UNKNOWN_REASON: dict[ReasonLang, str] = {
    "vi": "Không xử lý được tệp: hãy thử lại hoặc báo quản trị viên.",
    "en": "The file could not be processed: please retry or tell the administrator.",
}


def reason_in_words(code: str | None, lang: ReasonLang) -> str:
    """The failure `code` as a sentence in `lang`, saying what to do."""
    return REASONS.get(code or "", UNKNOWN_REASON)[lang]


def failed_at(session: Session, *, document_id: int) -> datetime | None:
    """When the document last failed (its latest `failed` event), or None."""
    return session.scalar(
        select(AuditEvent.at)
        .where(AuditEvent.document_id == document_id, AuditEvent.kind == "failed")
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def failed_times(session: Session, *, document_ids: Sequence[int]) -> dict[int, datetime]:
    """When each of the documents last failed, by id (those that never did are left out)."""
    if not document_ids:
        return {}
    rows = session.execute(
        select(AuditEvent.document_id, func.max(AuditEvent.at))
        .where(AuditEvent.document_id.in_(document_ids), AuditEvent.kind == "failed")
        .group_by(AuditEvent.document_id)
    )
    return {document_id: at for document_id, at in rows if document_id is not None}


def failed_documents(session: Session, *, limit: int) -> Sequence[Document]:
    """The documents whose processing failed for good, most recent first."""
    return session.scalars(
        select(Document)
        .where(Document.status == DocumentStatus.FAILED)
        .order_by(Document.id.desc())
        .limit(limit)
    ).all()


def retry(session: Session, *, document: Document, version: int, actor: str) -> Job:
    """Have a failed document read again (its cause fixed: a worker restarted, OCR
    installed, a limit raised): a new job for the workers, which claim it exactly once like
    any other. The failure stays in the history; the document no longer shows it."""
    if document.status is not DocumentStatus.FAILED:
        raise InvalidTransition(document, "retry")
    if document.version != version:
        raise StaleVersion(document, version)
    transition(
        session,
        document,
        "retried",
        actor=actor,
        data={"code": document.error_code, "message": document.error_message},
        action="retry",
    )
    document.error_code = None
    document.error_message = None
    job = Job(document_id=document.id, kind="process")
    session.add(job)
    return job
