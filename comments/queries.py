"""Reads. Every query that returns team data takes the team and filters on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from comments.errors import NotFound
from comments.models import (
    CommentRow,
    ConcernTag,
    Draft,
    Membership,
    Provision,
    ProvisionKind,
    RowEvent,
    RowKind,
    RowNote,
    RowSpan,
    RowStatus,
    RowTag,
    Submission,
    User,
)


def list_drafts(session: Session, *, team_id: int) -> Sequence[tuple[Draft, int]]:
    """The team's drafts, newest first, each with its number of articles."""
    articles = (
        select(Provision.draft_id, func.count().label("n"))
        .where(Provision.kind == "article")
        .group_by(col(Provision.draft_id))
        .subquery()
    )
    statement = (
        select(Draft, func.coalesce(articles.c.n, 0))
        .outerjoin(articles, articles.c.draft_id == Draft.id)
        .where(Draft.team_id == team_id)
        .order_by(col(Draft.created_at).desc(), col(Draft.id).desc())
    )
    return session.exec(statement).all()  # type: ignore[return-value]


def get_draft(session: Session, *, team_id: int, draft_id: int) -> Draft:
    draft = session.get(Draft, draft_id)
    if draft is None or draft.team_id != team_id:
        raise NotFound("There is no such draft.")
    return draft


def provisions_of(session: Session, *, draft: Draft) -> Sequence[Provision]:
    statement = select(Provision).where(Provision.draft_id == draft.id).order_by(col(Provision.position))
    return session.exec(statement).all()


# --- comment tables -----------------------------------------------------------------------------------

def list_submissions(session: Session, *, draft: Draft) -> Sequence[tuple[Submission, int]]:
    """The draft's comment tables with their number of (not deleted) rows."""
    counts = (
        select(CommentRow.submission_id, func.count().label("n"))
        .where(col(CommentRow.deleted_at).is_(None))
        .group_by(col(CommentRow.submission_id))
        .subquery()
    )
    statement = (
        select(Submission, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.submission_id == Submission.id)
        .where(Submission.draft_id == draft.id, Submission.team_id == draft.team_id)
        .order_by(col(Submission.created_at), col(Submission.id))
    )
    return session.exec(statement).all()  # type: ignore[return-value]


def list_team_submissions(session: Session, *, team_id: int) -> Sequence[tuple[Submission, Draft]]:
    statement = (
        select(Submission, Draft).join(Draft, col(Submission.draft_id) == Draft.id)
        .where(Submission.team_id == team_id)
        .order_by(col(Submission.updated_at).desc(), col(Submission.id).desc())
    )
    return session.exec(statement).all()  # type: ignore[return-value]


def get_submission(session: Session, *, team_id: int, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None or submission.team_id != team_id:
        raise NotFound("There is no such comment table.")
    return submission


def get_row(session: Session, *, team_id: int, row_id: int) -> tuple[CommentRow, Submission]:
    found = session.exec(
        select(CommentRow, Submission).join(Submission, col(CommentRow.submission_id) == Submission.id)
        .where(CommentRow.id == row_id, Submission.team_id == team_id)
    ).first()
    if found is None:
        raise NotFound("There is no such row.")
    return found


def team_tags(session: Session, *, team_id: int) -> Sequence[ConcernTag]:
    statement = select(ConcernTag).where(ConcernTag.team_id == team_id).order_by(
        col(ConcernTag.sort_order), col(ConcernTag.id))
    return session.exec(statement).all()


def get_tag(session: Session, *, team_id: int, tag_id: int) -> ConcernTag:
    tag = session.get(ConcernTag, tag_id)
    if tag is None or tag.team_id != team_id:
        raise NotFound("There is no such concern tag.")
    return tag


@dataclass(frozen=True, slots=True)
class RowFilter:
    tag_id: int | None = None
    kind: str | None = None
    provision_id: int | None = None
    untagged: bool = False
    status: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.tag_id or self.kind or self.provision_id or self.untagged or self.status)


@dataclass(frozen=True, slots=True)
class RowRecord:
    """A comment row as read for display and export: plain values, no ORM identity (hundreds per page)."""

    id: int
    submission_id: int
    provision_id: int | None
    label: str | None
    heading: str | None
    quoted_text: str
    kind: RowKind
    status: RowStatus
    assigned_to_id: int | None
    comment: str
    recommendation: str
    sort_order: int
    version: int
    deleted_at: datetime | None
    position_id: int | None  # the past position it was made from


@dataclass(frozen=True, slots=True)
class SpanRecord:
    id: int
    start: int
    end: int
    exact: str


@dataclass(slots=True)
class TableRow:
    row: RowRecord
    spans: list[SpanRecord] = field(default_factory=list)
    tag_ids: list[int] = field(default_factory=list)
    note_count: int = 0


_ROW_COLUMNS = tuple(getattr(CommentRow, name) for name in RowRecord.__slots__)


def _record(row: CommentRow) -> RowRecord:
    return RowRecord(*(getattr(row, name) for name in RowRecord.__slots__))


@dataclass(frozen=True, slots=True)
class TableCounts:
    total: int
    by_kind: dict[str, int]
    by_tag: dict[int, int]
    untagged: int
    by_status: dict[str, int]
    articles: int  # in the draft
    articles_covered: int  # with at least one row


def table_rows(
    session: Session, *, submission: Submission, row_filter: RowFilter | None = None, deleted: bool = False,
) -> list[TableRow]:
    """The rows in table order with their spans and tags: three queries whatever the number of rows."""
    row_filter = row_filter or RowFilter()
    statement = select(*_ROW_COLUMNS).where(
        CommentRow.submission_id == submission.id,
        col(CommentRow.deleted_at).is_not(None) if deleted else col(CommentRow.deleted_at).is_(None),
    )
    if row_filter.kind:
        statement = statement.where(CommentRow.kind == row_filter.kind)
    if row_filter.status:
        statement = statement.where(CommentRow.status == row_filter.status)
    if row_filter.provision_id:
        statement = statement.where(CommentRow.provision_id == row_filter.provision_id)
    tagged = select(RowTag.row_id)
    if row_filter.tag_id:
        statement = statement.where(col(CommentRow.id).in_(tagged.where(RowTag.tag_id == row_filter.tag_id)))
    if row_filter.untagged:
        statement = statement.where(col(CommentRow.id).not_in(tagged))
    # Plain column selects, not ORM entities: building hundreds of tracked objects costs more than the SQL.
    core = session.connection()  # Core results: the ORM's result machinery costs more than the SQL here
    rows = core.execute(statement.order_by(col(CommentRow.sort_order), col(CommentRow.id))).all()
    by_id = {row[0]: TableRow(RowRecord(*row)) for row in rows}
    if not by_id:
        return []
    in_submission = CommentRow.submission_id == submission.id
    spans = core.execute(
        select(RowSpan.row_id, RowSpan.id, RowSpan.start, RowSpan.end, RowSpan.exact)
        .join(CommentRow, col(RowSpan.row_id) == CommentRow.id).where(in_submission)
        .order_by(col(RowSpan.row_id), col(RowSpan.start))
    ).all()
    for row_id, *span in spans:
        if row_id in by_id:
            by_id[row_id].spans.append(SpanRecord(*span))
    links = core.execute(
        select(RowTag.row_id, RowTag.tag_id).join(CommentRow, col(RowTag.row_id) == CommentRow.id).where(in_submission)
    ).all()
    for row_id, tag_id in links:
        if row_id in by_id:
            by_id[row_id].tag_ids.append(tag_id)
    notes = core.execute(
        select(RowNote.row_id, func.count()).join(CommentRow, col(RowNote.row_id) == CommentRow.id)
        .where(in_submission).group_by(col(RowNote.row_id))
    ).all()
    for row_id, count in notes:
        if row_id in by_id:
            by_id[row_id].note_count = count
    return list(by_id.values())


def table_counts(session: Session, *, submission: Submission) -> TableCounts:
    live = (CommentRow.submission_id == submission.id, col(CommentRow.deleted_at).is_(None))
    core = session.connection()
    by_kind: dict[object, int] = {}
    by_status: dict[object, int] = {}
    for kind, status, n in core.execute(  # one pass for both breakdowns
        select(CommentRow.kind, CommentRow.status, func.count()).where(*live)
        .group_by(col(CommentRow.kind), col(CommentRow.status))
    ).all():
        by_kind[kind] = by_kind.get(kind, 0) + n
        by_status[status] = by_status.get(status, 0) + n
    by_tag = dict(core.execute(
        select(RowTag.tag_id, func.count()).join(CommentRow, col(RowTag.row_id) == CommentRow.id)
        .where(*live).group_by(col(RowTag.tag_id))
    ).all())
    tagged_rows = select(RowTag.row_id)
    untagged = core.execute(
        select(func.count()).select_from(CommentRow).where(*live, col(CommentRow.id).not_in(tagged_rows))
    ).scalar_one()
    articles = core.execute(select(func.count()).select_from(Provision).where(
        Provision.draft_id == submission.draft_id, Provision.kind == ProvisionKind.article)).scalar_one()
    covered = core.execute(select(func.count(func.distinct(CommentRow.provision_id))).join(
        Provision, col(CommentRow.provision_id) == Provision.id).where(*live, Provision.kind == ProvisionKind.article)
    ).scalar_one()
    return TableCounts(
        total=sum(by_kind.values()),
        by_kind={str(k.value if hasattr(k, "value") else k): n for k, n in by_kind.items()},
        by_tag=by_tag,
        untagged=untagged,
        by_status={str(k.value if hasattr(k, "value") else k): n for k, n in by_status.items()},
        articles=articles,
        articles_covered=covered,
    )


def table_row(session: Session, *, row: CommentRow) -> TableRow:
    """One row with its spans and tags, for re-rendering it after an edit."""
    spans = session.execute(
        select(RowSpan.id, RowSpan.start, RowSpan.end, RowSpan.exact).where(RowSpan.row_id == row.id)
        .order_by(col(RowSpan.start))
    ).all()
    tag_ids = session.exec(select(RowTag.tag_id).where(RowTag.row_id == row.id)).all()
    notes = session.exec(select(func.count()).select_from(RowNote).where(RowNote.row_id == row.id)).one()
    return TableRow(_record(row), spans=[SpanRecord(*s) for s in spans], tag_ids=list(tag_ids), note_count=notes)


@dataclass(frozen=True, slots=True)
class ShownRow:
    """One row with everything its place in the table shows."""

    entry: TableRow
    tags: list[ConcernTag]  # the row's tags, in the team's order
    assignee: str | None  # the assigned member's name (None if unassigned or no longer in the team)


def shown_row(session: Session, *, row: CommentRow, team_id: int) -> ShownRow:
    """One row for the table, in three queries: its spans, its tags, and its note count with its assignee's
    name. Only the row's own tags and member are read, not the team's lists (this runs on every live update)."""
    spans = session.execute(
        select(RowSpan.id, RowSpan.start, RowSpan.end, RowSpan.exact).where(RowSpan.row_id == row.id)
        .order_by(col(RowSpan.start))
    ).all()
    tags = list(session.exec(
        select(ConcernTag).join(RowTag, col(RowTag.tag_id) == ConcernTag.id)
        .where(RowTag.row_id == row.id, ConcernTag.team_id == team_id)
        .order_by(col(ConcernTag.sort_order), col(ConcernTag.id))
    ).all())
    note_count = select(func.count()).select_from(RowNote).where(RowNote.row_id == row.id).scalar_subquery()
    assignee = (
        select(User.display_name).join(Membership, col(Membership.user_id) == User.id)
        .where(User.id == row.assigned_to_id, Membership.team_id == team_id).scalar_subquery()
    )
    notes, name = session.execute(select(note_count, assignee)).one()
    entry = TableRow(_record(row), spans=[SpanRecord(*s) for s in spans], tag_ids=[t.id for t in tags if t.id],
                     note_count=notes)
    return ShownRow(entry, tags, name if row.assigned_to_id else None)


def next_live_row(session: Session, *, row: CommentRow) -> CommentRow | None:
    """The row shown right after this one (deleted rows are not shown)."""
    statement = select(CommentRow).where(
        CommentRow.submission_id == row.submission_id, col(CommentRow.deleted_at).is_(None),
        col(CommentRow.sort_order) > row.sort_order,
    ).order_by(col(CommentRow.sort_order)).limit(1)
    return session.exec(statement).first()


def commented_provisions(session: Session, *, submission: Submission) -> Sequence[tuple[int, str | None, str | None]]:
    """(id, label, heading) of the provisions that have rows, in document order: what the table filters on."""
    statement = (
        select(Provision.id, Provision.label, Provision.heading)
        .where(col(Provision.id).in_(
            select(CommentRow.provision_id).where(
                CommentRow.submission_id == submission.id, col(CommentRow.deleted_at).is_(None))
        ))
        .order_by(col(Provision.position))
    )
    return session.connection().execute(statement).all()  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    id: int
    kind: ProvisionKind
    label: str | None
    heading: str | None
    parent_id: int | None
    text_start: str  # the first characters of the provision's own text


def provision_outline(session: Session, *, draft: Draft, text_chars: int = 120) -> list[OutlineEntry]:
    """The draft's provisions in document order without their full texts (for pickers)."""
    statement = (
        select(Provision.id, Provision.kind, Provision.label, Provision.heading, Provision.parent_id,
               func.substr(Provision.text, 1, text_chars))
        .where(Provision.draft_id == draft.id).order_by(col(Provision.position))
    )
    return [OutlineEntry(*row) for row in session.execute(statement).all()]


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    event: RowEvent
    who: str | None


def row_history(session: Session, *, row: CommentRow) -> list[HistoryEntry]:
    """Every change to the row, newest first, with the name of who made it."""
    statement = (
        select(RowEvent, User.display_name).join(User, col(RowEvent.user_id) == User.id, isouter=True)
        .where(RowEvent.row_id == row.id).order_by(col(RowEvent.id).desc())
    )
    return [HistoryEntry(event, who) for event, who in session.exec(statement).all()]


def get_row_event(session: Session, *, row: CommentRow, event_id: int) -> RowEvent:
    event = session.get(RowEvent, event_id)
    if event is None or event.row_id != row.id:
        raise NotFound("There is no such change in this row's history.")
    return event



@dataclass(frozen=True, slots=True)
class NoteEntry:
    note: RowNote
    who: str | None


def notes_of(session: Session, *, row: CommentRow) -> list[NoteEntry]:
    statement = (
        select(RowNote, User.display_name).join(User, col(RowNote.user_id) == User.id, isouter=True)
        .where(RowNote.row_id == row.id).order_by(col(RowNote.id))
    )
    return [NoteEntry(note, who) for note, who in session.exec(statement).all()]


def team_members(session: Session, *, team_id: int) -> Sequence[tuple[int, str]]:
    statement = (
        select(User.id, User.display_name).join(Membership, col(Membership.user_id) == User.id)
        .where(Membership.team_id == team_id).order_by(col(User.display_name))
    )
    return session.exec(statement).all()  # type: ignore[return-value]


def positions_used(session: Session, *, submission_id: int) -> set[tuple[int | None, int]]:
    """(provision id, position id) of the live rows made from a position: what "use" need not offer again."""
    rows = session.exec(select(CommentRow.provision_id, CommentRow.position_id).where(
        CommentRow.submission_id == submission_id, col(CommentRow.position_id).is_not(None),
        col(CommentRow.deleted_at).is_(None))).all()
    return {(provision_id, position_id) for provision_id, position_id in rows if position_id is not None}
