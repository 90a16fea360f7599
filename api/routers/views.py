"""Saved views: each reviewer's named searches of the queue. Thin: pipeline.review.views
does the work, this router owns the commit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response, status
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from api.deps import AUTH_RESPONSES, QueueReader, SessionDep
from api.schemas import UNREADABLE_BODY, Problem, RequestBody, UtcDateTime
from api.search_query import QueueQuery
from pipeline.review import views
from pipeline.store.models import SavedView

router = APIRouter(prefix="/api/v1", tags=["views"], responses=AUTH_RESPONSES)

ViewId = Annotated[int, PathParam(ge=1, le=2**31 - 1, description="The view's id.")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such view of yours."}
}


class ViewIn(RequestBody):
    # Something besides spaces, and no control character (RequestBody refuses those).
    name: str = Field(
        min_length=1,
        max_length=120,
        pattern=r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$",
    )
    filters: QueueQuery


class ViewOut(BaseModel):
    id: int
    name: str
    filters: QueueQuery
    href: str = Field(description="The queue page showing this view.")
    created_at: UtcDateTime

    @classmethod
    def of(cls, view: SavedView) -> ViewOut:
        filters = QueueQuery.model_validate(view.filters)
        query = filters.query_string()
        return cls(
            id=view.id,
            name=view.name,
            filters=filters,
            href="/review" + (f"?{query}" if query else ""),
            created_at=view.created_at,
        )


class ViewList(BaseModel):
    items: list[ViewOut]


@router.get("/views", response_model=ViewList)
def list_views(session: SessionDep, principal: QueueReader) -> ViewList:
    """Your saved views, by name; nobody else's."""
    rows = views.list_views(session, owner=principal.name)
    return ViewList(items=[ViewOut.of(row) for row in rows])


@router.post(
    "/views",
    response_model=ViewOut,
    status_code=status.HTTP_201_CREATED,
    responses=UNREADABLE_BODY
    | {
        200: {"model": ViewOut, "description": "A view of yours by that name, now replaced."},
        409: {"model": Problem, "description": "You have as many views as one may keep."},
    },
)
def save_view(
    body: ViewIn, session: SessionDep, principal: QueueReader, response: Response
) -> ViewOut:
    """Keep search words and filters under a name; saving under a name you already use
    replaces that view."""
    view, created = views.save_view(
        session,
        owner=principal.name,
        name=body.name.strip(),
        filters=body.filters.model_dump(mode="json", exclude_none=True),
    )
    session.commit()
    if not created:
        response.status_code = status.HTTP_200_OK
    return ViewOut.of(view)


@router.delete("/views/{view_id}", status_code=status.HTTP_204_NO_CONTENT, responses=_NOT_FOUND)
def delete_view(view_id: ViewId, session: SessionDep, principal: QueueReader) -> Response:
    """Delete one of your views; another person's is as absent as one never saved."""
    views.delete_view(session, owner=principal.name, view_id=view_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
