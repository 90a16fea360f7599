"""The audit trail: recording events with the client they came from, and reading them back.

Services record what happened and who did it; which client it came from (address, user
agent) is known only at the edge. The API attaches it to the request's session once, and
every event flushed from that session carries it, so no service signature has to know
about HTTP.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from pipeline.store.models import AuditEvent

_CLIENT_KEY = "audit_client"

# Every kind of event the trail holds. Reviewers read them by name on the audit page, in
# either language (api/web_labels.py labels each), and filter by them; the tests refuse an
# event of a kind not listed here, so a new one cannot reach the page unnamed.
KINDS = frozenset(
    {
        # a document's life (pipeline/lifecycle.py) and what reviewers change in it
        *("received", "duplicate_received", "processed", "claimed", "released", "retried"),
        *("checked", "failed", "superseded", "type_reassigned", "corrected", "not_duplicate"),
        *("line_item_added", "line_item_changed", "line_item_removed"),
        *("approved", "auto_approval_refused", "posted", "rejected", "reopened", "reversed"),
        *("memory_learned", "memory_forgotten"),
        # registers, the ledger and its feeds
        *("registered", "withdrawn", "handling_unit_assigned", "candidate_anonymised"),
        *("exchange_rate_set", "feed_acknowledged", "period_closed", "period_reopened"),
        *("portal_list_imported", "portal_flagged", "portal_flag_cleared"),
        *("supplier_updated", "suppliers_imported"),
        # people and tokens
        *("login", "login_blocked", "login_failed", "logout", "password_reset"),
        *("token_created", "token_revoked", "token_used"),
        *("user_created", "user_disabled", "user_enabled", "user_roles_changed"),
    }
)


class Client(BaseModel):
    """Where a request came from."""

    ip: str | None = None
    user_agent: str | None = None


def attach_client(session: Session, client: Client) -> None:
    session.info[_CLIENT_KEY] = client


@event.listens_for(Session, "before_flush")
def _stamp_client(session: Session, _context: Any, _instances: Any) -> None:
    client: Client | None = session.info.get(_CLIENT_KEY)
    if client is None:
        return
    for row in session.new:
        if isinstance(row, AuditEvent) and row.client_ip is None and row.user_agent is None:
            row.client_ip = client.ip
            row.user_agent = client.user_agent[:512] if client.user_agent else None


def record(
    session: Session,
    *,
    actor: str,
    kind: str,
    data: dict[str, Any] | None = None,
    document_id: int | None = None,
) -> AuditEvent:
    event_row = AuditEvent(actor=actor[:255], kind=kind, data=data or {}, document_id=document_id)
    session.add(event_row)
    return event_row


def change(old: Any, new: Any) -> dict[str, Any]:
    """How a changed value is written in an event's data (a status as its name)."""
    if isinstance(old, enum.Enum) or isinstance(new, enum.Enum):
        old, new = (v.value if isinstance(v, enum.Enum) else v for v in (old, new))
    return {"old": old, "new": new}


def list_events(
    session: Session,
    *,
    actor: str | None = None,
    kind: str | None = None,
    document_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after_id: int | None = None,
    limit: int = 100,
) -> Sequence[AuditEvent]:
    """Events in id order (the order they were written), after a cursor: the last id seen."""
    query = select(AuditEvent)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if kind is not None:
        query = query.where(AuditEvent.kind == kind)
    if document_id is not None:
        query = query.where(AuditEvent.document_id == document_id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if until is not None:
        query = query.where(AuditEvent.at < until)
    if after_id is not None:
        query = query.where(AuditEvent.id > after_id)
    return session.scalars(query.order_by(AuditEvent.id).limit(limit)).all()


def kinds(session: Session) -> Sequence[str]:
    """Every kind of event the trail holds, for choosing one to filter by."""
    return session.scalars(select(AuditEvent.kind).distinct().order_by(AuditEvent.kind)).all()
