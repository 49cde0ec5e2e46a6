"""The team page: members and roles, one-time links to join or to reset a password, the audit log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from sqlmodel import Session
from starlette.responses import RedirectResponse, Response

from app.deps import Actor, CsrfProtected, CurrentActor, SessionDep
from app.templating import render
from comments import accounts, permissions
from comments.models import Role

router = APIRouter()

RoleField = Annotated[Role, Form()]


def _team_page(request: Request, session: Session, actor: Actor, *, new_link: dict[str, str] | None = None,
               status_code: int = 200) -> Response:
    can_manage = permissions.can(actor.role, permissions.Permission.manage_members)
    return render(request, "team/index.html", {
        "members": accounts.team_members(session, team_id=actor.team_id),
        "links": accounts.open_links(session, team_id=actor.team_id) if can_manage else [],
        "can_manage": can_manage, "roles": list(Role), "me": actor, "new_link": new_link,
    }, status_code=status_code)


def _link_url(request: Request, path: str) -> str:
    return str(request.base_url).rstrip("/") + path


@router.get("/team")
def team_page(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    return _team_page(request, session, actor)


@router.post("/team/invitations", dependencies=[CsrfProtected])
def invite(
    request: Request, session: SessionDep, actor: CurrentActor, role: RoleField,
    note: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_members)
    invitation, token = accounts.create_join_link(session, team_id=actor.team_id, role=role, note=note,
                                                  by=actor.user_id)
    session.commit()
    who = f" for {invitation.note}" if invitation.note else ""
    return _team_page(request, session, actor, new_link={
        "title": f"Invitation link{who} ({role}, valid 7 days, once)", "url": _link_url(request, f"/join/{token}"),
    })


@router.post("/team/invitations/{invitation_id}/revoke", dependencies=[CsrfProtected])
def revoke(invitation_id: int, session: SessionDep, actor: CurrentActor) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_members)
    accounts.revoke_link(session, team_id=actor.team_id, invitation_id=invitation_id, by=actor.user_id)
    session.commit()
    return RedirectResponse("/team", status_code=303)


@router.post("/team/members/{user_id}/role", dependencies=[CsrfProtected])
def change_role(user_id: int, session: SessionDep, actor: CurrentActor, role: RoleField) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_members)
    accounts.change_role(session, team_id=actor.team_id, user_id=user_id, role=role, by=actor.user_id)
    session.commit()
    return RedirectResponse("/team", status_code=303)


@router.post("/team/members/{user_id}/remove", dependencies=[CsrfProtected])
def remove(user_id: int, session: SessionDep, actor: CurrentActor) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_members)
    accounts.remove_member(session, team_id=actor.team_id, user_id=user_id, by=actor.user_id)
    session.commit()
    return RedirectResponse("/team", status_code=303)


@router.post("/team/members/{user_id}/reset-link", dependencies=[CsrfProtected])
def reset_link(request: Request, user_id: int, session: SessionDep, actor: CurrentActor) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_members)
    _invitation, token = accounts.create_reset_link(session, team_id=actor.team_id, user_id=user_id,
                                                    by=actor.user_id)
    session.commit()
    name = next((m.display_name for m in accounts.team_members(session, team_id=actor.team_id)
                 if m.user_id == user_id), "the member")
    return _team_page(request, session, actor, new_link={
        "title": f"Password reset link for {name} (valid 24 hours, once)",
        "url": _link_url(request, f"/reset/{token}"),
    })


@router.get("/team/audit")
def audit(request: Request, session: SessionDep, actor: CurrentActor) -> Response:
    permissions.require(actor.role, permissions.Permission.manage_members)
    return render(request, "team/audit.html", {"entries": accounts.audit_log(session, team_id=actor.team_id)})
