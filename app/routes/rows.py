"""Editing one row of a comment table. Every endpoint answers htmx with the fragment it changed and a plain
form post with a redirect back to the row, so the table also works without JavaScript."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from app.deps import CsrfProtected, CurrentActor, SessionDep
from app.security import csrf_token
from app.templating import is_htmx, render
from app.views import STATUS_NAMES, history_view, rendered_row, row_view, with_token
from comments import permissions, queries, submissions
from comments.models import CommentRow, RowKind, Submission

router = APIRouter(dependencies=[CsrfProtected])  # every change
pages = APIRouter()  # reads


class LoadedRow:
    """A row with its submission, loaded for the acting team (another team's row is a 404)."""

    def __init__(self, request: Request, row_id: int, session: SessionDep, actor: CurrentActor) -> None:
        self.row, self.submission = queries.get_row(session, team_id=actor.team_id, row_id=row_id)
        self.team_id = actor.team_id
        self.user_id = actor.user_id
        self.role = actor.role
        self.referer_path = urlsplit(request.headers.get("referer", "")).path

    @property
    def url(self) -> str:
        """Where a plain form post goes back to: the row's own page when it came from there, else the table."""
        if self.referer_path == f"/rows/{self.row.id}":
            return self.referer_path
        return f"/submissions/{self.submission.id}#row-{self.row.id}"


TeamRow = Annotated[LoadedRow, Depends()]


async def editable_row(loaded: TeamRow) -> LoadedRow:  # no I/O: runs in the event loop
    """A row the actor may change: of their team (else 404) and with a role that writes rows (else 403)."""
    permissions.require(loaded.role, permissions.Permission.edit_rows)
    return loaded


EditableRow = Annotated[LoadedRow, Depends(editable_row)]


def _row_fragment(request: Request, session: SessionDep, loaded: LoadedRow, template: str) -> Response:
    if not is_htmx(request):
        return RedirectResponse(loaded.url, status_code=303)
    return render(request, template, _row_context(session, loaded.row, loaded.submission, loaded.team_id),
                  headers=saved_headers(loaded.row))


def saved_headers(row: CommentRow) -> dict[str, str]:
    """Tell the page which version of the row it now shows, so live.js takes the echo of this change over the
    event stream for what it is (our own), not for someone else's edit."""
    return {"X-Row-Version": str(row.version),
            "HX-Trigger": json.dumps({"rowSaved": {"id": row.id, "version": row.version}})}


def row_fragment(request: Request, session: SessionDep, loaded: LoadedRow) -> Response:
    """The whole table row (for live updates), whatever the request; from the render cache when this version
    of the row was shown before."""
    pieces = rendered_row(session, row=loaded.row, team_id=loaded.team_id, cache=request.app.state.render_cache)
    return HTMLResponse(with_token(pieces, csrf_token(request)),
                        headers={"X-Row-Version": str(loaded.row.version), "Vary": "HX-Request"})


def _row_context(session: SessionDep, row: CommentRow, submission: Submission, team_id: int) -> dict[str, Any]:
    tags = queries.team_tags(session, team_id=team_id)
    members = queries.team_members(session, team_id=team_id)
    return {
        "r": row_view(queries.shown_row(session, row=row, team_id=team_id).entry,
                      {t.id: t for t in tags if t.id is not None}, dict(members)),
        "submission": submission,
        "view_tags": tags,
        "members": members,
        "statuses": STATUS_NAMES,
    }


@router.post("/submissions/{submission_id}/rows")
def add_row(
    request: Request, submission_id: int, session: SessionDep, actor: CurrentActor,
    provision_id: Annotated[str, Form(max_length=20)] = "",
    kind: Annotated[RowKind, Form()] = RowKind.comment,
) -> Response:
    submission = queries.get_submission(session, team_id=actor.team_id, submission_id=submission_id)
    permissions.require(actor.role, permissions.Permission.edit_rows)
    row = submissions.add_row(
        session, submission=submission, provision_id=int(provision_id) if provision_id.isdigit() else None,
        kind=kind, user_id=actor.user_id,
    )
    session.commit()
    if not is_htmx(request):
        return RedirectResponse(f"/submissions/{submission.id}#row-{row.id}", status_code=303)
    following = queries.next_live_row(session, row=row)
    # Put the new row in its place in document order without re-rendering (and losing) the others.
    headers = {"HX-Retarget": f"#row-{following.id}", "HX-Reswap": "beforebegin"} if following else {}
    headers["HX-Trigger-After-Settle"] = json.dumps({"rowAdded": {"id": row.id}})
    context = _row_context(session, row, submission, actor.team_id)
    return render(request, "submissions/_row.html", context, headers=headers)


@router.post("/rows/{row_id}/text")
def save_text(
    request: Request, loaded: EditableRow, session: SessionDep,
    field: Annotated[submissions.RowField, Form()],
    value: Annotated[str, Form(max_length=submissions.MAX_CELL_CHARS)] = "",
    version: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    submissions.update_row_text(session, row=loaded.row, field=field, value=value, base_version=version,
                                by=loaded.user_id)
    session.commit()
    if not is_htmx(request):
        return RedirectResponse(loaded.url, status_code=303)
    return Response(status_code=204, headers=saved_headers(loaded.row))


@router.post("/rows/{row_id}/spans")
def add_span(
    request: Request, loaded: EditableRow, session: SessionDep,
    start: Annotated[str, Form(max_length=12)] = "",
    end: Annotated[str, Form(max_length=12)] = "",
    exact: Annotated[str | None, Form(max_length=submissions.MAX_CELL_CHARS)] = None,
    words: Annotated[str, Form(max_length=2000)] = "",
    occurrence: Annotated[int, Form(ge=1, le=10_000)] = 1,
) -> Response:
    if start.isdigit() and end.isdigit():
        submissions.underline(session, row=loaded.row, start=int(start), end=int(end), exact=exact,
                              by=loaded.user_id)
    else:  # the keyboard and no-JS way: type the words
        submissions.underline_words(session, row=loaded.row, words=words, occurrence=occurrence,
                                    by=loaded.user_id)
    session.commit()
    return _row_fragment(request, session, loaded, "submissions/_quote.html")


@router.post("/rows/{row_id}/spans/{span_id}/delete")
def remove_span(request: Request, loaded: EditableRow, span_id: int, session: SessionDep) -> Response:
    submissions.remove_underline(session, row=loaded.row, span_id=span_id, by=loaded.user_id)
    session.commit()
    return _row_fragment(request, session, loaded, "submissions/_quote.html")


@pages.get("/rows/{row_id}")
def row_page(request: Request, loaded: TeamRow, session: SessionDep) -> Response:
    """One row with every control as a plain form: works without JavaScript and at any zoom."""
    return render(request, "submissions/row.html", _row_context(session, loaded.row, loaded.submission,
                                                                 loaded.team_id))


@pages.get("/rows/{row_id}/history")
def history(request: Request, loaded: TeamRow, session: SessionDep) -> Response:
    """Every change to the row: who, when, which field, before and after; any earlier state can be restored."""
    entries = [history_view(entry) for entry in queries.row_history(session, row=loaded.row)]
    context = _row_context(session, loaded.row, loaded.submission, loaded.team_id)
    return render(request, "submissions/history.html", {**context, "entries": entries,
                                                         "restorable": submissions.RESTORABLE_FIELDS})


@router.post("/rows/{row_id}/history/{event_id}/restore")
def restore_version(request: Request, loaded: EditableRow, event_id: int, session: SessionDep) -> Response:
    event = queries.get_row_event(session, row=loaded.row, event_id=event_id)
    submissions.restore_from_history(session, row=loaded.row, event=event, team_id=loaded.team_id,
                                     by=loaded.user_id)
    session.commit()
    return RedirectResponse(f"/rows/{loaded.row.id}/history", status_code=303)


@pages.get("/rows/{row_id}/words")
def words_form(request: Request, loaded: TeamRow, session: SessionDep) -> Response:
    if not is_htmx(request):
        return RedirectResponse(f"/rows/{loaded.row.id}", status_code=303)
    return render(request, "submissions/_words_form.html", _row_context(session, loaded.row, loaded.submission,
                                                                        loaded.team_id))


@pages.get("/rows/{row_id}/tags")
def tag_picker(request: Request, loaded: TeamRow, session: SessionDep) -> Response:
    """The concern-tag checkboxes: a fragment when the row's panel opens, or a page of its own without JS."""
    template = "submissions/_tag_picker.html" if is_htmx(request) else "submissions/tags.html"
    return render(request, template, _row_context(session, loaded.row, loaded.submission, loaded.team_id))


@router.post("/rows/{row_id}/tags")
def set_tags(
    request: Request, loaded: EditableRow, session: SessionDep,
    tag_ids: Annotated[list[int] | None, Form(alias="tag")] = None,
) -> Response:
    submissions.set_row_tags(session, row=loaded.row, team_id=loaded.team_id, tag_ids=tag_ids or [],
                             by=loaded.user_id)
    session.commit()
    return _row_fragment(request, session, loaded, "submissions/_tags.html")


@router.post("/rows/{row_id}/kind")
def set_kind(
    request: Request, loaded: EditableRow, session: SessionDep, kind: Annotated[str, Form(max_length=20)],
) -> Response:
    submissions.set_row_kind(session, row=loaded.row, kind=kind, by=loaded.user_id)
    session.commit()
    return _row_fragment(request, session, loaded, "submissions/_quote.html")


@router.post("/rows/{row_id}/status")
def set_status(
    request: Request, loaded: EditableRow, session: SessionDep, status: Annotated[str, Form(max_length=20)],
) -> Response:
    submissions.set_row_status(session, row=loaded.row, status=status, role=loaded.role, by=loaded.user_id)
    session.commit()
    return _row_fragment(request, session, loaded, "submissions/_quote.html")


@router.post("/rows/{row_id}/assign")
def assign(
    request: Request, loaded: EditableRow, session: SessionDep, user_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    submissions.assign_row(session, row=loaded.row, team_id=loaded.team_id,
                           user_id=int(user_id) if user_id.isdigit() else None, by=loaded.user_id)
    session.commit()
    return _row_fragment(request, session, loaded, "submissions/_quote.html")


@pages.get("/rows/{row_id}/notes")
def notes(request: Request, loaded: TeamRow, session: SessionDep) -> Response:
    """The row's internal discussion (never exported): a fragment when its panel opens, or a page."""
    context = {**_row_context(session, loaded.row, loaded.submission, loaded.team_id),
               "notes": queries.notes_of(session, row=loaded.row),
               "can_save_positions": permissions.can(loaded.role, permissions.Permission.manage_positions)}
    return render(request, "submissions/_notes.html" if is_htmx(request) else "submissions/notes.html", context)


@router.post("/rows/{row_id}/notes")
def add_note(
    request: Request, loaded: EditableRow, session: SessionDep,
    text: Annotated[str, Form(max_length=submissions.MAX_NOTE_CHARS)],
) -> Response:
    submissions.add_note(session, row=loaded.row, text=text, by=loaded.user_id)
    session.commit()
    if not is_htmx(request):
        return RedirectResponse(f"/rows/{loaded.row.id}/notes", status_code=303)
    context = {**_row_context(session, loaded.row, loaded.submission, loaded.team_id),
               "notes": queries.notes_of(session, row=loaded.row),
               "can_save_positions": permissions.can(loaded.role, permissions.Permission.manage_positions)}
    return render(request, "submissions/_notes.html", context)


@router.post("/rows/{row_id}/move")
def move(
    request: Request, loaded: EditableRow, session: SessionDep, direction: Annotated[Literal["up", "down"], Form()],
) -> Response:
    submissions.move_row(session, row=loaded.row, direction=direction, by=loaded.user_id)
    session.commit()
    if not is_htmx(request):
        return RedirectResponse(loaded.url, status_code=303)
    # The browser moves the row's element itself, so text typed in it stays where it is.
    trigger = json.dumps({"rowMoved": {"id": loaded.row.id, "direction": direction}})
    return Response(status_code=204, headers={"HX-Trigger": trigger})


@router.post("/rows/{row_id}/delete")
def delete(request: Request, loaded: EditableRow, session: SessionDep) -> Response:
    submissions.delete_row(session, row=loaded.row, by=loaded.user_id)
    session.commit()
    if not is_htmx(request):
        return RedirectResponse(f"/submissions/{loaded.submission.id}?deleted={loaded.row.id}", status_code=303)
    context = _row_context(session, loaded.row, loaded.submission, loaded.team_id)
    return render(request, "submissions/_deleted_row.html", context)


@router.post("/rows/{row_id}/restore")
def restore(request: Request, loaded: EditableRow, session: SessionDep) -> Response:
    submissions.restore_row(session, row=loaded.row, by=loaded.user_id)
    session.commit()
    return _row_fragment(request, session, loaded, "submissions/_row.html")
