"""Settings from the environment, the generated secret key, and SQLite's WAL mode."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import SQLITE_BUSY_TIMEOUT_MS, make_engine
from app.settings import Settings


def test_defaults_put_sqlite_and_the_key_in_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    settings = Settings()
    assert settings.resolved_database_url() == f"sqlite:///{(tmp_path / 'data' / 'commentdesk.db').resolve()}"
    key = settings.resolved_secret_key()
    key_file = tmp_path / "data" / "secret_key"
    assert len(key) >= 40 and key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Settings().resolved_secret_key() == key  # kept, not regenerated


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://someone@db/commentdesk")
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("MAX_UPLOAD_MB", "3")
    settings = Settings()
    assert settings.resolved_database_url() == "postgresql+psycopg://someone@db/commentdesk"
    assert settings.resolved_secret_key() == "from-the-environment"
    assert settings.max_upload_bytes == 3 * 1024 * 1024


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
