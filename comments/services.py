"""Writes. Functions take the session and keyword-only arguments, flush, and never commit: the caller
(a web request or a CLI command) commits once, so a failure leaves nothing half-stored."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePath
from typing import Literal

from sqlmodel import Session, col, delete, select

from comments import accounts, queries
from comments.errors import InvalidInput
from comments.importing import editing
from comments.importing.document import PROVISION_KINDS, SourceDocument, SplitResult, SplitWarning
from comments.importing.serialize import result_from_dict, result_to_dict
from comments.importing.splitter import split_document
from comments.importing.tree import parent_indexes
from comments.models import Draft, ImportPreview, Provision, Team, utcnow
from comments.taxonomy import seed_default_tags

LOCAL_TEAM_NAME = "Local team"
PREVIEW_LIFETIME = timedelta(days=7)
MAX_TITLE_LENGTH = 500
NO_PROVISIONS_WARNING = (
    "No chapters, articles or numbered items were recognised: the whole text is one block. "
    "Split it by hand below, or check that this is a draft regulation."
)


def team_for_command_line(session: Session, *, team: str | None) -> Team:
    """The team a CLI command works in: the one named (by name or id), else the only one. On an empty
    database it makes "Local team", so that scripts work before anyone has an account; the first admin
    then takes it over."""
    teams = session.exec(select(Team).order_by(col(Team.id))).all()
    if team is not None:
        wanted = team.strip()
        found = next((t for t in teams if t.name == wanted or str(t.id) == wanted), None)
        if found is None:
            names = ", ".join(f"“{t.name}”" for t in teams) or "none yet"
            raise InvalidInput(f"There is no team “{wanted}”. Teams: {names}.")
        return found
    if len(teams) == 1:
        return teams[0]
    if teams:
        names = ", ".join(f"“{t.name}” ({t.id})" for t in teams)
        raise InvalidInput(f"There are {len(teams)} teams ({names}): choose one with --team.")
    local = Team(name=LOCAL_TEAM_NAME)
    session.add(local)
    session.flush()
    assert local.id is not None
    seed_default_tags(session, team_id=local.id)
    return local


# --- the preview: split, edit, confirm ---------------------------------------------------------------

def create_preview(session: Session, *, team_id: int, user_id: int | None, source: SourceDocument) -> ImportPreview:
    result = split_document(source)
    if not any(p.kind not in ("preamble", "trailing") for p in result.provisions):
        result.warnings.insert(0, SplitWarning(NO_PROVISIONS_WARNING))
    _drop_expired_previews(session)
    preview = ImportPreview(
        id=secrets.token_hex(16),
        team_id=team_id,
        created_by_id=user_id,
        source_filename=source.filename,
        source_sha256=source.sha256,
        source_kind=source.kind,
        payload=result_to_dict(result),
    )
    session.add(preview)
    session.flush()
    return preview


def get_preview(session: Session, *, team_id: int, preview_id: str) -> ImportPreview:
    return queries.team_owned(session, ImportPreview, preview_id, team_id=team_id,
                              missing="This import preview does not exist or has expired. Import the draft again.")


def preview_result(preview: ImportPreview) -> SplitResult:
    return result_from_dict(preview.payload)


EditOp = Literal["merge", "split", "update", "preamble_end", "trailing_start"]


@dataclass(frozen=True, slots=True)
class PreviewEdit:
    op: EditOp
    index: int
    offset: int | None = None
    kind: str | None = None
    number: str | None = None
    label: str | None = None
    heading: str | None = None


def edit_preview(session: Session, *, preview: ImportPreview, edit: PreviewEdit) -> SplitResult:
    result = preview_result(preview)
    match edit.op:
        case "merge":
            result = editing.merge_with_next(result, edit.index)
        case "split":
            if edit.offset is None:
                raise InvalidInput("Choose where to split the provision.")
            result = editing.split_at(result, edit.index, edit.offset)
        case "update":
            if edit.kind is not None and edit.kind not in PROVISION_KINDS:
                raise InvalidInput(f"“{edit.kind}” is not a kind of provision.")
            result = editing.update_provision(
                result, edit.index, kind=edit.kind, number=edit.number, label=edit.label, heading=edit.heading,
            )
        case "preamble_end":
            result = editing.set_preamble_end(result, edit.index)
        case "trailing_start":
            result = editing.set_trailing_start(result, edit.index)
    preview.payload = result_to_dict(result)
    preview.updated_at = utcnow()
    session.add(preview)
    session.flush()
    return result


def confirm_preview(
    session: Session, *, preview: ImportPreview, title: str | None, user_id: int | None,
    jurisdiction: str | None = None, issuing_body: str | None = None,
    comment_deadline: date | None = None, publication_date: date | None = None,
) -> Draft:
    result = preview_result(preview)
    draft = store_draft(
        session, team_id=preview.team_id, user_id=user_id, result=result, title=title,
        source_filename=preview.source_filename, source_sha256=preview.source_sha256,
        source_kind=preview.source_kind, jurisdiction=jurisdiction, issuing_body=issuing_body,
        comment_deadline=comment_deadline, publication_date=publication_date,
    )
    session.delete(preview)
    session.flush()
    return draft


def store_draft(
    session: Session, *, team_id: int, user_id: int | None, result: SplitResult, title: str | None,
    source_filename: str | None, source_sha256: str | None, source_kind: str | None,
    jurisdiction: str | None = None, issuing_body: str | None = None,
    comment_deadline: date | None = None, publication_date: date | None = None,
) -> Draft:
    """Store a split as a draft with its provisions, parents linked. One flush per level of the tree."""
    if not result.provisions:
        raise InvalidInput("The draft has no text to store.")
    draft = Draft(
        team_id=team_id,
        title=_choose_title(title, result.title, source_filename),
        jurisdiction=_blank_to_none(jurisdiction),
        issuing_body=_blank_to_none(issuing_body),
        language=result.language,
        publication_date=publication_date,
        comment_deadline=comment_deadline or result.deadline,
        source_filename=source_filename,
        source_sha256=source_sha256,
        source_kind=source_kind,
        import_warnings=[w.message for w in result.warnings],
        created_by_id=user_id,
    )
    session.add(draft)
    session.flush()
    assert draft.id is not None
    rows = [
        Provision(
            draft_id=draft.id, position=i, kind=p.kind, number=p.number, label=p.label,
            heading=p.heading, text=p.text,
        )
        for i, p in enumerate(result.provisions)
    ]
    session.add_all(rows)
    session.flush()
    for row, parent in zip(rows, parent_indexes(result.provisions), strict=True):
        if parent is not None:
            row.parent_id = rows[parent].id
    session.flush()
    source = f" from {source_filename}" if source_filename else ""
    accounts.record(session, team_id=team_id, user_id=user_id, action="draft_imported",
                    summary=f"Draft “{draft.title}” imported{source} ({len(rows)} provisions)")
    return draft


def _drop_expired_previews(session: Session) -> None:
    cutoff = utcnow() - PREVIEW_LIFETIME
    # Decided by the database alone: Python-side evaluation would compare SQLite's naive datetimes with ours.
    expired = delete(ImportPreview).where(col(ImportPreview.updated_at) < cutoff)
    session.execute(expired.execution_options(synchronize_session=False))


def _choose_title(given: str | None, detected: str | None, filename: str | None) -> str:
    for candidate in (given, detected, PurePath(filename).stem if filename else None):
        if candidate and candidate.strip():
            return candidate.strip()[:MAX_TITLE_LENGTH]
    return "Untitled draft"


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value else None
