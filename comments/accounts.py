"""Accounts: passwords, signed-in sessions, sign-in rate limits, one-time links, members and roles, audit log.

Secrets never rest in the database: session tokens and link tokens are random (32 bytes) and only their
SHA-256 is stored; passwords are Argon2id hashes. Like every write module, functions flush and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import argon2
from sqlalchemy import bindparam, func, update
from sqlmodel import Session, col, select

from comments.errors import CommentdeskError, Forbidden, InvalidInput, NotFound
from comments.models import (
    AuditEvent,
    Invitation,
    InvitationKind,
    Membership,
    Role,
    SignInAttempt,
    Team,
    User,
    UserSession,
    utcnow,
)
from comments.taxonomy import seed_default_tags

# OWASP Password Storage Cheat Sheet, Argon2id option 2: m=19 MiB, t=2, p=1 (about 45 ms here).
PASSWORD_HASHER = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # long passphrases are welcome; megabytes are not
SESSION_LIFETIME = timedelta(days=14)
JOIN_LINK_LIFETIME = timedelta(days=7)
RESET_LINK_LIFETIME = timedelta(days=1)
RATE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
ATTEMPTS_KEPT = timedelta(days=1)
# Verified when the e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = PASSWORD_HASHER.hash(secrets.token_hex(16))


class SignInFailed(CommentdeskError):
    """Wrong e-mail or password (one sentence for both, so accounts cannot be discovered)."""


class TooManyAttempts(CommentdeskError):
    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True, slots=True)
class TeamChoice:
    team_id: int
    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a session cookie belongs to, the team they work in, and every team they may switch to."""

    session_id: int
    user_id: int
    display_name: str
    email: str
    team: TeamChoice | None
    teams: tuple[TeamChoice, ...]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    email = email.strip().lower()
    if len(email) > 320 or "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise InvalidInput("Enter an e-mail address such as ana@example.org.")
    return email


def check_new_password(password: str, *, email: str | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters; a few words work well.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"A password can have at most {MAX_PASSWORD_LENGTH} characters.")
    if email and password.strip().lower() == email.strip().lower():
        raise InvalidInput("The password must not be your e-mail address.")


def hash_password(password: str) -> str:
    return PASSWORD_HASHER.hash(password)


# --- users and teams -----------------------------------------------------------------------------------

def create_user(session: Session, *, email: str, display_name: str, password: str) -> User:
    email = normalise_email(email)
    check_new_password(password, email=email)
    display_name = " ".join(display_name.split())[:200]
    if not display_name:
        raise InvalidInput("Enter your name as colleagues should see it.")
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise InvalidInput("An account with this e-mail address exists already; sign in instead.")
    user = User(email=email, display_name=display_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    return user


def create_team(session: Session, *, name: str, admin: User) -> Team:
    name = " ".join(name.split())[:200]
    if not name:
        raise InvalidInput("Give the team a name.")
    team = Team(name=name)
    session.add(team)
    session.flush()
    assert team.id is not None and admin.id is not None
    seed_default_tags(session, team_id=team.id)
    session.add(Membership(team_id=team.id, user_id=admin.id, role=Role.admin))
    session.flush()
    record(session, team_id=team.id, user_id=admin.id, action="team_created", summary=f"Team “{name}” created")
    return team


def has_accounts(session: Session) -> bool:
    """Whether anyone can sign in yet (the first-run page is open only while this is False)."""
    return session.exec(select(User.id).where(col(User.password_hash).is_not(None)).limit(1)).first() is not None


def create_first_admin(
    session: Session, *, email: str, display_name: str, password: str, team_name: str,
) -> tuple[User, Team]:
    """The first account. Teams that existed before accounts (the local team of the CLI) become theirs."""
    user = create_user(session, email=email, display_name=display_name, password=password)
    assert user.id is not None
    ownerless = session.exec(select(Team).order_by(col(Team.id))).all()
    placeholders = select(User.id).where(col(User.password_hash).is_(None))  # the old "local user"
    session.exec(Membership.__table__.delete().where(col(Membership.user_id).in_(placeholders)))  # type: ignore[attr-defined]
    if not ownerless:
        return user, create_team(session, name=team_name, admin=user)
    for team in ownerless:
        assert team.id is not None
        existing = session.exec(
            select(Membership).where(Membership.team_id == team.id, Membership.user_id == user.id)
        ).first()
        if existing is None:
            session.add(Membership(team_id=team.id, user_id=user.id, role=Role.admin))
        record(session, team_id=team.id, user_id=user.id, action="admin_created",
               summary=f"{user.display_name} became the team's first admin")
    ownerless[0].name = " ".join(team_name.split())[:200] or ownerless[0].name
    session.flush()
    return user, ownerless[0]


def create_admin(session: Session, *, email: str, display_name: str, password: str, team_name: str) -> Team:
    """`commentdesk users create-admin`: the first admin, or later an admin of a new or named team."""
    if not has_accounts(session):
        return create_first_admin(session, email=email, display_name=display_name, password=password,
                                  team_name=team_name)[1]
    user = create_user(session, email=email, display_name=display_name, password=password)
    assert user.id is not None
    team = session.exec(select(Team).where(Team.name == " ".join(team_name.split()))).first()
    if team is None:
        return create_team(session, name=team_name, admin=user)
    assert team.id is not None
    session.add(Membership(team_id=team.id, user_id=user.id, role=Role.admin))
    session.flush()
    record(session, team_id=team.id, user_id=None, action="admin_created",
           summary=f"{user.display_name} ({user.email}) made admin on the command line")
    return team


def create_reset_link_for(session: Session, *, email: str) -> tuple[Invitation, str]:
    """`commentdesk users reset-link`: for whoever runs the server (a lost admin password)."""
    user = session.exec(select(User).where(User.email == email.strip().lower())).first()
    if user is None or user.id is None:
        raise InvalidInput(f"There is no account {email}.")
    team_id = session.exec(select(Membership.team_id).where(Membership.user_id == user.id)).first()
    if team_id is None:
        raise InvalidInput(f"{email} is in no team.")
    now = utcnow()
    invitation, token = _new_link(session, kind=InvitationKind.reset, team_id=team_id, user_id=user.id,
                                  expires_at=now + RESET_LINK_LIFETIME, created_at=now)
    record(session, team_id=team_id, user_id=None, action="reset_link_created",
           summary=f"Password reset link for {user.display_name} made on the command line")
    return invitation, token


@dataclass(frozen=True, slots=True)
class AccountLine:
    email: str
    display_name: str
    teams: str


def list_accounts(session: Session) -> list[AccountLine]:
    statement = (
        select(User.email, User.display_name, Team.name, Membership.role)
        .outerjoin(Membership, col(Membership.user_id) == User.id)
        .outerjoin(Team, col(Team.id) == Membership.team_id)
        .where(col(User.password_hash).is_not(None))
        .order_by(col(User.email), col(Team.name))
    )
    grouped: dict[tuple[str, str], list[str]] = {}
    for email, name, team, role in session.connection().execute(statement).all():
        grouped.setdefault((email, name), [])
        if team is not None:
            grouped[(email, name)].append(f"{team} ({role})")
    return [AccountLine(email, name, ", ".join(teams) or "no team") for (email, name), teams in grouped.items()]


# --- sign-in and sessions ----------------------------------------------------------------------------------

def sign_in(session: Session, *, email: str, password: str, address: str, now: datetime | None = None) -> User:
    """Check the password under the rate limits and record the attempt. Raises SignInFailed/TooManyAttempts."""
    now = now or utcnow()
    email = email.strip().lower()[:320]
    address = address[:64]
    _check_rate_limits(session, email=email, address=address, now=now)
    user = session.exec(select(User).where(User.email == email)).first()
    ok = False
    if user is None or not user.password_hash or not user.is_active:
        _verify(_DUMMY_HASH, password)
    else:
        ok = _verify(user.password_hash, password)
    session.add(SignInAttempt(email=email, address=address, at=now, succeeded=ok))
    if not ok:
        session.flush()
        raise SignInFailed("The e-mail address or the password is not right.")
    assert user is not None and user.password_hash is not None
    if PASSWORD_HASHER.check_needs_rehash(user.password_hash):  # parameters raised since it was set
        user.password_hash = hash_password(password)
    session.exec(  # keep the table small
        SignInAttempt.__table__.delete().where(col(SignInAttempt.at) < now - ATTEMPTS_KEPT)  # type: ignore[attr-defined]
    )
    session.flush()
    return user


def _verify(stored: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(stored, password[:MAX_PASSWORD_LENGTH])
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def _check_rate_limits(session: Session, *, email: str, address: str, now: datetime) -> None:
    since = now - RATE_WINDOW
    last_success = session.exec(
        select(func.max(SignInAttempt.at)).where(SignInAttempt.email == email, col(SignInAttempt.succeeded))
    ).one()
    account_since = max(since, _aware(last_success)) if last_success else since
    account_failures = _failures(session, SignInAttempt.email == email, since=account_since)
    address_failures = _failures(session, SignInAttempt.address == address, since=since)
    if account_failures >= MAX_FAILURES_PER_ACCOUNT or address_failures >= MAX_FAILURES_PER_ADDRESS:
        minutes = int(RATE_WINDOW.total_seconds() // 60)
        raise TooManyAttempts(
            f"Too many failed sign-ins. Wait {minutes} minutes and try again, or ask a team admin for a "
            "password reset link.",
            retry_after_seconds=int(RATE_WINDOW.total_seconds()),
        )


def _failures(session: Session, where: object, *, since: datetime) -> int:
    statement = select(func.count()).select_from(SignInAttempt).where(
        where, col(SignInAttempt.at) > since, col(SignInAttempt.succeeded).is_(False)
    )
    return int(session.exec(statement).one())


def start_session(session: Session, *, user: User, team_id: int | None = None, now: datetime | None = None) -> str:
    """A new session (a new id at every sign-in). Returns the cookie's token; the database keeps its hash."""
    assert user.id is not None
    now = now or utcnow()
    if team_id is None:
        team_id = session.exec(
            select(Membership.team_id).where(Membership.user_id == user.id).order_by(col(Membership.id))
        ).first()
    token = secrets.token_hex(32)
    session.add(UserSession(token_hash=token_hash(token), user_id=user.id, team_id=team_id, created_at=now,
                            expires_at=now + SESSION_LIFETIME))
    session.exec(  # expired sessions of this user
        UserSession.__table__.delete().where(  # type: ignore[attr-defined]
            col(UserSession.user_id) == user.id, col(UserSession.expires_at) < now
        )
    )
    session.flush()
    return token


# Built once: every request runs it, and building a statement costs more CPU than running this one.
_SIGNED_IN = (
    select(UserSession.id, UserSession.team_id, User.id, User.display_name, User.email,
           Membership.team_id, Team.name, Membership.role)
    .join(User, col(User.id) == UserSession.user_id)
    .outerjoin(Membership, col(Membership.user_id) == User.id)
    .outerjoin(Team, col(Team.id) == Membership.team_id)
    .where(UserSession.token_hash == bindparam("token_hash"), col(UserSession.expires_at) > bindparam("now"),
           col(User.is_active))
    .order_by(col(Team.name), col(Membership.team_id))
)


def find_signed_in(session: Session, token: str, *, now: datetime | None = None) -> SignedIn | None:
    """The session behind a cookie token, with the user's teams, in one query. None when unknown or expired."""
    rows = session.connection().execute(_SIGNED_IN, {"token_hash": token_hash(token), "now": now or utcnow()}).all()
    if not rows:
        return None
    session_id, chosen_team, user_id, display_name, email = rows[0][:5]
    teams = tuple(TeamChoice(team_id=r[5], name=r[6], role=Role(r[7])) for r in rows if r[5] is not None)
    current = next((t for t in teams if t.team_id == chosen_team), teams[0] if teams else None)
    return SignedIn(session_id=session_id, user_id=user_id, display_name=display_name, email=email,
                    team=current, teams=teams)


def end_session(session: Session, *, token: str) -> None:
    session.exec(UserSession.__table__.delete().where(  # type: ignore[attr-defined]
        col(UserSession.token_hash) == token_hash(token)))
    session.flush()


def end_all_sessions(session: Session, *, user_id: int) -> None:
    session.exec(UserSession.__table__.delete().where(col(UserSession.user_id) == user_id))  # type: ignore[attr-defined]
    session.flush()


def switch_team(session: Session, *, signed_in: SignedIn, team_id: int) -> TeamChoice:
    choice = next((t for t in signed_in.teams if t.team_id == team_id), None)
    if choice is None:
        raise NotFound("There is no such team.")
    session.exec(update(UserSession).where(col(UserSession.id) == signed_in.session_id).values(team_id=team_id))
    session.flush()
    return choice


def change_password(session: Session, *, user_id: int, current: str, new: str) -> None:
    user = session.get(User, user_id)
    assert user is not None
    if not user.password_hash or not _verify(user.password_hash, current):
        raise InvalidInput("Your current password is not right.")
    check_new_password(new, email=user.email)
    user.password_hash = hash_password(new)
    end_all_sessions(session, user_id=user_id)  # other browsers signed in with the old password are signed out
    session.flush()


# --- one-time links: join a team, reset a password -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LinkDetails:
    invitation: Invitation
    team_name: str
    user_email: str | None  # a reset link's account


def create_join_link(
    session: Session, *, team_id: int, role: Role, note: str, by: int, now: datetime | None = None,
) -> tuple[Invitation, str]:
    now = now or utcnow()
    invitation, token = _new_link(session, kind=InvitationKind.join, team_id=team_id, role=role,
                                  note=" ".join(note.split())[:200], created_by_id=by, created_at=now,
                                  expires_at=now + JOIN_LINK_LIFETIME)
    who = f" for {invitation.note}" if invitation.note else ""
    record(session, team_id=team_id, user_id=by, action="member_invited", summary=f"Invitation link{who} as {role}")
    return invitation, token


def create_reset_link(
    session: Session, *, team_id: int, user_id: int, by: int, now: datetime | None = None,
) -> tuple[Invitation, str]:
    """A team admin's reset link for a member. Refused for a member of other teams this admin does not run:
    an admin of one association must not be able to take over an account that reads another's tables."""
    now = now or utcnow()
    member = _member(session, team_id=team_id, user_id=user_id)
    other_teams = session.exec(
        select(Membership.team_id).where(Membership.user_id == user_id, Membership.team_id != team_id)
    ).all()
    for other in other_teams:
        admin_there = session.exec(select(Membership.id).where(
            Membership.team_id == other, Membership.user_id == by, Membership.role == Role.admin)).first()
        if admin_there is None:
            raise Forbidden("This member also belongs to another team. They can change their password on their "
                            "account page, or an admin of each of their teams can make the link.")
    invitation, token = _new_link(session, kind=InvitationKind.reset, team_id=team_id, user_id=user_id,
                                  created_by_id=by, created_at=now, expires_at=now + RESET_LINK_LIFETIME)
    record(session, team_id=team_id, user_id=by, action="reset_link_created",
           summary=f"Password reset link for {member[1]}")
    return invitation, token


def _new_link(session: Session, **fields: object) -> tuple[Invitation, str]:
    """A one-time link: the token goes to whoever makes it; the database keeps only its hash."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(token_hash=token_hash(token), **fields)  # type: ignore[arg-type]
    session.add(invitation)
    session.flush()
    return invitation, token


def open_link(session: Session, *, token: str, kind: InvitationKind, now: datetime | None = None) -> LinkDetails:
    now = now or utcnow()
    statement = (
        select(Invitation, Team.name).join(Team, col(Team.id) == Invitation.team_id)
        .where(Invitation.token_hash == token_hash(token), Invitation.kind == kind)
    )
    found = session.exec(statement).first()
    if found is None:
        raise NotFound("This link is not valid. Ask a team admin for a new one.")
    invitation, team_name = found
    if invitation.used_at is not None:
        raise InvalidInput("This link has been used already. Ask a team admin for a new one.")
    if _aware(invitation.expires_at) <= now:
        raise InvalidInput("This link has expired. Ask a team admin for a new one.")
    email = None
    if invitation.user_id is not None:
        user = session.get(User, invitation.user_id)
        email = user.email if user else None
    return LinkDetails(invitation=invitation, team_name=team_name, user_email=email)


def accept_join_link(
    session: Session, *, token: str, user: User | None = None, new_account: tuple[str, str, str] | None = None,
    now: datetime | None = None,
) -> tuple[User, int]:
    """Join with the signed-in `user`, or with a new account (email, name, password). Returns (user, team id)."""
    now = now or utcnow()
    details = open_link(session, token=token, kind=InvitationKind.join, now=now)
    invitation = details.invitation
    if user is None:
        if new_account is None:
            raise InvalidInput("Sign in, or fill in the form to make an account.")
        email, name, password = new_account
        user = create_user(session, email=email, display_name=name, password=password)
    assert user.id is not None and invitation.role is not None
    existing = session.exec(select(Membership).where(
        Membership.team_id == invitation.team_id, Membership.user_id == user.id)).first()
    if existing is None:
        session.add(Membership(team_id=invitation.team_id, user_id=user.id, role=invitation.role))
    _use(session, invitation, user_id=user.id, now=now)
    record(session, team_id=invitation.team_id, user_id=user.id, action="member_joined",
           summary=f"{user.display_name} ({user.email}) joined as {invitation.role}")
    return user, invitation.team_id


def accept_reset_link(session: Session, *, token: str, password: str, now: datetime | None = None) -> User:
    now = now or utcnow()
    details = open_link(session, token=token, kind=InvitationKind.reset, now=now)
    invitation = details.invitation
    user = session.get(User, invitation.user_id) if invitation.user_id else None
    if user is None or user.id is None:
        raise NotFound("This link is not valid. Ask a team admin for a new one.")
    check_new_password(password, email=user.email)
    user.password_hash = hash_password(password)
    _use(session, invitation, user_id=user.id, now=now)
    end_all_sessions(session, user_id=user.id)
    record(session, team_id=invitation.team_id, user_id=user.id, action="password_reset",
           summary=f"{user.display_name} set a new password with a reset link")
    return user


def _use(session: Session, invitation: Invitation, *, user_id: int, now: datetime) -> None:
    # Compare-and-set: of two people opening the same link at once, only one gets it.
    used = session.exec(
        update(Invitation).where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .values(used_at=now, used_by_id=user_id)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidInput("This link has been used already. Ask a team admin for a new one.")
    session.flush()


def revoke_link(session: Session, *, team_id: int, invitation_id: int, by: int) -> None:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None or invitation.team_id != team_id or invitation.used_at is not None:
        raise NotFound("There is no such open link.")
    session.delete(invitation)
    session.flush()
    record(session, team_id=team_id, user_id=by, action="link_revoked", summary="An open link was withdrawn")


def open_links(session: Session, *, team_id: int, now: datetime | None = None) -> list[Invitation]:
    now = now or utcnow()
    return list(session.exec(
        select(Invitation).where(Invitation.team_id == team_id, col(Invitation.used_at).is_(None),
                                 col(Invitation.expires_at) > now)
        .order_by(col(Invitation.created_at).desc())
    ).all())


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- members and roles ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    display_name: str
    email: str
    role: Role
    joined: datetime


def team_members(session: Session, *, team_id: int) -> list[Member]:
    statement = (
        select(User.id, User.display_name, User.email, Membership.role, Membership.created_at)
        .join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.team_id == team_id)
        .order_by(col(User.display_name))
    )
    return [Member(r[0], r[1], r[2], Role(r[3]), r[4]) for r in session.connection().execute(statement).all()]


def _member(session: Session, *, team_id: int, user_id: int) -> tuple[Membership, str]:
    found = session.exec(
        select(Membership, User.display_name).join(User, col(User.id) == Membership.user_id)
        .where(Membership.team_id == team_id, Membership.user_id == user_id)
    ).first()
    if found is None:
        raise NotFound("There is no such member in this team.")
    return found


def _admins(session: Session, *, team_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(Membership).where(
        Membership.team_id == team_id, Membership.role == Role.admin)).one())


def change_role(session: Session, *, team_id: int, user_id: int, role: Role, by: int) -> None:
    membership, name = _member(session, team_id=team_id, user_id=user_id)
    if membership.role == role:
        return
    if membership.role == Role.admin and _admins(session, team_id=team_id) == 1:
        raise InvalidInput("A team needs at least one admin: make someone else admin first.")
    before = membership.role
    membership.role = role
    session.flush()
    record(session, team_id=team_id, user_id=by, action="role_changed", summary=f"{name}: {before} → {role}")


def remove_member(session: Session, *, team_id: int, user_id: int, by: int) -> None:
    membership, name = _member(session, team_id=team_id, user_id=user_id)
    if membership.role == Role.admin and _admins(session, team_id=team_id) == 1:
        raise InvalidInput("A team needs at least one admin: make someone else admin first.")
    session.delete(membership)
    # Their sessions that work in this team fall back to another of their teams (or none) at the next request.
    session.flush()
    record(session, team_id=team_id, user_id=by, action="member_removed", summary=f"{name} was removed")


# --- the audit log ----------------------------------------------------------------------------------------

def record(session: Session, *, team_id: int, user_id: int | None, action: str, summary: str) -> None:
    session.add(AuditEvent(team_id=team_id, user_id=user_id, action=action[:40], summary=summary[:500]))
    session.flush()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    who: str | None
    action: str
    summary: str


def audit_log(session: Session, *, team_id: int, limit: int = 500) -> list[AuditEntry]:
    statement = (
        select(AuditEvent.at, User.display_name, AuditEvent.action, AuditEvent.summary)
        .outerjoin(User, col(User.id) == AuditEvent.user_id)
        .where(AuditEvent.team_id == team_id)
        .order_by(col(AuditEvent.id).desc())
        .limit(limit)
    )
    return [AuditEntry(*row) for row in session.connection().execute(statement).all()]
