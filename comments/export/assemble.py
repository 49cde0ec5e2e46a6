"""A stored submission -> the ExportDocument the renderers take. Reads only."""

from __future__ import annotations

import re

from sqlmodel import Session

from comments import queries
from comments.export.presenter import WORDINGS, ExportDocument, ExportRow, Span
from comments.models import CommentRow, RowStatus, Submission

WHOLE_DRAFT_LABEL = WORDINGS["en"].whole_draft  # comments.submissions.WHOLE_DRAFT_NAMES reads it back
_BLANK_LINES = re.compile(r"\n\s*\n")


def opening_paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs are separated by blank lines; a single line break inside one stays a line break (an address
    block, a list of points), and runs of spaces within a line become one."""
    return tuple(
        "\n".join(" ".join(line.split()) for line in p.strip().splitlines() if line.strip())
        for p in _BLANK_LINES.split(text) if p.strip()
    )


def format_date(submission: Submission) -> str | None:
    d = submission.submission_date
    if d is None:
        return None
    return f"{d.year}年{d.month}月{d.day}日" if submission.language == "zh" else f"{d.day} {d:%B %Y}"


def row_label(row: CommentRow | queries.RowRecord, whole_draft: str = WHOLE_DRAFT_LABEL) -> str | None:
    if row.label or row.heading or row.quoted_text:
        return row.label
    return whole_draft if row.provision_id is None else None


def export_document(session: Session, *, submission: Submission, approved_only: bool = False) -> ExportDocument:
    """The submission as the renderers take it: live rows in table order (approved ones only when asked).
    Withdrawn rows are positions the team dropped and are never exported; notes, history and assignees are
    internal and never reach an export either."""
    tags = {tag.id: tag.name for tag in queries.team_tags(session, team_id=submission.team_id)}
    rows = tuple(
        ExportRow(
            provision_label=row_label(entry.row, WORDINGS[submission.language].whole_draft),
            provision_heading=entry.row.heading,
            provision_text=entry.row.quoted_text,
            spans=tuple(Span(s.start, s.end) for s in entry.spans),
            comment=entry.row.comment,
            recommendation=entry.row.recommendation,
            kind=entry.row.kind.value,
            tags=tuple(name for tag_id, name in tags.items() if tag_id in entry.tag_ids),  # in the team's order
        )
        for entry in queries.table_rows(session, submission=submission, row_filter=queries.RowFilter(
            status=RowStatus.approved.value if approved_only else None))
        if entry.row.status != RowStatus.withdrawn
    )
    return ExportDocument(
        title=submission.title,
        organisation=submission.organisation,
        date_text=format_date(submission),
        addressee=submission.addressee,
        opening_paragraphs=opening_paragraphs(submission.opening_text),
        rows=rows,
        landscape=submission.landscape,
        paper_size=submission.paper_size,
        font_name=submission.font_name,
        font_size_pt=submission.font_size_pt,
        language=submission.language,
    )
