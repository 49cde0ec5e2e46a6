"""Accounts in Chromium: an admin makes an invitation link, a newcomer opens it in another browser, makes an
account and is signed in to the team; the admin sees the member and the audit log; sign-out ends the session."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TEAM_NAME

pytestmark = pytest.mark.browser


def test_invite_join_and_sign_out(live_server: str, browser_page) -> None:
    admin = browser_page
    admin.goto(f"{live_server}/team")
    admin.get_by_label("For whom").fill("Cleo")
    admin.get_by_label("Role", exact=True).select_option("lead")
    admin.get_by_role("button", name="Make an invitation link").click()
    link = admin.get_by_label("The link").input_value()
    assert link.startswith(f"{live_server}/join/")

    newcomer_context = admin.context.browser.new_context()
    newcomer = newcomer_context.new_page()
    newcomer.goto(link)
    expect(newcomer.locator("h1")).to_have_text(f"Join {TEAM_NAME}")
    newcomer.get_by_label("Your name").fill("Cleo Lead")
    newcomer.get_by_label("E-mail").fill("cleo@example.org")
    newcomer.get_by_label("Password").fill("a long enough passphrase")
    newcomer.get_by_role("button", name="Make the account and join").click()
    newcomer.wait_for_url("**/drafts")
    expect(newcomer.locator("header .who")).to_contain_text("Cleo Lead")
    expect(newcomer.locator("header .who")).to_contain_text(TEAM_NAME)

    newcomer.goto(link)  # the link worked once
    expect(newcomer.locator("main")).to_contain_text("used already")

    admin.goto(f"{live_server}/team")
    expect(admin.locator("table.members")).to_contain_text("cleo@example.org")
    admin.get_by_role("link", name="Audit log").click()
    expect(admin.locator("table.audit")).to_contain_text("Cleo Lead (cleo@example.org) joined as lead")

    newcomer.goto(f"{live_server}/drafts")
    newcomer.get_by_role("button", name="Sign out").click()
    newcomer.wait_for_url("**/sign-in")
    newcomer.goto(f"{live_server}/drafts")
    newcomer.wait_for_url("**/sign-in?next=%2Fdrafts")  # the old session is over on the server
    newcomer_context.close()


def test_removing_a_member_asks_first(live_server: str, browser_page) -> None:
    admin = browser_page
    admin.goto(f"{live_server}/team")
    remove = admin.get_by_role("button", name="Remove Ben Editor from the team")
    questions: list[str] = []

    def answer(dialog, accept: bool) -> None:
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    removals: list[str] = []
    admin.on("request", lambda request: removals.append(request.url) if request.url.endswith("/remove") else None)
    admin.once("dialog", lambda dialog: answer(dialog, False))
    remove.click()
    admin.wait_for_timeout(300)
    assert removals == []  # declined: nothing was sent
    expect(admin.locator("table.members")).to_contain_text("ben@example.org")
    admin.once("dialog", lambda dialog: answer(dialog, True))
    remove.click()
    expect(admin.locator("table.members")).not_to_contain_text("ben@example.org")
    assert questions == ["Remove Ben Editor from the team? They lose access at once."] * 2
