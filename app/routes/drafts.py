"""The team's drafts: list, the import form, one draft with its provisions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from app.deps import CurrentActor, SessionDep, SettingsDep
from app.templating import render
from app.views import provision_tree
from comments import permissions, positions, queries
from comments.models import Submission
from comments.submissions import FONT_NAMES, FONT_SIZES, PAPER_SIZES, SUBMISSION_LANGUAGES

router = APIRouter()


@router.get("/drafts")
def list_drafts(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    drafts = queries.list_drafts(session, team_id=actor.team_id)
    return render(request, "drafts/index.html", {
        "drafts": drafts, "can_import": permissions.can(actor.role, permissions.Permission.import_drafts)})


@router.get("/drafts/new")
def new_draft(request: Request, actor: CurrentActor, settings: SettingsDep) -> Response:
    permissions.require(actor.role, permissions.Permission.import_drafts)
    return render(request, "drafts/new.html", {"settings": settings})


@router.get("/drafts/{draft_id}")
def show_draft(request: Request, draft_id: int, session: SessionDep, actor: CurrentActor) -> Response:
    draft = queries.get_draft(session, team_id=actor.team_id, draft_id=draft_id)
    provisions = queries.provisions_of(session, draft=draft)
    phrases = positions.watch_phrases(session, team_id=actor.team_id)
    return render(request, "drafts/show.html", {
        "draft": draft, "entries": provision_tree(provisions),
        "flags": {p.id: positions.flags_in(p.text, phrases) for p in provisions if p.text},
        "submissions": queries.list_submissions(session, draft=draft),
        "new_submission": Submission(team_id=draft.team_id, draft_id=draft.id or 0, title=f"Comments on {draft.title}"),
        "fonts": FONT_NAMES, "font_sizes": FONT_SIZES, "paper_sizes": PAPER_SIZES,
        "languages": SUBMISSION_LANGUAGES,
    })
