"""The API's own documents: the OpenAPI document, and Swagger UI and ReDoc over it.

Behind sign-in like everything but /healthz and /login (a token, or a browser session; a
browser without one is sent to sign in), unless BACKOFFICE_PUBLISH_API_DOCS is set. Their
scripts and styles are served by the application, so the pages work without the internet
and under the same strict Content-Security-Policy as the other pages (no inline script;
the two viewers set inline styles, which their CSP allows)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.templating import Jinja2Templates

from api.deps import SESSION_COOKIE, SessionDep, SettingsDep, bearer_scheme, get_principal

router = APIRouter(include_in_schema=False)
ASSETS = Path(str(resources.files("fastapi_offline") / "static"))
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


def _admit(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    bearer: HTTPAuthorizationCredentials | None,
    *,
    page: bool,
) -> None:
    if settings.publish_api_docs:
        return
    try:
        get_principal(request, session, bearer, request.cookies.get(SESSION_COOKIE))
    except HTTPException as refused:
        if not page or refused.status_code != status.HTTP_401_UNAUTHORIZED:
            raise
        raise HTTPException(
            status.HTTP_303_SEE_OTHER,
            "sign in first",
            headers={"Location": f"/login?next={quote(request.url.path, safe='')}"},
        ) from refused


Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


@router.get("/openapi.json")
def openapi_document(
    request: Request, session: SessionDep, settings: SettingsDep, bearer: Bearer
) -> JSONResponse:
    _admit(request, session, settings, bearer, page=False)
    document: dict[str, Any] = request.app.openapi()
    return JSONResponse(document)


def _page(
    request: Request, session: SessionDep, settings: SettingsDep, bearer: Bearer, name: str
) -> HTMLResponse:
    _admit(request, session, settings, bearer, page=True)
    response = templates.TemplateResponse(request, name, {"title": request.app.title})
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(
    request: Request, session: SessionDep, settings: SettingsDep, bearer: Bearer
) -> HTMLResponse:
    return _page(request, session, settings, bearer, "docs_swagger.html")


@router.get("/redoc", response_class=HTMLResponse)
def redoc(
    request: Request, session: SessionDep, settings: SettingsDep, bearer: Bearer
) -> HTMLResponse:
    return _page(request, session, settings, bearer, "docs_redoc.html")
