"""Reads. Every query that returns team data takes the team and filters on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy import bindparam, func
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


class _TeamObject(Protocol):
    team_id: int


TeamObject = TypeVar("TeamObject", bound=_TeamObject)


def team_owned(session: Session, model: type[TeamObject], object_id: object, *, team_id: int,
               missing: str) -> TeamObject:
    """The object with this id if it belongs to the team. Another team's object raises NotFound with the same
    sentence as one that does not exist: team isolation by id lives here."""
    found = session.get(model, object_id)
    if found is None or found.team_id != team_id:
        raise NotFound(missing)
    return found


def get_draft(session: Session, *, team_id: int, draft_id: int) -> Draft:
    return team_owned(session, Draft, draft_id, team_id=team_id, missing="There is no such draft.")


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
    return team_owned(session, Submission, submission_id, team_id=team_id, missing="There is no such comment table.")


_ROW_OF_TEAM = (
    select(CommentRow, Submission).join(Submission, col(CommentRow.submission_id) == Submission.id)
    .where(CommentRow.id == bindparam("row_id"), Submission.team_id == bindparam("team_id"))
)


def get_row(session: Session, *, team_id: int, row_id: int) -> tuple[CommentRow, Submission]:
    found = session.exec(_ROW_OF_TEAM, params={"row_id": row_id, "team_id": team_id}).first()  # type: ignore[call-overload]
    if found is None:
        raise NotFound("There is no such row.")
    return found  # type: ignore[no-any-return]


_TEAM_TAGS = select(ConcernTag).where(ConcernTag.team_id == bindparam("team_id")).order_by(
    col(ConcernTag.sort_order), col(ConcernTag.id))


def team_tags(session: Session, *, team_id: int) -> Sequence[ConcernTag]:
    return session.exec(_TEAM_TAGS, params={"team_id": team_id}).all()  # type: ignore[call-overload,no-any-return]


def get_tag(session: Session, *, team_id: int, tag_id: int) -> ConcernTag:
    return team_owned(session, ConcernTag, tag_id, team_id=team_id, missing="There is no such concern tag.")


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

    def admits(self, row: RowOutline) -> bool:
        """The same test as table_rows() makes in SQL, on a row's outline."""
        return ((not self.kind or row.kind.value == self.kind)
                and (not self.status or row.status.value == self.status)
                and (not self.provision_id or row.provision_id == self.provision_id)
                and (not self.tag_id or self.tag_id in row.tag_ids)
                and (not self.untagged or not row.tag_ids))


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


@dataclass(frozen=True, slots=True)
class RowOutline:
    """A live row without its texts: enough to filter and count it and to find its cached rendering."""

    id: int
    version: int
    kind: RowKind
    status: RowStatus
    provision_id: int | None
    on_article: bool  # its provision is an article (not a chapter, paragraph or item)
    tag_ids: tuple[int, ...]
    note_count: int


@dataclass(frozen=True, slots=True)
class TableOutline:
    rows: list[RowOutline]  # in table order
    counts: TableCounts


_LIVE_ROW = (CommentRow.submission_id == bindparam("submission_id"), col(CommentRow.deleted_at).is_(None))
_OUTLINE_ROWS = (
    select(CommentRow.id, CommentRow.version, CommentRow.kind, CommentRow.status, CommentRow.provision_id,
           Provision.kind)
    .outerjoin(Provision, col(CommentRow.provision_id) == Provision.id).where(*_LIVE_ROW)
    .order_by(col(CommentRow.sort_order), col(CommentRow.id))
)
_OUTLINE_TAGS = (
    select(RowTag.row_id, RowTag.tag_id).join(CommentRow, col(RowTag.row_id) == CommentRow.id).where(*_LIVE_ROW)
    .order_by(col(RowTag.row_id), col(RowTag.tag_id))
)
_OUTLINE_NOTES = (
    select(RowNote.row_id, func.count()).join(CommentRow, col(RowNote.row_id) == CommentRow.id).where(*_LIVE_ROW)
    .group_by(col(RowNote.row_id))
)
_DRAFT_ARTICLES = select(func.count()).select_from(Provision).where(
    Provision.draft_id == bindparam("draft_id"), Provision.kind == ProvisionKind.article)


def table_outline(session: Session, *, submission: Submission) -> TableOutline:
    """Every live row of the table without its texts, and the table's counts worked out from them: four small
    queries (built once) whatever the number of rows. The table page reads full rows only for those not in its
    cache."""
    core = session.connection()
    params = {"submission_id": submission.id, "draft_id": submission.draft_id}
    rows = core.execute(_OUTLINE_ROWS, params).all()
    tags: dict[int, list[int]] = {}
    for row_id, tag_id in core.execute(_OUTLINE_TAGS, params).all():
        tags.setdefault(row_id, []).append(tag_id)
    notes = dict(core.execute(_OUTLINE_NOTES, params).all())
    articles = core.execute(_DRAFT_ARTICLES, params).scalar_one()
    outline = [
        RowOutline(id=row_id, version=version, kind=RowKind(kind), status=RowStatus(status),
                   provision_id=provision_id, on_article=provision_kind is not None
                   and ProvisionKind(provision_kind) == ProvisionKind.article,
                   tag_ids=tuple(tags.get(row_id, ())), note_count=notes.get(row_id, 0))
        for row_id, version, kind, status, provision_id, provision_kind in rows
    ]
    return TableOutline(outline, _counts(outline, articles=articles))


def _counts(rows: Sequence[RowOutline], *, articles: int) -> TableCounts:
    by_kind: dict[str, int] = {}
    by_status: dict[str, int] = {}
    by_tag: dict[int, int] = {}
    for row in rows:
        by_kind[row.kind.value] = by_kind.get(row.kind.value, 0) + 1
        by_status[row.status.value] = by_status.get(row.status.value, 0) + 1
        for tag_id in row.tag_ids:
            by_tag[tag_id] = by_tag.get(tag_id, 0) + 1
    return TableCounts(
        total=len(rows), by_kind=by_kind, by_tag=by_tag, untagged=sum(1 for row in rows if not row.tag_ids),
        by_status=by_status, articles=articles,
        articles_covered=len({row.provision_id for row in rows if row.on_article}),
    )


def table_counts(session: Session, *, submission: Submission) -> TableCounts:
    return table_outline(session, submission=submission).counts


def full_rows(session: Session, *, outline: Sequence[RowOutline]) -> dict[int, TableRow]:
    """The texts and underlines of these rows (their tags and note counts come from the outline)."""
    if not outline:
        return {}
    core = session.connection()
    ids = [row.id for row in outline]
    by_id = {row.id: row for row in outline}
    found: dict[int, TableRow] = {}
    for values in core.execute(select(*_ROW_COLUMNS).where(col(CommentRow.id).in_(ids))).all():
        seen = by_id[values[0]]
        found[values[0]] = TableRow(RowRecord(*values), tag_ids=list(seen.tag_ids), note_count=seen.note_count)
    for row_id, *span in core.execute(
        select(RowSpan.row_id, RowSpan.id, RowSpan.start, RowSpan.end, RowSpan.exact)
        .where(col(RowSpan.row_id).in_(ids)).order_by(col(RowSpan.row_id), col(RowSpan.start))
    ).all():
        if row_id in found:
            found[row_id].spans.append(SpanRecord(*span))
    return found


@dataclass(frozen=True, slots=True)
class ShownRow:
    """One row with everything its place in the table shows."""

    entry: TableRow
    tags: list[ConcernTag]  # the row's tags, in the team's order
    assignee: str | None  # the assigned member's name (None if unassigned or no longer in the team)


# Built once: live updates and row reads run these all the time.
_SHOWN_NOTES_AND_ASSIGNEE = select(
    select(func.count()).select_from(RowNote).where(RowNote.row_id == bindparam("row_id"))
    .scalar_subquery().label("notes"),
    select(User.display_name).join(Membership, col(Membership.user_id) == User.id)
    .where(User.id == bindparam("assignee_id"), Membership.team_id == bindparam("team_id"))
    .scalar_subquery().label("assignee"),
).subquery()
# The note count and the assignee's name, with the row's spans (if any) joined on: one round trip, one result
# row at least.
_SHOWN_SPANS_NOTES_ASSIGNEE = (
    select(_SHOWN_NOTES_AND_ASSIGNEE.c.notes, _SHOWN_NOTES_AND_ASSIGNEE.c.assignee,
           RowSpan.id, RowSpan.start, RowSpan.end, RowSpan.exact)
    .select_from(_SHOWN_NOTES_AND_ASSIGNEE)
    .outerjoin(RowSpan, col(RowSpan.row_id) == bindparam("row_id"))
    .order_by(col(RowSpan.start))
)
_SHOWN_TAGS = (
    select(ConcernTag).join(RowTag, col(RowTag.tag_id) == ConcernTag.id)
    .where(RowTag.row_id == bindparam("row_id"), ConcernTag.team_id == bindparam("team_id"))
    .order_by(col(ConcernTag.sort_order), col(ConcernTag.id))
)


def shown_row(session: Session, *, row: CommentRow, team_id: int) -> ShownRow:
    """One row for the table, in two queries: its spans with its note count and its assignee's name, and its
    tags. Only the row's own tags and member are read, not the team's lists (this runs on every live update).
    The statements are built once: building one costs more CPU than running it."""
    params = {"row_id": row.id, "team_id": team_id, "assignee_id": row.assigned_to_id}
    found = session.connection().execute(_SHOWN_SPANS_NOTES_ASSIGNEE, params).all()
    tags = list(session.exec(_SHOWN_TAGS, params=params).all())  # type: ignore[call-overload]
    notes, name = found[0][0], found[0][1]
    spans = [SpanRecord(*r[2:]) for r in found if r[2] is not None]  # no span: one row of NULLs
    entry = TableRow(_record(row), spans=spans, tag_ids=[t.id for t in tags if t.id], note_count=notes)
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
