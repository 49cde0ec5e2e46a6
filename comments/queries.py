"""Reads. Every query that returns team data takes the team and filters on it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from comments.errors import NotFound
from comments.models import Draft, Provision


def list_drafts(session: Session, *, team_id: int) -> Sequence[tuple[Draft, int]]:
    """The team's drafts, newest first, each with its number of articles."""
    articles = (
        select(Provision.draft_id, func.count().label("n"))
        .where(Provision.kind == "article")
        .group_by(col(Provision.draft_id))
        .subquery()
    )
    statement = (
        select(Draft, func.coalesce(articles.c.n, 0))
        .outerjoin(articles, articles.c.draft_id == Draft.id)
        .where(Draft.team_id == team_id)
        .order_by(col(Draft.created_at).desc(), col(Draft.id).desc())
    )
    return session.exec(statement).all()  # type: ignore[return-value]


def get_draft(session: Session, *, team_id: int, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None or draft.team_id != team_id:
        raise NotFound("There is no such draft.")
    return draft


def provisions_of(session: Session, *, draft: Draft) -> Sequence[Provision]:
    statement = select(Provision).where(Provision.draft_id == draft.id).order_by(col(Provision.position))
    return session.exec(statement).all()
