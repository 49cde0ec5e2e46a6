"""Jinja2 environment (autoescaping everything) and a render helper that knows htmx requests."""

from __future__ import annotations

import os
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from app.security import csrf_token
from app.settings import TEMPLATES_DIR

# Autoescape every template, whatever its file name ends with.
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
        auto_reload=os.environ.get("COMMENTDESK_RELOAD_TEMPLATES") == "1",  # a stat per include otherwise
    ),
)


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    context = dict(context or {})
    context.setdefault("csrf_token", csrf_token(request))
    context.setdefault("signed_in", getattr(request.state, "signed_in", None))  # the header: name, teams
    response = templates.TemplateResponse(request, name, context, status_code=status_code, headers=headers)
    response.headers["Vary"] = "HX-Request"
    return response
