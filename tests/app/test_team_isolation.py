"""Team isolation, swept over every route: another team's objects answer exactly like ones that do not exist,
and a canary planted in another team never shows up in this team's pages, fragments, exports or API.

The route list comes from the app itself (its OpenAPI paths), so a route added later without a place in this
sweep fails the test instead of slipping through."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from comments import accounts, positions, services, submissions
from comments.importing.readers import read_pasted
from comments.models import CommentRow, Role, RowEvent, RowTag, Team, User
from tests.factories import make_draft, make_member, make_submission, make_team, provision
from tests.samples import SHORT_DRAFT

CANARY = "CANARY7QX"
MISSING = 987654  # an id that exists in no team
NOT_IDS = {"index", "extension"}  # path parameters that name no object
HX = {"HX-Request": "true"}

# Every form field any route reads, with a valid value, so that a refusal is about ownership, not the form.
FORM = {
    "field": "comment", "value": "x", "version": "1", "start": "0", "end": "4", "exact": "", "words": "Article",
    "occurrence": "1", "kind": "comment", "status": "in_review", "text": "a note", "direction": "up",
    "role": "editor", "name": "A name", "description": "", "note": "", "op": "merge", "index": "0",
    "title": "A title", "provision_id": "", "connection": "c0ffee", "font_size_pt": "11", "phrase": "x",
    "other_id": "1", "position_id": "1", "retired": "true",
}
# Routes that take no team object in their path: what each must (not) show is checked separately below.
NO_TEAM_OBJECT = {
    "/sign-in", "/sign-out", "/setup", "/account", "/account/password", "/teams/switch", "/team",
    "/team/invitations", "/team/audit", "/drafts", "/drafts/new", "/imports", "/submissions",
    "/submissions/import", "/tags", "/positions", "/positions/import",
}


@dataclass
class Objects:
    team: Team
    user: User
    draft_id: int
    provision_id: int
    submission_id: int
    row_id: int
    span_id: int
    event_id: int
    tag_id: int
    preview_id: str
    invitation_id: int
    join_token: str
    reset_token: str
    position_id: int
    phrase_id: int


def plant(session: Session, team: Team, user: User, *, marker: str) -> Objects:
    """One of everything a team owns, each carrying `marker` in its text."""
    text = SHORT_DRAFT.replace("network products", f"network products {marker}")
    draft = make_draft(session, team_id=team.id, text=text, title=f"Draft {marker}")
    article = provision(session, draft, "Article 2")
    submission = make_submission(session, draft, title=f"Table {marker}", organisation=f"Org {marker}")
    row = submissions.add_row(session, submission=submission, provision_id=article.id, user_id=user.id)
    submissions.update_row_text(session, row=row, field="comment", value=f"Comment {marker}", by=user.id)
    span = submissions.underline(session, row=row, start=0, end=7, by=user.id)[0]
    submissions.add_note(session, row=row, by=user.id, text=f"Note {marker}")
    tag = submissions.create_tag(session, team_id=team.id, name=f"Tag {marker}", description=marker)
    preview = services.create_preview(session, team_id=team.id, user_id=user.id, source=read_pasted(text))
    invitation, join_token = accounts.create_join_link(session, team_id=team.id, role=Role.editor,
                                                       note=f"for {marker}", by=user.id)
    member = make_member(session, team, name=f"Member {marker}")
    _reset, reset_token = accounts.create_reset_link(session, team_id=team.id, user_id=member.id, by=user.id)
    event = session.exec(select(RowEvent).where(RowEvent.row_id == row.id).order_by(RowEvent.id)).first()
    position = positions.save_row(session, row=row, submission=submission, by=user.id)
    phrase = positions.add_watch_phrase(session, team_id=team.id, tag_id=tag.id, phrase=f"phrase {marker}")
    session.commit()
    return Objects(team=team, user=user, draft_id=draft.id, provision_id=article.id, submission_id=submission.id,
                   row_id=row.id, span_id=span.id, event_id=event.id, tag_id=tag.id, preview_id=preview.id,
                   invitation_id=invitation.id, join_token=join_token, reset_token=reset_token,
                   position_id=position.id, phrase_id=phrase.id)


@pytest.fixture
def ours(session: Session, team: Team, me: User) -> Objects:
    return plant(session, team, me, marker="OURS")


@pytest.fixture
def theirs(session: Session) -> Objects:
    other = make_team(session, "Rival association")
    admin = make_member(session, other, role=Role.admin, name=f"Rival {CANARY}")
    return plant(session, other, admin, marker=CANARY)


def team_routes(app: FastAPI) -> list[tuple[str, str]]:
    return [(method.upper(), path) for path, operations in app.openapi()["paths"].items() for method in operations]


def fill(path: str, objects: Objects, *, missing: bool = False) -> str:
    values = {
        "draft_id": objects.draft_id, "submission_id": objects.submission_id, "row_id": objects.row_id,
        "span_id": objects.span_id, "event_id": objects.event_id, "tag_id": objects.tag_id,
        "preview_id": objects.preview_id, "invitation_id": objects.invitation_id, "user_id": objects.user.id,
        "position_id": objects.position_id, "provision_id": objects.provision_id, "phrase_id": objects.phrase_id,
        "index": 0, "extension": "docx",
    }
    tokens = {"/join/": objects.join_token, "/reset/": objects.reset_token}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "token":
            return "0" * 43 if missing else next(t for prefix, t in tokens.items() if path.startswith(prefix))
        assert name in values, f"the sweep does not know the path parameter {{{name}}} of {path}: add it"
        if missing and name not in NOT_IDS:
            return "0" * 32 if name == "preview_id" else str(MISSING)
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value, path)


def answer(client: TestClient, method: str, url: str, csrf_token: str) -> tuple[int, str]:
    if method == "GET":
        response = client.get(url, headers=HX, follow_redirects=False)
    else:
        response = client.request(method, url, data={**FORM, "csrf_token": csrf_token}, headers=HX,
                                  follow_redirects=False)
    return response.status_code, BeautifulSoup(response.text, "html.parser").get_text(" ", strip=True)


def test_every_route_answers_another_teams_object_exactly_like_a_missing_one(
    app: FastAPI, client: TestClient, csrf_token: str, ours: Objects, theirs: Objects,
) -> None:
    swept = 0
    for method, path in team_routes(app):
        if path in NO_TEAM_OBJECT:
            continue
        if path.startswith(("/join/", "/reset/")):
            continue  # a link is its own key: checked in test_links_are_keys_not_team_objects
        their_url, missing_url = fill(path, theirs), fill(path, theirs, missing=True)
        status, text = answer(client, method, their_url, csrf_token)
        assert (status, text) == answer(client, method, missing_url, csrf_token), f"{method} {path}"
        assert status == 404, f"{method} {their_url} answered {status}: {text[:200]}"
        assert CANARY not in text, f"{method} {their_url} leaked the canary"
        # ours around theirs (our row, their span; our table, their provision)
        if len(set(re.findall(r"\{(\w+)\}", path)) - NOT_IDS) == 2:
            mixed = fill(path, theirs).replace(f"/rows/{theirs.row_id}/", f"/rows/{ours.row_id}/").replace(
                f"/submissions/{theirs.submission_id}/", f"/submissions/{ours.submission_id}/")
            assert answer(client, method, mixed, csrf_token)[0] == 404, f"{method} {mixed}"
        swept += 1
    assert swept >= 35  # the sweep really ran over the app's routes


def test_links_are_keys_not_team_objects(anonymous_client: TestClient, theirs: Objects) -> None:
    # Whoever holds a link may use it (that is what it is for); a made-up one answers like any missing page.
    assert anonymous_client.get(f"/join/{'0' * 43}").status_code == 404
    assert anonymous_client.get(f"/reset/{'0' * 43}").status_code == 404
    assert anonymous_client.get(f"/join/{theirs.reset_token}").status_code == 404  # a reset link is no invitation


def test_ids_of_another_team_inside_forms_are_refused(
    client: TestClient, csrf_token: str, session: Session, ours: Objects, theirs: Objects,
) -> None:
    def post(url: str, data: dict) -> int:
        return client.post(url, data={**data, "csrf_token": csrf_token}, headers=HX).status_code

    assert post(f"/submissions/{ours.submission_id}/rows", {"provision_id": str(theirs.provision_id)}) == 404
    assert post(f"/rows/{ours.row_id}/tags", {"tag": str(theirs.tag_id)}) in (404, 422)
    assert post(f"/rows/{ours.row_id}/assign", {"user_id": str(theirs.user.id)}) in (404, 422)
    assert post("/teams/switch", {"team_id": str(theirs.team.id)}) == 404
    assert post(f"/drafts/{theirs.draft_id}/submissions", {"title": "x"}) == 404
    assert post(f"/team/invitations/{theirs.invitation_id}/revoke", {}) == 404
    assert post(f"/team/members/{theirs.user.id}/role", {"role": "viewer"}) == 404
    assert post(f"/team/members/{theirs.user.id}/remove", {}) == 404
    assert post(f"/team/members/{theirs.user.id}/reset-link", {}) == 404
    use = {"position_id": str(theirs.position_id), "provision_id": str(ours.provision_id)}
    assert post(f"/submissions/{ours.submission_id}/use-position", use) == 404
    assert post(f"/positions/{ours.position_id}/merge", {"other_id": str(theirs.position_id)}) == 404
    session.expire_all()
    roles = {m.user_id: m.role for m in accounts.team_members(session, team_id=theirs.team.id)}
    assert roles[theirs.user.id] == Role.admin  # nothing changed there
    assert session.exec(select(RowTag).where(RowTag.row_id == ours.row_id)).all() == []
    our_row = session.get(CommentRow, ours.row_id)
    assert our_row is not None and our_row.assigned_to_id is None


def test_the_canary_never_appears_in_our_pages_fragments_exports_or_api(
    app: FastAPI, client: TestClient, ours: Objects, theirs: Objects,
) -> None:
    urls = [
        "/drafts", "/drafts/new", "/submissions", "/submissions/import", "/tags", "/team", "/team/audit",
        "/account", "/docs", "/openapi.json",
        f"/drafts/{ours.draft_id}", f"/imports/{ours.preview_id}", f"/imports/{ours.preview_id}/provisions/0",
        f"/submissions/{ours.submission_id}", f"/submissions/{ours.submission_id}/bin",
        f"/submissions/{ours.submission_id}/print", f"/submissions/{ours.submission_id}/export.csv",
        f"/rows/{ours.row_id}", f"/rows/{ours.row_id}/history", f"/rows/{ours.row_id}/notes",
        f"/rows/{ours.row_id}/tags", f"/rows/{ours.row_id}/words", f"/rows/{ours.row_id}/fragment",
        f"/submissions/{ours.submission_id}?tag={theirs.tag_id}",
        f"/submissions/{ours.submission_id}?provision={theirs.provision_id}",
        "/positions", f"/positions?q={CANARY}", f"/positions?source={CANARY}", f"/positions?tag={theirs.tag_id}",
        "/positions?retired=true", f"/positions/{ours.position_id}", f"/submissions/{ours.submission_id}/triage",
        f"/submissions/{ours.submission_id}/suggestions/{ours.provision_id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "OURS" in response.text or url in ("/drafts/new", "/submissions/import", "/docs", "/openapi.json",
                                                  "/account", f"/imports/{ours.preview_id}/provisions/0",
                                                  f"/rows/{ours.row_id}/words") or CANARY in url, url
        if CANARY in url:  # a search for their words: the box repeats them, the results must not
            results = BeautifulSoup(response.text, "html.parser").select_one("ol.positions")
            assert results is not None and CANARY not in results.text, url
            assert "No positions match" in results.text, url
            continue
        assert CANARY not in response.text, f"{url} shows another team's data"
    word = client.get(f"/submissions/{ours.submission_id}/export.docx")
    assert word.status_code == 200
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(word.content)) as archive:
        assert all(CANARY not in archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
