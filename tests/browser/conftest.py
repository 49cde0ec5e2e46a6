"""A live server on a fresh database, and Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlmodel import Session

from app.db import make_engine
from app.settings import Settings
from comments.models import Role
from tests.app.live_servers import threaded_server
from tests.conftest import DatabaseFactory
from tests.factories import TEST_PASSWORD, make_member, make_team

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


ANA = "ana@example.org"  # admin of the team; the page of `browser_page` is signed in as Ana
BEN = "ben@example.org"  # an editor of the same team
TEAM_NAME = "Browser association"


def _add_team(database_url: str) -> None:
    engine = make_engine(database_url)
    with Session(engine) as session:
        team = make_team(session, TEAM_NAME)
        make_member(session, team, role=Role.admin, email=ANA, name="Ana Admin")
        make_member(session, team, role=Role.editor, email=BEN, name="Ben Editor")
        session.commit()
    engine.dispose()


def sign_in(page: Page, live_server: str, email: str, password: str = TEST_PASSWORD) -> None:
    """Through the real form, as a person would."""
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/drafts")


@pytest.fixture
def live_server(databases: DatabaseFactory, tmp_path: Path) -> Iterator[str]:
    settings = Settings(data_dir=tmp_path / "data", database_url=databases.new_url(), secret_key="browser-test",
                        gc_freeze=False)
    _add_team(settings.resolved_database_url())
    with threaded_server(settings) as url:
        yield url


@pytest.fixture
def browser_page(live_server: str):
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        script_errors: list[str] = []
        console_errors: list[str] = []
        page.on("pageerror", lambda exc: script_errors.append(str(exc)))
        page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
        page.console_errors = console_errors  # type: ignore[attr-defined]  # a test that provokes a 4xx clears it
        sign_in(page, live_server, ANA)
        yield page
        context.close()
        browser.close()
        assert script_errors == [], f"the page raised script errors: {script_errors}"
        assert console_errors == [], f"the page logged errors: {console_errors}"
