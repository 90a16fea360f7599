"""The FastAPI application. Routers are thin: they call services and own the commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Match

from api import errors, examples, idempotency, security
from api.routers import (
    audit,
    auth,
    docs,
    documents,
    entries,
    health,
    ledger_sheets,
    memories,
    originals,
    overview,
    periods,
    portal,
    rates,
    registers,
    schema,
    suppliers,
    uploads,
    views,
    web,
    web_failed,
    web_overview,
    web_portal,
)
from pipeline.access.auth import anyone_can_sign_in
from pipeline.jobs.processing import rule_book
from pipeline.review.pages import PageRenderer
from pipeline.store.db import make_engine, make_session_factory
from pipeline.store.outage import describe, is_outage
from pipeline.store.settings import Settings, get_settings

log = logging.getLogger(__name__)
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings.resolved_database_url)
        app.state.settings = settings
        app.state.secret_key = settings.resolved_secret_key()
        app.state.session_factory = make_session_factory(engine)
        app.state.rule_book = rule_book(settings)
        try:
            with app.state.session_factory() as session:
                nobody = not anyone_can_sign_in(session)
        except Exception as exc:
            if not is_outage(exc):
                raise
            # Only advice is lost: requests answer 503 until the database is back.
            log.warning("database unreachable at start-up (%s): serving anyway", describe(exc))
            nobody = False
        if nobody:
            log.warning(
                "every API route but /healthz needs a user or a token, and there is none "
                "yet: add one with `backoffice users add NAME --role admin`"
            )
        app.state.page_renderer = PageRenderer(
            settings.data_dir / "pages",
            processes=settings.render_processes,
            max_source_pixels=settings.max_pixels,
        )
        yield
        app.state.page_renderer.close()
        engine.dispose()

    app = FastAPI(
        title="Back-office document automation",
        version="1",
        lifespan=lifespan,
        # Served by api.routers.docs: behind sign-in, with assets from this application.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.add_exception_handler(status.HTTP_405_METHOD_NOT_ALLOWED, _method_not_allowed)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(documents.router)
    app.include_router(uploads.router)
    app.include_router(originals.router)
    app.include_router(entries.router)
    app.include_router(ledger_sheets.router)
    app.include_router(registers.router)
    app.include_router(audit.router)
    app.include_router(memories.router)
    app.include_router(overview.router)
    app.include_router(views.router)
    app.include_router(periods.router)
    app.include_router(suppliers.router)
    app.include_router(rates.router)
    app.include_router(portal.router)
    app.include_router(schema.router)
    # Before the document page: `/review/failed` is not `/review/{document_id}`.
    app.include_router(web_failed.router)
    app.include_router(web.router)
    app.include_router(web_overview.router)
    app.include_router(web_portal.router)
    app.include_router(docs.router)
    # Outermost last: the client's real address and scheme first, then the headers every
    # answer carries, then inputs refused before anything reads them.
    app.add_middleware(idempotency.IdempotencyMiddleware)
    app.add_middleware(security.InputHygieneMiddleware)
    app.add_middleware(security.SecurityHeadersMiddleware)
    app.add_middleware(
        security.ForwardedMiddleware,
        trusted=security.trusted_networks(settings.trusted_proxies),
    )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            documented = idempotency.documented(examples.documented(FastAPI.openapi(app)))
            app.openapi_schema = security.document_no_control_characters(documented)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # The pages' script and style: public, as the sign-in page needs them before a session.
    static = Path(__file__).resolve().parent / "static"
    # Swagger UI's and ReDoc's own files, from the installed fastapi-offline package: the
    # API pages work offline and load nothing from elsewhere. Before /static, which would
    # otherwise take the path.
    app.mount("/static/docs", StaticFiles(directory=docs.ASSETS), name="docs-assets")
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app


async def _method_not_allowed(request: Request, exc: Exception) -> JSONResponse:
    """A 405 whose `Allow` names every method the path takes: Starlette names only those of
    the first route matching the path, and a document's GET and PATCH are two routes."""
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    ]
    return JSONResponse(
        {"detail": "Method Not Allowed"},
        status_code=status.HTTP_405_METHOD_NOT_ALLOWED,
        headers={"Allow": ", ".join(allowed)},
    )
