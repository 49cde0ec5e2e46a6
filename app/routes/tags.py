"""The team's concern-tag taxonomy: list, add, rename, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from app.deps import CsrfProtected, CurrentActor, SessionDep
from app.templating import render
from comments import permissions, positions, queries, submissions
from comments.models import WatchPhrase

router = APIRouter()


@router.get("/tags")
def list_tags(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    phrases: dict[int, list[WatchPhrase]] = {}
    for watched in positions.watch_phrase_rows(session, team_id=actor.team_id):
        phrases.setdefault(watched.tag_id, []).append(watched)
    return render(request, "tags/index.html", {
        "tags": queries.team_tags(session, team_id=actor.team_id), "phrases": phrases,
        "can_manage": permissions.can(actor.role, permissions.Permission.manage_tags),
    })


@router.post("/tags", dependencies=[CsrfProtected])
def create_tag(
    session: SessionDep, actor: CurrentActor,
    name: Annotated[str, Form(max_length=500)], description: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_tags)
    submissions.create_tag(session, team_id=actor.team_id, name=name, description=description)
    session.commit()
    return RedirectResponse("/tags", status_code=303)


@router.post("/tags/{tag_id}", dependencies=[CsrfProtected])
def rename_tag(
    tag_id: int, session: SessionDep, actor: CurrentActor,
    name: Annotated[str, Form(max_length=500)], description: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    tag = queries.get_tag(session, team_id=actor.team_id, tag_id=tag_id)
    permissions.require(actor.role, permissions.Permission.manage_tags)
    submissions.rename_tag(session, tag=tag, name=name, description=description)
    session.commit()
    return RedirectResponse(f"/tags#tag-{tag.id}", status_code=303)


@router.post("/tags/{tag_id}/delete", dependencies=[CsrfProtected])
def delete_tag(tag_id: int, session: SessionDep, actor: CurrentActor) -> Response:
    tag = queries.get_tag(session, team_id=actor.team_id, tag_id=tag_id)
    permissions.require(actor.role, permissions.Permission.manage_tags)
    submissions.delete_tag(session, tag=tag)
    session.commit()
    return RedirectResponse("/tags", status_code=303)
