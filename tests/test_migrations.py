"""Models and migrations never drift; migrations go down and up again cleanly."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import comments.models  # noqa: F401
from app.db import make_engine
from app.settings import PROJECT_ROOT
from tests.conftest import DatabaseFactory


def _config(connection) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logging"] = False
    config.attributes["connection"] = connection
    return config


def test_upgrade_head_matches_the_models(databases: DatabaseFactory) -> None:
    engine = make_engine(databases.new_url())
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_up_again(databases: DatabaseFactory) -> None:
    engine = make_engine(databases.new_url())
    with engine.begin() as connection:
        command.downgrade(_config(connection), "base")
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
        command.upgrade(_config(connection), "head")
        assert {"draft", "provision", "team", "import_preview"} <= set(inspect(connection).get_table_names())
    engine.dispose()


def test_constraints_follow_the_naming_convention(databases: DatabaseFactory) -> None:
    engine = make_engine(databases.new_url())
    inspector = inspect(engine)
    foreign_keys = [fk["name"] for fk in inspector.get_foreign_keys("provision")]
    assert "fk_provision_draft_id_draft" in foreign_keys
    assert inspector.get_pk_constraint("draft")["name"] in ("pk_draft", None)  # SQLite does not keep PK names
    engine.dispose()
