"""The queue's search words and filters as the page's query string carries them, and as a
saved view keeps them: one model for both, so a saved view opens exactly the queue its
owner saw."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api.schemas import NO_CONTROL, IsoDate
from pipeline.review import checking
from pipeline.store.models import DocumentStatus
from rules.functions import BUSINESS_TZ

Text = Annotated[str | None, Field(max_length=200, pattern=NO_CONTROL)]


class QueueQuery(BaseModel):
    """What the queue shows: documents in `status` (those waiting for review unless
    another is chosen) narrowed by every filter given."""

    model_config = ConfigDict(extra="forbid")

    q: Text = Field(
        default=None,
        description="Words anywhere in the document or its record, diacritics and case aside "
        "(`hoa don` finds `Hóa đơn`); the last may be the start of a word.",
    )
    status: DocumentStatus | None = None
    type: Annotated[str | None, Field(max_length=20, pattern=NO_CONTROL)] = None
    supplier: Text = Field(
        default=None, description="A seller's tax id (exact) or part of its name."
    )
    rule: Annotated[str | None, Field(max_length=120, pattern=NO_CONTROL)] = Field(
        default=None, description="Only documents failing this rule."
    )
    confidence_below: float | None = Field(
        default=None, ge=0, le=1, description="Only documents with a field read less sure."
    )
    received_from: IsoDate | None = Field(default=None, description="Received on or after.")
    received_to: IsoDate | None = Field(default=None, description="Received on or before.")
    dated_from: IsoDate | None = Field(default=None, description="The record's date on or after.")
    dated_to: IsoDate | None = Field(default=None, description="The record's date on or before.")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # A form sends its empty inputs as `name=`: an empty box filters nothing.
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    def to_filter(self) -> checking.QueueFilter:
        return checking.QueueFilter(
            status=self.status or DocumentStatus.REVIEW,
            text=self.q,
            doc_type=self.type,
            supplier=self.supplier,
            failed_rule=self.rule,
            confidence_below=self.confidence_below,
            received_from=business_day_start(self.received_from),
            received_before=business_day_start(self.received_to + timedelta(days=1))
            if self.received_to
            else None,
            dated_from=self.dated_from,
            dated_to=self.dated_to,
        )

    def is_empty(self) -> bool:
        return not self.model_dump(exclude_none=True)

    def query_string(self) -> str:
        """The page's query string showing the queue this way (`q=hoa+don&type=invoice`)."""
        return urlencode(self.model_dump(mode="json", exclude_none=True))


def business_day_start(day: date | None) -> datetime | None:
    # The day as the office lives it (Vietnam), not as UTC counts it; given as the UTC
    # instant, as times are stored (SQLite compares them as text, offsets dropped).
    if day is None:
        return None
    return datetime.combine(day, time(), tzinfo=BUSINESS_TZ).astimezone(UTC)
