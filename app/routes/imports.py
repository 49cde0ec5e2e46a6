"""Importing a draft: paste or upload -> a preview of the split the user can fix -> Confirm stores it."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from app.deps import Actor, CsrfProtected, CurrentActor, SessionDep, SettingsDep
from app.security import check_csrf
from app.settings import Settings
from app.templating import is_htmx, render
from app.views import preview_rows
from comments import permissions, services
from comments.errors import ImportRejected, InvalidInput, NotFound
from comments.importing.document import PROVISION_KINDS, SourceDocument, SplitResult
from comments.importing.readers import read_file, read_pasted
from comments.importing.safety import ImportLimits

router = APIRouter()

MAX_FORM_FIELDS = 20


@router.post("/imports")
async def start_import(
    request: Request, session: SessionDep, actor: CurrentActor, settings: SettingsDep,
) -> Response:
    """Parse the pasted text or the uploaded file and show the preview. Nothing is stored as a draft yet."""
    permissions.require(actor.role, permissions.Permission.import_drafts)
    form = await _read_import_form(request, settings)
    check_csrf(request, form)
    source = await _source_from_form(form, settings)
    # Splitting and the database are blocking work: keep them off the event loop.
    preview_id = await run_in_threadpool(_store_preview, session, actor, source)
    return _redirect(request, f"/imports/{preview_id}")


@router.get("/imports/{preview_id}")
def show_preview(request: Request, preview_id: str, session: SessionDep, actor: CurrentActor) -> Response:
    preview = services.get_preview(session, team_id=actor.team_id, preview_id=preview_id)
    result = services.preview_result(preview)
    return render(request, "imports/preview.html", {
        "preview": preview, "result": result, "rows": preview_rows(result),
    })


@router.get("/imports/{preview_id}/provisions/{index}")
def fix_provision(request: Request, preview_id: str, index: int, session: SessionDep, actor: CurrentActor) -> Response:
    """The tools to fix one provision: a fragment under its row (htmx), or a page of its own."""
    preview = services.get_preview(session, team_id=actor.team_id, preview_id=preview_id)
    rows = preview_rows(services.preview_result(preview))
    if not 0 <= index < len(rows):
        raise NotFound(f"There is no provision {index + 1} in this preview.")
    context = {"preview": preview, "row": rows[index], "kinds": PROVISION_KINDS}
    return render(request, "imports/_fix.html" if is_htmx(request) else "imports/fix.html", context)


@router.post("/imports/{preview_id}/edit", dependencies=[CsrfProtected])
def edit_preview(
    request: Request, preview_id: str, session: SessionDep, actor: CurrentActor,
    op: Annotated[services.EditOp, Form()],
    index: Annotated[int, Form(ge=0)],
    offset: Annotated[int | None, Form(ge=0)] = None,
    before_text: Annotated[str | None, Form(max_length=2000)] = None,
    kind: Annotated[str | None, Form(max_length=20)] = None,
    number: Annotated[str | None, Form(max_length=40)] = None,
    label: Annotated[str | None, Form(max_length=200)] = None,
    heading: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    permissions.require(actor.role, permissions.Permission.import_drafts)
    preview = services.get_preview(session, team_id=actor.team_id, preview_id=preview_id)
    if op == "split" and offset is None and before_text:
        offset = _offset_of_words(services.preview_result(preview), index, before_text)
    edit = services.PreviewEdit(
        op=op, index=index, offset=offset, kind=kind or None, number=number, label=label, heading=heading,
    )
    result = services.edit_preview(session, preview=preview, edit=edit)
    session.commit()
    if is_htmx(request):
        return render(request, "imports/_split.html", {
            "preview": preview, "result": result, "rows": preview_rows(result),
        })
    return RedirectResponse(f"/imports/{preview.id}", status_code=303)


@router.post("/imports/{preview_id}/confirm", dependencies=[CsrfProtected])
def confirm_preview(
    request: Request, preview_id: str, session: SessionDep, actor: CurrentActor,
    title: Annotated[str, Form(max_length=500)] = "",
    jurisdiction: Annotated[str, Form(max_length=100)] = "",
    issuing_body: Annotated[str, Form(max_length=300)] = "",
    comment_deadline: Annotated[date | None, Form()] = None,
) -> Response:
    permissions.require(actor.role, permissions.Permission.import_drafts)
    preview = services.get_preview(session, team_id=actor.team_id, preview_id=preview_id)
    draft = services.confirm_preview(
        session, preview=preview, title=title, user_id=actor.user_id, jurisdiction=jurisdiction,
        issuing_body=issuing_body, comment_deadline=comment_deadline,
    )
    session.commit()
    return _redirect(request, f"/drafts/{draft.id}")


@router.post("/imports/{preview_id}/discard", dependencies=[CsrfProtected])
def discard_preview(request: Request, preview_id: str, session: SessionDep, actor: CurrentActor) -> Response:
    preview = services.get_preview(session, team_id=actor.team_id, preview_id=preview_id)
    session.delete(preview)
    session.commit()
    return _redirect(request, "/drafts/new")


# --- helpers -------------------------------------------------------------------------------------------

async def _read_import_form(request: Request, settings: Settings) -> FormData:
    """Parse the form with a per-field limit large enough for a pasted regulation (Starlette's is 1 MB)."""
    try:
        return await request.form(
            max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=settings.max_paste_bytes + 1,
        )
    except StarletteHTTPException as exc:
        if "maximum size" in str(exc.detail):
            raise ImportRejected(
                f"The pasted text is larger than the {settings.max_paste_mb:g} MB limit.", reason="too_large",
            ) from exc
        raise ImportRejected("The form could not be read. Reload the page and try again.") from exc


async def _source_from_form(form: FormData, settings: Settings) -> SourceDocument:
    limits = ImportLimits(max_bytes=settings.max_upload_bytes)
    upload = form.get("file")
    text = form.get("text")
    if isinstance(upload, UploadFile) and upload.filename and isinstance(text, str) and text.strip():
        # Which one was meant? Guessing would import the other draft without a word.
        raise InvalidInput("Paste the text or choose a file, not both: clear the text box or remove the file.")
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(settings.max_upload_bytes + 1)
        if len(data) > settings.max_upload_bytes:
            raise ImportRejected(
                f"The file is larger than the {settings.max_upload_mb:g} MB limit.", reason="too_large",
            )
        return await run_in_threadpool(read_file, data, upload.filename, limits=limits)
    if isinstance(text, str) and text.strip():
        if len(text.encode("utf-8")) > settings.max_paste_bytes:
            raise ImportRejected(
                f"The pasted text is larger than the {settings.max_paste_mb:g} MB limit.", reason="too_large",
            )
        paste_limits = ImportLimits(max_bytes=settings.max_paste_bytes)
        return await run_in_threadpool(read_pasted, text, limits=paste_limits)
    raise InvalidInput("Paste the text of the draft, or choose a .txt, .docx or .pdf file.")


def _store_preview(session: Session, actor: Actor, source: SourceDocument) -> str:
    preview = services.create_preview(session, team_id=actor.team_id, user_id=actor.user_id, source=source)
    session.commit()
    return preview.id


def _offset_of_words(result: SplitResult, index: int, words: str) -> int:
    if not 0 <= index < len(result.provisions):
        raise InvalidInput(f"There is no provision {index + 1}.")
    position = result.provisions[index].text.find(words.strip())
    if position <= 0:
        raise InvalidInput(f"“{words.strip()[:60]}” does not occur inside that provision's text.")
    return position


def _redirect(request: Request, url: str) -> Response:
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)
