"""The comment table over HTTP: create, add rows, underline, edit, tags, move, delete/undo, filters,
exports and the print view, both as htmx fragments and as plain form posts; bad input and other teams."""

from __future__ import annotations

import csv
import io

import docx
import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from comments import queries, submissions
from comments.models import CommentRow, Membership, Role, RowSpan, Submission
from tests.conftest import sign_in_as
from tests.factories import make_draft, make_member, make_submission, make_team, provision

HX = {"HX-Request": "true"}


@pytest.fixture
def local(client: TestClient, team):
    """The signed-in client's team."""
    return team


@pytest.fixture
def draft(session: Session, local):
    return make_draft(session, team_id=local.id, title="Network Products Measures")


@pytest.fixture
def submission(session: Session, draft) -> Submission:
    made = make_submission(session, draft, title="Comments on the Network Products Measures")
    session.commit()
    return made


def post(client: TestClient, csrf_token: str, url: str, data: dict | None = None, *, htmx: bool = True, **kw):
    headers = {**HX, "X-CSRF-Token": csrf_token} if htmx else {}
    body = dict(data or {})
    if not htmx:
        body["csrf_token"] = csrf_token
    return client.post(url, data=body, headers=headers, follow_redirects=False, **kw)


def add_row(client, csrf_token, submission, draft, session, label: str | None, **data) -> CommentRow:
    provision_id = str(provision(session, draft, label).id) if label else ""
    response = post(client, csrf_token, f"/submissions/{submission.id}/rows", {"provision_id": provision_id, **data})
    assert response.status_code == 200, response.text
    row_id = int(BeautifulSoup(response.text, "html.parser").select_one("tr.comment-row")["data-row-id"])
    row = session.get(CommentRow, row_id)
    assert row is not None
    return row


def test_create_a_comment_table_from_the_draft_page(client: TestClient, csrf_token: str, draft, session) -> None:
    page = BeautifulSoup(client.get(f"/drafts/{draft.id}").text, "html.parser")
    form = page.select_one(f"form[action='/drafts/{draft.id}/submissions']")
    assert form is not None and form.select_one("input[name=title]")["value"] == "Comments on Network Products Measures"
    response = post(client, csrf_token, f"/drafts/{draft.id}/submissions", {
        "title": "Joint comments", "organisation": "Example Association", "orientation": "landscape",
        "paper_size": "Letter", "language": "zh", "font_name": "Arial", "font_size_pt": "12",
        "submission_date": "2026-11-30",
    }, htmx=False)
    assert response.status_code == 303
    created = session.exec(select(Submission).where(Submission.title == "Joint comments")).one()
    assert response.headers["location"] == f"/submissions/{created.id}"
    assert created.landscape and created.font_name == "Arial" and created.font_size_pt == 12
    assert created.paper_size == "Letter" and created.language == "zh"
    table = client.get(f"/submissions/{created.id}")
    assert table.status_code == 200 and table.template.name == "submissions/show.html"
    assert "Joint comments" in table.text
    section = docx.Document(io.BytesIO(client.get(f"/submissions/{created.id}/export.docx").content)).sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (15840, 12240)  # US Letter, landscape
    printed = BeautifulSoup(client.get(f"/submissions/{created.id}/print").text, "html.parser")
    sheet = printed.select("link[rel=stylesheet]")[-1]["href"]
    assert sheet == "/static/print-letter-landscape.css" and client.get(sheet).status_code == 200
    assert [th.text for th in printed.select("th")] == ["征求意见稿条款", "意见", "建议"]
    assert "2026年11月30日" in printed.text and printed.html["lang"] == "zh"


def test_bad_settings_are_a_sentence_not_a_crash(client, csrf_token, draft) -> None:
    response = post(client, csrf_token, f"/drafts/{draft.id}/submissions",
                    {"title": "x", "font_name": "Wingdings"}, htmx=False)
    assert response.status_code == 422 and "Choose one of these fonts" in response.text
    response = post(client, csrf_token, f"/drafts/{draft.id}/submissions", {"title": "x", "paper_size": "B5"},
                    htmx=False)
    assert response.status_code == 422 and "Choose one of these paper sizes: A4, Letter." in response.text
    response = post(client, csrf_token, f"/drafts/{draft.id}/submissions", {"title": "   "}, htmx=False)
    assert response.status_code == 422 and "needs a title" in response.text


def test_add_row_returns_the_row_placed_in_document_order(client, csrf_token, submission, draft, session) -> None:
    later = add_row(client, csrf_token, submission, draft, session, "Article 4")
    response = post(client, csrf_token, f"/submissions/{submission.id}/rows",
                    {"provision_id": str(provision(session, draft, "Article 2").id)})
    assert response.headers["HX-Retarget"] == f"#row-{later.id}" and response.headers["HX-Reswap"] == "beforebegin"
    page = BeautifulSoup(client.get(f"/submissions/{submission.id}").text, "html.parser")
    shown = [tr.select_one(".row-label strong").text for tr in page.select("tr.comment-row")]
    assert shown == ["Article 2", "Article 4"]


def test_underline_by_offsets_and_by_words_then_click_to_remove(client, csrf_token, submission, draft, session):
    row = add_row(client, csrf_token, submission, draft, session, "Article 4")
    start = row.quoted_text.index("within the territory")
    response = post(client, csrf_token, f"/rows/{row.id}/spans",
                    {"start": str(start), "end": str(start + 20), "exact": "within the territory"})
    assert response.status_code == 200
    fragment = BeautifulSoup(response.text, "html.parser")
    assert [u.text for u in fragment.select(".quoted u")] == ["within the territory"]
    # the quoted text renders exactly, so the browser's offsets are the server's
    assert fragment.select_one(".quoted").text == row.quoted_text
    by_words = post(client, csrf_token, f"/rows/{row.id}/spans", {"words": "overseas", "occurrence": "1"})
    assert [u.text for u in BeautifulSoup(by_words.text, "html.parser").select(".quoted u")] == [
        "within the territory", "overseas"]
    span = session.exec(select(RowSpan).where(RowSpan.row_id == row.id, RowSpan.exact == "overseas")).one()
    removed = post(client, csrf_token, f"/rows/{row.id}/spans/{span.id}/delete")
    assert [u.text for u in BeautifulSoup(removed.text, "html.parser").select(".quoted u")] == ["within the territory"]


def test_a_stale_or_outside_selection_is_a_422_sentence(client, csrf_token, submission, draft, session) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 4")
    stale = post(client, csrf_token, f"/rows/{row.id}/spans", {"start": "0", "end": "5", "exact": "Other"})
    assert stale.status_code == 422 and "do not match" in stale.text
    outside = post(client, csrf_token, f"/rows/{row.id}/spans", {"start": "0", "end": "99999"})
    assert outside.status_code == 422 and "outside" in outside.text
    missing = post(client, csrf_token, f"/rows/{row.id}/spans", {"words": "cryptography"})
    assert missing.status_code == 422 and "does not occur" in missing.text
    assert session.exec(select(RowSpan).where(RowSpan.row_id == row.id)).all() == []


def test_autosave_keeps_line_breaks_and_reports_the_version(client, csrf_token, submission, draft, session) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    response = post(client, csrf_token, f"/rows/{row.id}/text",
                    {"field": "comment", "value": "The scope is too broad.\r\n\r\nIt covers all networks."})
    assert response.status_code == 204 and int(response.headers["X-Row-Version"]) > 1
    session.refresh(row)
    assert row.comment == "The scope is too broad.\n\nIt covers all networks."
    plain = post(client, csrf_token, f"/rows/{row.id}/text", {"field": "recommendation", "value": "Narrow it."},
                 htmx=False)
    assert plain.status_code == 303 and plain.headers["location"].endswith(f"#row-{row.id}")
    bad = post(client, csrf_token, f"/rows/{row.id}/text", {"field": "label", "value": "x"})
    assert bad.status_code == 422


def test_tags_kind_move_delete_undo(client, csrf_token, submission, draft, session, local) -> None:
    first = add_row(client, csrf_token, submission, draft, session, "Article 2")
    second = add_row(client, csrf_token, submission, draft, session, "Article 3")
    tags = queries.team_tags(session, team_id=local.id)
    tagged = post(client, csrf_token, f"/rows/{first.id}/tags", {"tag": [str(tags[0].id), str(tags[4].id)]})
    assert [li.text for li in BeautifulSoup(tagged.text, "html.parser").select("li.tag")] == [
        tags[0].name, tags[4].name]
    kind = post(client, csrf_token, f"/rows/{first.id}/kind", {"kind": "question"})
    assert "question" in kind.text
    moved = post(client, csrf_token, f"/rows/{second.id}/move", {"direction": "up"})
    assert moved.status_code == 204 and "rowMoved" in moved.headers["HX-Trigger"]
    assert [e.row.id for e in queries.table_rows(session, submission=submission)] == [second.id, first.id]
    deleted = post(client, csrf_token, f"/rows/{first.id}/delete")
    assert "Undo" in deleted.text and f"/rows/{first.id}/restore" in deleted.text
    page = client.get(f"/submissions/{submission.id}").text
    assert f'id="row-{first.id}"' not in page
    restored = post(client, csrf_token, f"/rows/{first.id}/restore")
    assert restored.status_code == 200 and f'id="row-{first.id}"' in restored.text
    # without JavaScript: delete redirects to the table with an undo form
    plain = post(client, csrf_token, f"/rows/{first.id}/delete", htmx=False)
    assert plain.headers["location"] == f"/submissions/{submission.id}?deleted={first.id}"
    undo_page = BeautifulSoup(client.get(plain.headers["location"]).text, "html.parser")
    assert undo_page.select_one(f"form.notice[action='/rows/{first.id}/restore']") is not None


def test_filters_show_counts(client, csrf_token, submission, draft, session, local) -> None:
    a = add_row(client, csrf_token, submission, draft, session, "Article 2")
    add_row(client, csrf_token, submission, draft, session, "Article 3", kind="question")
    tag = queries.team_tags(session, team_id=local.id)[0]
    post(client, csrf_token, f"/rows/{a.id}/tags", {"tag": [str(tag.id)]})
    page = BeautifulSoup(client.get(f"/submissions/{submission.id}?tag={tag.id}").text, "html.parser")
    assert [tr["data-row-id"] for tr in page.select("tr.comment-row")] == [str(a.id)]
    assert "Showing 1 of 2 rows" in page.select_one(".count").text
    assert f"{tag.name} (1)" in page.select_one("#filter-tag").text
    questions = BeautifulSoup(client.get(f"/submissions/{submission.id}?kind=question").text, "html.parser")
    assert len(questions.select("tr.comment-row")) == 1 and "Questions (1)" in questions.text


def test_exports_docx_csv_and_print_view(client, csrf_token, submission, draft, session) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 4")
    post(client, csrf_token, f"/rows/{row.id}/spans", {"words": "overseas"})
    post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "Maintenance from abroad."})
    post(client, csrf_token, f"/rows/{row.id}/text", {"field": "recommendation", "value": "=Delete it"})
    response = client.get(f"/submissions/{submission.id}/export.docx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert 'filename="Comments on the Network Products Measures.docx"' in response.headers["content-disposition"]
    approved = client.get(f"/submissions/{submission.id}/export.docx?approved=1").headers["content-disposition"]
    assert 'filename="Comments on the Network Products Measures (approved rows).docx"' in approved
    table = docx.Document(io.BytesIO(response.content)).tables[0]
    cell = table.rows[1].cells[0]
    assert cell.paragraphs[0].text == "Article 4 (Technical maintenance)"
    assert [r.text for p in cell.paragraphs for r in p.runs if r.underline] == ["overseas"]
    assert table.rows[1].cells[1].text == "Maintenance from abroad."
    csv_response = client.get(f"/submissions/{submission.id}/export.csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[1][0] == "Article 4" and "overseas" in rows[1] and rows[1][5] == "'=Delete it"
    printed = client.get(f"/submissions/{submission.id}/print")
    page = BeautifulSoup(printed.text, "html.parser")
    assert [u.text for u in page.select("table.submission u")] == ["overseas"]
    assert [th.text for th in page.select("table.submission thead th")] == [
        "Text of Draft Measure", "Comment", "Recommendation"]


def test_control_characters_are_reported_and_dropped_from_the_export(client, csrf_token, submission, draft, session):
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    submissions.update_row_text(session, row=row, field="comment", value="Bell\x07 and\x01 tab\x0bnext line")
    session.commit()
    page = client.get(f"/submissions/{submission.id}").text
    assert "control characters" in page and "2 characters" in page  # Word's pasted line break is not one
    response = client.get(f"/submissions/{submission.id}/export.docx")
    assert response.status_code == 200 and response.headers["X-Dropped-Characters"] == "2"
    assert docx.Document(io.BytesIO(response.content)).tables[0].rows[1].cells[1].text == "Bell and tab\nnext line"


def test_another_teams_table_and_rows_answer_404(client, csrf_token, session) -> None:
    client.get("/drafts")
    other = make_team(session, "Other association")
    draft = make_draft(session, team_id=other.id, title="Secret canary draft")
    theirs = make_submission(session, draft, title="Secret canary table")
    row = submissions.add_row(session, submission=theirs, provision_id=provision(session, draft, "Article 2").id,
                              user_id=None)
    session.commit()
    for url in (f"/submissions/{theirs.id}", f"/submissions/{theirs.id}/export.docx",
                f"/submissions/{theirs.id}/export.csv", f"/submissions/{theirs.id}/print"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"/rows/{row.id}/text", {"field": "comment", "value": "x"}),
                      (f"/rows/{row.id}/delete", {}), (f"/rows/{row.id}/spans", {"words": "apply"}),
                      (f"/submissions/{theirs.id}/rows", {"provision_id": ""}),
                      (f"/submissions/{theirs.id}/settings", {"title": "x"}),
                      (f"/drafts/{draft.id}/submissions", {"title": "x"})):
        assert post(client, csrf_token, url, data).status_code == 404, url
    assert "Secret canary" not in client.get("/submissions").text
    session.refresh(row)
    assert row.comment == "" and row.deleted_at is None


def test_row_posts_need_the_csrf_token(client, csrf_token, submission, draft, session) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    response = client.post(f"/rows/{row.id}/text", data={"field": "comment", "value": "x"})
    assert response.status_code == 403
    session.refresh(row)
    assert row.comment == ""


def test_cached_rows_follow_every_change_and_carry_each_visitors_token(
    client, csrf_token, submission, draft, session, local, app, me,
) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    url = f"/submissions/{submission.id}"
    client.get(url)  # the row is now cached
    post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "Changed after caching."})
    assert "Changed after caching." in client.get(url).text
    tag = queries.team_tags(session, team_id=local.id)[0]
    post(client, csrf_token, f"/rows/{row.id}/tags", {"tag": [str(tag.id)]})
    submissions.rename_tag(session, tag=tag, name="Renamed concern")
    session.commit()
    chips = BeautifulSoup(client.get(url).text, "html.parser").select(f"#tags-{row.id} li.tag")
    assert [c.text for c in chips] == ["Renamed concern"]
    assert app.state.render_cache.hits > 0
    # another visitor (another session cookie) gets the same row with their own CSRF token
    with TestClient(app, base_url="http://testserver") as other:
        sign_in_as(other, session, me)
        page = BeautifulSoup(other.get(url).text, "html.parser")
        tokens = {i["value"] for i in page.select(f"#row-{row.id} input[name=csrf_token]")}
        assert len(tokens) == 1 and csrf_token not in tokens
        assert "\x00" not in other.get(url).text


def test_a_rows_fragment_is_the_row_the_table_shows(client, csrf_token, submission, draft, session, local, app) -> None:
    """live.js swaps the fragment (and the live feed's copy, made the same way) for the table's row: they must be
    the same HTML, also for what the row shows beside its text: tags in the team's order, notes, assignee."""
    row = add_row(client, csrf_token, submission, draft, session, "Article 4")
    for words in ("overseas", "within the territory"):  # underlined out of text order
        post(client, csrf_token, f"/rows/{row.id}/spans", {"words": words, "occurrence": "1"})
    colleague = make_member(session, local, name="Cleo Colleague")
    session.commit()
    tags = queries.team_tags(session, team_id=local.id)
    post(client, csrf_token, f"/rows/{row.id}/tags", {"tag": [str(tags[2].id), str(tags[0].id)]})
    post(client, csrf_token, f"/rows/{row.id}/notes", {"text": "We should say more."})
    post(client, csrf_token, f"/rows/{row.id}/assign", {"user_id": str(colleague.id)})

    def both() -> tuple[str, str]:
        app.state.render_cache.clear()  # each side renders the row itself...
        fragment = client.get(f"/rows/{row.id}/fragment", headers=HX).text
        in_table = BeautifulSoup(client.get(f"/submissions/{submission.id}").text, "html.parser").select_one(
            f"#row-{row.id}")
        return str(BeautifulSoup(fragment, "html.parser").select_one("tr")), str(in_table)

    fragment, in_table = both()
    assert fragment == in_table
    soup = BeautifulSoup(fragment, "html.parser")
    assert [li.text for li in soup.select("li.tag")] == [tags[0].name, tags[2].name]  # the team's order
    assert "Cleo Colleague" in soup.select_one(".assignee").text and "Status and discussion (1)" in fragment
    assert [u.text for u in soup.select(".quoted u")] == ["within the territory", "overseas"]
    # ...and a row rendered for one is served to the other
    hits = app.state.render_cache.hits
    client.get(f"/rows/{row.id}/fragment", headers=HX)
    assert app.state.render_cache.hits == hits + 1
    # a member who left the team is no longer shown as the assignee, in either
    session.delete(session.exec(select(Membership).where(Membership.user_id == colleague.id)).one())
    session.commit()
    fragment, in_table = both()
    assert fragment == in_table and "Cleo Colleague" not in fragment


def test_upload_a_past_submission_in_the_browser_form(client, csrf_token, session) -> None:
    from tests.app.test_cli import PAST_SUBMISSION

    page = BeautifulSoup(client.get("/submissions/import").text, "html.parser")
    assert page.select_one("form[action='/submissions/import'] input[type=file][name=file]") is not None
    response = client.post("/submissions/import", data={"csrf_token": csrf_token},
                           files={"file": ("C:\\old\\past.docx", PAST_SUBMISSION)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    table = BeautifulSoup(client.get(response.headers["location"]).text, "html.parser")
    assert [u.text for u in table.select("tr.comment-row .quoted u")] == [
        "within the territory", "within the territory", "overseas"]
    draft = session.exec(select(Submission)).all()[-1]
    assert draft.title == "Comments on the Draft Network Products Measures"
    bad = client.post("/submissions/import", data={"csrf_token": csrf_token},
                      files={"file": ("notes.docx", b"not a zip at all")})
    assert bad.status_code in (415, 422) and "Traceback" not in bad.text


def test_the_team_edits_its_concern_tags(client, csrf_token, session, local) -> None:
    page = BeautifulSoup(client.get("/tags").text, "html.parser")
    assert len(page.select("ul.tag-admin > li")) == 9
    added = post(client, csrf_token, "/tags", {"name": "Export controls", "description": "Licensing"}, htmx=False)
    assert added.status_code == 303
    tag = next(t for t in queries.team_tags(session, team_id=local.id) if t.name == "Export controls")
    duplicate = post(client, csrf_token, "/tags", {"name": "export controls"}, htmx=False)
    assert duplicate.status_code == 422 and "already a concern tag" in duplicate.text
    post(client, csrf_token, f"/tags/{tag.id}", {"name": "Export licensing"}, htmx=False)
    session.refresh(tag)
    assert tag.name == "Export licensing"
    post(client, csrf_token, f"/tags/{tag.id}/delete", htmx=False)
    assert "Export licensing" not in client.get("/tags").text
    other = make_team(session, "Other association")
    foreign = queries.team_tags(session, team_id=other.id)[0]
    session.commit()
    assert post(client, csrf_token, f"/tags/{foreign.id}/delete", htmx=False).status_code == 404
    assert post(client, csrf_token, f"/tags/{foreign.id}", {"name": "x"}, htmx=False).status_code == 404


def test_a_stale_save_gets_409_with_both_texts_and_keeps_yours(client, csrf_token, submission, draft, session):
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    base = str(row.version)
    first = post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "Their words.",
                                                               "version": base})
    assert first.status_code == 204
    stale = post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "My words.",
                                                               "version": base})
    assert stale.status_code == 409
    assert stale.headers["HX-Retarget"] == f"#conflict-{row.id}-comment"
    box = BeautifulSoup(stale.text, "html.parser")
    assert "Their words." in box.select_one("[data-theirs]").text
    assert [d.text for d in box.select("del")] == ["Their"] and [i.text for i in box.select("ins")] == ["My"]
    current = box.select_one("[data-conflict]")["data-version"]
    session.refresh(row)
    assert row.comment == "Their words."  # nothing overwritten
    kept = post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "My words.",
                                                              "version": current})
    assert kept.status_code == 204
    session.refresh(row)
    assert row.comment == "My words."
    # without JavaScript the conflict is a page with a form that carries the typed text
    plain = post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "Third try.",
                                                               "version": base}, htmx=False)
    assert plain.status_code == 409
    page = BeautifulSoup(plain.text, "html.parser")
    assert page.select_one("textarea#merged").text.strip() == "Third try."


def test_history_page_restore_and_bin(client, csrf_token, submission, draft, session) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "Version one."})
    post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "Version two."})
    page = BeautifulSoup(client.get(f"/rows/{row.id}/history").text, "html.parser")
    changes = page.select("ol.history > li")
    assert [li.select_one("strong").text for li in changes] == ["Comment changed", "Comment changed", "Row added"]
    assert "Ada Admin" in changes[0].text
    assert [i.text for i in changes[0].select("ins")] == ["two."]
    restore = changes[1].select_one("form")["action"]
    assert changes[1].select_one("form button").text == "Restore the comment to this version"
    assert post(client, csrf_token, restore, htmx=False).status_code == 303
    session.refresh(row)
    assert row.comment == "Version one."
    add_row(client, csrf_token, submission, draft, session, "Article 3")
    post(client, csrf_token, f"/rows/{row.id}/move", {"direction": "down"})
    moved = BeautifulSoup(client.get(f"/rows/{row.id}/history").text, "html.parser").select("ol.history > li")[0]
    assert moved.select_one("strong").text == "Row moved down" and moved.select_one("dl") is None  # no sort keys
    post(client, csrf_token, f"/rows/{row.id}/delete")
    binned = BeautifulSoup(client.get(f"/submissions/{submission.id}/bin").text, "html.parser")
    assert [a.text for a in binned.select("table.list tbody td a")] == ["Article 2"]
    assert binned.select_one(f"form[action='/rows/{row.id}/restore']") is not None


def test_status_notes_assignee_over_http_and_a_viewer_is_refused(client, csrf_token, submission, draft, session):
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    reviewed = post(client, csrf_token, f"/rows/{row.id}/status", {"status": "in_review"})
    assert "In review" in BeautifulSoup(reviewed.text, "html.parser").select_one(".status").text
    note = post(client, csrf_token, f"/rows/{row.id}/notes", {"text": "Members disagree. CANARY-NOTE"})
    assert "CANARY-NOTE" in note.text and "never exported" in note.text
    assert "CANARY-NOTE" not in client.get(f"/submissions/{submission.id}/export.csv").text
    assert "CANARY-NOTE" not in client.get(f"/submissions/{submission.id}/print").text
    me = session.exec(select(Membership)).first()
    assigned = post(client, csrf_token, f"/rows/{row.id}/assign", {"user_id": str(me.user_id)})
    assert "Ada Admin" in assigned.text
    table = BeautifulSoup(client.get(f"/submissions/{submission.id}?status=in_review").text, "html.parser")
    assert [tr["data-row-id"] for tr in table.select("tr.comment-row")] == [str(row.id)]
    assert "Status and discussion (1)" in table.select_one(f"#row-{row.id}").text
    # a viewer reads and exports but changes nothing
    membership = session.exec(select(Membership)).first()
    membership.role = Role.viewer
    session.add(membership)
    session.commit()
    assert client.get(f"/submissions/{submission.id}/export.docx").status_code == 200
    refused = post(client, csrf_token, f"/rows/{row.id}/text", {"field": "comment", "value": "x"})
    assert refused.status_code == 403 and "Viewers cannot change" in refused.text
    assert post(client, csrf_token, f"/submissions/{submission.id}/rows", {"provision_id": ""}).status_code == 403
    assert post(client, csrf_token, "/tags", {"name": "New"}, htmx=False).status_code == 403
    session.refresh(row)
    assert row.comment == ""


def test_an_unknown_export_format_is_a_sentence(client, submission) -> None:
    response = client.get(f"/submissions/{submission.id}/export.pdf")
    assert response.status_code == 422 and "Traceback" not in response.text
    assert "extension" in response.text


def _set_my_role(session: Session, role: Role) -> None:
    membership = session.exec(select(Membership)).first()
    assert membership is not None
    membership.role = role
    session.add(membership)
    session.commit()


def test_the_counts_fragment_follows_added_and_deleted_rows_and_the_filter(
    client, csrf_token, submission, draft, session,
) -> None:
    page = BeautifulSoup(client.get(f"/submissions/{submission.id}").text, "html.parser")
    line = page.select_one("#row-count")
    assert line["data-counts-url"] == f"/submissions/{submission.id}/counts"
    assert line.text.startswith("0 rows · 0 of ")
    assert page.select_one("#rows-empty").get("hidden") is None  # "No rows yet" shows
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    add_row(client, csrf_token, submission, draft, session, None, kind="question")

    fragment = client.get(f"/submissions/{submission.id}/counts", headers=HX)
    assert fragment.status_code == 200 and fragment.headers["cache-control"] == "no-store"
    counts = BeautifulSoup(fragment.text, "html.parser")
    assert counts.select_one("#row-count").text.startswith("2 rows · 1 of ")
    assert counts.select_one("#rows-empty").get("hidden") is not None
    questions = BeautifulSoup(client.get(f"/submissions/{submission.id}/counts?kind=question").text, "html.parser")
    assert questions.select_one("#row-count").text.startswith("Showing 1 of 2 rows")
    assert questions.select_one("#row-count")["data-counts-url"] == f"/submissions/{submission.id}/counts?kind=question"
    filtered_page = BeautifulSoup(client.get(f"/submissions/{submission.id}?kind=question&tag=").text, "html.parser")
    assert filtered_page.select_one("#row-count")["data-counts-url"].endswith("/counts?kind=question&tag=")

    assert post(client, csrf_token, f"/rows/{row.id}/delete").status_code == 200
    counts = BeautifulSoup(client.get(f"/submissions/{submission.id}/counts").text, "html.parser")
    assert counts.select_one("#row-count").text.startswith("1 row · 0 of ")
    other_team = make_team(session, "Other team")
    stranger = make_member(session, other_team, role=Role.admin, email="stranger@example.org")
    session.commit()
    sign_in_as(client, session, stranger)
    assert client.get(f"/submissions/{submission.id}/counts").status_code == 404


def test_a_viewers_table_is_read_only_without_changing_the_shared_row_html(
    client, csrf_token, submission, draft, session,
) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")
    editors = BeautifulSoup(client.get(f"/submissions/{submission.id}").text, "html.parser")
    assert editors.select_one("form.add-row") is not None
    assert editors.select_one("table.comment-table").get("data-readonly") is None
    _set_my_role(session, Role.viewer)
    viewers = BeautifulSoup(client.get(f"/submissions/{submission.id}").text, "html.parser")
    assert viewers.select_one("form.add-row") is None and viewers.select_one("#settings") is None
    assert viewers.select_one("table.comment-table").get("data-readonly") is not None
    assert viewers.select_one("#rows").decode() == editors.select_one("#rows").decode()  # one cached row for all
    assert client.get(f"/submissions/{submission.id}/export.docx").status_code == 200
    notes = BeautifulSoup(client.get(f"/rows/{row.id}/notes", headers=HX).text, "html.parser")
    assert notes.select("form, select, textarea") == [] and "Status: Draft" in notes.text
    own_page = BeautifulSoup(client.get(f"/rows/{row.id}").text, "html.parser")
    assert own_page.select_one(".words-form") is None and own_page.select_one(".row-actions") is None
    assert all(t.has_attr("readonly") for t in own_page.select("textarea[name=value]"))
    assert post(client, csrf_token, f"/rows/{row.id}/delete").status_code == 403  # the server still refuses


def test_only_a_lead_sees_approved_as_a_choice(client, csrf_token, submission, draft, session) -> None:
    row = add_row(client, csrf_token, submission, draft, session, "Article 2")

    def status_select():
        notes = BeautifulSoup(client.get(f"/rows/{row.id}/notes", headers=HX).text, "html.parser")
        return notes.select_one(f"#status-{row.id}")

    approved = status_select().select_one("option[value=approved]")
    assert not approved.has_attr("disabled")  # an admin leads too
    _set_my_role(session, Role.editor)
    select_ = status_select()
    approved = select_.select_one("option[value=approved]")
    assert approved.has_attr("disabled") and approved["title"] == "Only a lead can approve rows"
    assert not select_.select_one("option[value=in_review]").has_attr("disabled")
    refused = post(client, csrf_token, f"/rows/{row.id}/status", {"status": "approved"})
    assert refused.status_code == 403 and "Only a lead can approve rows." in refused.text
    _set_my_role(session, Role.lead)
    assert post(client, csrf_token, f"/rows/{row.id}/status", {"status": "approved"}).status_code == 200
    _set_my_role(session, Role.editor)
    locked = status_select()
    assert locked.has_attr("disabled") and "lead" in locked["title"]  # an approved row is the lead's to change
