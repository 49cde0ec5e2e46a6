"""Details of the comment table in Chromium: Delete keeps its Undo while the live feed runs, dragging across an
underline does not remove it, an unchanged field is not saved again, viewers get a read-only table, only leads
approve, the counts follow added and deleted rows, and panels and list pages fit their width."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlmodel import Session, select

from app.db import make_engine
from app.settings import Settings
from comments.models import Role, Team
from tests.app.live_servers import threaded_server
from tests.browser.conftest import BEN, TEAM_NAME, _add_team, sign_in
from tests.browser.test_comment_table_in_browser import _WORD_BOXES, drag_select
from tests.conftest import DatabaseFactory
from tests.factories import make_draft, make_member, make_submission

pytestmark = pytest.mark.browser

VERA = "vera@example.org"  # a viewer of the team
LEO = "leo@example.org"  # a lead of the team


@pytest.fixture
def seeded(databases: DatabaseFactory, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The live server of conftest.py, with a viewer and a lead more and a stored draft with an empty table."""
    settings = Settings(data_dir=tmp_path / "data", database_url=databases.new_url(), secret_key="browser-test",
                        gc_freeze=False)
    url = settings.resolved_database_url()
    _add_team(url)
    engine = make_engine(url)
    with Session(engine) as session:
        team = session.exec(select(Team).where(Team.name == TEAM_NAME)).one()
        make_member(session, team, role=Role.viewer, email=VERA, name="Vera Viewer")
        make_member(session, team, role=Role.lead, email=LEO, name="Leo Lead")
        assert team.id is not None
        draft = make_draft(session, team_id=team.id, title="Network Products Measures")
        submission = make_submission(session, draft, title="Comments on the Network Products Measures")
        session.commit()
        submission_id = submission.id
    engine.dispose()
    assert submission_id is not None
    with threaded_server(settings) as server:
        yield server, submission_id


@pytest.fixture
def live_server(seeded: tuple[str, int]) -> str:
    return seeded[0]


@pytest.fixture
def table_url(seeded: tuple[str, int]) -> str:
    return f"{seeded[0]}/submissions/{seeded[1]}"


def other_page(page: Page, live_server: str, email: str) -> Page:
    """A second person in a browser context of their own (closed with the first page's browser)."""
    browser: Browser = page.context.browser  # type: ignore[assignment]
    other = browser.new_context(accept_downloads=True).new_page()
    other.set_default_timeout(15_000)
    sign_in(other, live_server, email)
    return other


def add_row(page: Page, article: str | None = None) -> None:
    rows = page.locator("tr.comment-row")
    before = rows.count()
    if article:
        label = page.locator("#provision_id option", has_text=article).first.inner_text().strip()
        page.get_by_label("Provision to comment on").select_option(label=label)
    page.get_by_role("button", name="Add row").click()
    expect(rows).to_have_count(before + 1)
    # the new row has scrolled into view and has focus: the layout is still (mouse positions hold)
    expect(page.locator("tr.comment-row textarea:focus")).to_have_count(1)
    expect(page.locator("#row-count")).to_contain_text(f"{before + 1} row")  # the counts have come, too


def drag_between(page: Page, selector: str, first: str, last: str) -> None:
    """Select with the mouse from the first letter of `first` to the last letter of `last` (in other text nodes:
    across an underline's edge)."""
    start = page.evaluate(_WORD_BOXES, [selector, first])
    end = page.evaluate(_WORD_BOXES, [selector, last])
    assert start and end, f"{first!r} or {last!r} is not on the page"
    page.mouse.move(start["x1"], start["y1"])
    page.mouse.down()
    page.mouse.move(end["x2"], end["y2"], steps=8)
    page.mouse.up()


def settled(fragment: Locator) -> None:
    """htmx has settled a swapped fragment and wired its controls (it does so 20 ms after the swap)."""
    expect(fragment).not_to_have_class(re.compile(r"htmx-(added|settling)"))


def open_notes(row: Locator) -> Locator:
    row.locator("summary", has_text="Status and discussion").click()
    notes = row.locator(".notes")
    expect(notes).to_be_visible()
    settled(notes)
    return notes


def live_connected(page: Page) -> None:
    """The page's event stream is open (live.js marks the table once it is)."""
    expect(page.locator("#rows[data-live-state=open]")).to_have_count(1, timeout=5_000)


def two_editors_on_article_2(page: Page, live_server: str, table_url: str) -> Page:
    """This editor adds a row on Article 2; Ben opens the same table: both live. Ben's page is returned."""
    page.goto(table_url)
    live_connected(page)
    add_row(page, "Article 2")
    other = other_page(page, live_server, BEN)
    other.goto(table_url)
    live_connected(other)
    return other


# --- 1. Delete keeps its Undo while the live feed is open; Undo restores the row for everyone ----------------

def test_delete_shows_undo_despite_the_live_event_and_undo_restores_the_row_everywhere(
    live_server: str, table_url: str, browser_page: Page,
) -> None:
    page = browser_page
    other = two_editors_on_article_2(page, live_server, table_url)
    expect(other.locator("tr.comment-row")).to_have_count(1)

    page.get_by_role("button", name="Delete row Article 2").click()
    undo = page.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    expect(other.locator("tr.comment-row")).to_have_count(0, timeout=5_000)  # the event has arrived everywhere
    page.wait_for_timeout(500)  # and here too: the notice stays
    expect(undo).to_be_visible()
    expect(page.locator("tr.deleted-row")).to_contain_text("Row Article 2 deleted.")

    undo.click()
    expect(page.locator("tr.comment-row")).to_have_count(1)
    expect(page.locator("tr.deleted-row")).to_have_count(0)
    expect(other.locator("tr.comment-row")).to_have_count(1, timeout=5_000)
    expect(other.get_by_label("Comment on Article 2")).to_be_visible()
    page.wait_for_timeout(300)
    expect(page.locator("tr.comment-row")).to_have_count(1)  # not twice
    other.context.close()


# --- 6. The count line and the "no rows" message follow the rows, here and live elsewhere ----------------------

def test_counts_and_empty_message_follow_added_deleted_and_restored_rows(
    live_server: str, table_url: str, browser_page: Page,
) -> None:
    page = browser_page
    page.goto(table_url)
    live_connected(page)
    other = other_page(page, live_server, BEN)
    other.goto(table_url)
    live_connected(other)
    for p in (page, other):
        expect(p.locator("#row-count")).to_contain_text("0 rows · 0 of 5 articles have a row")
        expect(p.get_by_text("No rows yet")).to_be_visible()

    add_row(page, "Article 2")
    add_row(page, "Article 4")
    for p in (page, other):
        expect(p.locator("#row-count")).to_contain_text("2 rows · 2 of 5 articles have a row", timeout=5_000)
        expect(p.get_by_text("No rows yet")).to_be_hidden()

    page.get_by_role("button", name="Delete row Article 2").click()
    page.get_by_role("button", name="Delete row Article 4").click()
    for p in (page, other):
        expect(p.locator("#row-count")).to_contain_text("0 rows · 0 of 5 articles have a row", timeout=5_000)
    expect(other.get_by_text("No rows yet")).to_be_visible()
    page.get_by_role("button", name="Undo").first.click()
    for p in (page, other):
        expect(p.locator("#row-count")).to_contain_text("1 row · 1 of 5 articles have a row", timeout=5_000)
        expect(p.get_by_text("No rows yet")).to_be_hidden()
    other.context.close()


# --- 2. Dragging across an underline selects; only a plain click, Enter or Space removes it ------------------

def test_dragging_across_an_underline_keeps_it_and_the_selection_extends_it(
    table_url: str, browser_page: Page,
) -> None:
    page = browser_page
    page.goto(table_url)
    add_row(page, "Article 4")
    row = page.locator("tr.comment-row")
    quoted = "tr.comment-row .quoted"
    underline_button = row.get_by_role("button", name="Underline selected words")
    drag_select(page, quoted, "carried out within the territory")
    underline_button.click()
    underlines = row.locator(".quoted u")
    expect(underlines).to_have_text(["carried out within the territory"])
    removals: list[str] = []
    page.on("request", lambda request: removals.append(request.url) if "/spans/" in request.url else None)

    drag_select(page, quoted, "out within")  # inside the underline
    drag_between(page, quoted, "territory", "where maintenance")  # from inside it to beyond it
    box = page.evaluate(_WORD_BOXES, [quoted, "within"])
    page.mouse.dblclick((box["x1"] + box["x2"]) / 2, box["y1"])  # a double click selects a word
    page.wait_for_timeout(600)
    assert removals == []
    expect(underlines).to_have_text(["carried out within the territory"])

    drag_between(page, quoted, "territory", "where maintenance")  # the selection made across the underline…
    underline_button.click()  # …underlines: the two join
    expect(underlines).to_have_text(["carried out within the territory; where maintenance"])

    underlines.first.click()  # a plain click removes it
    expect(underlines).to_have_count(0)
    drag_select(page, quoted, "security assessment")
    underline_button.click()
    expect(underlines).to_have_text(["security assessment"])
    settled(row.locator(".quote"))
    underlines.first.focus()
    page.keyboard.press("Enter")  # and so does Enter on the focused underline
    expect(underlines).to_have_count(0)


# --- 3. Leaving an unchanged field after a colleague saved it sends nothing (no spurious conflict) -----------

def test_leaving_a_field_a_colleague_saved_since_sends_nothing_and_shows_no_conflict(
    live_server: str, table_url: str, browser_page: Page,
) -> None:
    page = browser_page
    other = two_editors_on_article_2(page, live_server, table_url)

    mine = page.get_by_label("Comment on Article 2")
    mine.click()
    page.keyboard.type("My first thoughts.")
    form = page.locator("form[data-autosave]").first
    expect(form.locator("[data-save-state]")).to_have_text("Saved")
    row = page.locator("tr.comment-row")
    version = row.get_attribute("data-version")
    expect(form.locator("input[name=version]")).to_have_value(version or "")  # the version of our own save

    saves: list[str] = []
    page.on("request", lambda request: saves.append(request.url) if request.url.endswith("/text") else None)
    theirs = other.get_by_label("Comment on Article 2")
    theirs.fill("The colleague's better text.")
    expect(other.locator("[data-save-state]").first).to_have_text("Saved")
    expect(row).to_have_attribute("data-stale", "true", timeout=5_000)  # we still sit in the field

    page.locator("h1").click()  # leave the field without typing: nothing to save
    expect(mine).to_have_value("The colleague's better text.", timeout=5_000)  # their text replaces ours
    assert saves == []
    expect(page.locator("[data-conflict]")).to_have_count(0)
    expect(page.locator("form[data-state=conflict]")).to_have_count(0)

    mine.click()
    page.keyboard.press("End")
    page.keyboard.type(" Agreed.")  # typing again saves on top of their version, without a conflict
    expect(page.locator("form[data-autosave]").first.locator("[data-save-state]")).to_have_text("Saved")
    expect(page.locator("[data-conflict]")).to_have_count(0)
    other.reload()
    expect(other.get_by_label("Comment on Article 2")).to_have_value("The colleague's better text. Agreed.")
    other.context.close()


# --- 4. A viewer reads a read-only table (and can still download and print) --------------------------------

def test_a_viewer_gets_a_read_only_table(live_server: str, table_url: str, browser_page: Page, tmp_path) -> None:
    page = browser_page
    page.goto(table_url)
    add_row(page, "Article 4")
    drag_select(page, "tr.comment-row .quoted", "carried out within the territory")
    page.get_by_role("button", name="Underline selected words").click()
    expect(page.locator(".quoted u")).to_have_count(1)
    page.get_by_label("Comment on Article 4").fill("Written by an editor.")
    expect(page.locator("[data-save-state]").first).to_have_text("Saved")

    viewer = other_page(page, live_server, VERA)
    dialogs: list[str] = []
    viewer.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    viewer.goto(table_url)
    row = viewer.locator("tr.comment-row")
    expect(row).to_have_count(1)
    expect(viewer.get_by_role("button", name="Add row")).to_have_count(0)
    expect(viewer.locator("#settings")).to_have_count(0)
    for name in ("Delete row Article 4", "Move up: Article 4", "Move down: Article 4", "Underline selected words"):
        expect(viewer.get_by_role("button", name=name)).to_be_hidden()
    expect(row.get_by_label("Kind")).to_be_hidden()
    expect(row.locator("summary", has_text="Concern tags")).to_be_hidden()
    expect(row.locator("summary", has_text="Underline by typing")).to_be_hidden()
    comment = row.get_by_label("Comment on Article 4")
    expect(comment).to_have_value("Written by an editor.")
    expect(comment).not_to_be_editable()
    comment.click()
    viewer.keyboard.type(" Typed by a viewer.")
    expect(comment).to_have_value("Written by an editor.")
    underline = row.locator(".quoted u")
    expect(underline).not_to_have_attribute("role", "button")
    underline.click()
    viewer.wait_for_timeout(600)
    expect(underline).to_have_count(1)

    notes = open_notes(row)
    expect(notes).to_contain_text("Status: Draft")
    expect(notes.locator("select, textarea, button")).to_have_count(0)

    with viewer.expect_download() as download:
        viewer.get_by_role("link", name="Download Word").click()
    download.value.save_as(tmp_path / "viewer.docx")
    assert (tmp_path / "viewer.docx").stat().st_size > 0
    expect(viewer.get_by_role("link", name="Print view")).to_be_visible()
    viewer.get_by_role("link", name="Drafts", exact=True).click()  # leaving asks nothing
    viewer.wait_for_url("**/drafts")
    assert dialogs == []
    viewer.context.close()


# --- 5. Only a lead approves; a refused status change goes back and says why beside the select ---------------

def test_an_editor_cannot_approve_and_a_refused_status_change_reverts_with_its_reason(
    live_server: str, table_url: str, browser_page: Page,
) -> None:
    page = browser_page
    page.goto(table_url)
    add_row(page, "Article 2")

    editor = other_page(page, live_server, BEN)
    # The editor's page hears nothing of others' changes (its event stream is cut), so it can ask for a change
    # that the server must refuse.
    editor.route("**/submissions/*/live*", lambda route: route.abort())
    editor.goto(table_url)
    row = editor.locator("tr.comment-row")
    open_notes(row)
    status = row.get_by_label("Status", exact=True)
    approved = status.locator("option[value=approved]")
    expect(approved).to_be_disabled()
    expect(approved).to_have_attribute("title", "Only a lead can approve rows")
    status.select_option("in_review")
    expect(row.locator(".row-label .status")).to_have_text("In review")

    lead = other_page(page, live_server, LEO)
    lead.goto(table_url)
    lead_row = lead.locator("tr.comment-row")
    open_notes(lead_row)
    expect(lead_row.get_by_label("Status", exact=True).locator("option[value=approved]")).to_be_enabled()
    lead_row.get_by_label("Status", exact=True).select_option("approved")
    expect(lead_row.locator(".row-label .status")).to_have_text("Approved")

    status.select_option("withdrawn")  # the row was approved meanwhile: only a lead may change it now
    beside = row.locator(".notes .field-error")
    expect(beside).to_contain_text("Only a lead can approve rows.")
    expect(status).to_have_value("in_review")  # back to what it showed
    expect(editor.locator("#messages")).to_be_empty()
    editor.reload()
    open_notes(row)
    expect(row.get_by_label("Status", exact=True)).to_be_disabled()  # an approved row is the lead's to change
    expect(row.locator(".row-label .status")).to_have_text("Approved")
    lead.context.close()
    editor.context.close()


# --- 7. The discussion panel stays in its cell; team and suggestion pages fit a phone --------------------------

_OVERFLOWING = """(selector) => {
  const cell = document.querySelector(selector).closest("td").getBoundingClientRect();
  return Array.from(document.querySelectorAll(selector + " *"))
    .filter((e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && (r.right > cell.right + 0.5 || r.left < cell.left - 0.5);
    })
    .map((e) => e.tagName + (e.id ? "#" + e.id : "") + " " + e.getBoundingClientRect().right + ">" + cell.right);
}"""

_PAGE_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def test_the_discussion_panel_stays_in_its_cell_and_list_pages_fit_a_phone(
    table_url: str, browser_page: Page,
) -> None:
    page = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(table_url)
    add_row(page, "Article 2")
    row = page.locator("tr.comment-row")
    open_notes(row)
    expect(row.get_by_label("Assigned to")).to_be_visible()
    assert page.evaluate(_OVERFLOWING, "tr.comment-row .notes") == []

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(table_url.rsplit("/submissions/", 1)[0] + "/team")
    expect(page.locator("table.members")).to_be_visible()
    width, viewport = page.evaluate(_PAGE_WIDTH)
    assert width <= viewport, f"the team page is {width} px wide on a {viewport} px screen"
    page.goto(f"{table_url}/triage")
    expect(page.locator("table.triage")).to_be_visible()
    width, viewport = page.evaluate(_PAGE_WIDTH)
    assert width <= viewport, f"the suggestions page is {width} px wide on a {viewport} px screen"
    page.goto(table_url)
    width, viewport = page.evaluate(_PAGE_WIDTH)
    assert width <= viewport, f"the table page is {width} px wide on a {viewport} px screen"
