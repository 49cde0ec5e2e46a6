"""Dependencies, named once: the database session, the settings, who is acting, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from app.db import WRITE_INTENT
from app.live_wiring import publish_row_events
from app.security import SESSION_COOKIE, check_csrf
from app.settings import Settings
from comments import accounts
from comments.accounts import SignedIn
from comments.models import Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RECORDED_DOWNLOADS = (".docx", ".csv")  # exports are GETs that write one line to the team's audit log


def get_session(request: Request) -> Iterator[Session]:
    engine = request.app.state.engine
    writes = request.method not in SAFE_METHODS or request.url.path.endswith(RECORDED_DOWNLOADS)
    if writes:  # requests that change things begin with the write lock (SQLite)
        engine = engine.execution_options(**{WRITE_INTENT: True})
    with Session(engine, expire_on_commit=False) as session:
        if writes:
            publish_row_events(session, request.app.state.live_hub)  # others see this request's changes live
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class SignInRequired(Exception):
    """No valid session: pages redirect to the sign-in form, htmx and API requests get 401."""


class NoTeam(Exception):
    """Signed in, but a member of no team (removed from the last one)."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and for which team, with which role there."""

    user_id: int
    team_id: int
    role: Role
    display_name: str = ""


def get_signed_in(request: Request, session: Annotated[Session, Depends(get_session)]) -> SignedIn:
    token = request.cookies.get(SESSION_COOKIE)
    found = accounts.find_signed_in(session, token) if token and len(token) == 64 else None
    if found is None:
        raise SignInRequired()
    request.state.signed_in = found  # for the page header (name, team switcher)
    return found


def get_actor(signed_in: Annotated[SignedIn, Depends(get_signed_in)]) -> Actor:
    if signed_in.team is None:
        raise NoTeam()
    team = signed_in.team
    return Actor(user_id=signed_in.user_id, team_id=team.team_id, role=team.role,
                 display_name=signed_in.display_name)


async def csrf_protect(request: Request) -> None:
    """For ordinary forms (FastAPI has already parsed and cached the body)."""
    has_form = request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )
    form = await request.form() if has_form else None
    check_csrf(request, form)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SignedInDep = Annotated[SignedIn, Depends(get_signed_in)]
CurrentActor = Annotated[Actor, Depends(get_actor)]
CsrfProtected = Depends(csrf_protect)
