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


def test_upgrading_a_database_with_data_keeps_every_row(databases: DatabaseFactory) -> None:
    """SQLite alters tables by copying them; with foreign keys on, dropping the old copy would cascade-delete
    the underlines and tags of every row. A database at 0002 with data must come out of head whole."""
    engine = make_engine(databases.new_url(migrated=False), sqlite_foreign_keys=False)
    with engine.begin() as connection:
        command.upgrade(_config(connection), "0002")
        for statement in (
            "INSERT INTO team (id, name, created_at) VALUES (1, 'T', '2026-11-23 10:00:00')",
            "INSERT INTO draft (id, team_id, title, import_warnings, created_at) "
            "VALUES (1, 1, 'D', '[]', '2026-11-23 10:00:00')",
            "INSERT INTO provision (id, draft_id, position, kind, text) VALUES (1, 1, 0, 'article', 'Some text.')",
            "INSERT INTO submission (id, team_id, draft_id, title, opening_text, landscape, font_name, font_size_pt,"
            " created_at, updated_at) VALUES (1, 1, 1, 'S', '', false, 'Arial', 11, '2026-11-23 10:00:00',"
            " '2026-11-23 10:00:00')",
            "INSERT INTO comment_row (id, submission_id, provision_id, quoted_text, kind, comment, recommendation,"
            " sort_order, version, created_at, updated_at) VALUES (1, 1, 1, 'Some text.', 'comment', 'c', 'r', 0,"
            " 1, '2026-11-23 10:00:00', '2026-11-23 10:00:00')",
            "INSERT INTO row_span (row_id, start, \"end\", exact, prefix, suffix) VALUES (1, 0, 4, 'Some', '', '')",
            "INSERT INTO concern_tag (id, team_id, name, description, sort_order) VALUES (1, 1, 'Scope', '', 0)",
            "INSERT INTO row_tag (row_id, tag_id) VALUES (1, 1)",
        ):
            connection.exec_driver_sql(statement)
        command.upgrade(_config(connection), "head")
        counts = {t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
                  for t in ("comment_row", "row_span", "row_tag", "concern_tag")}
        status = connection.exec_driver_sql("SELECT status FROM comment_row").scalar_one()
    engine.dispose()
    assert counts == {"comment_row": 1, "row_span": 1, "row_tag": 1, "concern_tag": 1}
    assert status == "draft"
