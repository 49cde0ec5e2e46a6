"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points there.

Isolation: on PostgreSQL every run works in a schema of its own (dropped at the end); on SQLite in a
temporary file. Migrations run once; each test runs inside a transaction rolled back at its end.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.db import make_engine
from app.deps import get_session
from app.main import create_app
from app.security import SESSION_COOKIE
from app.settings import PROJECT_ROOT, Settings
from comments import accounts
from comments.models import Role, Team, User
from tests.factories import make_member, make_team

POSTGRES_PREFIXES = ("postgresql", "postgres")


def _configured_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    return url if url and url.startswith(POSTGRES_PREFIXES) else None


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


def migrate(url: str) -> None:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logging"] = False
    engine = make_engine(url, sqlite_foreign_keys=False)  # as migrations/env.py runs them
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


class DatabaseFactory:
    """Makes empty, migrated databases: a schema each on PostgreSQL, a file each on SQLite."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir = tmp_dir
        self.base_url = _configured_url()
        self.schemas: list[str] = []

    @property
    def is_postgres(self) -> bool:
        return self.base_url is not None

    def new_url(self, *, migrated: bool = True) -> str:
        if self.base_url:
            schema = f"cd_test_{secrets.token_hex(6)}"
            admin = make_engine(self.base_url)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            admin.dispose()
            self.schemas.append(schema)
            url = _with_search_path(self.base_url, schema)
        else:
            url = f"sqlite:///{self.tmp_dir / f'db-{secrets.token_hex(6)}.sqlite'}"
        if migrated:
            migrate(url)
        return url

    def drop_all(self) -> None:
        if not (self.base_url and self.schemas):
            return
        admin = make_engine(self.base_url)
        for schema in self.schemas:  # one transaction each: dropping them all in one runs out of lock slots
            if re.fullmatch(r"cd_test_[0-9a-f]+", schema):
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path_factory.mktemp("databases"))
    yield factory
    factory.drop_all()


@pytest.fixture(scope="session")
def database_url(databases: DatabaseFactory) -> str:
    return databases.new_url()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside one transaction that is rolled back after the test."""
    with engine.connect() as connection:
        transaction = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        transaction.rollback()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    # gc_freeze off: this process starts hundreds of apps, and frozen objects are never collected
    return Settings(data_dir=tmp_path / "data", database_url=database_url, secret_key="test-secret-key",
                    gc_freeze=False)


@pytest.fixture
def app(settings: Settings, session: Session) -> Iterator[FastAPI]:
    application = create_app(settings)
    application.dependency_overrides[get_session] = lambda: session
    yield application
    application.state.engine.dispose()


@pytest.fixture
def team(session: Session) -> Team:
    """The team the `client` fixture works in."""
    return make_team(session, "Test association")


@pytest.fixture
def me(session: Session, team: Team) -> User:
    """The `client` fixture's user: an admin of `team`."""
    return make_member(session, team, role=Role.admin, email="admin@example.org", name="Ada Admin")


def sign_in_as(client: TestClient, session: Session, user: User) -> None:
    """A signed-in session for `user` in this client (the sign-in form itself is tested in test_accounts)."""
    token = accounts.start_session(session, user=user)
    session.commit()
    client.cookies.set(SESSION_COOKIE, token)


@pytest.fixture
def anonymous_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def client(anonymous_client: TestClient, session: Session, me: User) -> TestClient:
    """A browser signed in as `me`, an admin of `team`."""
    sign_in_as(anonymous_client, session, me)
    return anonymous_client


CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


@pytest.fixture
def csrf_token(client: TestClient) -> str:
    """Visit the import page once (that sets the session cookie) and read the form's token."""
    page = client.get("/drafts/new")
    match = CSRF_INPUT.search(page.text)
    assert match, "the import form carries no CSRF token"
    return match.group(1)
