"""The `commentdesk` command line, run as a real process against a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from sqlmodel import Session, create_engine, select

from comments.models import Draft, Provision
from tests.conftest import DatabaseFactory
from tests.fixtures.builders import make_docx, make_encrypted_pdf
from tests.samples import SHORT_DRAFT


def run_cli(*args: str, database_url: str | None = None, stdin: str | None = None, cwd: Path | None = None):
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    if database_url:
        env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], input=stdin, capture_output=True, text=True, env=env,
        timeout=60, cwd=cwd,
    )


def test_console_script_is_declared() -> None:
    scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    assert scripts.get("commentdesk") == "app.cli:main"


def test_split_json_lists_provisions_and_stores_nothing(tmp_path: Path) -> None:
    draft = tmp_path / "measures.txt"
    draft.write_text(SHORT_DRAFT, encoding="utf-8")
    result = run_cli("split", str(draft), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= {"title", "deadline", "warnings", "provisions"}
    assert data["deadline"] == "2019-06-18"
    articles = [p for p in data["provisions"] if p["kind"] == "article"]
    assert [p["label"] for p in articles] == [f"Article {n}" for n in range(1, 6)]
    assert set(articles[0]) == {"kind", "number", "label", "heading", "text"}
    assert not (tmp_path / "data").exists()  # split touches no database


def test_split_plain_output_and_stdin(tmp_path: Path) -> None:
    result = run_cli("split", "-", stdin=SHORT_DRAFT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Article 3" in result.stdout and "Chapter 2" in result.stdout


def test_import_stores_the_draft(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases.new_url()
    docx = tmp_path / "draft.docx"
    paragraphs = ["Draft Measures", "Article 1 Purpose.", "Article 2 Scope.", "Article 3 Entry into force."]
    docx.write_bytes(make_docx(paragraphs))
    result = run_cli("import", str(docx), "--title", "Three articles", database_url=url)
    assert result.returncode == 0, result.stderr
    assert "Stored draft" in result.stdout
    engine = create_engine(url)
    with Session(engine) as session:
        draft = session.exec(select(Draft).where(Draft.title == "Three articles")).one()
        assert draft.source_filename == "draft.docx" and draft.source_kind == "docx"
        articles = select(Provision.number).where(Provision.draft_id == draft.id, Provision.kind == "article")
        numbers = session.exec(articles).all()
        assert sorted(numbers) == ["1", "2", "3"]
    engine.dispose()


@pytest.mark.parametrize(
    ("name", "content", "phrase"),
    [
        ("missing.txt", None, "no file"),
        ("empty.txt", b"  \n", "empty"),
        ("locked.pdf", "encrypted", "password"),
        ("fake.docx", b"just some text", ".docx"),
    ],
)
def test_bad_input_exits_2_with_a_sentence(tmp_path: Path, name: str, content, phrase: str) -> None:
    path = tmp_path / name
    if content == "encrypted":
        path.write_bytes(make_encrypted_pdf())
    elif content is not None:
        path.write_bytes(content)
    result = run_cli("split", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert phrase.lower() in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_import_into_an_unmigrated_database_says_what_to_do(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases.new_url(migrated=False)
    draft = tmp_path / "d.txt"
    draft.write_text(SHORT_DRAFT, encoding="utf-8")
    result = run_cli("import", str(draft), database_url=url)
    assert result.returncode == 2
    assert "db upgrade" in result.stderr


def test_db_upgrade_then_import(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases.new_url(migrated=False)
    upgrade = run_cli("db", "upgrade", database_url=url)
    assert upgrade.returncode == 0, upgrade.stderr
    draft = tmp_path / "d.txt"
    draft.write_text(SHORT_DRAFT, encoding="utf-8")
    assert run_cli("import", str(draft), database_url=url).returncode == 0
