"""Signing in and out, the first-run page, one-time links (join a team, reset a password), own account."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from app.deps import CsrfProtected, SessionDep, SignedInDep
from app.security import SESSION_COOKIE, new_anonymous_session_id, replace_session_cookie
from app.templating import render
from comments import accounts
from comments.accounts import SignedIn, SignInFailed, TooManyAttempts
from comments.errors import InvalidInput
from comments.models import InvitationKind, User

router = APIRouter()

Email = Annotated[str, Form(max_length=320)]
Password = Annotated[str, Form(max_length=accounts.MAX_PASSWORD_LENGTH)]
Name = Annotated[str, Form(max_length=200)]
NextPage = Annotated[str, Form(max_length=2000)]


def safe_next(target: str | None) -> str:
    """Only paths on this site: never //evil.example or an absolute URL (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\n" in target:
        return "/drafts"
    return target


def first_run_code(secret_key: str) -> str:
    """The code in the first-run link that the server prints: only whoever reads the log can make the admin."""
    return hmac.new(secret_key.encode(), b"first-run", hashlib.sha256).hexdigest()[:24]


def signed_in_or_none(request: Request, session: SessionDep) -> SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    return accounts.find_signed_in(session, token) if token and len(token) == 64 else None


def _begin_session(request: Request, session: SessionDep, user: User, *, team_id: int | None = None) -> None:
    old = request.cookies.get(SESSION_COOKIE)
    if old and len(old) == 64:  # signing in again in the same browser: the old session ends
        accounts.end_session(session, token=old)
    token = accounts.start_session(session, user=user, team_id=team_id)
    session.commit()
    replace_session_cookie(request, token, max_age=int(accounts.SESSION_LIFETIME.total_seconds()))


# --- sign in / out ------------------------------------------------------------------------------------------

@router.get("/sign-in")
def sign_in_form(request: Request, session: SessionDep, next: str = "/drafts") -> Response:
    return render(request, "accounts/sign_in.html", {
        "next": safe_next(next), "email": "", "error": None, "no_accounts": not accounts.has_accounts(session),
    })


@router.post("/sign-in", dependencies=[CsrfProtected])
def sign_in(
    request: Request, session: SessionDep, email: Email, password: Password, next: NextPage = "/drafts",
) -> Response:
    address = request.client.host if request.client else "unknown"
    try:
        user = accounts.sign_in(session, email=email, password=password, address=address)
    except (SignInFailed, TooManyAttempts) as exc:
        session.commit()  # a failed attempt counts towards the limits
        status = 429 if isinstance(exc, TooManyAttempts) else 400
        response = render(request, "accounts/sign_in.html", {
            "next": safe_next(next), "email": email, "error": exc.message, "no_accounts": False,
        }, status_code=status)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    _begin_session(request, session, user)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/sign-out", dependencies=[CsrfProtected])
def sign_out(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) == 64:
        accounts.end_session(session, token=token)
        session.commit()
    replace_session_cookie(request, new_anonymous_session_id())
    return RedirectResponse("/sign-in", status_code=303)


# --- first run ----------------------------------------------------------------------------------------------

@router.get("/setup")
def setup_form(request: Request, session: SessionDep, code: str = "") -> Response:
    if accounts.has_accounts(session):
        return RedirectResponse("/sign-in", status_code=303)
    return render(request, "accounts/setup.html", {"code": code, "error": None, "form": {}})


@router.post("/setup", dependencies=[CsrfProtected])
def setup(
    request: Request, session: SessionDep, code: Annotated[str, Form(max_length=100)], email: Email, name: Name,
    password: Password, team_name: Annotated[str, Form(max_length=200)],
) -> Response:
    if accounts.has_accounts(session):
        return RedirectResponse("/sign-in", status_code=303)
    form = {"email": email, "name": name, "team_name": team_name}
    if not hmac.compare_digest(code.strip(), first_run_code(request.app.state.secret_key)):
        return render(request, "accounts/setup.html", {"code": code, "form": form, "error": (
            "The first-run code is not right. Use the link that `commentdesk serve` printed, "
            "or run `commentdesk users create-admin`.")}, status_code=403)
    try:
        user, team = accounts.create_first_admin(session, email=email, display_name=name, password=password,
                                           team_name=team_name)
    except InvalidInput as exc:
        session.rollback()
        return render(request, "accounts/setup.html", {"code": code, "form": form, "error": exc.message},
                      status_code=422)
    _begin_session(request, session, user, team_id=team.id)
    return RedirectResponse("/team", status_code=303)


# --- one-time links -----------------------------------------------------------------------------------------

@router.get("/join/{token}")
def join_form(request: Request, token: str, session: SessionDep) -> Response:
    details = accounts.open_link(session, token=token, kind=InvitationKind.join)
    return render(request, "accounts/join.html", {
        "details": details, "token": token, "me": signed_in_or_none(request, session), "error": None, "form": {},
    })


@router.post("/join/{token}", dependencies=[CsrfProtected])
def join(
    request: Request, token: str, session: SessionDep,
    email: Annotated[str, Form(max_length=320)] = "", name: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=accounts.MAX_PASSWORD_LENGTH)] = "",
) -> Response:
    me = signed_in_or_none(request, session)
    try:
        if me is not None:
            user = session.get(User, me.user_id)
            assert user is not None
            user, team_id = accounts.accept_join_link(session, token=token, user=user)
        else:
            user, team_id = accounts.accept_join_link(session, token=token, new_account=(email, name, password))
    except InvalidInput as exc:
        session.rollback()
        details = accounts.open_link(session, token=token, kind=InvitationKind.join)
        return render(request, "accounts/join.html", {
            "details": details, "token": token, "me": me, "error": exc.message,
            "form": {"email": email, "name": name},
        }, status_code=422)
    _begin_session(request, session, user, team_id=team_id)  # a new session id, working in the team just joined
    return RedirectResponse("/drafts", status_code=303)


@router.get("/reset/{token}")
def reset_form(request: Request, token: str, session: SessionDep) -> Response:
    details = accounts.open_link(session, token=token, kind=InvitationKind.reset)
    return render(request, "accounts/reset.html", {"details": details, "token": token, "error": None})


@router.post("/reset/{token}", dependencies=[CsrfProtected])
def reset(request: Request, token: str, session: SessionDep, password: Password) -> Response:
    try:
        user = accounts.accept_reset_link(session, token=token, password=password)
    except InvalidInput as exc:
        session.rollback()
        details = accounts.open_link(session, token=token, kind=InvitationKind.reset)
        return render(request, "accounts/reset.html", {"details": details, "token": token, "error": exc.message},
                      status_code=422)
    _begin_session(request, session, user)
    return RedirectResponse("/drafts", status_code=303)


# --- own account, team switch -------------------------------------------------------------------------------

@router.get("/account")
def account_page(request: Request, me: SignedInDep) -> Response:
    return render(request, "accounts/account.html", {"me": me, "error": None, "done": False})


@router.post("/account/password", dependencies=[CsrfProtected])
def change_password(
    request: Request, session: SessionDep, me: SignedInDep, current: Password, new: Password,
) -> Response:
    try:
        accounts.change_password(session, user_id=me.user_id, current=current, new=new)
    except InvalidInput as exc:
        session.rollback()
        return render(request, "accounts/account.html", {"me": me, "error": exc.message, "done": False},
                      status_code=422)
    user = session.get(User, me.user_id)
    assert user is not None
    _begin_session(request, session, user, team_id=me.team.team_id if me.team else None)
    return render(request, "accounts/account.html", {"me": me, "error": None, "done": True})


@router.post("/teams/switch", dependencies=[CsrfProtected])
def switch_team(session: SessionDep, me: SignedInDep, team_id: Annotated[int, Form()]) -> Response:
    accounts.switch_team(session, signed_in=me, team_id=team_id)
    session.commit()
    return RedirectResponse("/drafts", status_code=303)  # the page shown before belonged to the other team
