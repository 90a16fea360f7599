"""The overview of the review work for the people who run it: what is waiting and how old,
what moved each day, how long approval takes, which fields and senders need correcting."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import AUTH_RESPONSES, QueueReader, SessionDep
from pipeline.review import overview

router = APIRouter(prefix="/api/v1", tags=["overview"], responses=AUTH_RESPONSES)


@router.get("/overview", response_model=overview.Overview)
def get_overview(session: SessionDep, _reader: QueueReader) -> overview.Overview:
    """Documents waiting for review by type and age band (under 1 day, 1–3, 3–7, over 7
    days); documents processed and first approved on each of the last 30 days (UTC); hours
    from arrival to first approval (median and 90th percentile); the fields and senders
    reviewers corrected most in those days."""
    return overview.overview(session)
