"""Writes for comment tables: submissions, rows, underlines, concern tags. Like services.py: flush, never
commit; the caller commits once. Objects passed in have already been loaded for the acting team."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Literal

from sqlalchemy import bindparam, func, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from comments import accounts, anchoring, permissions
from comments.errors import EditConflict, InvalidInput, NotFound
from comments.export.presenter import WORDINGS
from comments.importing.comment_table import CommentTable, TableRow
from comments.importing.document import SplitProvision, SplitResult, SplitWarning
from comments.importing.markers import parse_marker
from comments.models import (
    CommentRow,
    ConcernTag,
    Draft,
    Membership,
    Provision,
    ProvisionKind,
    Role,
    RowEvent,
    RowKind,
    RowNote,
    RowSpan,
    RowStatus,
    RowTag,
    Submission,
    User,
    utcnow,
)
from comments.services import store_draft

MAX_CELL_CHARS = 50_000
MAX_TAG_NAME = 120
MAX_SPANS_PER_ROW = 200
FONT_SIZES = (9, 10, 10.5, 11, 12, 14)
PAPER_SIZES = ("A4", "Letter")  # the world's and North America's
# The language the submission is filed in: its header row, note, date and "General comments" (the rows'
# own texts are the team's).
SUBMISSION_LANGUAGES = {"en": "English", "zh": "中文 (Chinese)"}
FONT_NAMES = ("Times New Roman", "Arial", "Calibri", "Cambria", "Georgia", "Garamond", "SimSun")

RowField = Literal["comment", "recommendation"]
_CONTAINER_KINDS = (ProvisionKind.chapter, ProvisionKind.section)
_PART_KINDS = (ProvisionKind.paragraph, ProvisionKind.item)


# --- concern tags -------------------------------------------------------------------------------------

def create_tag(session: Session, *, team_id: int, name: str, description: str = "") -> ConcernTag:
    clean = _tag_name(name)
    _check_tag_name_free(session, team_id=team_id, name=clean)
    last = session.exec(select(func.max(ConcernTag.sort_order)).where(ConcernTag.team_id == team_id)).one()
    tag = ConcernTag(team_id=team_id, name=clean, description=description.strip()[:500], sort_order=(last or 0) + 1)
    session.add(tag)
    session.flush()
    return tag


def rename_tag(session: Session, *, tag: ConcernTag, name: str, description: str | None = None) -> ConcernTag:
    clean = _tag_name(name)
    if clean != tag.name:
        _check_tag_name_free(session, team_id=tag.team_id, name=clean)
    tag.name = clean
    if description is not None:
        tag.description = description.strip()[:500]
    session.add(tag)
    session.flush()
    return tag


def delete_tag(session: Session, *, tag: ConcernTag) -> None:
    """Remove a tag from the taxonomy and from every row that carries it."""
    session.delete(tag)
    session.flush()


def _tag_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise InvalidInput("A concern tag needs a name.")
    if len(clean) > MAX_TAG_NAME:
        raise InvalidInput(f"A concern tag's name can have at most {MAX_TAG_NAME} characters.")
    return clean


def _check_tag_name_free(session: Session, *, team_id: int, name: str) -> None:
    taken = session.exec(
        select(ConcernTag.id).where(ConcernTag.team_id == team_id, func.lower(ConcernTag.name) == name.lower())
    ).first()
    if taken is not None:
        raise InvalidInput(f"There is already a concern tag called “{name}”.")


# --- submissions --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SubmissionSettings:
    title: str
    organisation: str | None = None
    addressee: str | None = None
    submission_date: date | None = None
    opening_text: str = ""
    landscape: bool = False
    font_name: str = "Times New Roman"
    font_size_pt: float = 11
    paper_size: str = "A4"
    language: str = "en"


def create_submission(
    session: Session, *, draft: Draft, settings: SubmissionSettings, user_id: int | None,
) -> Submission:
    submission = Submission(team_id=draft.team_id, draft_id=draft.id, created_by_id=user_id, title="")
    _apply_settings(submission, settings)
    session.add(submission)
    session.flush()
    return submission


def update_submission(session: Session, *, submission: Submission, settings: SubmissionSettings) -> Submission:
    _apply_settings(submission, settings)
    submission.updated_at = utcnow()
    session.add(submission)
    session.flush()
    return submission


def _apply_settings(submission: Submission, settings: SubmissionSettings) -> None:
    title = " ".join(settings.title.split())
    if not title:
        raise InvalidInput("The comment table needs a title.")
    if len(title) > 500:
        raise InvalidInput("The title can have at most 500 characters.")
    if settings.font_name not in FONT_NAMES:
        raise InvalidInput(f"Choose one of these fonts: {', '.join(FONT_NAMES)}.")
    if settings.language not in SUBMISSION_LANGUAGES:
        raise InvalidInput(f"Choose one of these languages: {', '.join(SUBMISSION_LANGUAGES.values())}.")
    if settings.paper_size not in PAPER_SIZES:
        raise InvalidInput(f"Choose one of these paper sizes: {', '.join(PAPER_SIZES)}.")
    if settings.font_size_pt not in FONT_SIZES:
        raise InvalidInput(f"Choose one of these font sizes: {', '.join(f'{s:g}' for s in FONT_SIZES)} pt.")
    if len(settings.opening_text) > MAX_CELL_CHARS:
        raise InvalidInput(f"The opening paragraphs can have at most {MAX_CELL_CHARS:,} characters.")
    submission.title = title
    submission.organisation = _line_or_none(settings.organisation, 300, "organisation")
    submission.addressee = _line_or_none(settings.addressee, 500, "addressee")
    submission.submission_date = settings.submission_date
    submission.opening_text = normalise_newlines(settings.opening_text).strip()
    submission.landscape = settings.landscape
    submission.paper_size = settings.paper_size
    submission.language = settings.language
    submission.font_name = settings.font_name
    submission.font_size_pt = settings.font_size_pt


def _line_or_none(value: str | None, limit: int, what: str) -> str | None:
    clean = " ".join((value or "").split())
    if len(clean) > limit:
        raise InvalidInput(f"The {what} can have at most {limit} characters.")
    return clean or None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- rows ---------------------------------------------------------------------------------------------

def provision_full_text(provision: Provision, descendants: Sequence[Provision]) -> str:
    """What column 1 quotes for a provision: its own text, then its paragraphs and items, one per line.

    Chapters and sections quote only their own text (their articles get rows of their own)."""
    lines = [provision.text] if provision.text else []
    if provision.kind not in _CONTAINER_KINDS:
        for part in descendants:
            if part.kind not in _PART_KINDS or not part.text:
                continue
            marker = f"{part.label} " if part.kind == ProvisionKind.item and part.label else ""
            lines.append(marker + part.text)
    return "\n".join(lines)


def _descendants(session: Session, provision: Provision) -> list[Provision]:
    in_draft = session.exec(
        select(Provision).where(Provision.draft_id == provision.draft_id, Provision.position > provision.position)
        .order_by(col(Provision.position))
    ).all()
    ids = {provision.id}
    found = []
    for candidate in in_draft:  # document order: a parent always comes before its children
        if candidate.parent_id not in ids:
            break
        ids.add(candidate.id)
        found.append(candidate)
    return found


def add_row(
    session: Session, *, submission: Submission, provision_id: int | None, kind: RowKind = RowKind.comment,
    user_id: int | None,
) -> CommentRow:
    """A new row about one provision of the submission's draft (or the draft as a whole when None), placed in
    document order after the rows that address the same or earlier provisions."""
    provision: Provision | None = None
    if provision_id is not None:
        provision = session.get(Provision, provision_id)
        if provision is None or provision.draft_id != submission.draft_id:
            raise NotFound("There is no such provision in this draft.")
    row = CommentRow(
        submission_id=submission.id,
        provision_id=provision_id,
        label=provision.label if provision else None,
        heading=provision.heading if provision else None,
        quoted_text=provision_full_text(provision, _descendants(session, provision)) if provision else "",
        kind=kind,
        created_by_id=user_id,
    )
    row.sort_order = _document_order_slot(session, submission=submission, provision=provision)
    session.add(row)
    session.flush()
    _record(session, row, action="added", by=user_id)
    session.flush()
    return row


def _document_order_slot(session: Session, *, submission: Submission, provision: Provision | None) -> int:
    """The sort_order for a new row: after every row whose provision comes at or before this one, the
    whole-draft rows first. Later rows move down one place."""
    position = provision.position if provision else -1
    rows = session.exec(
        select(CommentRow.sort_order, Provision.position)
        .join(Provision, col(CommentRow.provision_id) == Provision.id, isouter=True)
        .where(CommentRow.submission_id == submission.id)
        .order_by(col(CommentRow.sort_order))
    ).all()
    slot = 0
    for sort_order, row_position in rows:
        if (row_position if row_position is not None else -1) <= position:
            slot = sort_order + 1
    _shift_from(session, submission_id=submission.id, slot=slot)
    return slot


def _shift_from(session: Session, *, submission_id: int | None, slot: int) -> None:
    session.execute(
        update(CommentRow)
        .where(col(CommentRow.submission_id) == submission_id, col(CommentRow.sort_order) >= slot)
        .values(sort_order=CommentRow.sort_order + 1)
        .execution_options(synchronize_session="fetch")
    )


def _touch(row: CommentRow) -> None:
    row.version += 1
    row.updated_at = utcnow()


def _record(
    session: Session, row: CommentRow, *, action: str, by: int | None, field: str | None = None,
    before: object = None, after: object = None,
) -> RowEvent:
    """Write the change to the row's history (and the live feed). Call after _touch: it keeps the new version."""
    event = RowEvent(submission_id=row.submission_id, row_id=row.id, user_id=by, action=action, field=field,
                     before=before, after=after, version=row.version)
    session.add(event)
    return event


def _change(
    session: Session, row: CommentRow, *, action: str, by: int | None, field: str | None = None,
    before: object = None, after: object = None,
) -> None:
    """A change to the row: new version, recorded in its history (and the live feed), flushed."""
    _touch(row)
    session.add(row)
    _record(session, row, action=action, by=by, field=field, before=before, after=after)
    session.flush()


def _spans_value(spans: Iterable[RowSpan]) -> list[list[object]]:
    return [[s.start, s.end, s.exact] for s in spans]


SAVE_ATTEMPTS = 5  # a save racing others' saves of other fields is retried, never refused
# The save's UPDATE for each field, built once (saves are the commonest write). It writes only when the row is
# still at the version it was read at.
_SAVE_TEXT = {
    field: update(CommentRow)
    .where(col(CommentRow.id) == bindparam("row_id"), col(CommentRow.version) == bindparam("read_version"))
    .values({field: bindparam("new_text"), "version": bindparam("new_version"), "updated_at": bindparam("now")})
    .execution_options(synchronize_session=False)
    for field in ("comment", "recommendation")
}


def update_row_text(
    session: Session, *, row: CommentRow, field: RowField, value: str, by: int | None = None,
    base_version: int | None = None,
) -> CommentRow:
    """Save a comment or recommendation typed on top of `base_version` of the row.

    When someone else saved the same field since that version, raise EditConflict (nothing is written).
    Changes to other fields since then do not conflict. The UPDATE itself compares the version, so a save
    that raced ours between reading and writing is caught too (an ORM attribute set would not catch it)."""
    if field not in ("comment", "recommendation"):
        raise InvalidInput("Only the comment and the recommendation can be edited here.")
    text = normalise_newlines(value)
    if len(text) > MAX_CELL_CHARS:
        raise InvalidInput(f"A {field} can have at most {MAX_CELL_CHARS:,} characters.")
    base = base_version if base_version is not None else row.version
    for _attempt in range(SAVE_ATTEMPTS):
        before = getattr(row, field)
        if base != row.version and before != text:
            _raise_if_field_changed_since(session, row=row, field=field, base_version=base, yours=text)
        if before == text:
            return row
        now = utcnow()
        written = session.execute(_SAVE_TEXT[field], {
            "row_id": row.id, "read_version": row.version, "new_text": text, "new_version": row.version + 1,
            "now": now})
        if written.rowcount == 1:  # type: ignore[attr-defined]
            # what the UPDATE wrote, without reading the row back
            for name, value in ((field, text), ("version", row.version + 1), ("updated_at", now)):
                set_committed_value(row, name, value)
            break
        # Someone saved this row between our read and our write (PostgreSQL reads committed data): look
        # again. Their change conflicts only if it was to this same field.
        session.refresh(row)
    else:
        raise _conflict(session, row=row, field=field, yours=text)
    _record(session, row, action="edited", field=field, before=before, after=text, by=by)
    session.flush()
    return row


def _raise_if_field_changed_since(
    session: Session, *, row: CommentRow, field: str, base_version: int, yours: str,
) -> None:
    changed = session.exec(
        select(RowEvent.id).where(
            RowEvent.row_id == row.id, col(RowEvent.version) > base_version, RowEvent.field == field)
    ).first()
    if changed is not None:
        raise _conflict(session, row=row, field=field, yours=yours)


def _conflict(session: Session, *, row: CommentRow, field: str, yours: str) -> EditConflict:
    session.refresh(row)  # their text as it is now: it may have moved on since this request read the row
    last = session.exec(
        select(User.display_name).join(RowEvent, col(RowEvent.user_id) == User.id)
        .where(RowEvent.row_id == row.id, RowEvent.field == field).order_by(col(RowEvent.id).desc())
    ).first()
    assert row.id is not None
    return EditConflict(row_id=row.id, field=field, theirs=getattr(row, field), yours=yours,
                        version=row.version, by=last)


def set_row_kind(session: Session, *, row: CommentRow, kind: str, by: int | None = None) -> CommentRow:
    try:
        new = RowKind(kind)
    except ValueError:
        raise InvalidInput("A row is either a comment or a question.") from None
    if new == row.kind:
        return row
    before = row.kind.value
    row.kind = new
    _change(session, row, action="edited", field="kind", before=before, after=new.value, by=by)
    return row


def set_row_tags(
    session: Session, *, row: CommentRow, team_id: int, tag_ids: Iterable[int], by: int | None = None,
) -> CommentRow:
    wanted = set(tag_ids)
    if wanted:
        known = set(session.exec(
            select(ConcernTag.id).where(col(ConcernTag.id).in_(wanted), ConcernTag.team_id == team_id)
        ).all())
        if known != wanted:
            raise InvalidInput("One of the chosen concern tags no longer exists. Reload the page.")
    current = {link.tag_id: link for link in session.exec(select(RowTag).where(RowTag.row_id == row.id)).all()}
    if wanted == current.keys():
        return row
    names = dict(session.exec(select(ConcernTag.id, ConcernTag.name).where(ConcernTag.team_id == team_id)).all())
    for tag_id, link in current.items():
        if tag_id not in wanted:
            session.delete(link)
    session.add_all(RowTag(row_id=row.id, tag_id=tag_id) for tag_id in wanted - current.keys())
    _change(session, row, action="edited", field="tags", by=by,
            before=sorted(names.get(t, "?") for t in current), after=sorted(names[t] for t in wanted))
    return row


def spans_of(session: Session, *, row: CommentRow) -> list[RowSpan]:
    return list(session.exec(select(RowSpan).where(RowSpan.row_id == row.id).order_by(col(RowSpan.start))).all())


def underline(
    session: Session, *, row: CommentRow, start: int, end: int, exact: str | None = None, by: int | None = None,
) -> list[RowSpan]:
    """Underline text[start:end] of the row's quoted text. Underlines it touches or overlaps join it, so
    spans never overlap. Returns the row's spans in order."""
    quote = anchoring.validate_selection(row.quoted_text, start=start, end=end, exact=exact)
    existing = spans_of(session, row=row)
    ranges = anchoring.merge_ranges([(s.start, s.end) for s in existing] + [(quote.start, quote.end)])
    if len(ranges) > MAX_SPANS_PER_ROW:
        raise InvalidInput(f"A row can have at most {MAX_SPANS_PER_ROW} underlines.")
    return _replace_spans(session, row=row, existing=existing, ranges=ranges, by=by)


def underline_words(
    session: Session, *, row: CommentRow, words: str, occurrence: int = 1, by: int | None = None,
) -> list[RowSpan]:
    start, end = anchoring.find_words(row.quoted_text, words, occurrence=occurrence)
    return underline(session, row=row, start=start, end=end, by=by)


def remove_underline(session: Session, *, row: CommentRow, span_id: int, by: int | None = None) -> list[RowSpan]:
    existing = spans_of(session, row=row)
    if not any(s.id == span_id for s in existing):
        raise NotFound("That underline has already been removed.")
    ranges = [(s.start, s.end) for s in existing if s.id != span_id]
    return _replace_spans(session, row=row, existing=existing, ranges=ranges, by=by)


def replace_underlines(
    session: Session, *, row: CommentRow, ranges: Sequence[tuple[int, int]], by: int | None = None,
) -> list[RowSpan]:
    """Set all underlines at once (imports, restoring history); each range is checked against the text."""
    for start, end in ranges:
        anchoring.quote_at(row.quoted_text, start, end)
    return _replace_spans(session, row=row, existing=spans_of(session, row=row), ranges=anchoring.merge_ranges(
        list(ranges)), by=by)


def _replace_spans(
    session: Session, *, row: CommentRow, existing: list[RowSpan], ranges: list[tuple[int, int]], by: int | None,
) -> list[RowSpan]:
    keep = {(s.start, s.end): s for s in existing}
    result: list[RowSpan] = []
    for start, end in ranges:
        span = keep.pop((start, end), None)
        if span is None:
            quote = anchoring.quote_at(row.quoted_text, start, end)
            span = RowSpan(row_id=row.id, start=start, end=end, exact=quote.exact, prefix=quote.prefix,
                           suffix=quote.suffix)
            session.add(span)
        result.append(span)
    for span in keep.values():
        session.delete(span)
    before = _spans_value(existing)
    _change(session, row, action="edited", field="spans", before=before, after=_spans_value(result), by=by)
    return result


def move_row(
    session: Session, *, row: CommentRow, direction: Literal["up", "down"], by: int | None = None,
) -> CommentRow:
    """Swap the row with its visible neighbour above or below (deleted rows keep their places)."""
    newer = direction == "up"
    order = col(CommentRow.sort_order)
    neighbour = session.exec(
        select(CommentRow)
        .where(
            CommentRow.submission_id == row.submission_id,
            col(CommentRow.deleted_at).is_(None),
            order < row.sort_order if newer else order > row.sort_order,
        )
        .order_by(order.desc() if newer else order)
    ).first()
    if neighbour is None:
        raise InvalidInput(f"This row is already the {'first' if newer else 'last'}.")
    before = row.sort_order
    row.sort_order, neighbour.sort_order = neighbour.sort_order, row.sort_order
    session.add(neighbour)
    _change(session, row, action="moved", field="order", before=before, after=row.sort_order, by=by)
    return row


def delete_row(session: Session, *, row: CommentRow, by: int | None = None) -> CommentRow:
    """Soft delete: the row leaves the table and the export but stays in the bin, restorable (undo)."""
    if row.deleted_at is None:
        row.deleted_at = utcnow()
        _change(session, row, action="deleted", by=by)
    return row


def restore_row(session: Session, *, row: CommentRow, by: int | None = None) -> CommentRow:
    if row.deleted_at is not None:
        row.deleted_at = None
        _change(session, row, action="restored", by=by)
    return row


# --- a past submission read from Word -----------------------------------------------------------------

def import_comment_table(
    session: Session, *, team_id: int, user_id: int | None, table: CommentTable, source: SourceInfo,
    title: str | None = None,
) -> Submission:
    """Store a past comment table: a draft made of the provisions its rows quote (one per distinct
    label and text, in row order) and a submission whose rows keep their texts and underlines."""
    if not table.rows:
        raise InvalidInput("The comment table has no rows to import.")
    provisions: list[SplitProvision] = []
    index_of: dict[tuple[str | None, str | None, str], int] = {}
    for row in table.rows:
        key = (row.provision_label, row.provision_heading, row.provision_text)
        if key not in index_of and not _is_whole_draft(row):
            index_of[key] = len(provisions)
            provisions.append(_provision_from_label(row.provision_label, row.provision_heading, row.provision_text))
    if not provisions:  # only general comments: the draft still needs a body to be a draft
        provisions.append(SplitProvision(kind="preamble", text=table.title or "Imported comment table"))
    draft_title = title or table.title or (PurePath(source.filename).stem if source.filename else None)
    draft = store_draft(
        session, team_id=team_id, user_id=user_id,
        result=SplitResult(provisions=provisions, warnings=[SplitWarning(w) for w in table.warnings]),
        title=draft_title, source_filename=source.filename, source_sha256=source.sha256, source_kind="submission",
    )
    stored = session.exec(
        select(Provision).where(Provision.draft_id == draft.id).order_by(col(Provision.position))
    ).all()
    submission = create_submission(session, draft=draft, user_id=user_id, settings=SubmissionSettings(
        title=(title or table.title or draft.title)[:500], opening_text="\n\n".join(table.paragraphs_before),
    ))
    for order, row in enumerate(table.rows):
        key = (row.provision_label, row.provision_heading, row.provision_text)
        whole_draft = _is_whole_draft(row)
        comment_row = CommentRow(
            submission_id=submission.id, provision_id=None if whole_draft else stored[index_of[key]].id,
            label=row.provision_label, heading=row.provision_heading,
            quoted_text="" if whole_draft else row.provision_text, comment=normalise_newlines(row.comment),
            recommendation=normalise_newlines(row.recommendation), sort_order=order, created_by_id=user_id,
        )
        session.add(comment_row)
        session.flush()
        _record(session, comment_row, action="added", by=user_id)
        if row.spans:
            replace_underlines(session, row=comment_row, ranges=list(row.spans), by=user_id)
    accounts.record(session, team_id=team_id, user_id=user_id, action="submission_imported",
                    summary=f"Past comment table “{submission.title}” imported ({len(table.rows)} rows)")
    return submission


@dataclass(frozen=True, slots=True)
class SourceInfo:
    filename: str | None
    sha256: str | None


# How a row about the whole draft reads back: what our own export writes in each language, and other teams' words.
WHOLE_DRAFT_NAMES = frozenset({wording.whole_draft.lower() for wording in WORDINGS.values()} | {
    "general comment", "general", "overall comments", "总体评论", "一般性意见"})


def _is_whole_draft(row: TableRow) -> bool:
    """A row about the draft as a whole, as our own export writes it ("General comments", no text)."""
    return row.provision_label is None and not row.spans and row.provision_text.strip().lower() in WHOLE_DRAFT_NAMES


def _provision_from_label(label: str | None, heading: str | None, text: str) -> SplitProvision:
    marker = parse_marker(label) if label else None
    kind = marker.kind if marker and marker.kind in ("chapter", "section", "article", "item") else "paragraph"
    return SplitProvision(kind=kind, text=text, number=marker.number if marker else None, label=label,
                          heading=heading)


RESTORABLE_FIELDS = ("comment", "recommendation", "spans", "tags", "kind")


def restore_from_history(
    session: Session, *, row: CommentRow, event: RowEvent, team_id: int, by: int | None,
) -> CommentRow:
    """Put a field back to how it was after an earlier change, as a new change of its own."""
    if event.row_id != row.id or event.field not in RESTORABLE_FIELDS:
        raise InvalidInput("That change cannot be restored.")
    value = event.after
    match event.field:
        case "comment" | "recommendation":
            update_row_text(session, row=row, field=event.field, value=value or "", by=by)
        case "spans":
            replace_underlines(session, row=row, ranges=[(start, end) for start, end, _exact in value or []], by=by)
        case "tags":
            ids = session.exec(select(ConcernTag.id).where(
                ConcernTag.team_id == team_id, col(ConcernTag.name).in_(value or []))).all()
            set_row_tags(session, row=row, team_id=team_id, tag_ids=[i for i in ids if i is not None], by=by)
        case "kind":
            set_row_kind(session, row=row, kind=value, by=by)
    return row


# --- workflow: status, assignee, internal discussion ---------------------------------------------------

_NEEDS_LEAD = {RowStatus.approved}
MAX_NOTE_CHARS = 10_000


def set_row_status(session: Session, *, row: CommentRow, status: str, role: Role, by: int | None) -> CommentRow:
    """draft -> in review -> approved (a lead only) ; any -> withdrawn ; and back. Approving, or taking an
    approval back, needs the lead's permission."""
    try:
        new = RowStatus(status)
    except ValueError:
        raise InvalidInput("A row is a draft, in review, approved or withdrawn.") from None
    if new == row.status:
        return row
    if new in _NEEDS_LEAD or row.status in _NEEDS_LEAD:
        permissions.require(role, permissions.Permission.approve_rows)
    before = row.status.value
    row.status = new
    _change(session, row, action="edited", field="status", before=before, after=new.value, by=by)
    return row


def assign_row(session: Session, *, row: CommentRow, team_id: int, user_id: int | None, by: int | None) -> CommentRow:
    if user_id is not None:
        member = session.exec(select(Membership.id).where(
            Membership.team_id == team_id, Membership.user_id == user_id)).first()
        if member is None:
            raise InvalidInput("Rows can only be assigned to members of the team.")
    if user_id == row.assigned_to_id:
        return row
    names = dict(session.exec(select(User.id, User.display_name).where(
        col(User.id).in_([i for i in (row.assigned_to_id, user_id) if i is not None]))).all())
    before = names.get(row.assigned_to_id) if row.assigned_to_id else None
    row.assigned_to_id = user_id
    _change(session, row, action="edited", field="assignee", before=before,
            after=names.get(user_id) if user_id else None, by=by)
    return row


def add_note(session: Session, *, row: CommentRow, text: str, by: int | None) -> RowNote:
    clean = normalise_newlines(text).strip()
    if not clean:
        raise InvalidInput("Write something before adding a note.")
    if len(clean) > MAX_NOTE_CHARS:
        raise InvalidInput(f"A note can have at most {MAX_NOTE_CHARS:,} characters.")
    note = RowNote(row_id=row.id, user_id=by, text=clean)
    session.add(note)
    session.flush()
    return note
