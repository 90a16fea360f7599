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

from api import errors, examples, idempotency
from api.routers import (
    audit,
    auth,
    documents,
    entries,
    health,
    originals,
    registers,
    schema,
    uploads,
    web,
)
from pipeline.access.auth import anyone_can_sign_in
from pipeline.jobs.processing import rule_book
from pipeline.review.pages import PageRenderer
from pipeline.store.db import make_engine, make_session_factory
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
        with app.state.session_factory() as session:
            if not anyone_can_sign_in(session):
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
    )
    app.add_exception_handler(status.HTTP_405_METHOD_NOT_ALLOWED, _method_not_allowed)
    errors.install(app)
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(documents.router)
    app.include_router(uploads.router)
    app.include_router(originals.router)
    app.include_router(entries.router)
    app.include_router(registers.router)
    app.include_router(audit.router)
    app.include_router(schema.router)
    app.include_router(web.router)
    app.add_middleware(idempotency.IdempotencyMiddleware)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = idempotency.documented(examples.documented(FastAPI.openapi(app)))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    # The pages' script and style: public, as the sign-in page needs them before a session.
    static = Path(__file__).resolve().parent / "static"
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
