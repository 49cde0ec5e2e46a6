"""The positions library over HTTP: import past Word files, search, edit, retire, merge, save a row, finalise,
watch phrases, the triage page, suggestions with diffs, "use this position", and the ≥ 85 % bulk action."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from comments import positions, queries, submissions
from comments.models import CommentRow, Membership, Position, PositionStatus, Role, Submission, Team, User
from tests.conftest import sign_in_as
from tests.factories import make_draft, make_member, make_submission, provision
from tests.fixtures.builders import make_blocks_docx, table_xml

HX = {"HX-Request": "true"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PAST_MEMO = make_blocks_docx(
    "**Comments on the Draft Cybersecurity Review Measures**",
    "(Note: relevant text is underlined).",
    table_xml(
        ["**Text of Draft Measure**", "**Comment**", "**Recommendation**"],
        ["**Article 10**\nOperators purchasing network products shall ensure that they are __secure and "
         "controllable__ and shall not be used to illegally obtain user data.",
         "“Secure and controllable” is undefined and may favour domestic products.",
         "Delete “secure and controllable” from Article 10."],
        ["**Article 12**\nTechnical maintenance of critical information infrastructure shall be performed "
         "__within the territory__.",
         "Remote maintenance from overseas is common and safe.", "Allow maintenance from overseas."],
    ),
)

NEW_DRAFT = """Network Product Measures (Draft for Comment)

Article 1 These Measures are formulated to protect network security.

Article 4 Operators that purchase network products shall ensure that the products are secure and controllable
and that they shall not be used to illegally obtain user data.

Article 7 These Measures take effect on 1 June.
"""


def post(client: TestClient, csrf_token: str, url: str, data: dict | None = None, *, htmx: bool = False, **kw):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token}, headers=HX if htmx else {}, **kw)


def upload(client: TestClient, csrf_token: str, *files: tuple[str, bytes], htmx: bool = False):
    return client.post("/positions/import", data={"csrf_token": csrf_token}, headers=HX if htmx else {},
                       files=[("files", (name, data, DOCX)) for name, data in files])


@pytest.fixture
def library(client: TestClient, csrf_token: str, session: Session) -> list[Position]:
    response = upload(client, csrf_token, ("review-2017.docx", PAST_MEMO))
    assert response.status_code == 200 and "review-2017.docx" in response.text and "2 positions added" in response.text
    return list(session.exec(select(Position).order_by(Position.id)).all())


def test_import_several_files_reports_each_and_a_bad_one_does_not_stop_the_others(
    client: TestClient, csrf_token: str, session: Session,
) -> None:
    response = upload(client, csrf_token, ("review.docx", PAST_MEMO), ("notes.txt", b"plain"),
                      ("broken.docx", b"PK\x03\x04 not a zip"), htmx=True)
    assert response.status_code == 200
    items = [li.get_text(" ", strip=True) for li in BeautifulSoup(response.text, "html.parser").select("li")]
    assert items[0].startswith("review.docx : 2 positions added")
    assert "not a Word (.docx) file" in items[1] and items[2].startswith("broken.docx")
    assert len(session.exec(select(Position)).all()) == 2
    again = upload(client, csrf_token, ("review.docx", PAST_MEMO))
    assert "nothing added: all 2 positions already in the library" in again.text  # the same file twice adds nothing
    renamed = upload(client, csrf_token, ("review (1).docx", PAST_MEMO))  # the same file under another name
    assert "nothing added: all 2 positions already in the library" in renamed.text
    assert len(session.exec(select(Position)).all()) == 2
    audit = client.get("/team/audit").text
    assert "2 positions imported from review.docx" in audit
    assert "0 positions imported from review.docx (2 already in the library)" in audit


def test_library_page_searches_by_words_tag_and_source(client: TestClient, library, session: Session, team) -> None:
    page = client.get("/positions")
    assert page.status_code == 200 and page.text.count('class="panel position') == 2
    assert client.get("/positions?q=overseas").text.count('class="panel position') == 1
    tag = next(t for t in queries.team_tags(session, team_id=team.id) if t.name == "“Secure and trusted” wording")
    tagged = client.get(f"/positions?tag={tag.id}").text
    assert tagged.count('class="panel position') == 1 and "Secure and controllable" in tagged
    assert client.get("/positions?source=cybersecurity+review").text.count('class="panel position') == 2
    assert "No positions match" in client.get("/positions?source=elsewhere").text


def test_edit_retire_and_merge_over_http(client: TestClient, csrf_token: str, library, session: Session) -> None:
    first, second = library
    edited = post(client, csrf_token, f"/positions/{first.id}", {"title": "Secure and controllable is undefined",
                                                                  "comment": "New text.", "recommendation": "Delete."})
    assert edited.status_code == 200 and "Secure and controllable is undefined" in edited.text
    merged = post(client, csrf_token, f"/positions/{first.id}/merge", {"other_id": str(second.id)})
    assert merged.status_code == 200
    session.expire_all()
    assert session.get(Position, second.id).status == PositionStatus.merged
    retired = post(client, csrf_token, f"/positions/{first.id}/retire", {"retired": "true"})
    assert "reactivate" in retired.text
    assert "No positions yet" in client.get("/positions").text
    assert client.get("/positions?retired=true").text.count('class="panel position') == 1


def test_editors_use_positions_but_only_leads_change_the_library(
    app: FastAPI, session: Session, team: Team, library,
) -> None:
    editor = make_member(session, team, role=Role.editor, email="ed@example.org")
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Measures")
    submission = make_submission(session, draft)
    session.commit()
    with TestClient(app, base_url="http://testserver") as ed:
        sign_in_as(ed, session, editor)
        token = BeautifulSoup(ed.get("/drafts/new").text, "html.parser").select_one("input[name=csrf_token]")["value"]
        position = library[0]
        for url, data in [(f"/positions/{position.id}", {"title": "x"}), (f"/positions/{position.id}/retire", {}),
                          (f"/positions/{position.id}/merge", {"other_id": str(library[1].id)})]:
            refused = post(ed, token, url, data)
            assert refused.status_code == 403 and "Only a lead" in refused.text
        assert ed.get("/positions/import").status_code == 403
        assert post(ed, token, f"/submissions/{submission.id}/finalise").status_code == 403
        used = post(ed, token, f"/submissions/{submission.id}/use-position",
                    {"position_id": str(position.id), "provision_id": str(provision(session, draft, "Article 4").id)})
        assert used.status_code == 200  # an editor writes rows, so may reuse


def test_save_a_row_and_finalise_a_table(client: TestClient, csrf_token: str, session: Session, team) -> None:
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Measures")
    submission = make_submission(session, draft, title="Our comments")
    row = submissions.add_row(session, submission=submission, provision_id=provision(session, draft, "Article 4").id,
                              user_id=None)
    submissions.update_row_text(session, row=row, field="comment", value="Too vague.")
    session.commit()
    panel = client.get(f"/rows/{row.id}/notes", headers=HX).text
    assert "Save to library" in panel
    saved = post(client, csrf_token, f"/rows/{row.id}/save-to-library", htmx=True)
    assert saved.status_code == 200 and "Saved to the library" in saved.text
    finalised = post(client, csrf_token, f"/submissions/{submission.id}/finalise")
    assert finalised.status_code == 200 and "Finalised: 1 row saved" in finalised.text
    assert len(session.exec(select(Position)).all()) == 1  # the same row, saved twice: one position
    assert session.get(Submission, submission.id).finalised_at is not None


def test_watch_phrases_are_edited_on_the_tags_page_and_flag_the_draft(
    client: TestClient, csrf_token: str, session: Session, team,
) -> None:
    tag = next(t for t in queries.team_tags(session, team_id=team.id) if t.name == "Unclear definitions")
    added = post(client, csrf_token, f"/tags/{tag.id}/phrases", {"phrase": "illegally obtain"})
    assert added.status_code == 200 and "illegally obtain" in added.text
    duplicate = post(client, csrf_token, f"/tags/{tag.id}/phrases", {"phrase": "Illegally  obtain "})
    assert duplicate.status_code == 422 and "watched for this tag already" in duplicate.text
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Measures")
    session.commit()
    page = BeautifulSoup(client.get(f"/drafts/{draft.id}").text, "html.parser")
    article4 = page.select_one(f"#provision-{provision(session, draft, 'Article 4').id}")
    flags = [f.get_text() for f in article4.select(".flag")]
    assert "Unclear definitions: “illegally obtain”" in flags
    assert "“Secure and trusted” wording: “secure and controllable”" in flags
    phrase = next(p for p in positions.watch_phrase_rows(session, team_id=team.id) if p.phrase == "illegally obtain")
    post(client, csrf_token, f"/phrases/{phrase.id}/delete")
    assert "illegally obtain" not in client.get("/tags").text


def test_triage_suggestions_diff_use_and_bulk(client: TestClient, csrf_token: str, session: Session, team, library):
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Measures")
    submission = make_submission(session, draft, title="Comments 2026")
    session.commit()
    article4 = provision(session, draft, "Article 4")
    page = BeautifulSoup(client.get(f"/submissions/{submission.id}/triage").text, "html.parser")
    row = page.select_one(f"#provision-{article4.id}")
    best = row.select_one(".match").get_text()
    assert int(best.split("%")[0]) >= 85, best
    assert "Secure and controllable" in row.get_text() or "secure and controllable" in row.get_text()
    effective = page.select_one(f"#provision-{provision(session, draft, 'Article 7').id}")
    assert "no past position" in effective.get_text()
    only_high = BeautifulSoup(client.get(f"/submissions/{submission.id}/triage?min_match=85&sort=match").text,
                              "html.parser")
    assert [tr["id"] for tr in only_high.select("table.triage tbody tr")] == [f"provision-{article4.id}"]

    fragment = client.get(f"/submissions/{submission.id}/suggestions/{article4.id}", headers=HX).text
    soup = BeautifulSoup(fragment, "html.parser")
    diff = soup.select_one(".diff")
    assert diff.select("del") and diff.select("ins")  # "Operators purchasing" → "Operators that purchase"
    used = post(client, csrf_token, f"/submissions/{submission.id}/use-position",
                {"position_id": str(library[0].id), "provision_id": str(article4.id)}, htmx=True)
    assert used.status_code == 200 and "Row added to the table" in used.text
    made = session.exec(select(CommentRow).where(CommentRow.submission_id == submission.id)).one()
    assert made.comment == library[0].comment
    assert made.recommendation == "Delete “secure and controllable” from Article 4."
    assert made.position_id == library[0].id
    assert "Already used on this provision" in client.get(
        f"/submissions/{submission.id}/suggestions/{article4.id}", headers=HX).text

    bulk = post(client, csrf_token, f"/submissions/{submission.id}/triage/bulk")
    assert bulk.status_code == 200 and "0 rows created from past positions" in bulk.text  # already used
    other = make_submission(session, draft, title="Second table")
    session.commit()
    bulk = post(client, csrf_token, f"/submissions/{other.id}/triage/bulk")
    assert "1 row created from past positions" in bulk.text
    assert len(session.exec(select(CommentRow).where(CommentRow.submission_id == other.id)).all()) == 1


def test_suggestions_of_a_provision_from_another_draft_are_404(
    client: TestClient, session: Session, team, library,
) -> None:
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="One")
    other = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Two")
    submission = make_submission(session, draft)
    session.commit()
    foreign = provision(session, other, "Article 4")
    assert client.get(f"/submissions/{submission.id}/suggestions/{foreign.id}").status_code == 404


def test_a_viewer_sees_no_use_buttons(app: FastAPI, session: Session, team: Team, library, me: User) -> None:
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Measures")
    submission = make_submission(session, draft)
    membership = session.exec(select(Membership).where(Membership.user_id == me.id)).one()
    membership.role = Role.viewer
    session.commit()
    with TestClient(app, base_url="http://testserver") as viewer:
        sign_in_as(viewer, session, me)
        page = viewer.get(f"/submissions/{submission.id}/triage").text
        assert "Create rows for all" not in page
        fragment = viewer.get(f"/submissions/{submission.id}/suggestions/{provision(session, draft, 'Article 4').id}",
                              headers=HX).text
        assert "Use this position" not in fragment


ITEMS_DRAFT = """Network Product Measures (Draft for Comment)

Article 1 These Measures are formulated to protect network security.

Article 4 Operators that purchase network products shall ensure that the products are secure and controllable:
(1) they contain no hidden functions or back doors;
(2) they are not used to illegally obtain user data;
(3) their supply is not interrupted for non-technical reasons.

Article 7 These Measures take effect on 1 June.
"""

ITEMS_MEMO = make_blocks_docx(
    "**Comments on the Draft Cybersecurity Review Measures**",
    table_xml(
        ["**Text of Draft Measure**", "**Comment**", "**Recommendation**"],
        ["**Article 10**\nOperators purchasing network products shall ensure that they are secure and controllable:"
         "\n(1) they contain no hidden functions or back doors;\n(2) they are not used to illegally obtain user data;"
         "\n(3) their supply is not interrupted for reasons other than technical ones.",
         "“Secure and controllable” is undefined.", "Delete it from Article 10."],
    ),
)


def test_the_triage_list_and_compare_and_use_show_the_same_percent(
    client: TestClient, csrf_token: str, session: Session, team,
) -> None:
    """An article with items is compared as a row would quote it, on both pages (the compare view once compared
    only its first sentence and showed another percent)."""
    assert "1 position added" in upload(client, csrf_token, ("items.docx", ITEMS_MEMO)).text
    draft = make_draft(session, team_id=team.id, text=ITEMS_DRAFT, title="Network Product Measures")
    submission = make_submission(session, draft)
    session.commit()
    article4 = provision(session, draft, "Article 4")
    page = BeautifulSoup(client.get(f"/submissions/{submission.id}/triage").text, "html.parser")
    listed = page.select_one(f"#provision-{article4.id} .match").get_text(" ", strip=True)
    for url, headers in [(f"/submissions/{submission.id}/suggestions/{article4.id}", HX),
                         (f"/submissions/{submission.id}/suggestions/{article4.id}", {})]:
        compared = BeautifulSoup(client.get(url, headers=headers).text, "html.parser")
        assert compared.select_one(".suggestion .match").get_text(" ", strip=True) == listed
    assert int(listed.split("%")[0]) >= 85, listed
    diff = compared.select_one(".diff")
    assert "hidden functions" in diff.get_text() and not diff.select("del:-soup-contains('hidden')")  # items kept


def test_using_a_position_counts_and_shows_the_reuse(
    client: TestClient, csrf_token: str, session: Session, team, library,
) -> None:
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Measures")
    submission = make_submission(session, draft)
    session.commit()
    article4, position = provision(session, draft, "Article 4"), library[0]
    triage = client.get(f"/submissions/{submission.id}/triage").text
    assert "reused 0 times" in BeautifulSoup(triage, "html.parser").select_one(f"#provision-{article4.id}").text
    used = post(client, csrf_token, f"/submissions/{submission.id}/use-position",
                {"position_id": str(position.id), "provision_id": str(article4.id)}, htmx=True)
    assert "reused 1 time." in used.text
    session.expire_all()
    assert session.get(Position, position.id).reuse_count == 1
    assert "reused 1 time," in BeautifulSoup(client.get("/positions").text, "html.parser").select_one(
        f"#position-{position.id}").get_text()
    assert "Reused 1 time, last on" in client.get(f"/positions/{position.id}").text
    again = BeautifulSoup(client.get(f"/submissions/{submission.id}/triage").text, "html.parser")
    assert "reused 1 time" in again.select_one(f"#provision-{article4.id}").get_text()
    fragment = client.get(f"/submissions/{submission.id}/suggestions/{article4.id}", headers=HX).text
    assert "reused 1 time" in fragment


def test_finalising_keeps_reused_rows_out_unless_edited(
    client: TestClient, csrf_token: str, session: Session, team, library,
) -> None:
    draft = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Measures")
    submission = make_submission(session, draft, title="Comments 2026")
    session.commit()
    unchanged, edited = library
    for position, label in [(unchanged, "Article 4"), (edited, "Article 1")]:
        post(client, csrf_token, f"/submissions/{submission.id}/use-position",
             {"position_id": str(position.id), "provision_id": str(provision(session, draft, label).id)})
    rows = {r.position_id: r for r in session.exec(select(CommentRow).where(
        CommentRow.submission_id == submission.id)).all()}
    submissions.update_row_text(session, row=rows[edited.id], field="comment", value="Our view has changed.")
    session.commit()
    saved = post(client, csrf_token, f"/rows/{rows[unchanged.id].id}/save-to-library", htmx=True)
    assert "Already in the library" in saved.text
    finalised = post(client, csrf_token, f"/submissions/{submission.id}/finalise")
    assert "Finalised: 1 row saved" in finalised.text
    assert post(client, csrf_token, f"/submissions/{submission.id}/finalise").status_code == 200  # twice: no more
    session.expire_all()
    everything = session.exec(select(Position).order_by(Position.id)).all()
    assert len(everything) == 3  # 2 + the edited row; the unchanged one is not copied
    new = everything[-1]
    assert new.comment == "Our view has changed."
    assert f'href="/positions/{edited.id}"' in client.get(f"/positions/{new.id}").text.split("<h3>Sources")[0]
    assert "Comments 2026" in client.get(f"/positions/{unchanged.id}").text  # the use is recorded as a source
    assert session.get(Position, unchanged.id).reuse_count == 1  # counted once, when used
