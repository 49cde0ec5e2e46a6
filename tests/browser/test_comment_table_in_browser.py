"""A user writes a comment table in real Chromium: add a row, underline by mouse selection, type the comment
and recommendation (saved without a reload), reload and see them kept, export the Word file and open it."""

from __future__ import annotations

import docx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BEN, sign_in
from tests.samples import SHORT_DRAFT

pytestmark = pytest.mark.browser

_WORD_BOXES = """([selector, words]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at); range.setEnd(node, at + 1);
    const first = range.getBoundingClientRect();
    range.setStart(node, at + words.length - 1); range.setEnd(node, at + words.length);
    const last = range.getBoundingClientRect();
    return {x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2};
  }
  return null;
}"""


def drag_select(page: Page, selector: str, words: str) -> None:
    """Select words with the mouse: press before the first letter, drag to after the last, release."""
    box = page.evaluate(_WORD_BOXES, [selector, words])
    assert box, f"{words!r} is not on the page"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=8)
    page.mouse.up()


def import_draft(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/drafts/new")
    page.get_by_label("Text of the draft").fill(SHORT_DRAFT)
    page.get_by_role("button", name="Split the draft").click()
    page.wait_for_url("**/imports/*")
    page.get_by_label("Title").fill("Network Products Measures")
    page.get_by_role("button", name="Confirm and store the draft").click()
    page.wait_for_url("**/drafts/*")


def test_write_underline_save_reload_and_export(live_server: str, browser_page, tmp_path) -> None:
    page = browser_page
    import_draft(page, live_server)
    page.get_by_label("Title").fill("Comments on the Network Products Measures")
    page.get_by_label("Organisation").fill("Example Trade Association")
    page.get_by_role("button", name="Create the comment table").click()
    page.wait_for_url("**/submissions/*")
    expect(page.locator("h1")).to_have_text("Comments on the Network Products Measures")

    # Add a row on Article 4: it appears without a reload.
    article4 = page.locator("#provision_id option", has_text="Article 4").inner_text().strip()
    page.get_by_label("Provision to comment on").select_option(label=article4)
    page.get_by_role("button", name="Add row").click()
    row = page.locator("tr.comment-row")
    expect(row).to_have_count(1)
    expect(row.locator(".row-label")).to_contain_text("Article 4")
    expect(row.locator("textarea").first).to_be_focused()  # the new row has scrolled into view: layout is still

    # Underline by a real mouse selection, then by double-clicking a word.
    drag_select(page, "tr.comment-row .quoted", "carried out within the territory")
    row.get_by_role("button", name="Underline selected words").click()
    expect(row.locator(".quoted u")).to_have_text(["carried out within the territory"])
    row.locator(".quoted").get_by_text("overseas", exact=False).first.wait_for()
    box = page.evaluate(_WORD_BOXES, ["tr.comment-row .quoted", "overseas"])
    page.mouse.dblclick((box["x1"] + box["x2"]) / 2, box["y1"])
    row.get_by_role("button", name="Underline selected words").click()
    expect(row.locator(".quoted u")).to_have_text(["carried out within the territory", "overseas"])
    # Clicking an underline removes it.
    row.locator(".quoted u", has_text="overseas").click()
    expect(row.locator(".quoted u")).to_have_text(["carried out within the territory"])

    # Type the comment (two paragraphs) and the recommendation; each shows "Saved" without a reload.
    comment = row.get_by_label("Comment on Article 4")
    comment.click()
    page.keyboard.type("Maintenance from abroad is common practice.")
    page.keyboard.press("Enter")
    page.keyboard.type("A security assessment for each case is unworkable.")
    recommendation = row.get_by_label("Recommendation on Article 4")
    recommendation.fill("Allow remote maintenance under contractual safeguards.")
    for field in (comment, recommendation):
        expect(field.locator("xpath=ancestor::form").locator("[data-save-state]")).to_have_text("Saved")
    row.locator("summary", has_text="Concern tags").click()
    row.get_by_label("In-country maintenance").check()
    expect(row.locator("li.tag")).to_have_text(["In-country maintenance"])

    page.reload()
    row = page.locator("tr.comment-row")
    expect(row.locator(".quoted u")).to_have_text(["carried out within the territory"])
    expect(row.get_by_label("Comment on Article 4")).to_have_value(
        "Maintenance from abroad is common practice.\nA security assessment for each case is unworkable.")
    expect(row.get_by_label("Recommendation on Article 4")).to_have_value(
        "Allow remote maintenance under contractual safeguards.")
    expect(row.locator("li.tag")).to_have_text(["In-country maintenance"])

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Word").click()
    path = tmp_path / "export.docx"
    download_info.value.save_as(path)
    table = docx.Document(str(path)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Text of Draft Measure", "Comment", "Recommendation"]
    first = table.rows[1].cells[0]
    assert first.paragraphs[0].text == "Article 4 (Technical maintenance)"
    assert [r.text for p in first.paragraphs for r in p.runs if r.underline] == ["carried out within the territory"]
    assert [p.text for p in table.rows[1].cells[1].paragraphs] == [
        "Maintenance from abroad is common practice.", "A security assessment for each case is unworkable."]


def test_a_failed_save_keeps_the_text_and_offers_retry(live_server: str, browser_page) -> None:
    page = browser_page
    import_draft(page, live_server)
    page.get_by_role("button", name="Create the comment table").click()
    page.wait_for_url("**/submissions/*")
    page.get_by_role("button", name="Add row").click()
    row = page.locator("tr.comment-row")
    expect(row).to_have_count(1)
    page.route("**/rows/*/text", lambda route: route.abort())  # the network drops
    comment = row.locator("textarea").first
    comment.fill("Text that must not be lost.")
    # Leaving the field saves it at once ("change"), whatever became of the typing delay: the live echo of the
    # row just added may replace the row's form while that delay runs (the text stays; it saves on leaving).
    comment.blur()
    state = row.locator("[data-save-state]").first
    expect(state).to_contain_text("Not saved")
    expect(comment).to_have_value("Text that must not be lost.")
    page.unroute("**/rows/*/text")
    page.console_errors.clear()  # the aborted request was logged as a network error on purpose
    row.get_by_role("button", name="Retry").click()
    expect(state).to_have_text("Saved")
    page.reload()
    expect(page.locator("tr.comment-row textarea").first).to_have_value("Text that must not be lost.")


def test_two_people_edit_the_same_comment_at_once_the_second_sees_the_conflict_and_keeps_their_text(
    live_server: str, browser_page,
) -> None:
    first = browser_page
    import_draft(first, live_server)
    first.get_by_role("button", name="Create the comment table").click()
    first.wait_for_url("**/submissions/*")
    first.get_by_role("button", name="Add row").click()
    expect(first.locator("tr.comment-row")).to_have_count(1)
    table_url = first.url

    second_context = first.context.browser.new_context()
    second = second_context.new_page()
    sign_in(second, live_server, BEN)
    second.goto(table_url)
    theirs = first.locator("tr.comment-row textarea").first
    mine = second.locator("tr.comment-row textarea").first
    mine.click()  # the second person is in the field (a row being edited is never replaced under them)
    theirs.fill("Their comment, saved first.")
    expect(first.locator("[data-save-state]").first).to_have_text("Saved")
    expect(second.locator("tr.comment-row")).to_have_attribute("data-stale", "true", timeout=5_000)

    mine.fill("My comment, typed on the old version.")
    box = second.locator("[data-conflict]")
    expect(box).to_be_visible()
    expect(box).to_contain_text("Their comment, saved first.")
    expect(mine).to_have_value("My comment, typed on the old version.")  # nothing typed is lost
    second.get_by_role("button", name="Keep mine").click()
    expect(second.locator("[data-save-state]").first).to_have_text("Saved")
    first.reload()
    expect(first.locator("tr.comment-row textarea").first).to_have_value("My comment, typed on the old version.")
    second_context.close()


def test_what_one_person_does_appears_live_for_another(live_server: str, browser_page) -> None:
    first = browser_page
    import_draft(first, live_server)
    first.get_by_role("button", name="Create the comment table").click()
    first.wait_for_url("**/submissions/*")
    second_context = first.context.browser.new_context()
    second = second_context.new_page()
    sign_in(second, live_server, BEN)
    second.goto(first.url)
    expect(second.locator("tr.comment-row")).to_have_count(0)

    article2 = first.locator("#provision_id option", has_text="Article 2").inner_text().strip()
    first.get_by_label("Provision to comment on").select_option(label=article2)
    first.get_by_role("button", name="Add row").click()
    expect(second.locator("tr.comment-row")).to_have_count(1, timeout=5_000)  # added, no reload

    comment = first.get_by_label("Comment on Article 2")
    comment.click()
    expect(second.locator(".presence-badge")).to_contain_text("Ana Admin", timeout=5_000)  # who is editing
    comment.fill("Seen live by the other reader.")
    expect(first.locator("[data-save-state]").first).to_have_text("Saved")
    first.locator("h1").click()  # leave the field
    expect(second.get_by_label("Comment on Article 2")).to_have_value("Seen live by the other reader.",
                                                                      timeout=5_000)
    first.get_by_role("button", name="Delete row Article 2").click()
    expect(second.locator("tr.comment-row")).to_have_count(0, timeout=5_000)
    second_context.close()
