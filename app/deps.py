"""Dependencies, named once: the database session, the settings, who is acting, CSRF.

FastAPI runs each plain `def` dependency in a worker thread of its own: a hop from the event loop to a thread
and back. Under load every hop waits for the GIL, so a request pays for each one. Dependencies that do no I/O
are therefore `async def` (they run in the event loop at once), and the sign-in lookup and the actor come from
one function, one hop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from sqlmodel import Session

from app.live_wiring import publish_row_events
from app.security import SESSION_COOKIE, check_csrf
from app.settings import Settings
from comments import accounts
from comments.accounts import SignedIn
from comments.models import Role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RECORDED_DOWNLOADS = (".docx", ".csv")  # exports are GETs that write one line to the team's audit log


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A Session for the request. Making one does no I/O (it connects on first use, in the route's thread), so
    it is made in the event loop; closing it may talk to the database, so that happens in a worker thread."""
    writes = request.method not in SAFE_METHODS or request.url.path.endswith(RECORDED_DOWNLOADS)
    # requests that change things begin with the write lock (SQLite); reads need no transaction (PostgreSQL)
    engine = request.app.state.write_engine if writes else request.app.state.read_engine
    session = Session(engine, expire_on_commit=False)
    if writes:
        publish_row_events(session, request.app.state.live_hub)  # others see this request's changes live
    try:
        yield session
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(session.close)


async def get_settings(request: Request) -> Settings:
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


def get_actor(request: Request, session: Annotated[Session, Depends(get_session)]) -> Actor:
    """Who acts for which team: the sign-in lookup and the team check in one thread hop."""
    signed_in = get_signed_in(request, session)
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
