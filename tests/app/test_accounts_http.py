"""Accounts over HTTP: sign-in, cookies, rate limits, sign-out, first run, links, members, team switch, audit."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.routes.accounts import first_run_code
from app.security import SESSION_COOKIE
from comments import accounts
from comments.models import Membership, Role, Team, User, UserSession
from tests.conftest import sign_in_as
from tests.factories import TEST_PASSWORD, make_draft, make_member, make_team

CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def form_token(client: TestClient, url: str) -> str:
    match = CSRF_INPUT.search(client.get(url).text)
    assert match, f"{url} has no form with a CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = TEST_PASSWORD, next_page: str = "/drafts"):
    token = form_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "next": next_page,
                                         "csrf_token": token}, follow_redirects=False)


def set_cookie_of(response) -> str:
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith(SESSION_COOKIE))


@pytest.fixture
def ben(session: Session, team: Team) -> User:
    return make_member(session, team, role=Role.editor, email="ben@example.org", name="Ben Editor")


def test_team_pages_need_a_session(anonymous_client: TestClient) -> None:
    page = anonymous_client.get("/submissions?status=draft", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/sign-in?next=%2Fsubmissions%3Fstatus%3Ddraft"
    fragment = anonymous_client.get("/rows/1/tags", headers={"HX-Request": "true",
                                                             "HX-Current-URL": "http://testserver/submissions/1"})
    assert fragment.status_code == 401 and fragment.headers["HX-Redirect"] == "/sign-in?next=%2Fsubmissions%2F1"
    for url in ("/openapi.json", "/docs", "/drafts/1", "/submissions/1/export.docx", "/team", "/account"):
        response = anonymous_client.get(url, follow_redirects=False)
        assert response.status_code in (303, 401), url
        assert "paths" not in response.text
    token = form_token(anonymous_client, "/sign-in")
    refused = anonymous_client.post("/tags", data={"name": "x", "csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 401 and "Sign in" in refused.text


def test_api_description_is_for_signed_in_users(client: TestClient) -> None:
    schema = client.get("/openapi.json")
    assert schema.status_code == 200 and "/submissions/{submission_id}" in schema.json()["paths"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/rows/{row_id}/text" in docs.text


def test_sign_in_rotates_the_session_id_and_sets_strict_cookies(anonymous_client: TestClient, ben: User) -> None:
    client = anonymous_client
    client.get("/sign-in")
    anonymous_id = client.cookies[SESSION_COOKIE]
    anonymous_token = form_token(client, "/sign-in")
    response = sign_in(client, "Ben@Example.org", next_page="/submissions")
    assert response.status_code == 303 and response.headers["location"] == "/submissions"
    cookie = set_cookie_of(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie and "Secure" not in cookie
    assert client.cookies[SESSION_COOKIE] != anonymous_id  # a new session id at sign-in
    page = client.get("/drafts")
    assert page.status_code == 200 and "Ben Editor" in page.text
    # the token of the form before sign-in no longer works (it belonged to the old session id)
    stale = client.post("/tags", data={"name": "x", "csrf_token": anonymous_token}, follow_redirects=False)
    assert stale.status_code == 403


def test_cookies_are_secure_behind_https(app: FastAPI, ben: User) -> None:
    app.state.settings.https_only = True
    from app.main import create_app

    secure_app = create_app(app.state.settings)
    secure_app.dependency_overrides = app.dependency_overrides
    with TestClient(secure_app, base_url="https://testserver") as client:
        response = sign_in(client, "ben@example.org")
        assert response.status_code == 303 and "Secure" in set_cookie_of(response)
    secure_app.state.engine.dispose()


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_next_never_leaves_the_site(anonymous_client: TestClient, ben: User, target: str) -> None:
    response = sign_in(anonymous_client, "ben@example.org", next_page=target)
    assert response.headers["location"] == "/drafts"


def test_wrong_passwords_then_the_limit(anonymous_client: TestClient, ben: User) -> None:
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        wrong = sign_in(anonymous_client, "ben@example.org", "not the password")
        assert wrong.status_code == 400 and "not right" in wrong.text
        assert 'value="ben@example.org"' in wrong.text  # the address is kept in the form
    locked = sign_in(anonymous_client, "ben@example.org")  # even the right password waits now
    assert locked.status_code == 429 and locked.headers["Retry-After"] == "900"
    assert "Too many failed sign-ins" in locked.text
    assert SESSION_COOKIE not in locked.headers.get("set-cookie", "") or "Max-Age" not in locked.headers.get(
        "set-cookie", "")


def test_sign_out_ends_the_session_on_the_server(anonymous_client: TestClient, ben: User, session: Session) -> None:
    sign_in(anonymous_client, "ben@example.org")
    signed_in_cookie = anonymous_client.cookies[SESSION_COOKIE]
    token = form_token(anonymous_client, "/drafts/new")
    out = anonymous_client.post("/sign-out", data={"csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    assert session.exec(select(UserSession)).all() == []
    anonymous_client.cookies.set(SESSION_COOKIE, signed_in_cookie)  # someone replays the old cookie
    assert anonymous_client.get("/drafts", follow_redirects=False).status_code == 303


def test_first_run_page_needs_the_printed_code_and_then_closes(app: FastAPI, anonymous_client: TestClient) -> None:
    client = anonymous_client
    assert "There are no accounts yet" in client.get("/sign-in").text
    token = form_token(client, "/setup")
    details = {"email": "ana@example.org", "name": "Ana", "password": TEST_PASSWORD, "team_name": "Our Association",
               "csrf_token": token}
    wrong = client.post("/setup", data={**details, "code": "guess"}, follow_redirects=False)
    assert wrong.status_code == 403 and "first-run code is not right" in wrong.text
    code = first_run_code(app.state.secret_key)
    short = client.post("/setup", data={**details, "code": code, "password": "short"}, follow_redirects=False)
    assert short.status_code == 422 and "at least 10 characters" in short.text
    made = client.post("/setup", data={**details, "code": code}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/team"
    team_page = client.get("/team")
    assert "Our Association" in team_page.text and "ana@example.org" in team_page.text
    assert client.get("/setup", follow_redirects=False).headers["location"] == "/sign-in"
    again = client.post("/setup", data={**details, "code": code, "email": "eve@example.org",
                                        "csrf_token": form_token(client, "/drafts/new")}, follow_redirects=False)
    assert again.headers["location"] == "/sign-in"  # closed once an account exists


def test_invite_join_as_a_new_account_and_the_link_works_once(
    app: FastAPI, client: TestClient, csrf_token: str, session: Session, team: Team,
) -> None:
    made = client.post("/team/invitations", data={"role": "lead", "note": "Cleo", "csrf_token": csrf_token})
    assert made.status_code == 200
    link = BeautifulSoup(made.text, "html.parser").select_one("#new-link")["value"]
    assert link.startswith("http://testserver/join/")
    path = link.removeprefix("http://testserver")
    with TestClient(app, base_url="http://testserver") as cleo:
        page = cleo.get(path)
        assert page.status_code == 200 and "Join Test association" in page.text and "lead" in page.text
        joined = cleo.post(path, data={"email": "cleo@example.org", "name": "Cleo Lead", "password": TEST_PASSWORD,
                                       "csrf_token": form_token(cleo, path)}, follow_redirects=False)
        assert joined.status_code == 303
        assert "Cleo Lead" in cleo.get("/drafts").text
    user = session.exec(select(User).where(User.email == "cleo@example.org")).one()
    assert session.exec(select(Membership.role).where(Membership.user_id == user.id)).one() == Role.lead
    with TestClient(app, base_url="http://testserver") as eve:
        again = eve.get(path)
        assert again.status_code == 422 and "used already" in again.text
    audit = client.get("/team/audit").text
    assert "Invitation link for Cleo as lead" in audit and "Cleo Lead (cleo@example.org) joined as lead" in audit


def test_only_admins_manage_members(
    app: FastAPI, client: TestClient, session: Session, team: Team, ben: User,
) -> None:
    with TestClient(app, base_url="http://testserver") as ben_client:
        sign_in_as(ben_client, session, ben)
        page = ben_client.get("/team")
        assert page.status_code == 200 and "Ben Editor" in page.text and "Make an invitation link" not in page.text
        token = form_token(ben_client, "/drafts/new")
        for url, data in [("/team/invitations", {"role": "admin"}), (f"/team/members/{ben.id}/role", {"role": "admin"}),
                          (f"/team/members/{ben.id}/reset-link", {}), ("/team/invitations/1/revoke", {})]:
            refused = ben_client.post(url, data={**data, "csrf_token": token})
            assert refused.status_code == 403 and "Only a team admin" in refused.text, url
        assert ben_client.get("/team/audit").status_code == 403
    membership = session.exec(select(Membership).where(Membership.user_id == ben.id)).one()
    assert membership.role == Role.editor


def test_role_change_remove_and_reset_link(
    app: FastAPI, client: TestClient, csrf_token: str, session: Session, me: User, ben: User,
) -> None:
    promoted = client.post(f"/team/members/{ben.id}/role", data={"role": "lead", "csrf_token": csrf_token})
    assert promoted.status_code == 200  # after the redirect, the team page
    session.expire_all()
    assert session.exec(select(Membership.role).where(Membership.user_id == ben.id)).one() == Role.lead
    last_admin = client.post(f"/team/members/{me.id}/role", data={"role": "viewer", "csrf_token": csrf_token})
    assert last_admin.status_code == 422 and "at least one admin" in last_admin.text

    ben_session = accounts.start_session(session, user=ben)
    session.commit()
    made = client.post(f"/team/members/{ben.id}/reset-link", data={"csrf_token": csrf_token})
    path = BeautifulSoup(made.text, "html.parser").select_one("#new-link")["value"].removeprefix("http://testserver")
    assert path.startswith("/reset/")
    with TestClient(app, base_url="http://testserver") as ben_browser:
        assert "ben@example.org" in ben_browser.get(path).text
        token = form_token(ben_browser, path)
        done = ben_browser.post(path, data={"password": "a fresh passphrase", "csrf_token": token},
                                follow_redirects=False)
        assert done.status_code == 303 and "Ben Editor" in ben_browser.get("/drafts").text
    assert accounts.find_signed_in(session, ben_session) is None  # signed out everywhere else

    removed = client.post(f"/team/members/{ben.id}/remove", data={"csrf_token": csrf_token})
    assert removed.status_code == 200 and "ben@example.org" not in removed.text
    with TestClient(app, base_url="http://testserver") as ben_browser:
        sign_in(ben_browser, "ben@example.org", "a fresh passphrase")
        page = ben_browser.get("/drafts")
        assert page.status_code == 403 and "not a member of any team" in page.text


def test_a_member_of_two_teams_switches_between_them(
    client: TestClient, csrf_token: str, session: Session, me: User, team: Team,
) -> None:
    other = make_team(session, "Second association")
    session.add(Membership(team_id=other.id, user_id=me.id, role=Role.viewer))
    make_draft(session, team_id=team.id, title="Draft of the first team")
    make_draft(session, team_id=other.id, title="Draft of the second team")
    stranger = make_team(session, "Stranger association")
    session.commit()
    page = client.get("/drafts").text
    assert "Draft of the first team" in page and "Draft of the second team" not in page
    assert "Second association" in BeautifulSoup(page, "html.parser").select_one("#team-switch").text
    switched = client.post("/teams/switch", data={"team_id": str(other.id), "csrf_token": csrf_token})
    assert "Draft of the second team" in switched.text and "Draft of the first team" not in switched.text
    assert client.post("/teams/switch", data={"team_id": str(stranger.id), "csrf_token": csrf_token}).status_code == 404


def test_change_own_password(client: TestClient, csrf_token: str, session: Session) -> None:
    wrong = client.post("/account/password", data={"current": "nope nope nope", "new": "another passphrase",
                                                   "csrf_token": csrf_token})
    assert wrong.status_code == 422 and "current password is not right" in wrong.text
    done = client.post("/account/password", data={"current": TEST_PASSWORD, "new": "another passphrase",
                                                  "csrf_token": csrf_token})
    assert done.status_code == 200 and "Your password is changed" in done.text
    assert client.get("/drafts").status_code == 200  # this browser stays signed in (a new session)
    assert accounts.sign_in(session, email="admin@example.org", password="another passphrase", address="t")


def test_exports_are_in_the_audit_log(client: TestClient, session: Session, team: Team) -> None:
    from tests.factories import make_submission

    draft = make_draft(session, team_id=team.id, title="Export Measures")
    submission = make_submission(session, draft, title="Our comments")
    session.commit()
    assert client.get(f"/submissions/{submission.id}/export.docx").status_code == 200
    assert client.get(f"/submissions/{submission.id}/export.csv?approved=1").status_code == 200
    audit = client.get("/team/audit").text
    assert "“Our comments” exported as Word (0 rows)" in audit
    assert "“Our comments” exported as CSV (0 approved rows)" in audit
    assert "Ada Admin" in audit
