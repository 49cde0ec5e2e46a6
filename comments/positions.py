"""The positions library: a team's past arguments, kept to be reused on new drafts.

A position holds a comment and a recommendation and the provision text they answered, with the underlined
words. It fills itself from rows ("save to library"), from a finalised submission (every row), and from past
Word files. On a new draft, suggestions rank positions by how much their provision resembles each new
provision (comments.matching); "use this position" turns one into an ordinary row, its references adapted.
Like every write module, functions flush and never commit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_
from sqlalchemy import update as sql_update
from sqlmodel import Session, col, select

from comments import accounts, anchoring, queries, submissions
from comments.errors import InvalidInput, NotFound
from comments.importing.comment_table import CommentTable
from comments.matching import MatchIndex
from comments.models import (
    CommentRow,
    ConcernTag,
    Draft,
    Position,
    PositionSource,
    PositionStatus,
    PositionTag,
    Provision,
    RowSpan,
    RowStatus,
    RowTag,
    Submission,
    WatchPhrase,
    utcnow,
)

MAX_TITLE = 300
TITLE_WORDS = 12


# --- filling the library ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Saved:
    """What saving a row to the library did: `position` is the row's position; `reused` when the row was made
    from `position` and left unchanged, so nothing was added (the use was recorded)."""

    position: Position
    reused: bool = False


def save_row(session: Session, *, row: CommentRow, submission: Submission, by: int | None) -> Position:
    """A row of a comment table becomes a position (again: a row saved twice updates its position). A row made
    from a position and left unchanged gives that position back instead of a copy (see save_row_to_library)."""
    return save_row_to_library(session, row=row, submission=submission, by=by).position


def save_row_to_library(session: Session, *, row: CommentRow, submission: Submission, by: int | None) -> Saved:
    if not (row.comment.strip() or row.recommendation.strip()):
        raise InvalidInput("Write a comment or a recommendation before saving the row to the library.")
    origin = origin_of(session, row=row, team_id=submission.team_id)
    if origin is not None and unchanged_from(session, row=row, position=origin, submission=submission):
        _record_use(session, position=origin, row=row, submission=submission)
        return Saved(origin, reused=True)
    mine = select(Position).join(PositionSource, col(PositionSource.position_id) == Position.id).where(
        PositionSource.row_id == row.id, Position.status != PositionStatus.merged)
    if origin is not None:  # an edited reused row: its own position, never the one it came from
        mine = mine.where(Position.id != origin.id)
    existing = session.exec(mine).first()
    spans = session.exec(select(RowSpan.start, RowSpan.end).where(RowSpan.row_id == row.id)
                         .order_by(col(RowSpan.start))).all()
    tag_ids = list(session.exec(select(RowTag.tag_id).where(RowTag.row_id == row.id)).all())
    position = existing or Position(team_id=submission.team_id, title="", created_by_id=by)
    position.title = position.title or _title_for(row.label, row.heading, row.comment or row.recommendation)
    position.comment = row.comment
    position.recommendation = row.recommendation
    position.provision_label = row.label
    position.provision_heading = row.heading
    position.provision_text = row.quoted_text
    position.spans = [[start, end] for start, end in spans]
    position.updated_at = utcnow()
    session.add(position)
    session.flush()
    assert position.id is not None
    _set_tags(session, position_id=position.id, tag_ids=tag_ids)
    if existing is None:
        # The source names the row; a row made from a position (row.position_id) thus links back to its origin.
        session.add(_source_for(session, position_id=position.id, row=row, submission=submission))
        session.flush()
    return Saved(position)


def _source_for(session: Session, *, position_id: int, row: CommentRow, submission: Submission) -> PositionSource:
    draft = session.get(Draft, submission.draft_id)
    return PositionSource(
        position_id=position_id, draft_title=draft.title if draft else "", label=row.label,
        submission_title=submission.title, filed_on=submission.submission_date, draft_id=submission.draft_id,
        submission_id=submission.id, row_id=row.id, regulation_short_name=short_name(draft.title) if draft else None,
    )


def _record_use(session: Session, *, position: Position, row: CommentRow, submission: Submission) -> None:
    """The position was used, unchanged, on this row: it gains the row as a source (once). Its reuse count
    went up when the row was made from it (use()), so it is not counted again."""
    assert position.id is not None
    known = session.exec(select(PositionSource.id).where(PositionSource.position_id == position.id,
                                                         PositionSource.row_id == row.id)).first()
    if known is None:
        session.add(_source_for(session, position_id=position.id, row=row, submission=submission))
        session.flush()


def origin_of(session: Session, *, row: CommentRow, team_id: int) -> Position | None:
    """The position a row was made from, following merges (a merged position lives on in the one it joined)."""
    position = session.get(Position, row.position_id) if row.position_id is not None else None
    if position is None:
        return None
    position = _live(session, position)
    return None if position.team_id != team_id or position.status == PositionStatus.merged else position


def unchanged_from(session: Session, *, row: CommentRow, position: Position, submission: Submission) -> bool:
    """Whether the row still says what the position says: its comment and recommendation as use() wrote them
    (references adapted) or as the position has them, spacing aside."""
    draft = session.get(Draft, submission.draft_id)
    renames = _renames_for(session, position=position, new_label=row.label, draft=draft)
    return all(
        _same(typed, adapt(theirs, renames)) or _same(typed, theirs)
        for typed, theirs in ((row.comment, position.comment), (row.recommendation, position.recommendation))
    )


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def finalise(session: Session, *, submission: Submission, by: int | None) -> int:
    """Mark the submission final and put every live row with text into the library. Returns how many rows were
    saved; a row made from a position and left unchanged adds nothing (the position records the use)."""
    rows = session.exec(
        select(CommentRow).where(CommentRow.submission_id == submission.id, col(CommentRow.deleted_at).is_(None),
                                 CommentRow.status != RowStatus.withdrawn)
        .order_by(col(CommentRow.sort_order))
    ).all()
    saved = reused = 0
    for row in rows:
        if row.comment.strip() or row.recommendation.strip():
            done = save_row_to_library(session, row=row, submission=submission, by=by)
            reused += done.reused
            saved += not done.reused
    submission.finalised_at = utcnow()
    session.add(submission)
    session.flush()
    summary = f"“{submission.title}” finalised: {saved} rows saved to the positions library"
    if reused:
        summary += f", {reused} reused unchanged (already in the library)"
    accounts.record(session, team_id=submission.team_id, user_id=by, action="submission_finalised", summary=summary)
    return saved


@dataclass(frozen=True, slots=True)
class FileImport:
    filename: str
    positions: int  # added to the library
    warnings: list[str]
    already: int = 0  # rows with text that the library holds already (this file imported before, or the same
    # provision text, comment and recommendation from elsewhere)

    @property
    def message(self) -> str:
        """"2 positions added" / "1 position added, 1 already in the library" / "nothing added: all 2 positions
        already in the library"."""
        def count(n: int) -> str:
            return f"{n} position{'s' if n != 1 else ''}"

        if self.already and not self.positions:
            return f"nothing added: {'all ' if self.already > 1 else ''}{count(self.already)} already in the library"
        added = f"{count(self.positions)} added"
        return f"{added}, {self.already} already in the library" if self.already else added


def _key(*texts: str) -> tuple[str, ...]:
    return tuple(" ".join(text.split()).casefold() for text in texts)


def import_table(
    session: Session, *, team_id: int, table: CommentTable, filename: str, by: int | None,
    filed_on: date | None = None,
) -> FileImport:
    """Every row of a past Word comment table with a comment or recommendation becomes a position, tagged by
    the team's watch phrases. Nothing is added twice: a row already imported from this file (same file name and
    title, label and provision text, even if its position was edited or merged since) or whose provision
    text, comment and recommendation a position holds already is counted as "already in the library"; a
    position holding it from another file gains this file as a source."""
    phrases = watch_phrases(session, team_id=team_id)
    title = table.title or filename
    stored_name = filename[:255]
    # This file's rows, as imported before: (label, provision text) -> how many (several rows may share one).
    from_this_file: Counter[tuple[str, ...]] = Counter(
        _key(label or "", text) for label, text in session.exec(
            select(PositionSource.label, Position.provision_text)
            .join(Position, col(Position.id) == PositionSource.position_id)
            .where(Position.team_id == team_id, PositionSource.filename == stored_name,
                   PositionSource.draft_title == title[:500])
        ).all()
    )
    same_text: dict[tuple[str, ...], Position] = {}
    for position in session.exec(select(Position).where(Position.team_id == team_id)
                                 .order_by(col(Position.id))).all():
        same_text.setdefault(_key(position.provision_text, position.comment, position.recommendation), position)
    created = already = 0
    for row in table.rows:
        if not (row.comment.strip() or row.recommendation.strip()):
            continue
        mine = _key(row.provision_label or "", row.provision_text)
        if from_this_file[mine] > 0:
            from_this_file[mine] -= 1
            already += 1
            continue
        known = same_text.get(_key(row.provision_text, row.comment, row.recommendation))
        if known is not None:
            _add_file_source(session, position=_live(session, known), title=title, label=row.provision_label,
                             filename=stored_name, filed_on=filed_on)
            already += 1
            continue
        position = Position(
            team_id=team_id, title=_title_for(row.provision_label, row.provision_heading, row.comment or
                                              row.recommendation),
            comment=row.comment, recommendation=row.recommendation, provision_label=row.provision_label,
            provision_heading=row.provision_heading, provision_text=row.provision_text,
            spans=[[start, end] for start, end in row.spans], created_by_id=by,
        )
        session.add(position)
        session.flush()
        assert position.id is not None
        _add_file_source(session, position=position, title=title, label=row.provision_label, filename=stored_name,
                         filed_on=filed_on)
        flagged = {flag.tag_id for flag in flags_in(row.provision_text, phrases)}
        _set_tags(session, position_id=position.id, tag_ids=sorted(flagged))
        same_text[_key(row.provision_text, row.comment, row.recommendation)] = position
        created += 1
    session.flush()
    summary = f"{created} positions imported from {filename}"
    if already:
        summary += f" ({already} already in the library)"
    accounts.record(session, team_id=team_id, user_id=by, action="positions_imported", summary=summary)
    return FileImport(filename=filename, positions=created, warnings=list(table.warnings), already=already)


def _live(session: Session, position: Position) -> Position:
    """A merged position's text lives on in the one it was merged into."""
    for _ in range(20):
        if position.status != PositionStatus.merged or position.merged_into_id is None:
            break
        kept = session.get(Position, position.merged_into_id)
        if kept is None:
            break
        position = kept
    return position


def _add_file_source(
    session: Session, *, position: Position, title: str, label: str | None, filename: str, filed_on: date | None,
) -> None:
    assert position.id is not None
    known = session.exec(select(PositionSource.id).where(
        PositionSource.position_id == position.id, PositionSource.filename == filename,
        PositionSource.draft_title == title[:500],
        col(PositionSource.label).is_(None) if label is None else PositionSource.label == label)).first()
    if known is None:
        session.add(PositionSource(
            position_id=position.id, draft_title=title[:500], label=label, submission_title=title[:500],
            filed_on=filed_on, filename=filename, regulation_short_name=(short_name(title) or "")[:200] or None,
        ))
        session.flush()


# --- editing -------------------------------------------------------------------------------------------------

def update(
    session: Session, *, position: Position, title: str, comment: str, recommendation: str, tag_ids: Sequence[int],
) -> Position:
    title = " ".join(title.split())[:MAX_TITLE]
    if not title:
        raise InvalidInput("Give the position a short title.")
    position.title = title
    position.comment = submissions.normalise_newlines(comment)
    position.recommendation = submissions.normalise_newlines(recommendation)
    position.updated_at = utcnow()
    session.add(position)
    assert position.id is not None
    _set_tags(session, position_id=position.id, tag_ids=_team_tag_ids(session, position.team_id, tag_ids))
    session.flush()
    return position


def set_retired(session: Session, *, position: Position, retired: bool) -> None:
    if position.status == PositionStatus.merged:
        raise InvalidInput("This position was merged into another; edit that one.")
    position.status = PositionStatus.retired if retired else PositionStatus.active
    position.updated_at = utcnow()
    session.add(position)
    session.flush()


def merge(session: Session, *, keep: Position, other: Position) -> Position:
    """Two near-duplicates become one: `keep` gains the other's sources, tags and reuse count."""
    if keep.id == other.id:
        raise InvalidInput("Choose two different positions to merge.")
    if keep.team_id != other.team_id:
        raise NotFound("There is no such position.")
    if PositionStatus.merged in (keep.status, other.status):
        raise InvalidInput("A merged position cannot be merged again; use the one it was merged into.")
    assert keep.id is not None and other.id is not None
    for source in session.exec(select(PositionSource).where(PositionSource.position_id == other.id)).all():
        source.position_id = keep.id
        session.add(source)
    tags = set(session.exec(select(PositionTag.tag_id).where(PositionTag.position_id == keep.id)).all())
    tags |= set(session.exec(select(PositionTag.tag_id).where(PositionTag.position_id == other.id)).all())
    _set_tags(session, position_id=keep.id, tag_ids=sorted(tags))
    keep.reuse_count += other.reuse_count
    if other.last_reused_at and (keep.last_reused_at is None or other.last_reused_at > keep.last_reused_at):
        keep.last_reused_at = other.last_reused_at
    keep.updated_at = utcnow()
    other.status = PositionStatus.merged
    other.merged_into_id = keep.id
    session.add_all([keep, other])
    session.flush()
    return keep


def _set_tags(session: Session, *, position_id: int, tag_ids: Iterable[int]) -> None:
    wanted = set(tag_ids)
    have = set(session.exec(select(PositionTag.tag_id).where(PositionTag.position_id == position_id)).all())
    for tag_id in have - wanted:
        session.delete(session.get(PositionTag, (position_id, tag_id)))
    session.add_all(PositionTag(position_id=position_id, tag_id=tag_id) for tag_id in wanted - have)
    session.flush()


def _team_tag_ids(session: Session, team_id: int, tag_ids: Sequence[int]) -> list[int]:
    if not tag_ids:
        return []
    found = session.exec(select(ConcernTag.id).where(ConcernTag.team_id == team_id,
                                                     col(ConcernTag.id).in_(list(tag_ids)))).all()
    if len(set(found)) != len(set(tag_ids)):
        raise NotFound("There is no such concern tag.")
    return [tag_id for tag_id in found if tag_id is not None]


# --- reading -------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PositionCard:
    position: Position
    tags: list[str]
    sources: list[PositionSource]


def get_position(session: Session, *, team_id: int, position_id: int) -> Position:
    return queries.team_owned(session, Position, position_id, team_id=team_id, missing="There is no such position.")


@dataclass(frozen=True, slots=True)
class PositionSearch:
    text: str = ""
    tag_id: int | None = None
    source: str = ""  # words of the source draft's or submission's title, or a file name
    include_retired: bool = False


def search(session: Session, *, team_id: int, query: PositionSearch, limit: int = 200) -> list[PositionCard]:
    statement = select(Position).where(Position.team_id == team_id, Position.status != PositionStatus.merged)
    if not query.include_retired:
        statement = statement.where(Position.status == PositionStatus.active)
    for word in query.text.split()[:10]:
        pattern = f"%{_escape_like(word)}%"
        statement = statement.where(or_(*(
            func.lower(column).like(func.lower(pattern), escape="\\")
            for column in (col(Position.title), col(Position.comment), col(Position.recommendation),
                           col(Position.provision_text), col(Position.provision_label))
        )))
    if query.tag_id is not None:
        statement = statement.where(col(Position.id).in_(
            select(PositionTag.position_id).where(PositionTag.tag_id == query.tag_id)))
    if query.source.strip():
        pattern = f"%{_escape_like(query.source.strip())}%"
        statement = statement.where(col(Position.id).in_(select(PositionSource.position_id).where(or_(
            func.lower(col(PositionSource.draft_title)).like(func.lower(pattern), escape="\\"),
            func.lower(col(PositionSource.submission_title)).like(func.lower(pattern), escape="\\"),
            func.lower(col(PositionSource.filename)).like(func.lower(pattern), escape="\\"),
        ))))
    positions = session.exec(statement.order_by(col(Position.updated_at).desc()).limit(limit)).all()
    return cards(session, positions)


def adapted_from(session: Session, *, position: Position) -> list[Position]:
    """The positions this one was adapted from: it was saved from a row made from them (row.position_id) and
    then edited."""
    origin_ids = session.exec(
        select(CommentRow.position_id).join(PositionSource, col(PositionSource.row_id) == CommentRow.id)
        .where(PositionSource.position_id == position.id, col(CommentRow.position_id).is_not(None),
               CommentRow.position_id != position.id)
    ).all()
    ids = sorted({origin_id for origin_id in origin_ids if origin_id is not None})
    return search_ids(session, team_id=position.team_id, ids=ids)


def search_ids(session: Session, *, team_id: int, ids: Sequence[int]) -> list[Position]:
    """The team's positions with these ids, in one query (others' ids are left out)."""
    if not ids:
        return []
    return list(session.exec(select(Position).where(Position.team_id == team_id, col(Position.id).in_(ids))).all())


def cards(session: Session, positions: Sequence[Position]) -> list[PositionCard]:
    ids = [p.id for p in positions if p.id is not None]
    tags: dict[int, list[str]] = {}
    for position_id, name in session.exec(
        select(PositionTag.position_id, ConcernTag.name).join(ConcernTag, col(ConcernTag.id) == PositionTag.tag_id)
        .where(col(PositionTag.position_id).in_(ids)).order_by(col(ConcernTag.sort_order))
    ).all():
        tags.setdefault(position_id, []).append(name)
    sources: dict[int, list[PositionSource]] = {}
    for source in session.exec(select(PositionSource).where(col(PositionSource.position_id).in_(ids))
                               .order_by(col(PositionSource.id))).all():
        sources.setdefault(source.position_id, []).append(source)
    return [PositionCard(p, tags.get(p.id or 0, []), sources.get(p.id or 0, [])) for p in positions]


def active_positions(session: Session, *, team_id: int) -> list[tuple[int, str]]:
    """(id, provision text) of every position that suggestions may offer."""
    rows = session.exec(select(Position.id, Position.provision_text).where(
        Position.team_id == team_id, Position.status == PositionStatus.active)).all()
    return [(position_id, text) for position_id, text in rows if position_id is not None and text.strip()]


def library_version(session: Session, *, team_id: int) -> tuple[int, str]:
    """Changes whenever suggestions could change: a cache key for the team's match index."""
    count, latest = session.exec(select(func.count(), func.max(Position.updated_at)).where(
        Position.team_id == team_id)).one()
    return int(count), str(latest)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- watch phrases ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Flag:
    tag_id: int
    tag_name: str
    phrase: str


def watch_phrases(session: Session, *, team_id: int) -> list[Flag]:
    rows = session.exec(
        select(WatchPhrase.tag_id, ConcernTag.name, WatchPhrase.phrase)
        .join(ConcernTag, col(ConcernTag.id) == WatchPhrase.tag_id)
        .where(WatchPhrase.team_id == team_id).order_by(col(ConcernTag.sort_order), col(WatchPhrase.phrase))
    ).all()
    return [Flag(tag_id, name, phrase) for tag_id, name, phrase in rows]


def watch_phrase_rows(session: Session, *, team_id: int) -> list[WatchPhrase]:
    return list(session.exec(select(WatchPhrase).where(WatchPhrase.team_id == team_id)
                             .order_by(col(WatchPhrase.phrase))).all())


def flags_in(text: str, phrases: Sequence[Flag]) -> list[Flag]:
    """The phrases that occur in the text (case and spacing aside), one per tag: the first that matched."""
    folded = " ".join(text.casefold().split())
    found: dict[int, Flag] = {}
    for flag in phrases:
        if flag.tag_id not in found and " ".join(flag.phrase.casefold().split()) in folded:
            found[flag.tag_id] = flag
    return list(found.values())


def add_watch_phrase(session: Session, *, team_id: int, tag_id: int, phrase: str) -> WatchPhrase:
    clean = " ".join(phrase.split())
    if not clean:
        raise InvalidInput("Type the phrase to watch for.")
    if len(clean) > 200:
        raise InvalidInput("A watch phrase can have at most 200 characters.")
    _team_tag_ids(session, team_id, [tag_id])
    existing = session.exec(select(WatchPhrase.phrase).where(WatchPhrase.tag_id == tag_id)).all()
    if clean.casefold() in {phrase.casefold() for phrase in existing}:  # matching ignores case anyway
        raise InvalidInput(f"“{clean}” is watched for this tag already.")
    watched = WatchPhrase(team_id=team_id, tag_id=tag_id, phrase=clean)
    session.add(watched)
    session.flush()
    return watched


def delete_watch_phrase(session: Session, *, team_id: int, phrase_id: int) -> None:
    watched = queries.team_owned(session, WatchPhrase, phrase_id, team_id=team_id,
                                 missing="There is no such watch phrase.")
    session.delete(watched)
    session.flush()


# --- suggestions -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Suggestion:
    position: Position
    percent: int
    band: str
    tags: list[str]


@dataclass(slots=True)
class ProvisionSuggestions:
    provision: Provision
    flags: list[Flag] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    text: str = ""  # what was compared: the provision as a row would quote it (with its paragraphs and items)

    @property
    def best(self) -> int:
        return self.suggestions[0].percent if self.suggestions else 0


COMMENTABLE_KINDS = ("chapter", "section", "article", "paragraph", "item")


def suggest(
    session: Session, *, team_id: int, provisions: Sequence[Provision], index: MatchIndex, limit: int = 5,
    only: Collection[int] | None = None,
) -> list[ProvisionSuggestions]:
    """For each provision: its watch-phrase flags and the ranked positions that resemble it (≥ 50 %).

    `provisions` is the whole draft in document order: a provision is compared as a row would quote it, with
    its paragraphs and items, so the triage list and one provision's suggestions (`only` its id) always show
    the same percent for the same position."""
    phrases = watch_phrases(session, team_id=team_id)
    quoted = quoted_texts(provisions)
    chosen = [(p, quoted[i]) for i, p in enumerate(provisions)
              if p.kind in COMMENTABLE_KINDS and p.text.strip() and (only is None or p.id in only)]
    texts = [text for _, text in chosen]
    matches = index.match_many(texts, limit=limit) if len(index) else [[] for _ in chosen]
    ids = sorted({m.key for found in matches for m in found})
    by_id = {p.id: p for p in search_ids(session, team_id=team_id, ids=ids)}
    tag_names = {card.position.id: card.tags for card in cards(session, list(by_id.values()))}
    results = []
    for (provision, text), found in zip(chosen, matches, strict=True):
        suggestions = [
            Suggestion(by_id[m.key], m.percent, m.band or "", tag_names.get(m.key, []))
            for m in found if m.key in by_id
        ]
        results.append(ProvisionSuggestions(provision, flags_in(provision.text, phrases), suggestions, text))
    return results


def quoted_texts(provisions: Sequence[Provision]) -> list[str]:
    """What a row would quote for each provision (an article with its paragraphs and items): positions hold
    the text their row quoted, so that is what a new provision is compared with. `provisions` in document order."""
    texts = []
    for i, provision in enumerate(provisions):
        ids, parts = {provision.id}, []
        for later in provisions[i + 1:]:
            if later.parent_id is None or later.parent_id not in ids:
                break
            ids.add(later.id)
            parts.append(later)
        texts.append(submissions.provision_full_text(provision, parts))
    return texts


# --- reuse -------------------------------------------------------------------------------------------------

def use(
    session: Session, *, position: Position, submission: Submission, provision_id: int | None, by: int | None,
) -> CommentRow:
    """A new row on the provision, prefilled from the position with its references adapted, the old underline
    proposed where its words occur, and a link back to the position. An ordinary row from then on."""
    if position.status != PositionStatus.active:
        raise InvalidInput("This position is retired or merged; it cannot be reused.")
    row = submissions.add_row(session, submission=submission, provision_id=provision_id, user_id=by)
    renames = _renames_for(session, position=position, new_label=row.label,
                           draft=session.get(Draft, submission.draft_id))
    for name, text in (("comment", position.comment), ("recommendation", position.recommendation)):
        if text:
            submissions.update_row_text(session, row=row, field=name, value=adapt(text, renames), by=by)
    proposed = proposed_underlines(position.provision_text, position.spans, row.quoted_text)
    if proposed:
        submissions.replace_underlines(session, row=row, ranges=proposed, by=by)
    tag_ids = list(session.exec(select(PositionTag.tag_id).where(PositionTag.position_id == position.id)).all())
    if tag_ids:
        submissions.set_row_tags(session, row=row, team_id=submission.team_id, tag_ids=tag_ids, by=by)
    row.position_id = position.id
    session.add(row)
    count_reuse(session, position=position)
    return row


def count_reuse(session: Session, *, position: Position) -> None:
    """One more reuse, counted in the UPDATE itself so that two people reusing at once both count."""
    now = utcnow()
    session.flush()
    session.execute(
        sql_update(Position).where(col(Position.id) == position.id)
        .values(reuse_count=col(Position.reuse_count) + 1, last_reused_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(position, ["reuse_count", "last_reused_at"])


def _renames_for(
    session: Session, *, position: Position, new_label: str | None, draft: Draft | None,
) -> list[tuple[str, str]]:
    """What use() replaces in a position's text for a row on `new_label` of `draft`: the article label and the
    old regulation's names."""
    source = session.exec(select(PositionSource).where(PositionSource.position_id == position.id)
                          .order_by(col(PositionSource.id))).first()
    return reference_renames(
        old_label=position.provision_label or (source.label if source else None), new_label=new_label,
        old_names=_names_of(source), new_names=[short_name(draft.title), draft.title] if draft else [],
    )


def _names_of(source: PositionSource | None) -> list[str]:
    """The old regulation's names a position's text may use. The short name is derived again from the title:
    one stored by an older version may still carry a "Comments of … on the" prefix."""
    if source is None:
        return []
    names = (source.regulation_short_name, short_name(source.draft_title), source.draft_title)
    return list(dict.fromkeys(name for name in names if name))


_SHORT_NAME_NOISE = re.compile(
    r"\s*[(（][^)）]*(?:draft|comment|征求意见)[^)）]*[)）]\s*|^\s*(?:the\s+)?draft\s+|^\s*notice\s+on\s+(?:the\s+)?",
    re.IGNORECASE,
)
# What a past submission's title puts before the regulation's name: "Comments of X on (the)", "Joint comments by X
# regarding", "Submission by X to the CAC on", "Response of X to the consultation on", "X's comments on (the)".
_COMMENT_WORDS = (r"(?:joint\s+|further\s+|written\s+|supplementary\s+)?"
                  r"(?:comments?|submissions?|responses?|feedback|observations|views|input|remarks|recommendations?)"
                  r"(?:\s+and\s+(?:comments?|recommendations?|suggestions?|proposals?))?")
_ABOUT = r"(?:on|regarding|concerning|about|to\s+the\s+(?:public\s+)?consultation\s+on)"
_COMMENTS_PREFIX = re.compile(
    rf"^\s*(?:{_COMMENT_WORDS}\s+(?:(?:of|by|from)\s+.+?\s+)?{_ABOUT}"
    rf"|.+?['’]s?\s+{_COMMENT_WORDS}\s+{_ABOUT})\s+(?:the\s+)?",
    re.IGNORECASE,
)
_QUOTED_NAME = re.compile(r"[《“\"](.+)[》”\"]")  # 关于《网络安全审查办法》的意见, Comments on “Data Measures”
# 关于…的意见 / 对…的修改意见 / 关于…的意见和建议: comments on the regulation in between. A bare 关于…的意见 is often
# a regulation itself (关于加强…的意见, "Opinions on ..."), so without 《》 it needs a comment-like ending or the
# draft-for-comment mark inside.
_CHINESE_COMMENTS = re.compile(
    r"^.{0,60}?(?:关于|对于|对|就)(?P<name>.+?)(?:(?:提出)?的|之)(?P<kind>修改|反馈|评论|书面)?(?:意见|建议)"
    r"(?:和建议|及建议|与建议|建议)?(?:书|稿)?\s*$"
)


def short_name(title: str | None) -> str | None:
    """The regulation's name in a draft's or a past submission's title: "Cybersecurity Review Measures (Draft for
    Comment)" -> "Cybersecurity Review Measures"; "Comments of the Example Association on the Measures for
    Security Review of Network Products and Services" -> "Measures for Security Review of Network Products and
    Services"; "关于《网络安全审查办法（征求意见稿）》的意见" -> "网络安全审查办法"."""
    if not title:
        return None
    name = " ".join(title.split())
    chinese = _CHINESE_COMMENTS.match(name)
    if chinese and ("《" in name or chinese.group("kind") or "征求意见" in chinese.group("name")):
        name = chinese.group("name")
    else:
        name = _COMMENTS_PREFIX.sub("", name, count=1)
    quoted = _QUOTED_NAME.search(name)
    if quoted and (quoted.start() == 0 or name.startswith(("关于", "对"))):
        name = quoted.group(1)
    name = " ".join(_SHORT_NAME_NOISE.sub(" ", name).split()).strip(" 《》“”\"'.,:;")
    return name or None


def reference_renames(
    *, old_label: str | None, new_label: str | None, old_names: Sequence[str], new_names: Sequence[str | None],
) -> list[tuple[str, str]]:
    """The (old, new) text pairs to replace: the article label, then the regulation's names, longest first. A
    regulation's name becomes the new short name (`new_names[0]`); an old full title ("… (Draft for Comment)")
    the new full title (`new_names[-1]`)."""
    renames: list[tuple[str, str]] = []
    if old_label and new_label and old_label != new_label:
        renames.append((old_label, new_label))
    news = [name for name in new_names if name]
    if news:
        for old in sorted({name for name in old_names if name}, key=len, reverse=True):
            new = news[0] if short_name(old) == old else news[-1]
            if old != new:
                renames.append((old, new))
    return renames


def adapt(text: str, renames: Sequence[tuple[str, str]]) -> str:
    """Replace whole references only: "Article 2" must not touch "Article 21" (Chinese labels such as 第二条
    carry their own boundary: 条)."""
    for old, new in renames:
        before = r"(?<![A-Za-z0-9])" if old[:1].isascii() and old[:1].isalnum() else ""
        after = r"(?![A-Za-z0-9]|\s*\d)" if old[-1:].isascii() and old[-1:].isalnum() else ""
        text = re.sub(before + re.escape(old) + after, lambda _match, new=new: new, text)
    return text


def proposed_underlines(old_text: str, old_spans: Sequence[Sequence[int]], new_text: str) -> list[tuple[int, int]]:
    """Where each old underline's words occur in the new text: exactly (with context), else the same words
    ignoring case and spacing. Words that do not occur give no underline."""
    found: list[tuple[int, int]] = []
    for start, end in old_spans:
        if not (0 <= start < end <= len(old_text)):
            continue
        quote = anchoring.quote_at(old_text, start, end)
        placed = anchoring.reanchor(new_text, quote) or _loose_find(new_text, quote.exact)
        if placed:
            found.append(placed)
    return anchoring.merge_ranges(found) if found else []


def _loose_find(text: str, words: str) -> tuple[int, int] | None:
    parts = [re.escape(part) for part in words.split()]
    if not parts:
        return None
    match = re.search(r"\s+".join(parts), text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _title_for(label: str | None, heading: str | None, text: str) -> str:
    words = " ".join(text.split()[:TITLE_WORDS])
    if len(text.split()) > TITLE_WORDS:
        words += " …"
    head = " ".join(part for part in (label, f"({heading})" if heading else None) if part)
    return (f"{head}: {words}" if head else words)[:MAX_TITLE] or "Untitled position"
