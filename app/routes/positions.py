"""The positions library (list, search, edit, retire, merge, import past Word files), saving rows to it,
finalising a submission, watch phrases, and suggestions on a draft: the triage page and "use this position"."""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from app.deps import Actor, CsrfProtected, CurrentActor, SessionDep, SettingsDep
from app.match_cache import MatchIndexCache
from app.routes.rows import EditableRow
from app.routes.submissions import TeamSubmission
from app.settings import Settings
from app.templating import is_htmx, render
from app.views import word_diff
from comments import permissions, positions, queries, submissions
from comments.errors import ImportRejected, InvalidInput, NotFound
from comments.importing.comment_table import read_comment_table
from comments.importing.safety import ImportLimits
from comments.models import Position, PositionStatus, Provision, Submission

router = APIRouter()

MAX_FILES_PER_UPLOAD = 100
BULK_THRESHOLD = 85  # "create rows for all matches ≥ 85 %": the high and near-exact bands


def load_position(position_id: int, session: SessionDep, actor: CurrentActor) -> Position:
    return positions.get_position(session, team_id=actor.team_id, position_id=position_id)


TeamPosition = Annotated[Position, Depends(load_position)]


async def match_cache(request: Request) -> MatchIndexCache:
    cache: MatchIndexCache = request.app.state.match_cache
    return cache


MatchCache = Annotated[MatchIndexCache, Depends(match_cache)]


# --- the library ---------------------------------------------------------------------------------------------

@router.get("/positions")
def library(
    request: Request, session: SessionDep, actor: CurrentActor, q: Annotated[str, Query(max_length=200)] = "",
    tag: int | None = None, source: Annotated[str, Query(max_length=200)] = "", retired: bool = False,
) -> Response:
    query = positions.PositionSearch(text=q, tag_id=tag, source=source, include_retired=retired)
    return render(request, "positions/index.html", {
        "cards": positions.search(session, team_id=actor.team_id, query=query), "query": query,
        "tags": queries.team_tags(session, team_id=actor.team_id),
        "can_manage": permissions.can(actor.role, permissions.Permission.manage_positions),
    })


@router.get("/positions/import")
def import_form(request: Request, actor: CurrentActor, settings: SettingsDep) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_positions)
    return render(request, "positions/import.html", {"settings": settings, "results": None})


@router.post("/positions/import", dependencies=[CsrfProtected])
async def import_files(
    request: Request, session: SessionDep, actor: CurrentActor, settings: SettingsDep,
    files: Annotated[list[UploadFile], File()],
) -> Response:
    """Several past Word submissions at once (the page sends them one by one to show progress)."""
    permissions.require(actor.role, permissions.Permission.manage_positions)
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise InvalidInput(f"Send at most {MAX_FILES_PER_UPLOAD} files at a time.")
    results = []
    for upload in files:
        results.append(await run_in_threadpool(_import_one, session, actor, settings, upload))
    template = "positions/_import_results.html" if is_htmx(request) else "positions/import.html"
    status = 200 if any(r["ok"] for r in results) or not results else 422
    return render(request, template, {"settings": settings, "results": results}, status_code=status)


def _import_one(session: Session, actor: Actor, settings: Settings, upload: UploadFile) -> dict[str, object]:
    name = upload.filename or "upload.docx"
    data = upload.file.read(settings.max_upload_bytes + 1)
    try:
        if len(data) > settings.max_upload_bytes:
            raise ImportRejected(f"{name} is larger than the {settings.max_upload_mb:g} MB limit.", reason="too_large")
        if not name.lower().endswith(".docx"):
            raise ImportRejected(f"{name} is not a Word (.docx) file.", reason="unsupported")
        table = read_comment_table(data, ImportLimits(max_bytes=settings.max_upload_bytes))
        done = positions.import_table(session, team_id=actor.team_id, table=table, filename=name, by=actor.user_id)
        session.commit()
    except InvalidInput as exc:  # one bad file does not stop the others
        session.rollback()
        return {"name": name, "ok": False, "message": exc.message}
    sha = hashlib.sha256(data).hexdigest()[:12]
    return {"name": name, "ok": True, "message": done.message, "warnings": done.warnings, "sha": sha}


@router.get("/positions/{position_id}")
def show_position(
    request: Request, position: TeamPosition, session: SessionDep, actor: CurrentActor, cache: MatchCache,
) -> Response:
    card = positions.cards(session, [position])[0]
    similar = []
    if position.status == PositionStatus.active and position.provision_text.strip():
        index = cache.index_for(session, team_id=actor.team_id)
        found = [m for m in index.match(position.provision_text, limit=6) if m.key != position.id][:5]
        others = positions.search_ids(session, team_id=actor.team_id, ids=[m.key for m in found])
        by_id = {c.position.id: c for c in positions.cards(session, others)}
        similar = [(m, by_id[m.key]) for m in found if m.key in by_id]
    tags = queries.team_tags(session, team_id=actor.team_id)
    tag_ids = {t.id for t in tags if t.name in card.tags}
    return render(request, "positions/show.html", {
        "card": card, "similar": similar, "tags": tags, "origins": positions.adapted_from(session, position=position),
        "tag_ids": tag_ids, "segments": _segments(position.provision_text, position.spans),
        "can_manage": permissions.can(actor.role, permissions.Permission.manage_positions),
    })


@router.post("/positions/{position_id}", dependencies=[CsrfProtected])
def edit_position(
    position: TeamPosition, session: SessionDep, actor: CurrentActor,
    title: Annotated[str, Form(max_length=positions.MAX_TITLE)],
    comment: Annotated[str, Form(max_length=submissions.MAX_CELL_CHARS)] = "",
    recommendation: Annotated[str, Form(max_length=submissions.MAX_CELL_CHARS)] = "",
    tag_ids: Annotated[list[int] | None, Form(alias="tag")] = None,
) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_positions)
    positions.update(session, position=position, title=title, comment=comment, recommendation=recommendation,
                     tag_ids=tag_ids or [])
    session.commit()
    return RedirectResponse(f"/positions/{position.id}", status_code=303)


@router.post("/positions/{position_id}/retire", dependencies=[CsrfProtected])
def retire_position(
    position: TeamPosition, session: SessionDep, actor: CurrentActor, retired: Annotated[bool, Form()] = True,
) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_positions)
    positions.set_retired(session, position=position, retired=retired)
    session.commit()
    return RedirectResponse(f"/positions/{position.id}", status_code=303)


@router.post("/positions/{position_id}/merge", dependencies=[CsrfProtected])
def merge_position(
    position: TeamPosition, session: SessionDep, actor: CurrentActor, other_id: Annotated[int, Form()],
) -> Response:
    """Keep this position; fold the other into it (its sources, tags and reuse count)."""
    permissions.require(actor.role, permissions.Permission.manage_positions)
    other = positions.get_position(session, team_id=actor.team_id, position_id=other_id)
    positions.merge(session, keep=position, other=other)
    session.commit()
    return RedirectResponse(f"/positions/{position.id}", status_code=303)


# --- from the comment table into the library ------------------------------------------------------------------

@router.post("/rows/{row_id}/save-to-library", dependencies=[CsrfProtected])
def save_row_to_library(request: Request, loaded: EditableRow, session: SessionDep, actor: CurrentActor) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_positions)
    saved = positions.save_row_to_library(session, row=loaded.row, submission=loaded.submission, by=actor.user_id)
    position = saved.position
    session.commit()
    if is_htmx(request):
        return render(request, "positions/_saved.html", {"position": position, "reused": saved.reused})
    return RedirectResponse(f"/positions/{position.id}", status_code=303)


@router.post("/submissions/{submission_id}/finalise", dependencies=[CsrfProtected])
def finalise_submission(submission: TeamSubmission, session: SessionDep, actor: CurrentActor) -> Response:
    permissions.require(actor.role, permissions.Permission.finalise)
    saved = positions.finalise(session, submission=submission, by=actor.user_id)
    session.commit()
    return RedirectResponse(f"/submissions/{submission.id}?finalised={saved}", status_code=303)


# --- watch phrases (on the concern-tags page) ------------------------------------------------------------------

@router.post("/tags/{tag_id}/phrases", dependencies=[CsrfProtected])
def add_phrase(
    tag_id: int, session: SessionDep, actor: CurrentActor, phrase: Annotated[str, Form(max_length=500)],
) -> Response:
    tag = queries.get_tag(session, team_id=actor.team_id, tag_id=tag_id)
    permissions.require(actor.role, permissions.Permission.manage_tags)
    positions.add_watch_phrase(session, team_id=actor.team_id, tag_id=tag_id, phrase=phrase)
    session.commit()
    return RedirectResponse(f"/tags#tag-{tag.id}", status_code=303)


@router.post("/phrases/{phrase_id}/delete", dependencies=[CsrfProtected])
def delete_phrase(phrase_id: int, session: SessionDep, actor: CurrentActor) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_tags)
    positions.delete_watch_phrase(session, team_id=actor.team_id, phrase_id=phrase_id)
    session.commit()
    return RedirectResponse("/tags", status_code=303)


# --- suggestions: the triage page and "use this position" -----------------------------------------------------

SortKey = Literal["document", "match", "flags"]


@router.get("/submissions/{submission_id}/triage")
def triage(
    request: Request, submission: TeamSubmission, session: SessionDep, actor: CurrentActor, cache: MatchCache,
    sort: SortKey = "document", min_match: Annotated[int, Query(ge=0, le=100)] = 0, flagged: bool = False,
    tag: int | None = None,
) -> Response:
    """Every provision of the draft with its watch-phrase flags and best past position, sortable and filterable."""
    found = _suggestions(session, actor, cache, submission)
    used = queries.positions_used(session, submission_id=submission.id or 0)
    shown = [s for s in found if s.best >= min_match and (s.flags or not flagged)
             and (tag is None or any(f.tag_id == tag for f in s.flags))]
    if sort == "match":
        shown.sort(key=lambda s: -s.best)
    elif sort == "flags":
        shown.sort(key=lambda s: -len(s.flags))
    bulk = sum(1 for s in found if s.suggestions and s.best >= BULK_THRESHOLD
               and (s.provision.id, s.suggestions[0].position.id) not in used)
    return render(request, "positions/triage.html", {
        "submission": submission, "items": shown, "total": len(found), "sort": sort, "min_match": min_match,
        "flagged": flagged, "tag": tag, "tags": queries.team_tags(session, team_id=actor.team_id),
        "used": used, "bulk": bulk, "bulk_threshold": BULK_THRESHOLD, "library_size": len(
            cache.index_for(session, team_id=actor.team_id)),
        "can_edit": permissions.can(actor.role, permissions.Permission.edit_rows),
    })


@router.get("/submissions/{submission_id}/suggestions/{provision_id}")
def provision_suggestions(
    request: Request, submission: TeamSubmission, provision_id: int, session: SessionDep, actor: CurrentActor,
    cache: MatchCache,
) -> Response:
    """The ranked positions for one provision, each with the word diff from its old provision text."""
    provision = _provision_of(session, submission, provision_id)
    found = _suggestions(session, actor, cache, submission, only={provision_id})
    item = found[0] if found else positions.ProvisionSuggestions(provision, text=provision.text)
    diffs = {s.position.id: word_diff(s.position.provision_text, item.text) for s in item.suggestions}
    context = {
        "submission": submission, "item": item, "diffs": diffs,
        "used": queries.positions_used(session, submission_id=submission.id or 0),
        "can_edit": permissions.can(actor.role, permissions.Permission.edit_rows),
    }
    template = "positions/_suggestions.html" if is_htmx(request) else "positions/suggestions.html"
    return render(request, template, context)


@router.post("/submissions/{submission_id}/use-position", dependencies=[CsrfProtected])
def use_position(
    request: Request, submission: TeamSubmission, session: SessionDep, actor: CurrentActor,
    position_id: Annotated[int, Form()], provision_id: Annotated[int, Form()],
) -> Response:
    permissions.require(actor.role, permissions.Permission.edit_rows)
    position = positions.get_position(session, team_id=actor.team_id, position_id=position_id)
    provision = _provision_of(session, submission, provision_id)
    row = positions.use(session, position=position, submission=submission, provision_id=provision.id,
                        by=actor.user_id)
    session.commit()
    if is_htmx(request):
        return render(request, "positions/_used.html", {"submission": submission, "row": row, "position": position})
    return RedirectResponse(f"/submissions/{submission.id}#row-{row.id}", status_code=303)


@router.post("/submissions/{submission_id}/triage/bulk", dependencies=[CsrfProtected])
def use_all_high_matches(
    submission: TeamSubmission, session: SessionDep, actor: CurrentActor, cache: MatchCache,
) -> Response:
    """A row for every provision whose best match is ≥ 85 %, unless that position is already used there;
    the table then shows them for review."""
    permissions.require(actor.role, permissions.Permission.edit_rows)
    used = queries.positions_used(session, submission_id=submission.id or 0)
    created = 0
    for item in _suggestions(session, actor, cache, submission):
        if not item.suggestions or item.best < BULK_THRESHOLD:
            continue
        best = item.suggestions[0].position
        if (item.provision.id, best.id) in used:
            continue
        positions.use(session, position=best, submission=submission, provision_id=item.provision.id,
                      by=actor.user_id)
        created += 1
    session.commit()
    return RedirectResponse(f"/submissions/{submission.id}?from_positions={created}", status_code=303)


def _suggestions(
    session: Session, actor: Actor, cache: MatchIndexCache, submission: Submission, only: set[int] | None = None,
) -> list[positions.ProvisionSuggestions]:
    """The one way both the triage list and a provision's "compare and use" get their matches and percents."""
    draft = queries.get_draft(session, team_id=actor.team_id, draft_id=submission.draft_id)
    index = cache.index_for(session, team_id=actor.team_id)
    return positions.suggest(session, team_id=actor.team_id, provisions=queries.provisions_of(session, draft=draft),
                             index=index, only=only)


def _provision_of(session: Session, submission: Submission, provision_id: int) -> Provision:
    provision = session.get(Provision, provision_id)
    if provision is None or provision.draft_id != submission.draft_id:
        raise NotFound("There is no such provision in this draft.")
    return provision


def _segments(text: str, spans: list[list[int]]) -> list[tuple[str, bool]]:
    """The provision text cut into (words, underlined) pieces for display."""
    pieces, at = [], 0
    for start, end in sorted((s, e) for s, e in spans if 0 <= s < e <= len(text)):
        if start < at:
            continue
        pieces.extend([(text[at:start], False), (text[start:end], True)])
        at = end
    pieces.append((text[at:], False))
    return [(words, underlined) for words, underlined in pieces if words]

