"""Domain and request errors -> HTTP once. Users see a sentence, never a traceback; htmx gets a fragment."""

from __future__ import annotations

import logging
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.deps import NoTeam, SignInRequired
from app.security import BodyTooLarge, CsrfRejected
from app.templating import is_htmx, render
from app.views import word_diff
from comments.accounts import TooManyAttempts
from comments.errors import CommentdeskError, EditConflict, Forbidden, ImportRejected, NotFound

log = logging.getLogger("commentdesk")

_IMPORT_STATUS = {"too_large": 413, "unsupported": 415}
_HTTP_MESSAGES = {
    400: "The request could not be read.",
    404: "There is no such page.",
    405: "That action is not available here.",
    413: "The request is too large.",
}


def error_response(request: Request, status_code: int, message: str) -> Response:
    template = "_error.html" if is_htmx(request) else "error.html"
    context = {"message": message, "status_code": status_code, "back": _page_before(request)}
    return render(request, template, context, status_code=status_code)


def _page_before(request: Request) -> str | None:
    """The page a refused form was sent from (this site's only, as a path), for a way back to it."""
    if request.method == "GET":
        return None
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/") or referer.path.startswith("//"):
        return None
    return referer.path + (f"?{referer.query}" if referer.query else "")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CommentdeskError)
    async def domain_error(request: Request, exc: CommentdeskError) -> Response:
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, Forbidden):
            status = 403
        elif isinstance(exc, ImportRejected):
            status = _IMPORT_STATUS.get(exc.reason, 422)
        else:
            status = 422
        return error_response(request, status, exc.message)

    @app.exception_handler(TooManyAttempts)
    async def too_many_attempts(request: Request, exc: TooManyAttempts) -> Response:
        response = error_response(request, 429, exc.message)
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired) -> Response:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if is_htmx(request):  # a fragment cannot become a sign-in page: send the whole tab there
            current = urlsplit(request.headers.get("hx-current-url", ""))
            back = current.path + (f"?{current.query}" if current.query else "") if current.path else "/"
            response = error_response(request, 401, "Your session has ended. Sign in again.")
            response.headers["HX-Redirect"] = f"/sign-in?{urlencode({'next': back})}"
            return response
        accept = request.headers.get("accept", "")
        if request.method == "GET" and "application/json" not in accept and "text/event-stream" not in accept:
            return RedirectResponse(f"/sign-in?{urlencode({'next': here})}", status_code=303)
        return error_response(request, 401, "Sign in first.")

    @app.exception_handler(NoTeam)
    async def no_team(request: Request, exc: NoTeam) -> Response:
        return render(request, "accounts/no_team.html", status_code=403)

    @app.exception_handler(EditConflict)
    async def edit_conflict(request: Request, exc: EditConflict) -> Response:
        context = {"conflict": exc, "diff": word_diff(exc.theirs, exc.yours)}
        if not is_htmx(request):
            return render(request, "submissions/conflict.html", context, status_code=409)
        # htmx swaps 409 (base.html's responseHandling) into the field's conflict box; the typed text stays.
        return render(request, "submissions/_conflict.html", context, status_code=409, headers={
            "HX-Retarget": f"#conflict-{exc.row_id}-{exc.field}", "HX-Reswap": "innerHTML",
        })

    @app.exception_handler(CsrfRejected)
    async def csrf_error(request: Request, exc: CsrfRejected) -> Response:
        return error_response(request, 403, exc.message)

    @app.exception_handler(BodyTooLarge)
    async def body_too_large(request: Request, exc: BodyTooLarge) -> Response:
        # The body limit has room for the form around the file: name the limit the forms state, not that one.
        settings = request.app.state.settings
        megabytes = max(settings.max_upload_mb, settings.max_paste_mb)
        return error_response(request, 413, f"The upload is larger than the {megabytes:g} MB limit.")

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, " ".join(validation_sentence(error) for error in exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
        return error_response(request, exc.status_code, message or _HTTP_MESSAGES.get(exc.status_code, "Error."))

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "Something went wrong on our side. Nothing was changed; try again.")


# How a form field is named to the person who filled it in ("value" is the text of a comment cell).
_FIELD_NAMES = {"value": "The text", "text": "The pasted text", "opening_text": "The opening paragraphs",
                "font_size_pt": "The font size", "submission_date": "The date", "comment_deadline": "The deadline"}


def validation_sentence(error: dict) -> str:
    """One refused form value as a sentence a person can act on (never pydantic's wording alone)."""
    loc = [str(part) for part in error.get("loc", ())[1:]]
    field = loc[-1] if loc else ""
    name = _FIELD_NAMES.get(field) or (f"The {field.replace('_', ' ')}" if field else "The request")
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind == "string_too_long":
        return f"{name} can have at most {ctx.get('max_length', 0):,} characters."
    if kind == "missing":
        return f"{name} is missing."
    if kind in ("greater_than_equal", "greater_than"):
        return f"{name} must be at least {ctx.get('ge', ctx.get('gt'))}."
    if kind in ("less_than_equal", "less_than"):
        return f"{name} must be at most {ctx.get('le', ctx.get('lt'))}."
    if kind.startswith(("int_", "float_")):
        return f"{name} must be a number."
    if kind.startswith("date"):
        return f"{name} must be a date (YYYY-MM-DD)."
    return f"{name} is not valid: {error.get('msg', 'invalid value')}."
