"""Comment tables: create one on a draft, the table page with its filters, settings, exports, print view."""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date
from pathlib import PurePath
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from markupsafe import Markup
from starlette.responses import RedirectResponse, Response

from app.deps import Actor, CsrfProtected, CurrentActor, SessionDep, SettingsDep
from app.live_wiring import latest_event_id
from app.row_cache import RenderCache
from app.security import csrf_token
from app.templating import render, templates
from app.views import STATUS_NAMES, print_rows, provision_choices, table_counts, table_view
from comments import accounts, permissions, queries, submissions
from comments.errors import ImportRejected, InvalidInput, NotFound
from comments.export.assemble import export_document, row_label
from comments.export.csv_renderer import render_csv
from comments.export.docx_renderer import render_docx
from comments.importing.comment_table import CommentTable, read_comment_table
from comments.importing.safety import ImportLimits
from comments.models import Draft, Submission

router = APIRouter()

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def load_submission(submission_id: int, session: SessionDep, actor: CurrentActor) -> Submission:
    return queries.get_submission(session, team_id=actor.team_id, submission_id=submission_id)


TeamSubmission = Annotated[Submission, Depends(load_submission)]


async def settings_form(  # no I/O: runs in the event loop
    title: Annotated[str, Form(max_length=500)],
    organisation: Annotated[str, Form(max_length=300)] = "",
    addressee: Annotated[str, Form(max_length=500)] = "",
    submission_date: Annotated[date | None, Form()] = None,
    opening_text: Annotated[str, Form(max_length=submissions.MAX_CELL_CHARS)] = "",
    orientation: Annotated[str, Form(pattern="^(portrait|landscape)$")] = "portrait",
    paper_size: Annotated[str, Form(max_length=10)] = "A4",
    language: Annotated[str, Form(max_length=5)] = "en",
    font_name: Annotated[str, Form(max_length=100)] = "Times New Roman",
    font_size_pt: Annotated[float, Form(ge=6, le=30)] = 11,
) -> submissions.SubmissionSettings:
    return submissions.SubmissionSettings(
        title=title, organisation=organisation, addressee=addressee, submission_date=submission_date,
        opening_text=opening_text, landscape=orientation == "landscape", font_name=font_name,
        font_size_pt=font_size_pt, paper_size=paper_size, language=language,
    )


SettingsForm = Annotated[submissions.SubmissionSettings, Depends(settings_form)]


@router.get("/submissions")
def list_submissions(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    found = queries.list_team_submissions(session, team_id=actor.team_id)
    return render(request, "submissions/index.html", {"submissions": found})


@router.get("/submissions/import")
def import_form(request: Request, actor: CurrentActor, settings: SettingsDep) -> Response:
    return render(request, "submissions/import.html", {"settings": settings})


@router.post("/submissions/import", dependencies=[CsrfProtected])
async def import_past_submission(
    session: SessionDep, actor: CurrentActor, settings: SettingsDep,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Read a past comment table from Word: a draft of the provisions it quotes and a table of its rows."""
    permissions.require(actor.role, permissions.Permission.edit_rows)
    if not file.filename:
        raise InvalidInput("Choose the .docx file of a past submission.")
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise ImportRejected(f"The file is larger than the {settings.max_upload_mb:g} MB limit.", reason="too_large")
    limits = ImportLimits(max_bytes=settings.max_upload_bytes)
    table = await run_in_threadpool(read_comment_table, data, limits)
    filename = PurePath(file.filename.replace("\\", "/")).name[:255]
    source = submissions.SourceInfo(filename=filename, sha256=hashlib.sha256(data).hexdigest())
    submission = await run_in_threadpool(
        _store_past_submission, session, actor, table, source, title.strip() or None,
    )
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


def _store_past_submission(
    session: SessionDep, actor: Actor, table: CommentTable, source: submissions.SourceInfo, title: str | None,
) -> Submission:
    submission = submissions.import_comment_table(
        session, team_id=actor.team_id, user_id=actor.user_id, table=table, source=source, title=title,
    )
    session.commit()
    return submission


@router.post("/drafts/{draft_id}/submissions", dependencies=[CsrfProtected])
def create_submission(draft_id: int, session: SessionDep, actor: CurrentActor, form: SettingsForm) -> Response:
    permissions.require(actor.role, permissions.Permission.edit_rows)
    draft = queries.get_draft(session, team_id=actor.team_id, draft_id=draft_id)
    submission = submissions.create_submission(session, draft=draft, settings=form, user_id=actor.user_id)
    session.commit()
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


async def row_filter_query(  # no I/O: runs in the event loop
    tag: Annotated[str, Query(max_length=20)] = "",
    kind: Annotated[str, Query(max_length=20)] = "",
    provision: Annotated[str, Query(max_length=20)] = "",
    status: Annotated[str, Query(max_length=20)] = "",
) -> queries.RowFilter:
    return queries.RowFilter(
        status=status if status in STATUS_NAMES else None,
        tag_id=int(tag) if tag.isdigit() else None,
        untagged=tag == "none",
        kind=kind if kind in ("comment", "question") else None,
        provision_id=int(provision) if provision.isdigit() else None,
    )


RowFilterQuery = Annotated[queries.RowFilter, Depends(row_filter_query)]


def _counts_url(request: Request, submission: Submission) -> str:
    """Where the page fetches its count line again: the counts of the filter it shows."""
    shown = [(k, v) for k, v in request.query_params.multi_items() if k in ("tag", "kind", "provision", "status")]
    return f"/submissions/{submission.id}/counts" + (f"?{urlencode(shown)}" if shown else "")


@router.get("/submissions/{submission_id}")
def show_submission(
    request: Request, submission: TeamSubmission, session: SessionDep, actor: CurrentActor, row_filter: RowFilterQuery,
    deleted: Annotated[int | None, Query()] = None,
    finalised: Annotated[int | None, Query(ge=0)] = None,
    from_positions: Annotated[int | None, Query(ge=0)] = None,
) -> Response:
    draft = queries.get_draft(session, team_id=submission.team_id, draft_id=submission.draft_id)
    cache: RenderCache = request.app.state.render_cache
    view = table_view(session, submission=submission, row_filter=row_filter, cache=cache,
                      csrf_token=csrf_token(request))
    undo_row = None
    if deleted is not None:  # after a delete without JavaScript: offer Undo (an unknown id just shows none)
        with contextlib.suppress(NotFound):
            row, of = queries.get_row(session, team_id=submission.team_id, row_id=deleted)
            undo_row = row if row.deleted_at is not None and of.id == submission.id else None
    return render(request, "submissions/show.html", {
        "submission": submission, "draft": draft, "view": view, "undo_row": undo_row,
        "provision_options": provision_options(session, draft=draft, cache=cache),
        "commented": queries.commented_provisions(session, submission=submission),
        "latest_event": latest_event_id(session, submission_id=submission.id),
        "fonts": submissions.FONT_NAMES, "font_sizes": submissions.FONT_SIZES, "statuses": STATUS_NAMES,
        "paper_sizes": submissions.PAPER_SIZES, "languages": submissions.SUBMISSION_LANGUAGES,
        "finalised": finalised, "from_positions": from_positions,
        "can_finalise": permissions.can(actor.role, permissions.Permission.finalise),
        # The rows are cached and shared by everyone: what a role may do is said once, on the table, for CSS and JS.
        "can_edit": permissions.can(actor.role, permissions.Permission.edit_rows),
        "can_approve": permissions.can(actor.role, permissions.Permission.approve_rows),
        "counts_url": _counts_url(request, submission),
    })


@router.get("/submissions/{submission_id}/counts")
def counts(request: Request, submission: TeamSubmission, session: SessionDep, row_filter: RowFilterQuery) -> Response:
    """The table's count line and its "no rows" message, for a page whose rows changed since it was loaded."""
    view = table_counts(session, submission=submission, row_filter=row_filter)
    response = render(request, "submissions/_counts.html", {
        "view": view, "statuses": STATUS_NAMES, "counts_url": _counts_url(request, submission)})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/submissions/{submission_id}/bin")
def deleted_rows(request: Request, submission: TeamSubmission, session: SessionDep) -> Response:
    """Deleted rows, newest deletion first, each restorable."""
    rows = queries.table_rows(session, submission=submission, deleted=True)
    rows.sort(key=lambda e: e.row.deleted_at or e.row.version, reverse=True)
    return render(request, "submissions/bin.html", {"submission": submission, "rows": rows,
                                                    "label": row_label})


@router.post("/submissions/{submission_id}/settings", dependencies=[CsrfProtected])
def update_settings(
    submission: TeamSubmission, session: SessionDep, actor: CurrentActor, form: SettingsForm,
) -> Response:
    permissions.require(actor.role, permissions.Permission.edit_rows)
    submissions.update_submission(session, submission=submission, settings=form)
    session.commit()
    return RedirectResponse(f"/submissions/{submission.id}", status_code=303)


ApprovedOnly = Annotated[bool, Query(alias="approved")]


# Each export format: (name in the audit log, renderer, media type, file extension).
_EXPORTS = {
    "docx": ("Word", render_docx, DOCX_TYPE),
    "csv": ("CSV", render_csv, "text/csv; charset=utf-8"),
}


@router.get("/submissions/{submission_id}/export.{extension}")
def export(
    submission: TeamSubmission, session: SessionDep, actor: CurrentActor, extension: Literal["docx", "csv"],
    approved_only: ApprovedOnly = False,
) -> Response:
    """The Word submission (or a CSV of it), recorded in the team's audit log."""
    kind, renderer, media_type = _EXPORTS[extension]
    document = export_document(session, submission=submission, approved_only=approved_only)
    rendered = renderer(document)
    which = "approved rows" if approved_only else "rows"
    accounts.record(session, team_id=actor.team_id, user_id=actor.user_id, action="exported",
                    summary=f"“{submission.title}” exported as {kind} ({len(document.rows)} {which})")
    session.commit()
    # A name of its own, so that the approved-only file never overwrites the full one in Downloads
    name = f"{' '.join(submission.title.split())[:64]} (approved rows)" if approved_only else submission.title
    return _download(rendered.data, media_type, name, extension, rendered.dropped_characters)


@router.get("/submissions/{submission_id}/print")
def print_view(
    request: Request, submission: TeamSubmission, session: SessionDep, approved_only: ApprovedOnly = False,
) -> Response:
    document = export_document(session, submission=submission, approved_only=approved_only)
    return render(request, "submissions/print.html", {
        "document": document, "rows": print_rows(document), "headers": document.wording.headers,
        "note": document.wording.note,
        "submission_id": submission.id,
    })


def provision_options(session: SessionDep, *, draft: Draft, cache: RenderCache) -> Markup:
    """The <option>s of the add-row picker. A stored draft's provisions never change, so render them once."""
    html = cache.get_or_render(("provision-options", draft.id), lambda: templates.env.get_template(
        "submissions/_provision_options.html").render(
            provisions=provision_choices(queries.provision_outline(session, draft=draft))))
    return Markup(html)


def _download(data: bytes, media_type: str, name: str, extension: str, dropped: int) -> Response:
    headers = {"Content-Disposition": content_disposition(name, extension)}
    if dropped:
        # Characters Word cannot hold (control codes) were left out; the table page lists where they are.
        headers["X-Dropped-Characters"] = str(dropped)
    return Response(data, media_type=media_type, headers=headers)


def content_disposition(title: str, extension: str) -> str:
    """An attachment name from the title: ASCII fallback plus the UTF-8 form (RFC 6266 / 5987)."""
    stem = " ".join(title.split())[:80] or "submission"
    ascii_stem = "".join(c if c.isascii() and (c.isalnum() or c in " -_.,()") else "_" for c in stem).strip()
    return (
        f'attachment; filename="{ascii_stem or "submission"}.{extension}"; '
        f"filename*=UTF-8''{quote(f'{stem}.{extension}', safe='')}"
    )
