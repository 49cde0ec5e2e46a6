"""Typed factory functions for tests: a team, a stored draft, a submission with rows."""

from __future__ import annotations

from functools import cache

from sqlmodel import Session, select

from comments import accounts, services, submissions
from comments.importing.readers import read_pasted
from comments.importing.splitter import split_document
from comments.models import Draft, Membership, Provision, Role, Submission, Team, User
from comments.taxonomy import seed_default_tags
from tests.samples import SHORT_DRAFT


def make_team(session: Session, name: str = "Other association") -> Team:
    team = Team(name=name)
    session.add(team)
    session.flush()
    assert team.id is not None
    seed_default_tags(session, team_id=team.id)
    return team


TEST_PASSWORD = "correct horse battery"


@cache
def _password_hash(password: str) -> str:  # Argon2 takes ~45 ms on purpose: hash each test password once
    return accounts.hash_password(password)


def make_member(
    session: Session, team: Team, *, role: Role = Role.editor, email: str | None = None, name: str | None = None,
    password: str = TEST_PASSWORD,
) -> User:
    assert team.id is not None
    email = email or f"{role}.{team.id}.{len(session.exec(select(User.id)).all())}@example.org"
    user = User(email=email, display_name=name or email.split("@")[0].title(), password_hash=_password_hash(password))
    session.add(user)
    session.flush()
    assert user.id is not None
    session.add(Membership(team_id=team.id, user_id=user.id, role=role))
    session.flush()
    return user


def make_draft(session: Session, *, team_id: int, text: str = SHORT_DRAFT, title: str | None = None) -> Draft:
    result = split_document(read_pasted(text))
    return services.store_draft(
        session, team_id=team_id, user_id=None, result=result, title=title, source_filename=None,
        source_sha256=None, source_kind="text",
    )


def provision(session: Session, draft: Draft, label: str) -> Provision:
    found = session.exec(select(Provision).where(Provision.draft_id == draft.id, Provision.label == label)).first()
    assert found is not None, f"no provision labelled {label!r}"
    return found


def make_submission(session: Session, draft: Draft, title: str = "Comments on the draft", **settings) -> Submission:
    return submissions.create_submission(
        session, draft=draft, settings=submissions.SubmissionSettings(title=title, **settings), user_id=None,
    )
