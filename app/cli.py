"""`commentdesk` command line. Bad input prints one sentence to stderr and exits with code 2."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import PROJECT_ROOT, Settings
from comments.errors import CommentdeskError
from comments.importing.document import SourceDocument, SplitResult
from comments.importing.readers import read_file, read_pasted
from comments.importing.safety import ImportLimits
from comments.importing.serialize import result_to_dict
from comments.importing.splitter import split_document

if TYPE_CHECKING:
    from sqlmodel import Session

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except CommentdeskError as exc:
        print(f"commentdesk: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseNotReady as exc:
        print(f"commentdesk: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (`commentdesk split draft.pdf | head`): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="commentdesk", description="Comment on draft regulations and file Word submissions.",
        epilog="DATABASE_URL selects the database for every command (default: a SQLite file in ./data/).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    in_team = argparse.ArgumentParser(add_help=False)
    in_team.add_argument("--team", help="the team's name or id (needed when the database holds several)")

    split = commands.add_parser("split", help="show how a draft splits into provisions; stores nothing")
    split.add_argument("file", help="a .txt, .docx or .pdf file, or - to read text from standard input")
    split.add_argument("--json", action="store_true", help="print JSON: title, deadline, warnings, provisions")
    split.set_defaults(handler=_split)

    store = commands.add_parser("import", parents=[in_team], help="split a draft and store it")
    store.add_argument("file", help="a .txt, .docx or .pdf file, or - to read text from standard input")
    store.add_argument("--title", help="the draft's title (default: detected from the text)")
    store.set_defaults(handler=_import)

    listing = commands.add_parser("submissions", parents=[in_team], help="list the comment tables with their ids")
    listing.set_defaults(handler=_list_submissions)

    export = commands.add_parser("export", parents=[in_team],
                                 help="write a comment table as a Word submission (or CSV)")
    export.add_argument("submission_id", type=int, metavar="SUBMISSION_ID")
    export.add_argument("--out", required=True, help="the file to write: .docx, or .csv for a spreadsheet")
    export.add_argument("--approved-only", action="store_true", help="only the rows a lead has approved")
    export.set_defaults(handler=_export)

    past = commands.add_parser("import-submission", parents=[in_team],
                               help="read a past comment table from Word into a draft and a comment table")
    past.add_argument("file", help="a .docx file holding a comment table")
    past.add_argument("--title", help="the title for the draft and the comment table (default: the document's)")
    past.set_defaults(handler=_import_submission)

    library = commands.add_parser("positions", help="the positions library: import past Word submissions")
    library_commands = library.add_subparsers(dest="positions_command", required=True, metavar="ACTION")
    import_positions = library_commands.add_parser("import", parents=[in_team],
                                                   help="read past Word comment tables into the library")
    import_positions.add_argument("files", nargs="+", metavar="FILE.docx")
    import_positions.set_defaults(handler=_import_positions)

    suggest = commands.add_parser("suggest", parents=[in_team],
                                  help="split a draft and list, per provision, the past positions that match")
    suggest.add_argument("file", help="a .txt, .docx or .pdf draft, or - for standard input")
    suggest.add_argument("--json", action="store_true", help="print JSON for scripts")
    suggest.add_argument("--import", dest="store", action="store_true", help="also store the draft")
    suggest.add_argument("--limit", type=int, default=5, help="positions per provision (default 5)")
    suggest.set_defaults(handler=_suggest)

    users = commands.add_parser("users", help="accounts: make an admin, list accounts, a password reset link")
    user_commands = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    admin = user_commands.add_parser("create-admin", help="make an admin: the first one, or of another team")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True, help="the name colleagues see")
    admin.add_argument("--team", required=True, help="the team's name (made if it does not exist)")
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input "
                       "(default: ask for it twice)")
    admin.set_defaults(handler=_create_admin)
    user_list = user_commands.add_parser("list", help="list the accounts and their teams")
    user_list.set_defaults(handler=_list_users)
    reset = user_commands.add_parser("reset-link", help="print a one-time link to set a new password")
    reset.add_argument("email")
    reset.add_argument("--base-url", default="http://127.0.0.1:8000", help="where the service is reached")
    reset.set_defaults(handler=_reset_link)

    serve = commands.add_parser("serve", help="run the web service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(handler=_serve)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_commands.add_parser("upgrade", help="apply all migrations")
    upgrade.set_defaults(handler=_db_upgrade)
    return parser


def _read_source(path_text: str, settings: Settings) -> SourceDocument:
    limits = ImportLimits(max_bytes=settings.max_upload_bytes)
    if path_text == "-":
        return read_pasted(sys.stdin.read(), limits=ImportLimits(max_bytes=settings.max_paste_bytes))
    path = Path(path_text)
    if not path.is_file():
        raise CommentdeskError(f"There is no file {path_text}.")
    size = path.stat().st_size
    if size > settings.max_upload_bytes:
        raise CommentdeskError(f"{path.name} is larger than the {settings.max_upload_mb:g} MB limit.")
    return read_file(path.read_bytes(), path.name, limits=limits)


def _split(args: argparse.Namespace) -> int:
    result = split_document(_read_source(args.file, Settings()))
    if args.json:
        print(json.dumps(_result_json(result), ensure_ascii=False, indent=2))
    else:
        _print_split(result)
    return 0


def _result_json(result: SplitResult) -> dict[str, object]:
    data = result_to_dict(result)
    data["warnings"] = [warning["message"] for warning in data["warnings"]]  # plain sentences for scripts
    return data


def _print_split(result: SplitResult) -> None:
    print(f"Title: {result.title or '(not detected)'}")
    print(f"Comment deadline: {result.deadline.isoformat() if result.deadline else '(not detected)'}")
    for provision in result.provisions:
        heading = f"({provision.heading})" if provision.heading else ""
        head = " ".join(part for part in (provision.label, heading) if part)
        words = " ".join(provision.text.split())
        print(f"{provision.kind:<9} {head[:60]:<60} {words[:70]}")
    for warning in result.warnings:
        print(f"warning: {warning.message}")


@contextmanager
def _database(settings: Settings) -> Iterator[Session]:
    """A database session; the caller commits. A database without tables becomes one sentence."""
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from app.db import make_engine

    engine = make_engine(settings.resolved_database_url())
    try:
        with Session(engine) as session:
            try:
                yield session
            except (OperationalError, ProgrammingError) as exc:
                raise DatabaseNotReady(
                    "The database is not ready (no tables?). Run `commentdesk db upgrade` first."
                ) from exc
    finally:
        engine.dispose()


@contextmanager
def _workspace(settings: Settings, team: str | None) -> Iterator[tuple[Session, int, None]]:
    """A database session and the team the command works in (the CLI acts for the team, as no one user).
    The caller commits; a database without tables becomes one sentence."""
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from app.db import make_engine
    from comments import services

    engine = make_engine(settings.resolved_database_url())
    try:
        with Session(engine) as session:
            try:
                found = services.team_for_command_line(session, team=team)
            except (OperationalError, ProgrammingError) as exc:
                raise DatabaseNotReady(
                    "The database is not ready (no tables?). Run `commentdesk db upgrade` first."
                ) from exc
            assert found.id is not None
            yield session, found.id, None
    finally:
        engine.dispose()


def _import(args: argparse.Namespace) -> int:
    from comments import services

    settings = Settings()
    source = _read_source(args.file, settings)
    result = split_document(source)
    with _workspace(settings, args.team) as (session, team_id, user_id):
        draft = services.store_draft(
            session, team_id=team_id, user_id=user_id, result=result, title=args.title,
            source_filename=source.filename, source_sha256=source.sha256, source_kind=source.kind,
        )
        session.commit()
        articles = sum(1 for p in result.provisions if p.kind == "article")
        print(f"Stored draft {draft.id} “{draft.title}”: {len(result.provisions)} provisions, "
              f"{articles} articles, {len(result.warnings)} warnings.")
    return 0


def _list_submissions(args: argparse.Namespace) -> int:
    from comments import queries

    with _workspace(Settings(), args.team) as (session, team_id, _user_id):
        found = queries.list_team_submissions(session, team_id=team_id)
        if not found:
            print("No comment tables yet.")
        for submission, draft in found:
            print(f"{submission.id:>6}  {submission.title}  (draft {draft.id}: {draft.title})")
    return 0


def _export(args: argparse.Namespace) -> int:
    from comments import accounts, queries
    from comments.export.assemble import export_document
    from comments.export.csv_renderer import render_csv
    from comments.export.docx_renderer import render_docx

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".csv"):
        raise CommentdeskError("The output file must end in .docx (Word) or .csv (spreadsheet).")
    if not out.parent.is_dir():
        raise CommentdeskError(f"There is no folder {out.parent} to write {out.name} into.")
    with _workspace(Settings(), args.team) as (session, team_id, _user_id):
        submission = queries.get_submission(session, team_id=team_id, submission_id=args.submission_id)
        document = export_document(session, submission=submission, approved_only=args.approved_only)
        which = "approved rows" if args.approved_only else "rows"
        accounts.record(session, team_id=team_id, user_id=None, action="exported",
                        summary=f"“{submission.title}” exported to {out.name} ({len(document.rows)} {which})")
        session.commit()
    rendered = render_docx(document) if suffix == ".docx" else render_csv(document)
    out.write_bytes(rendered.data)
    print(f"Wrote {out} ({len(document.rows)} rows).")
    if not document.rows:
        print(f"warning: the table has no {which} to export: the file holds the header row only.", file=sys.stderr)
    if rendered.dropped_characters:
        print(f"warning: {rendered.dropped_characters} control characters a Word file cannot hold were left out.",
              file=sys.stderr)
    return 0


def _import_submission(args: argparse.Namespace) -> int:
    import hashlib

    from comments import submissions
    from comments.importing.comment_table import read_comment_table

    settings = Settings()
    path = Path(args.file)
    if not path.is_file():
        raise CommentdeskError(f"There is no file {args.file}.")
    if path.stat().st_size > settings.max_upload_bytes:
        raise CommentdeskError(f"{path.name} is larger than the {settings.max_upload_mb:g} MB limit.")
    data = path.read_bytes()
    table = read_comment_table(data, ImportLimits(max_bytes=settings.max_upload_bytes))
    with _workspace(settings, args.team) as (session, team_id, user_id):
        submission = submissions.import_comment_table(
            session, team_id=team_id, user_id=user_id, table=table, title=args.title,
            source=submissions.SourceInfo(filename=path.name, sha256=hashlib.sha256(data).hexdigest()),
        )
        session.commit()
        print(f"Stored comment table {submission.id} “{submission.title}” with {len(table.rows)} rows "
              f"(draft {submission.draft_id}).")
    for warning in table.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


def _import_positions(args: argparse.Namespace) -> int:
    """Each file in its own transaction, with a progress line: one bad file does not undo the others."""
    from comments import positions
    from comments.importing.comment_table import read_comment_table

    settings = Settings()
    limits = ImportLimits(max_bytes=settings.max_upload_bytes)
    failed = added = 0
    with _workspace(settings, args.team) as (session, team_id, _user_id):
        session.commit()  # the team (made on an empty database) stays, whatever the files do
        for number, name in enumerate(args.files, start=1):
            path = Path(name)
            prefix = f"[{number}/{len(args.files)}] {path.name}:"
            try:
                if not path.is_file():
                    raise CommentdeskError(f"there is no file {name}.")
                if path.stat().st_size > settings.max_upload_bytes:
                    raise CommentdeskError(f"larger than the {settings.max_upload_mb:g} MB limit.")
                table = read_comment_table(path.read_bytes(), limits)
                done = positions.import_table(session, team_id=team_id, table=table, filename=path.name, by=None)
                session.commit()
            except CommentdeskError as exc:
                session.rollback()
                failed += 1
                print(f"{prefix} {exc.message}", file=sys.stderr)
                continue
            added += done.positions
            print(f"{prefix} {done.message}", flush=True)
            for warning in table.warnings:  # what the reader left out or guessed, as import-submission says it
                print(f"{prefix} warning: {warning}", file=sys.stderr, flush=True)
    print(f"{added} position{'s' if added != 1 else ''} added from {len(args.files) - failed} of "
          f"{len(args.files)} files.")
    return EXIT_BAD_INPUT if failed else 0


def _suggest(args: argparse.Namespace) -> int:
    from comments import positions, queries, services
    from comments.importing.tree import parent_indexes
    from comments.matching import MatchIndex, load_encoder
    from comments.models import Provision

    settings = Settings()
    source = _read_source(args.file, settings)
    result = split_document(source)
    with _workspace(settings, args.team) as (session, team_id, _user_id):
        if args.store:
            draft = services.store_draft(
                session, team_id=team_id, user_id=None, result=result, title=None, source_filename=source.filename,
                source_sha256=source.sha256, source_kind=source.kind)
            session.commit()
            provisions = list(queries.provisions_of(session, draft=draft))
        else:  # nothing stored: provisions that exist only in memory
            parents = parent_indexes(result.provisions)
            provisions = [Provision(id=i, draft_id=0, position=i, kind=p.kind, number=p.number, label=p.label,
                                    heading=p.heading, text=p.text, parent_id=parents[i])
                          for i, p in enumerate(result.provisions)]
        encoder = load_encoder() if settings.semantic_matching else None
        index = MatchIndex(positions.active_positions(session, team_id=team_id), encoder=encoder)
        found = positions.suggest(session, team_id=team_id, provisions=provisions, index=index, limit=args.limit)
        report = [{
            "label": item.provision.label, "heading": item.provision.heading, "kind": str(item.provision.kind),
            "flags": [{"tag": f.tag_name, "phrase": f.phrase} for f in item.flags],
            "positions": [{"id": s.position.id, "title": s.position.title, "match": s.percent, "band": s.band}
                          for s in item.suggestions],
        } for item in found]
    if args.json:
        print(json.dumps({"library_size": len(index), "matching": str(index.mode), "provisions": report},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{len(report)} provisions against {len(index)} positions ({index.mode} matching).")
    for entry in report:
        flags = ", ".join(f"{f['tag']} (“{f['phrase']}”)" for f in entry["flags"])
        print(f"{entry['label'] or entry['kind']}{'  [' + flags + ']' if flags else ''}")
        for match in entry["positions"]:
            print(f"    {match['match']:>3}% {match['band']:<10} #{match['id']} {match['title']}")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from comments import accounts

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else _ask_password()
    with _database(Settings()) as session:
        team = accounts.create_admin(session, email=args.email, display_name=args.name, password=password,
                                     team_name=args.team)
        session.commit()
        print(f"{args.email.strip().lower()} is an admin of “{team.name}”. Sign in at /sign-in.")
    return 0


def _ask_password() -> str:
    import getpass

    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("The same password again: ") != first:
        raise CommentdeskError("The two passwords differ; nothing was stored.")
    return first


def _list_users(args: argparse.Namespace) -> int:
    from comments import accounts

    with _database(Settings()) as session:
        lines = accounts.list_accounts(session)
    if not lines:
        print("No accounts yet: run `commentdesk users create-admin`.")
    for line in lines:
        print(f"{line.email:<40} {line.display_name:<30} {line.teams}")
    return 0


def _reset_link(args: argparse.Namespace) -> int:
    from comments import accounts

    with _database(Settings()) as session:
        _invitation, token = accounts.create_reset_link_for(session, email=args.email)
        session.commit()
    print(f"{args.base_url.rstrip('/')}/reset/{token}")
    print("The link works once, for 24 hours.", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.server import HTTP_PROTOCOL

    uvicorn.run("app.main:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                http=HTTP_PROTOCOL, proxy_headers=True)
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    command.upgrade(config, "head")
    print("Database is up to date.")
    return 0


class DatabaseNotReady(Exception):
    pass


if __name__ == "__main__":
    sys.exit(main())
