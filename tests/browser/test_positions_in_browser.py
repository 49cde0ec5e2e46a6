"""A lead fills the positions library from past Word files and reuses a position on a new draft, in Chromium:
upload two files (progress per file), import a new draft, open the triage page, compare, "Use this position",
and find the prefilled row, its reference adapted and its underline proposed, in the comment table."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.app.test_positions_http import NEW_DRAFT, PAST_MEMO
from tests.fixtures.builders import make_blocks_docx, table_xml

pytestmark = pytest.mark.browser

OTHER_MEMO = make_blocks_docx(
    "**Comments on the Draft Data Measures**",
    table_xml(
        ["**Provision**", "**Comment**", "**Recommendation**"],
        ["**Article 3**\nImportant data shall be stored within the territory.", "Localisation raises costs.",
         "Allow transfers."],
    ),
)


def test_import_past_files_then_use_a_position_from_the_triage_page(
    live_server: str, browser_page, tmp_path: Path,
) -> None:
    page = browser_page
    first, second = tmp_path / "review-2017.docx", tmp_path / "data-2019.docx"
    first.write_bytes(PAST_MEMO)
    second.write_bytes(OTHER_MEMO)
    page.goto(f"{live_server}/positions/import")
    page.get_by_label("Word files").set_input_files([str(first), str(second)])
    page.get_by_role("button", name="Import").click()
    expect(page.locator("[data-upload-status]")).to_have_text("Done: 2 files.")
    expect(page.locator(".import-results li")).to_have_count(2)
    expect(page.locator(".import-results li").first).to_contain_text("review-2017.docx: 2 positions added")
    page.goto(f"{live_server}/positions")
    expect(page.locator("ol.positions > li")).to_have_count(3)

    page.goto(f"{live_server}/drafts/new")
    page.get_by_label("Text of the draft").fill(NEW_DRAFT)
    page.get_by_role("button", name="Split the draft").click()
    page.wait_for_url("**/imports/*")
    page.get_by_role("button", name="Confirm and store the draft").click()
    page.wait_for_url("**/drafts/*")
    expect(page.locator(".flag").first).to_contain_text("“secure and controllable”")  # flagged on import
    page.get_by_role("button", name="Create the comment table").click()
    page.wait_for_url("**/submissions/*")
    table_url = page.url
    page.get_by_role("link", name="Suggestions from past positions").click()
    page.wait_for_url("**/triage")

    article4 = page.locator("table.triage tbody tr", has_text="Article 4")
    expect(article4.locator(".match")).to_contain_text("%")
    assert int(article4.locator(".match").inner_text().split("%")[0]) >= 85
    article4.get_by_text("Compare and use").click()
    expect(article4.locator(".diff del").first).to_be_visible()  # what changed since the old provision
    article4.get_by_role("button", name="Use this position on Article 4").first.click()
    expect(article4.locator(".use-result")).to_contain_text("Row added to the table")

    page.goto(table_url)
    rows = page.locator("tr.comment-row")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("u")).to_have_text("secure and controllable")  # the old underline, proposed
    expect(page.get_by_label("Recommendation on Article 4")).to_have_value(
        "Delete “secure and controllable” from Article 4.")  # "Article 10" became the new label
