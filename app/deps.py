"""Dependencies, named once: the database session, the settings, who is acting, CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from app.db import WRITE_INTENT
from app.live_wiring import publish_row_events
from app.security import check_csrf
from app.settings import Settings
from comments.models import Role
from comments.services import ensure_local_workspace, find_local_workspace

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    engine = request.app.state.engine
    if request.method not in SAFE_METHODS:  # requests that change things begin with the write lock (SQLite)
        engine = engine.execution_options(**{WRITE_INTENT: True})
    with Session(engine, expire_on_commit=False) as session:
        if request.method not in SAFE_METHODS:
            publish_row_events(session, request.app.state.live_hub)  # others see this request's changes live
        yield session


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting and for which team. Until accounts exist: the local user in the local team."""

    user_id: int
    team_id: int
    role: Role = Role.admin


def get_actor(session: Annotated[Session, Depends(get_session)]) -> Actor:
    found = find_local_workspace(session)
    if found is not None:  # every request but the very first: one query, nothing to commit
        return Actor(user_id=found[1], team_id=found[0], role=found[2])
    try:
        team, user = ensure_local_workspace(session)
        session.commit()  # first run: keep the local team even if the request itself stores nothing
    except IntegrityError:  # a concurrent first request created it a moment ago
        session.rollback()
        team, user = ensure_local_workspace(session)
    assert team.id is not None and user.id is not None
    return Actor(user_id=user.id, team_id=team.id)


async def csrf_protect(request: Request) -> None:
    """For ordinary forms (FastAPI has already parsed and cached the body)."""
    has_form = request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )
    form = await request.form() if has_form else None
    check_csrf(request, form)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
CurrentActor = Annotated[Actor, Depends(get_actor)]
CsrfProtected = Depends(csrf_protect)
