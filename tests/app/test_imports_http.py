"""Importing a draft over HTTP: form, preview, edits, confirm, and every kind of bad input."""

from __future__ import annotations

import io
import re

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from comments import services
from comments.importing.readers import read_pasted
from comments.models import Draft, ImportPreview, Membership, Provision, Role, Team
from tests.fixtures.builders import make_docx, make_pdf, make_xxe_docx, make_zip_bomb_docx
from tests.samples import SHORT_DRAFT


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _start_import(client: TestClient, csrf_token: str, **form: str) -> str:
    response = client.post("/imports", data={"csrf_token": csrf_token, **form}, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/imports/[0-9a-f]{32}", location)
    return location


def test_import_page_has_a_form_with_csrf_and_strict_headers(client: TestClient) -> None:
    response = client.get("/drafts/new")
    assert response.status_code == 200
    assert response.template.name == "drafts/new.html"  # type: ignore[attr-defined]
    page = BeautifulSoup(response.text, "html.parser")
    form = page.select_one("form.import")
    assert form is not None and form["action"] == "/imports"
    assert form.select_one("input[name=csrf_token]")["value"]
    assert page.select_one("label[for=draft-text]") and page.select_one("label[for=draft-file]")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy and "base-uri 'none'" in policy
    assert response.headers["cache-control"] == "no-store"


def test_paste_preview_edit_confirm_stores_the_draft(client: TestClient, csrf_token: str, session: Session) -> None:
    preview_url = _start_import(client, csrf_token, text=SHORT_DRAFT)
    assert _count(session, Draft) == 0  # nothing is a draft before Confirm

    page = client.get(preview_url)
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    labels = [label.get_text() for label in soup.select("#split .label")]
    assert [label for label in labels if label.startswith("Article")] == [f"Article {n}" for n in range(1, 6)]
    assert soup.select_one("input[name=title]")["value"].startswith("Measures for the Security Management")
    assert soup.select_one("input[name=comment_deadline]")["value"] == "2019-06-18"
    summary = soup.select_one("#split-title").get_text()
    counted = {kind: len(soup.select(f"#split li.provision.kind-{kind}")) for kind in ("chapter", "article", "item")}
    assert counted["article"] == 5 and counted["item"] > 0
    expected = ", ".join(f"{n} {kind}s" for kind, n in counted.items() if n)  # every kind present is counted
    assert summary.startswith(f"{len(soup.select('#split li.provision'))} provisions: {expected}")

    # Merge Article 5 into Article 4 (fragment back for htmx), then confirm.
    labels_in_order = [(li.select_one(".label") or li).get_text() for li in soup.select("#split li.provision")]
    article5 = next(i for i, text in enumerate(labels_in_order) if text == "Article 5")
    fragment = client.post(
        f"{preview_url}/edit", data={"op": "merge", "index": str(article5 - 1), "csrf_token": csrf_token},
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 200
    assert fragment.template.name == "imports/_split.html"  # type: ignore[attr-defined]
    assert "Article 5" not in [x.get_text() for x in BeautifulSoup(fragment.text, "html.parser").select(".label")]

    confirmed = client.post(
        f"{preview_url}/confirm",
        data={"csrf_token": csrf_token, "title": "Network Products Measures", "jurisdiction": "China",
              "comment_deadline": "2019-06-18"},
        follow_redirects=False,
    )
    assert confirmed.status_code == 303
    draft_url = confirmed.headers["location"]
    draft = session.exec(select(Draft)).one()
    assert draft_url == f"/drafts/{draft.id}"
    stored = (draft.title, draft.jurisdiction, str(draft.comment_deadline))
    assert stored == ("Network Products Measures", "China", "2019-06-18")
    assert _count(session, ImportPreview) == 0
    in_order = select(Provision).where(Provision.draft_id == draft.id).order_by(Provision.position)
    provisions = session.exec(in_order).all()
    articles = [p for p in provisions if p.kind == "article"]
    assert [p.number for p in articles] == ["1", "2", "3", "4"]
    assert "Article 65 of the Cybersecurity Law" in articles[2].text  # a cross-reference stays inside
    items_of_3 = [p for p in provisions if p.parent_id == articles[2].id and p.kind == "item"]
    assert [p.number for p in items_of_3] == ["1", "2"]
    assert articles[1].heading == "Scope"

    shown = client.get(draft_url)
    assert shown.status_code == 200
    assert "Network Products Measures" in shown.text and "Technical maintenance" in shown.text


def test_split_at_words_and_update_heading(client: TestClient, csrf_token: str, session: Session) -> None:
    preview_url = _start_import(client, csrf_token, text=SHORT_DRAFT)
    preview = session.exec(select(ImportPreview)).one()
    result = services.preview_result(preview)
    index = next(i for i, p in enumerate(result.provisions) if p.number == "4" and p.kind == "article")
    response = client.post(
        f"{preview_url}/edit",
        data={"op": "split", "index": str(index), "before_text": "where maintenance must", "csrf_token": csrf_token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session.refresh(preview)
    after = services.preview_result(preview)
    assert len(after.provisions) == len(result.provisions) + 1
    assert after.provisions[index + 1].text.startswith("where maintenance must")

    client.post(f"{preview_url}/edit", data={
        "op": "update", "index": str(index), "heading": "Maintenance in China", "csrf_token": csrf_token,
    })
    session.refresh(preview)
    assert services.preview_result(preview).provisions[index].heading == "Maintenance in China"


def test_fix_panel_is_a_fragment_for_htmx_and_a_page_without(client: TestClient, csrf_token: str) -> None:
    preview_url = _start_import(client, csrf_token, text=SHORT_DRAFT)
    fragment = client.get(f"{preview_url}/provisions/2", headers={"HX-Request": "true"})
    assert fragment.template.name == "imports/_fix.html"  # type: ignore[attr-defined]
    page = client.get(f"{preview_url}/provisions/2")
    assert page.template.name == "imports/fix.html"  # type: ignore[attr-defined]
    assert client.get(f"{preview_url}/provisions/999").status_code == 404


@pytest.mark.parametrize(
    ("make_upload", "status"),
    [
        (lambda: ("draft.pdf", make_docx(["Article 1 Text."])), 415),
        (lambda: ("draft.docx", b"Article 1 This is plain text, not a Word file."), 415),
        (lambda: ("draft.pdf", b"%PDF-1.7\n garbage that is not a PDF"), 422),
        (lambda: ("bomb.docx", make_zip_bomb_docx()), None),
        (lambda: ("xxe.docx", make_xxe_docx()), 422),
        (lambda: ("empty.txt", b"   \n\t  \n"), 422),
        (lambda: ("nul.txt", b"Article 1 text\x00with a NUL"), None),
        (lambda: ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(200)), 415),
    ],
    ids=["zip-named-pdf", "text-named-docx", "corrupt-pdf", "zip-bomb", "xxe", "blank", "nul", "png"],
)
def test_bad_files_get_a_sentence_and_store_nothing(
    client: TestClient, csrf_token: str, session: Session, make_upload, status: int | None,
) -> None:
    name, data = make_upload()
    response = client.post("/imports", data={"csrf_token": csrf_token}, files={"file": (name, io.BytesIO(data))})
    assert 400 <= response.status_code < 500 and response.status_code != 404
    if status is not None:
        assert response.status_code == status
    message = BeautifulSoup(response.text, "html.parser").select_one(".error-message").get_text()
    assert len(message) > 20 and "Traceback" not in response.text
    assert _count(session, ImportPreview) == 0 and _count(session, Draft) == 0


def test_pasted_control_characters_are_refused(client: TestClient, csrf_token: str, session: Session) -> None:
    response = client.post("/imports", data={"csrf_token": csrf_token, "text": "Article 1 A\x07bell."})
    assert response.status_code == 422
    assert _count(session, ImportPreview) == 0


def test_nothing_to_import_is_a_422_with_a_sentence(client: TestClient, csrf_token: str) -> None:
    response = client.post("/imports", data={"csrf_token": csrf_token, "text": "  \n "})
    assert response.status_code == 422
    assert "Paste the text" in response.text


def test_htmx_errors_come_back_as_a_fragment(client: TestClient, csrf_token: str) -> None:
    response = client.post("/imports", data={"csrf_token": csrf_token, "text": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert response.template.name == "_error.html"  # type: ignore[attr-defined]
    assert "<html" not in response.text


def test_upload_over_the_limit_is_413(app, client: TestClient, csrf_token: str, session: Session) -> None:
    app.state.settings.max_upload_mb = 0.05
    big = ("Article 1 " + "words " * 20_000).encode()
    response = client.post("/imports", data={"csrf_token": csrf_token}, files={"file": ("big.txt", io.BytesIO(big))})
    assert response.status_code == 413
    assert "limit" in response.text
    assert _count(session, ImportPreview) == 0
    # Far over the limit the whole request is refused before it is read: the message names the same limit.
    app.state.settings.max_upload_mb = 0.01
    app.state.settings.max_paste_mb = 0.005
    huge = b"x" * 3 * 1024 * 1024
    response = client.post("/imports", data={"csrf_token": csrf_token}, files={"file": ("huge.txt", io.BytesIO(huge))})
    assert response.status_code == 413 and "larger than the 0.01 MB limit" in response.text


def test_a_two_megabyte_pasted_regulation_is_accepted(client: TestClient, csrf_token: str) -> None:
    article = "Network operators shall protect personal information and important data in accordance with law. "
    text = "\n\n".join(f"Article {n} {article * 5}" for n in range(1, 4_300))
    assert len(text.encode()) > 2 * 1024 * 1024
    preview_url = _start_import(client, csrf_token, text=text)
    assert client.get(preview_url).status_code == 200


def test_docx_and_pdf_uploads_reach_the_preview(client: TestClient, csrf_token: str) -> None:
    docx = make_docx(["Draft Measures", "Article 1 Purpose of the measures.", "Article 2 Scope of the measures."])
    pdf = make_pdf([["Draft Measures", "Article 1 Purpose of the measures."], ["Article 2 Scope of the measures."]])
    for name, data in (("draft.docx", docx), ("draft.pdf", pdf)):
        response = client.post("/imports", data={"csrf_token": csrf_token}, files={"file": (name, io.BytesIO(data))},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        page = client.get(response.headers["location"]).text
        assert "Article 1" in page and "Article 2" in page and name in page


def test_posts_without_a_valid_csrf_token_are_refused(client: TestClient, csrf_token: str, session: Session) -> None:
    assert client.post("/imports", data={"text": SHORT_DRAFT}).status_code == 403
    assert client.post("/imports", data={"text": SHORT_DRAFT, "csrf_token": "0" * 64}).status_code == 403
    cross_site = client.post("/imports", data={"text": SHORT_DRAFT, "csrf_token": csrf_token},
                             headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    assert _count(session, ImportPreview) == 0


def test_csrf_token_in_the_htmx_header_is_accepted(client: TestClient, csrf_token: str) -> None:
    response = client.post("/imports", data={"text": SHORT_DRAFT},
                           headers={"X-CSRF-Token": csrf_token, "HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/imports/")


def test_another_teams_preview_and_draft_answer_404(client: TestClient, csrf_token: str, session: Session) -> None:
    client.get("/drafts")  # creates the local team
    other = Team(name="Other association")
    session.add(other)
    session.flush()
    assert other.id is not None
    preview = services.create_preview(session, team_id=other.id, user_id=None, source=read_pasted(SHORT_DRAFT))
    draft = services.confirm_preview(session, preview=services.create_preview(
        session, team_id=other.id, user_id=None, source=read_pasted(SHORT_DRAFT)), title="Secret canary", user_id=None)
    session.commit()
    assert client.get(f"/imports/{preview.id}").status_code == 404
    assert client.post(f"/imports/{preview.id}/confirm", data={"csrf_token": csrf_token}).status_code == 404
    assert client.get(f"/drafts/{draft.id}").status_code == 404
    assert "Secret canary" not in client.get("/drafts").text


def test_unknown_pages_are_friendly_404s(client: TestClient) -> None:
    for url in ("/drafts/999999", "/imports/" + "0" * 32, "/nowhere"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Traceback" not in response.text and "<html" in response.text
    assert client.get("/drafts/not-a-number").status_code == 422


def test_a_viewer_cannot_import_a_draft(client: TestClient, csrf_token: str, session: Session, me, team) -> None:
    preview = _start_import(client, csrf_token, text=SHORT_DRAFT)  # started while still an admin
    membership = session.exec(select(Membership).where(Membership.user_id == me.id)).one()
    membership.role = Role.viewer
    session.add(membership)
    session.commit()
    refused = client.post("/imports", data={"csrf_token": csrf_token, "text": SHORT_DRAFT})
    assert refused.status_code == 403 and "Viewers cannot import drafts" in refused.text
    assert client.get("/drafts/new").status_code == 403
    confirm = client.post(f"{preview}/confirm", data={"csrf_token": csrf_token, "title": "Mine"})
    assert confirm.status_code == 403
    edit = client.post(f"{preview}/edit", data={"csrf_token": csrf_token, "op": "merge", "index": "1"})
    assert edit.status_code == 403
    assert _count(session, Draft) == 0
    assert 'href="/drafts/new"' not in client.get("/drafts").text


def test_refused_form_values_are_sentences(client: TestClient, csrf_token: str) -> None:
    preview = _start_import(client, csrf_token, text=SHORT_DRAFT)
    confirm = client.post(f"{preview}/confirm", data={
        "csrf_token": csrf_token, "title": "T" * 501, "comment_deadline": "31/05/2026"})
    assert confirm.status_code == 422
    assert "The title can have at most 500 characters. The deadline must be a date (YYYY-MM-DD)." in confirm.text
    edit = client.post(f"{preview}/edit", data={"csrf_token": csrf_token, "op": "merge", "index": "-1"})
    assert edit.status_code == 422 and "The index must be at least 0." in edit.text
    assert "String should" not in confirm.text + edit.text  # no library wording


def test_a_refused_form_offers_the_way_back_to_its_page_on_this_site_only(client: TestClient, csrf_token: str) -> None:
    refused = client.post("/imports", data={"csrf_token": csrf_token, "text": "   "},
                          headers={"Referer": "http://testserver/drafts/new?x=1"})
    assert refused.status_code == 422
    back = BeautifulSoup(refused.text, "html.parser").find("a", string="Back to the page you were on")
    assert back is not None and back["href"] == "/drafts/new?x=1"
    elsewhere = client.post("/imports", data={"csrf_token": csrf_token, "text": "   "},
                            headers={"Referer": "https://evil.example/drafts/new"})
    assert "Back to the page you were on" not in elsewhere.text


def test_pasted_text_and_a_file_together_are_refused(client: TestClient, csrf_token: str, session: Session) -> None:
    response = client.post("/imports", data={"csrf_token": csrf_token, "text": SHORT_DRAFT},
                           files={"file": ("draft.txt", io.BytesIO(SHORT_DRAFT.encode()))})
    assert response.status_code == 422 and "not both" in response.text
    assert _count(session, ImportPreview) == 0
