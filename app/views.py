"""Small presenters: domain objects -> what a template shows. Queries come from comments.queries."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlmodel import Session

from app.row_cache import CSRF_PLACEHOLDER, RenderCache
from app.templating import templates
from comments import permissions, queries
from comments.export.assemble import row_label
from comments.export.presenter import (
    UNEXPORTABLE,
    ExportDocument,
    heading_line,
    sanitize_xml_text,
    underline_segments,
)
from comments.importing.document import SplitResult
from comments.importing.tree import parent_indexes
from comments.models import CommentRow, ConcernTag, Provision, ProvisionKind, Submission

FIRST_WORDS_CHARS = 160


@dataclass(frozen=True, slots=True)
class PreviewRow:
    index: int
    kind: str
    number: str | None
    label: str | None
    heading: str | None
    text: str
    first_words: str
    depth: int
    warnings: tuple[str, ...]
    is_last: bool


def first_words(text: str, limit: int = FIRST_WORDS_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit] + " …"


def _depths(parents: Sequence[int | None]) -> list[int]:
    depths: list[int] = []
    for parent in parents:
        depths.append(0 if parent is None else depths[parent] + 1)  # parents come before children
    return depths


def preview_rows(result: SplitResult) -> list[PreviewRow]:
    by_provision: dict[int, list[str]] = {}
    for warning in result.warnings:
        if warning.provision_index is not None:
            by_provision.setdefault(warning.provision_index, []).append(warning.message)
    depths = _depths(parent_indexes(result.provisions))
    last = len(result.provisions) - 1
    return [
        PreviewRow(
            index=i, kind=p.kind, number=p.number, label=p.label, heading=p.heading, text=p.text,
            first_words=first_words(p.text), depth=min(depths[i], 4),
            warnings=tuple(by_provision.get(i, ())), is_last=i == last,
        )
        for i, p in enumerate(result.provisions)
    ]


@dataclass(frozen=True, slots=True)
class TreeEntry:
    provision: Provision
    depth: int


def provision_tree(provisions: Sequence[Provision]) -> list[TreeEntry]:
    depth_of: dict[int | None, int] = {}
    entries = []
    for provision in provisions:  # in document order, so a parent is always seen first
        depth = 0 if provision.parent_id is None else depth_of.get(provision.parent_id, -1) + 1
        depth_of[provision.id] = depth
        entries.append(TreeEntry(provision, min(depth, 4)))
    return entries


def role_can(signed_in: object, permission: str) -> bool:
    """For templates rendered per request (never for cached rows): may the signed-in person do this in their team?"""
    team = getattr(signed_in, "team", None)
    return team is not None and permissions.can(team.role, permissions.Permission(permission))


templates.env.globals["role_can"] = role_can


# --- the comment table --------------------------------------------------------------------------------

STATUS_NAMES = {"draft": "Draft", "in_review": "In review", "approved": "Approved", "withdrawn": "Withdrawn"}


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    span: queries.SpanRecord | None  # the underline this piece belongs to, or None for plain text


@dataclass(frozen=True, slots=True)
class RowView:
    row: queries.RowRecord
    segments: list[Segment]
    spans: list[queries.SpanRecord]
    tags: list[ConcernTag]
    tag_ids: frozenset[int]
    label: str | None
    unexportable_characters: int
    note_count: int
    assignee: str | None = None


@dataclass(frozen=True, slots=True)
class TableView:
    rows_html: Markup
    row_count: int
    counts: queries.TableCounts
    tags: Sequence[ConcernTag]
    row_filter: queries.RowFilter
    unexportable_rows: list[tuple[int, str | None, int]]  # (row id, label, characters dropped on export)


@dataclass(frozen=True, slots=True)
class CountsView:
    """What the table's count line and its "no rows" message show (a fragment of its own, refreshed live)."""
    row_count: int
    counts: queries.TableCounts
    row_filter: queries.RowFilter


def table_counts(session: Session, *, submission: Submission, row_filter: queries.RowFilter) -> CountsView:
    outline = queries.table_outline(session, submission=submission)
    shown = sum(1 for row in outline.rows if row_filter.admits(row))
    return CountsView(row_count=shown, counts=outline.counts, row_filter=row_filter)


def segments(text: str, spans: Sequence[queries.SpanRecord]) -> list[Segment]:
    """Cut the quoted text at the spans (stored sorted and non-overlapping) for rendering."""
    out: list[Segment] = []
    pos = 0
    for span in spans:
        if span.start > pos:
            out.append(Segment(text[pos:span.start], None))
        out.append(Segment(text[span.start:span.end], span))
        pos = span.end
    if pos < len(text):
        out.append(Segment(text[pos:], None))
    return out


def unexportable_characters(row: queries.RowRecord) -> int:
    """How many characters of the row a Word file cannot hold (they are dropped from exports)."""
    texts = (row.quoted_text, row.comment, row.recommendation)
    return sum(sanitize_xml_text(t)[1] for t in texts if UNEXPORTABLE.search(t))


def row_view(
    entry: queries.TableRow, tags_by_id: dict[int, ConcernTag], members: dict[int, str] | None = None,
) -> RowView:
    row = entry.row
    unexportable = unexportable_characters(row)
    return RowView(
        row=row,
        segments=segments(row.quoted_text, entry.spans),
        spans=entry.spans,
        tags=[tag for tag_id, tag in tags_by_id.items() if tag_id in entry.tag_ids],  # in the team's order
        tag_ids=frozenset(entry.tag_ids),
        label=row_label(row),
        unexportable_characters=unexportable,
        note_count=entry.note_count,
        assignee=(members or {}).get(row.assigned_to_id) if row.assigned_to_id else None,
    )


# A row's HTML cut at its CSRF token places, how many of its characters a Word file cannot hold, and its label.
RenderedRow = tuple[tuple[str, ...], int, str | None]


def _row_cache_key(row_id: int, version: int, tag_names: tuple[str, ...], note_count: int) -> tuple[object, ...]:
    """What a rendered row depends on (see app/row_cache.py). The table, a row's fragment and the live feed share
    entries: a row rendered for one is ready for the others."""
    return ("row", row_id, version, tag_names, note_count)


def _render_row(view: RowView) -> RenderedRow:
    html = templates.env.get_template("submissions/_row.html").render(
        r=view, csrf_token=CSRF_PLACEHOLDER, statuses=STATUS_NAMES)
    # kept cut at the token's places, so putting a page together is one join, not a search
    return tuple(html.split(CSRF_PLACEHOLDER)), view.unexportable_characters, view.label


def with_token(pieces: tuple[str, ...], csrf_token: str) -> str:
    """A cached row's HTML with this visitor's CSRF token in its places."""
    return str(escape(csrf_token)).join(pieces)


def table_view(
    session: Session, *, submission: Submission, row_filter: queries.RowFilter, cache: RenderCache, csrf_token: str,
) -> TableView:
    """The table page's data, its rows already rendered. The rows' outlines (no texts) say which are shown and
    which cached renderings are current; only the others are read in full and rendered."""
    tags = queries.team_tags(session, team_id=submission.team_id)
    tags_by_id = {tag.id: tag for tag in tags if tag.id is not None}
    outline = queries.table_outline(session, submission=submission)
    shown = [row for row in outline.rows if row_filter.admits(row)]

    def key(row: queries.RowOutline, version: int) -> tuple[object, ...]:
        on_row = set(row.tag_ids)
        names = tuple(tag.name for tag_id, tag in tags_by_id.items() if tag_id in on_row)  # as shown: team order
        return _row_cache_key(row.id, version, names, row.note_count)

    rendered: dict[int, RenderedRow] = {}
    for row in shown:
        cached = cache.get(key(row, row.version))
        if cached is not None:
            rendered[row.id] = cached
    missing = [row for row in shown if row.id not in rendered]
    if missing:
        members = dict(queries.team_members(session, team_id=submission.team_id))
        full = queries.full_rows(session, outline=missing)
        for row in missing:
            entry = full.get(row.id)
            if entry is None:  # deleted since the outline was read
                continue
            # keyed by the version just read: the texts may be newer than the outline (another statement)
            rendered[row.id] = cache.get_or_render(key(row, entry.row.version),
                                                   lambda entry=entry: _render_row(row_view(entry, tags_by_id,
                                                                                            members)))
    token = str(escape(csrf_token))
    parts: list[str] = []
    unexportable: list[tuple[int, str | None, int]] = []
    for row in shown:
        if row.id not in rendered:
            continue
        pieces, dropped, label = rendered[row.id]
        parts.append(token.join(pieces))
        if dropped:
            unexportable.append((row.id, label, dropped))
    return TableView(
        rows_html=Markup("".join(parts)),
        row_count=len(parts),
        counts=outline.counts,
        tags=tags,
        row_filter=row_filter,
        unexportable_rows=unexportable,
    )


def rendered_row(session: Session, *, row: CommentRow, team_id: int, cache: RenderCache) -> tuple[str, ...]:
    """One row as the table shows it, cut at its CSRF token places: two small queries, and a render only
    when this version of the row has not been rendered in this process yet."""
    shown = queries.shown_row(session, row=row, team_id=team_id)

    def render() -> RenderedRow:
        tags = {tag.id: tag for tag in shown.tags if tag.id is not None}
        members = {row.assigned_to_id: shown.assignee} if row.assigned_to_id and shown.assignee else {}
        return _render_row(row_view(shown.entry, tags, members))

    record = shown.entry.row
    key = _row_cache_key(record.id, record.version, tuple(tag.name for tag in shown.tags), shown.entry.note_count)
    pieces, _dropped, _label = cache.get_or_render(key, render)
    return pieces  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class ProvisionChoice:
    id: int
    text: str
    depth: int


def provision_choices(outline: Sequence[queries.OutlineEntry]) -> list[ProvisionChoice]:
    """What a row can be about: chapters, sections, articles, paragraphs and items, labelled for a <select>."""
    depth_of: dict[int | None, int] = {}
    choices = []
    for p in outline:  # document order: a parent is always seen first
        depth = 0 if p.parent_id is None else depth_of.get(p.parent_id, -1) + 1
        depth_of[p.id] = depth
        if p.kind in (ProvisionKind.preamble, ProvisionKind.trailing):
            continue
        name = " ".join(part for part in (p.label, f"({p.heading})" if p.heading else None) if part) or p.kind.value
        words = first_words(p.text_start, 60) if p.text_start else ""
        choices.append(ProvisionChoice(p.id, f"{name} — {words}" if words else name, min(depth, 4)))
    return choices


@dataclass(frozen=True, slots=True)
class PrintRow:
    heading: str
    pieces: list[tuple[str, bool]]
    comment: list[str]
    recommendation: list[str]


def print_rows(document: ExportDocument) -> list[PrintRow]:
    """The export's rows for the print view, cut exactly as the Word renderer cuts them."""
    return [
        PrintRow(
            heading=heading_line(row),
            pieces=underline_segments(row.provision_text, row.spans)[0],
            comment=sanitize_xml_text(row.comment)[0].split("\n"),
            recommendation=sanitize_xml_text(row.recommendation)[0].split("\n"),
        )
        for row in document.rows
    ]


_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces turning `old` into `new` word by word: op is "same", "del" or "ins"."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(("ins", "".join(b[j1:j2])))
    return pieces


@dataclass(frozen=True, slots=True)
class HistoryView:
    entry: queries.HistoryEntry
    summary: str
    diff: list[tuple[str, str]] | None  # word diff for text fields
    before: str | None
    after: str | None
    field_name: str  # as a sentence says it: "the underlines"


_FIELD_NAMES = {"comment": "Comment", "recommendation": "Recommendation", "spans": "Underlines",
                "tags": "Concern tags", "kind": "Kind", "order": "Place in the table"}
_ACTIONS = {"added": "Row added", "deleted": "Row deleted", "restored": "Row restored", "moved": "Row moved"}


def _as_text(field: str | None, value: object) -> str | None:
    if value is None:
        return None
    if field == "spans":
        return "; ".join(f"“{exact}”" for _start, _end, exact in value) or "(none)"  # type: ignore[attr-defined]
    if field == "tags":
        return ", ".join(value) or "(none)"  # type: ignore[arg-type]
    return str(value)


def _moved(before: object, after: object) -> str | None:
    try:
        earlier, later = float(str(before)), float(str(after))
    except ValueError:
        return None
    return "up" if later < earlier else "down" if later > earlier else None


def history_view(entry: queries.HistoryEntry) -> HistoryView:
    event = entry.event
    field = event.field
    summary = _ACTIONS.get(event.action) or f"{_FIELD_NAMES.get(field or '', field)} changed"
    text_field = field in ("comment", "recommendation")
    if field == "order":  # sort keys mean nothing to a reader; the direction does
        moved = _moved(event.before, event.after)
        return HistoryView(entry=entry, summary=f"Row moved {moved}" if moved else summary, diff=None,
                           before=None, after=None, field_name="the place in the table")
    return HistoryView(
        entry=entry,
        summary=summary,
        diff=word_diff(event.before or "", event.after or "") if text_field else None,
        before=None if text_field else _as_text(field, event.before),
        after=None if text_field else _as_text(field, event.after),
        field_name=f"the {_FIELD_NAMES.get(field or '', field or 'row').lower()}",
    )
