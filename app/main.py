"""The application factory: `uvicorn --factory app.main:create_app`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from app.db import make_engine
from app.errors import install_error_handlers
from app.live import Hub, PostgresListener
from app.routes import drafts, imports, live, rows, submissions, tags
from app.row_cache import RenderCache
from app.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware
from app.settings import STATIC_DIR, Settings

FORM_OVERHEAD_BYTES = 1024 * 1024  # multipart boundaries and the small fields beside a file or pasted text


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
        yield
        if listener:
            await listener.stop()

    app = FastAPI(title="Commentdesk", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.resolved_database_url())
    app.state.secret_key = settings.resolved_secret_key()
    app.state.render_cache = RenderCache()
    app.state.live_hub = Hub()

    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        limit_bytes=lambda: max(settings.max_upload_bytes, settings.max_paste_bytes) + FORM_OVERHEAD_BYTES,
    )
    app.add_middleware(SecurityHeadersMiddleware, https_only=settings.https_only)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(drafts.router)
    app.include_router(imports.router)
    app.include_router(submissions.router)
    app.include_router(rows.router)
    app.include_router(rows.pages)
    app.include_router(tags.router)
    app.include_router(live.router)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/drafts", status_code=303)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
