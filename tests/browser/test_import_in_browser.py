"""A user pastes a draft, fixes the split, confirms, and sees the provisions: in real Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.samples import SHORT_DRAFT

pytestmark = pytest.mark.browser


def test_paste_fix_confirm_and_see_the_provisions(live_server: str, browser_page) -> None:
    page = browser_page
    page.goto(f"{live_server}/drafts/new")
    page.get_by_label("Text of the draft").fill(SHORT_DRAFT)
    page.get_by_role("button", name="Split the draft").click()
    page.wait_for_url("**/imports/*")
    split = page.locator("#split")
    assert split.locator(".label", has_text="Article 4").count() == 1

    # Split Article 4 by placing the cursor in its text (a real keyboard/mouse action), then merge it back.
    article4 = page.locator("li.provision", has=page.locator(".label", has_text="Article 4"))
    article4.get_by_role("link", name=re.compile(r"^Fix provision \d+ \(Article 4\)")).click()
    text_box = article4.locator("textarea")
    text_box.wait_for()
    full_text = text_box.input_value()
    cut = full_text.index("where maintenance")
    text_box.focus()  # the caret starts at the beginning of the text
    for _ in range(cut):
        text_box.press("ArrowRight")
    count_before = page.locator("#split li.provision").count()
    article4.get_by_role("button", name="Split here").click()
    expect(page.locator("#split li.provision")).to_have_count(count_before + 1)
    starts_there = page.locator(".first-words", has_text=re.compile("^where maintenance"))
    new_piece = page.locator("#split li.provision", has=starts_there)
    expect(new_piece).to_have_count(1)
    assert new_piece.locator(".kind").inner_text().lower() == "paragraph"

    # Rename Article 4's heading through the fix panel.
    article4 = page.locator("li.provision", has=page.locator(".label", has_text="Article 4"))
    article4.get_by_role("link", name=re.compile(r"^Fix provision \d+ \(Article 4\)")).click()
    article4.get_by_label("Heading").fill("Maintenance within China")
    article4.get_by_role("button", name="Save").click()
    page.locator("#split .heading", has_text="Maintenance within China").wait_for()

    page.get_by_label("Title").fill("Browser-confirmed measures")
    page.get_by_role("button", name="Confirm and store the draft").click()
    page.wait_for_url("**/drafts/*")
    assert page.locator("h1").inner_text() == "Browser-confirmed measures"
    labels = page.locator("ol.provisions .label").all_inner_texts()
    assert [label for label in labels if label.startswith("Article")] == [f"Article {n}" for n in range(1, 6)]
    assert page.locator("ol.provisions", has_text="Maintenance within China").count() == 1

    page.goto(f"{live_server}/drafts")
    assert page.get_by_role("link", name="Browser-confirmed measures").count() == 1


def test_bad_paste_shows_the_message_in_place(live_server: str, browser_page) -> None:
    page = browser_page
    page.goto(f"{live_server}/drafts/new")
    page.get_by_label("Text of the draft").fill("   ")
    page.get_by_role("button", name="Split the draft").click()
    message = page.locator("#messages .error-message")
    message.wait_for()
    assert "Paste the text" in message.inner_text()
    assert page.url.endswith("/drafts/new")
    assert all("422" in error for error in page.console_errors)  # the refused request, nothing else
    page.console_errors.clear()
