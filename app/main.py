"""The application factory: `uvicorn --factory app.main:create_app`."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.db import for_reading, for_writing, make_engine
from app.deps import SignedInDep
from app.errors import install_error_handlers
from app.live import Hub, PostgresListener
from app.live_feed import LiveFeed
from app.match_cache import MatchIndexCache
from app.routes import accounts, drafts, imports, live, positions, rows, submissions, tags, team
from app.routes.accounts import first_run_code
from app.row_cache import RenderCache
from app.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from app.settings import STATIC_DIR, Settings
from app.templating import render, templates
from comments.accounts import has_accounts
from comments.matching import load_encoder

log = logging.getLogger("commentdesk")
FORM_OVERHEAD_BYTES = 1024 * 1024  # multipart boundaries and the small fields beside a file or pasted text


def _announce_first_run(app: FastAPI) -> None:
    """With no account yet, log the one link that can make the first admin (the code is in the link)."""
    try:
        with Session(app.state.engine) as session:
            if has_accounts(session):
                return
    except SQLAlchemyError:
        log.warning("The database is not ready: run `commentdesk db upgrade`.")
        return
    log.warning("No accounts yet. Open /setup?code=%s on this server to make the first admin, "
                "or run `commentdesk users create-admin`.", first_run_code(app.state.secret_key))


def _freeze_startup_objects() -> None:
    """A worker holds ~150,000 objects after its imports (modules, classes, SQLAlchemy and Jinja machinery) that
    live as long as it does. CPython's full collections walk them all: pauses of 80-160 ms that stop every request
    and live update in the worker (measured by bench/coedit.py). Compile the templates now, then freeze: later
    collections only look at what requests create."""
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    logging.basicConfig(level=logging.INFO)
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # PostgreSQL: one LISTEN connection per worker carries other workers' doorbells (SQLite: one process).
        url = settings.resolved_database_url()
        listener = PostgresListener() if url.startswith("postgresql") else None
        if listener:
            await listener.start(app.state.live_hub, url)
        _announce_first_run(app)
        if settings.gc_freeze:
            _freeze_startup_objects()
        yield
        if listener:
            await listener.stop()

    app = FastAPI(title="Commentdesk", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url())
    app.state.read_engine = for_reading(app.state.engine)
    app.state.write_engine = for_writing(app.state.engine)
    app.state.secret_key = settings.resolved_secret_key()
    app.state.render_cache = RenderCache()
    app.state.live_hub = Hub()
    app.state.live_feed = LiveFeed(app.state.read_engine, app.state.live_hub, app.state.render_cache)
    app.state.match_cache = MatchIndexCache(encoder=load_encoder() if settings.semantic_matching else None)

    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        limit_bytes=lambda: max(settings.max_upload_bytes, settings.max_paste_bytes) + FORM_OVERHEAD_BYTES,
    )
    app.add_middleware(SecurityHeadersMiddleware, https_only=settings.https_only)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(accounts.router)
    app.include_router(team.router)
    app.include_router(drafts.router)
    app.include_router(imports.router)
    app.include_router(submissions.router)
    app.include_router(rows.router)
    app.include_router(rows.pages)
    app.include_router(tags.router)
    app.include_router(positions.router)
    app.include_router(live.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/drafts", status_code=303)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(signed_in: SignedInDep) -> JSONResponse:  # the API's shape is for the team, not the world
        return JSONResponse(app.openapi())

    @app.get("/docs", include_in_schema=False)
    def api_docs(request: Request, signed_in: SignedInDep) -> Response:
        # Swagger UI would need a CDN and inline scripts (the CSP forbids both): a plain list of the routes.
        schema = app.openapi()
        routes = [
            {"method": method.upper(), "path": path, "summary": operation.get("summary", ""),
             "description": operation.get("description", "")}
            for path, operations in schema.get("paths", {}).items() for method, operation in operations.items()
        ]
        return render(request, "api_docs.html", {"routes": routes})

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
