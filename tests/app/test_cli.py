"""The `commentdesk` command line, run as a real process against a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import docx
import pytest
from sqlmodel import Session, create_engine, select

from comments.models import Draft, Provision
from tests.conftest import DatabaseFactory
from tests.fixtures.builders import make_blocks_docx, make_docx, make_encrypted_pdf, table_xml
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


PAST_SUBMISSION = make_blocks_docx(
    "**Comments on the Draft Network Products Measures**",
    "(Note: relevant text is underlined).",
    table_xml(
        ["**Text of Draft Measure**", "**Comment**", "**Recommendation**"],
        ["**Article 2 (Scope)**\nThese Measures apply to products used __within the territory__.",
         "The scope is too broad.", "Narrow it."],
        ["**Article 4**\nMaintenance shall be carried out __within the territory__; __overseas__ needs review.",
         "Remote maintenance is normal.\nIt is safe.", "Allow it."],
    ),
)


def test_import_submission_list_and_export_round_trip(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases.new_url()
    past = tmp_path / "past.docx"
    past.write_bytes(PAST_SUBMISSION)
    stored = run_cli("import-submission", str(past), database_url=url, cwd=tmp_path)
    assert stored.returncode == 0, stored.stderr
    assert "with 2 rows" in stored.stdout
    listing = run_cli("submissions", database_url=url, cwd=tmp_path)
    assert "Comments on the Draft Network Products Measures" in listing.stdout
    submission_id = listing.stdout.split()[0]
    out = tmp_path / "out.docx"
    exported = run_cli("export", submission_id, "--out", str(out), database_url=url, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    table = docx.Document(str(out)).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Text of Draft Measure", "Comment", "Recommendation"]
    second = table.rows[2].cells[0]
    assert second.paragraphs[0].text == "Article 4"
    assert [r.text for p in second.paragraphs for r in p.runs if r.underline] == ["within the territory", "overseas"]
    assert [p.text for p in table.rows[2].cells[1].paragraphs] == ["Remote maintenance is normal.", "It is safe."]
    csv_out = tmp_path / "out.csv"
    assert run_cli("export", submission_id, "--out", str(csv_out), database_url=url, cwd=tmp_path).returncode == 0
    assert "Narrow it." in csv_out.read_text(encoding="utf-8-sig")
    assert exported.stderr == ""
    approved = run_cli("export", submission_id, "--out", str(out), "--approved-only", database_url=url, cwd=tmp_path)
    assert approved.returncode == 0 and "Wrote" in approved.stdout  # none approved yet: the header row only
    assert approved.stderr.strip() == (
        "warning: the table has no approved rows to export: the file holds the header row only.")


@pytest.mark.parametrize(("args", "phrase"), [
    (("export", "999", "--out", "x.docx"), "no such comment table"),
    (("export", "1", "--out", "x.pdf"), "must end in .docx"),
    (("import-submission", "missing.docx"), "There is no file"),
])
def test_table_commands_refuse_bad_input_with_exit_2(databases: DatabaseFactory, tmp_path: Path, args, phrase) -> None:
    url = databases.new_url()
    result = run_cli(*args, database_url=url, cwd=tmp_path)
    assert result.returncode == 2 and phrase in result.stderr and "Traceback" not in result.stderr


def test_import_submission_of_a_file_without_a_table_exits_2(databases: DatabaseFactory, tmp_path: Path) -> None:
    url = databases.new_url()
    plain = tmp_path / "plain.docx"
    plain.write_bytes(make_docx(["Just a letter.", "No table here."]))
    result = run_cli("import-submission", str(plain), database_url=url, cwd=tmp_path)
    assert result.returncode == 2 and "No comment table was found" in result.stderr


def test_users_create_admin_takes_over_the_local_team_then_lists_and_makes_reset_links(
    databases: DatabaseFactory, tmp_path: Path,
) -> None:
    from comments import accounts

    url = databases.new_url()
    draft = tmp_path / "draft.txt"
    draft.write_text(SHORT_DRAFT, encoding="utf-8")
    assert run_cli("import", str(draft), database_url=url, cwd=tmp_path).returncode == 0  # before any account
    short = run_cli("users", "create-admin", "--email", "ana@example.org", "--name", "Ana", "--team", "Our team",
                    "--password-stdin", stdin="short\n", database_url=url, cwd=tmp_path)
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    made = run_cli("users", "create-admin", "--email", "ana@example.org", "--name", "Ana", "--team", "Our team",
                   "--password-stdin", stdin="a long passphrase\n", database_url=url, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "ana@example.org is an admin of “Our team”" in made.stdout
    listed = run_cli("users", "list", database_url=url, cwd=tmp_path)
    assert "ana@example.org" in listed.stdout and "Our team (admin)" in listed.stdout
    link = run_cli("users", "reset-link", "ana@example.org", "--base-url", "https://desk.example.org",
                   database_url=url, cwd=tmp_path)
    assert link.returncode == 0 and link.stdout.startswith("https://desk.example.org/reset/")
    unknown = run_cli("users", "reset-link", "eve@example.org", database_url=url, cwd=tmp_path)
    assert unknown.returncode == 2 and "There is no account" in unknown.stderr
    engine = create_engine(url)
    with Session(engine) as session:
        assert accounts.sign_in(session, email="ana@example.org", password="a long passphrase", address="cli")
        drafts = session.exec(select(Draft)).all()
        teams = accounts.find_signed_in(session, accounts.start_session(session, user=accounts.sign_in(
            session, email="ana@example.org", password="a long passphrase", address="cli")))
        assert teams is not None and teams.team is not None
        assert [d.team_id for d in drafts] == [teams.team.team_id]  # the draft imported before is hers now
    engine.dispose()
    second = run_cli("users", "create-admin", "--email", "bo@example.org", "--name", "Bo", "--team", "Other team",
                     "--password-stdin", stdin="another passphrase\n", database_url=url, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    ambiguous = run_cli("submissions", database_url=url, cwd=tmp_path)
    assert ambiguous.returncode == 2 and "choose one with --team" in ambiguous.stderr
    chosen = run_cli("submissions", "--team", "Other team", database_url=url, cwd=tmp_path)
    assert chosen.returncode == 0 and "No comment tables yet" in chosen.stdout


def test_positions_import_then_suggest_json_stores_nothing_unless_asked(
    databases: DatabaseFactory, tmp_path: Path,
) -> None:
    from tests.app.test_positions_http import NEW_DRAFT, PAST_MEMO

    url = databases.new_url()
    memo = tmp_path / "review-2017.docx"
    memo.write_bytes(PAST_MEMO)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really")
    imported = run_cli("positions", "import", str(memo), str(bad), database_url=url, cwd=tmp_path)
    assert imported.returncode == 2  # one file failed: said, and the exit code tells scripts
    assert "[1/2] review-2017.docx: 2 positions added" in imported.stdout
    assert "[2/2] broken.docx:" in imported.stderr
    assert "2 positions added from 1 of 2 files." in imported.stdout
    again = run_cli("positions", "import", str(memo), database_url=url, cwd=tmp_path)
    assert "[1/1] review-2017.docx: nothing added: all 2 positions already in the library" in again.stdout
    assert "0 positions added from 1 of 1 files." in again.stdout
    draft = tmp_path / "new.txt"
    draft.write_text(NEW_DRAFT, encoding="utf-8")
    suggested = run_cli("suggest", str(draft), "--json", database_url=url, cwd=tmp_path)
    assert suggested.returncode == 0, suggested.stderr
    report = json.loads(suggested.stdout)
    assert report["library_size"] == 2
    by_label = {entry["label"]: entry for entry in report["provisions"]}
    best = by_label["Article 4"]["positions"][0]
    assert best["match"] >= 85 and best["band"] in ("high", "near exact")
    flag = {"tag": "“Secure and trusted” wording", "phrase": "secure and controllable"}
    assert flag in by_label["Article 4"]["flags"]
    assert by_label["Article 7"]["positions"] == []
    engine = create_engine(url)
    with Session(engine) as session:
        assert session.exec(select(Draft)).all() == []  # nothing stored without --import
    plain = run_cli("suggest", str(draft), "--import", database_url=url, cwd=tmp_path)
    assert plain.returncode == 0 and "Article 4" in plain.stdout and "%" in plain.stdout
    with Session(engine) as session:
        assert len(session.exec(select(Draft)).all()) == 1
    engine.dispose()


def test_positions_import_prints_the_readers_warnings_per_file(databases: DatabaseFactory, tmp_path: Path) -> None:
    memo = tmp_path / "memo-2019.docx"
    memo.write_bytes(make_blocks_docx(table_xml(
        ("Text of Draft Measure", "Comment", "Recommendation", "Drafter"),
        ("Article 1\nOperators shall keep __logs__.", "Too vague.", "Define logs.", "J. Smith"),
        ("Article 2\nOperators shall report.", "", ""),
    )))
    imported = run_cli("positions", "import", str(memo), database_url=databases.new_url(), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "[1/1] memo-2019.docx: 1 position added" in imported.stdout
    assert imported.stderr.splitlines() == [
        "[1/1] memo-2019.docx: warning: The column “Drafter” was not read: it is not a provision, comment or "
        "recommendation column.",
        "[1/1] memo-2019.docx: warning: Row 3 (Article 2) has no comment or recommendation.",
    ]


def test_split_into_a_pipe_that_closes_early_stops_quietly(tmp_path: Path) -> None:
    draft = tmp_path / "draft.txt"
    draft.write_text("\n\n".join(f"Article {n} Operators shall keep logs number {n}." for n in range(1, 3000)))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    done = subprocess.run(f"{sys.executable} -m app.cli split {draft} | head -1", shell=True, capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.stdout.startswith("Title:") and done.stderr == ""  # no BrokenPipeError traceback
