"""Saved views: a person's named sets of search words and filters for the queue. Each is
its owner's alone: another person neither lists nor deletes it (to them it does not
exist). Callers own the transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.errors import BackofficeError
from pipeline.store.models import SavedView

# Enough for every way one person looks at the queue; a list that long is no help to pick from.
MAX_VIEWS = 100


class ViewNotFound(BackofficeError):
    code = "view_not_found"
    http_status = 404

    def __init__(self, view_id: int) -> None:
        super().__init__(f"view {view_id} not found")


class TooManyViews(BackofficeError):
    code = "too_many_views"
    http_status = 409

    def __init__(self) -> None:
        super().__init__(f"at most {MAX_VIEWS} saved views each: delete one first")


def list_views(session: Session, *, owner: str) -> Sequence[SavedView]:
    """The owner's views, by name."""
    return session.scalars(
        select(SavedView).where(SavedView.owner == owner).order_by(SavedView.name, SavedView.id)
    ).all()


def save_view(
    session: Session, *, owner: str, name: str, filters: Mapping[str, Any]
) -> tuple[SavedView, bool]:
    """Keep `filters` under `name` for the owner; saving under a name they already use
    replaces that view's filters. Returns the view and whether it is new."""
    view = session.scalar(select(SavedView).where(SavedView.owner == owner, SavedView.name == name))
    if view is not None:
        view.filters = dict(filters)
        session.flush()
        return view, False
    if len(list_views(session, owner=owner)) >= MAX_VIEWS:
        raise TooManyViews()
    view = SavedView(owner=owner, name=name, filters=dict(filters))
    session.add(view)
    session.flush()
    return view, True


def delete_view(session: Session, *, owner: str, view_id: int) -> None:
    view = session.get(SavedView, view_id)
    if view is None or view.owner != owner:
        raise ViewNotFound(view_id)
    session.delete(view)
    session.flush()
