"""Comment-table writes and reads against the real database: rows in document order, underlines, tags,
moving, soft delete, settings, and the export document assembled from them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from comments import queries, submissions
from comments.errors import InvalidInput, NotFound
from comments.export.assemble import WHOLE_DRAFT_LABEL, export_document, opening_paragraphs
from comments.models import CommentRow, ConcernTag, Role, RowKind, RowSpan
from tests.factories import make_draft, make_submission, make_team, provision


@pytest.fixture
def team_id(session: Session) -> int:
    team = make_team(session, "Test association")
    assert team.id is not None
    return team.id


@pytest.fixture
def draft(session: Session, team_id: int):
    return make_draft(session, team_id=team_id)


@pytest.fixture
def submission(session: Session, draft):
    return make_submission(session, draft)


def add(session: Session, submission, draft, label: str | None, **kw) -> CommentRow:
    provision_id = provision(session, draft, label).id if label else None
    return submissions.add_row(session, submission=submission, provision_id=provision_id, user_id=None, **kw)


def labels(session: Session, submission) -> list[str | None]:
    return [entry.row.label for entry in queries.table_rows(session, submission=submission)]


def test_new_team_gets_the_nine_default_concern_tags(session: Session, team_id: int) -> None:
    names = [tag.name for tag in queries.team_tags(session, team_id=team_id)]
    assert len(names) == 9
    assert names[0] == "Scope too broad" and "Data localisation" in names and "Unclear definitions" in names


def test_rows_are_placed_in_document_order_whatever_order_they_are_added(session: Session, submission, draft) -> None:
    add(session, submission, draft, "Article 4")
    add(session, submission, draft, "Article 2")
    add(session, submission, draft, None)  # the draft as a whole comes first
    add(session, submission, draft, "Article 3")
    add(session, submission, draft, "Article 2")  # a second row on Article 2 follows the first
    assert labels(session, submission) == [None, "Article 2", "Article 2", "Article 3", "Article 4"]


def test_an_articles_row_quotes_its_items_and_a_chapter_only_itself(session: Session, submission, draft) -> None:
    row = add(session, submission, draft, "Article 3")
    assert row.heading == "Secure and trusted products"
    assert row.quoted_text.startswith("Network operators shall purchase “secure and trusted”")
    assert "\n(1) keep logs for at least six months;\n(2) store important data within the territory." in row.quoted_text
    chapter = add(session, submission, draft, "Chapter 2")
    assert chapter.heading == "Security Requirements" and chapter.quoted_text == ""


def test_a_provision_of_another_draft_is_refused(session: Session, submission, team_id: int) -> None:
    other = make_draft(session, team_id=team_id, title="Other draft")
    with pytest.raises(NotFound):
        add(session, submission, other, "Article 2")


def test_underlines_merge_never_overlap_and_store_the_quote(session: Session, submission, draft) -> None:
    row = add(session, submission, draft, "Article 4")
    text = row.quoted_text
    a = text.index("within the territory")
    submissions.underline(session, row=row, start=a, end=a + len("within the territory"), exact="within the territory")
    b = text.index("overseas")
    submissions.underline(session, row=row, start=b, end=b + len("overseas"))
    # overlapping the first one: the two join
    spans = submissions.underline(session, row=row, start=a + 7, end=a + 30)
    assert [(s.start, s.end) for s in spans] == [(a, a + 30), (b, b + 8)]
    stored = session.exec(select(RowSpan).where(RowSpan.row_id == row.id).order_by(RowSpan.start)).all()
    assert [s.exact for s in stored] == [text[a:a + 30], "overseas"]
    assert stored[1].prefix == text[b - 32:b] and stored[1].suffix == text[b + 8:b + 40]
    assert row.version > 1


def test_underline_by_words_and_remove(session: Session, submission, draft) -> None:
    row = add(session, submission, draft, "Article 4")
    spans = submissions.underline_words(session, row=row, words="within the territory")
    assert spans[0].exact == "within the territory"
    assert submissions.remove_underline(session, row=row, span_id=spans[0].id) == []
    with pytest.raises(NotFound):
        submissions.remove_underline(session, row=row, span_id=spans[0].id)
    with pytest.raises(InvalidInput):
        submissions.underline_words(session, row=row, words="not in the text")


def test_stale_selection_is_refused(session: Session, submission, draft) -> None:
    row = add(session, submission, draft, "Article 4")
    with pytest.raises(InvalidInput):
        submissions.underline(session, row=row, start=0, end=9, exact="something")
    with pytest.raises(InvalidInput):
        submissions.underline(session, row=row, start=0, end=len(row.quoted_text) + 5)


def test_text_fields_keep_paragraphs_and_bump_the_version(session: Session, submission, draft) -> None:
    row = add(session, submission, draft, "Article 2")
    version = row.version
    submissions.update_row_text(session, row=row, field="comment", value="First.\r\nSecond.")
    assert row.comment == "First.\nSecond." and row.version == version + 1
    with pytest.raises(InvalidInput):
        submissions.update_row_text(session, row=row, field="recommendation", value="x" * 50_001)


def test_tags_only_from_the_team(session: Session, submission, draft, team_id: int) -> None:
    row = add(session, submission, draft, "Article 2")
    tags = queries.team_tags(session, team_id=team_id)
    submissions.set_row_tags(session, row=row, team_id=team_id, tag_ids=[tags[0].id, tags[3].id])
    shown = queries.shown_row(session, row=row, team_id=team_id)
    assert sorted(shown.entry.tag_ids) == sorted([tags[0].id, tags[3].id])
    submissions.set_row_tags(session, row=row, team_id=team_id, tag_ids=[tags[3].id])
    assert queries.shown_row(session, row=row, team_id=team_id).entry.tag_ids == [tags[3].id]
    other_team = make_team(session, "Someone else")
    foreign = queries.team_tags(session, team_id=other_team.id)[0]
    with pytest.raises(InvalidInput):
        submissions.set_row_tags(session, row=row, team_id=team_id, tag_ids=[foreign.id])


def test_filters_and_counts(session: Session, submission, draft, team_id: int) -> None:
    tags = queries.team_tags(session, team_id=team_id)
    r2 = add(session, submission, draft, "Article 2")
    r3 = add(session, submission, draft, "Article 3", kind=RowKind.question)
    add(session, submission, draft, "Article 4")
    submissions.set_row_tags(session, row=r2, team_id=team_id, tag_ids=[tags[0].id])
    submissions.set_row_tags(session, row=r3, team_id=team_id, tag_ids=[tags[0].id, tags[1].id])
    counts = queries.table_counts(session, submission=submission)
    assert counts.total == 3 and counts.by_kind == {"comment": 2, "question": 1}
    assert counts.by_tag == {tags[0].id: 2, tags[1].id: 1} and counts.untagged == 1

    def filtered(**kw) -> list[str | None]:
        rows = queries.table_rows(session, submission=submission, row_filter=queries.RowFilter(**kw))
        return [e.row.label for e in rows]

    assert filtered(tag_id=tags[1].id) == ["Article 3"]
    assert filtered(kind="comment") == ["Article 2", "Article 4"]
    assert filtered(untagged=True) == ["Article 4"]
    assert filtered(provision_id=r3.provision_id) == ["Article 3"]


def test_the_outline_filters_and_counts_as_the_table_queries_do(session: Session, submission, draft, team_id):
    """The table page filters and counts rows from their outlines (no texts): the same answers as SQL."""
    tags = queries.team_tags(session, team_id=team_id)
    r2 = add(session, submission, draft, "Article 2")
    r3 = add(session, submission, draft, "Article 3", kind=RowKind.question)
    r4 = add(session, submission, draft, "Article 4")
    add(session, submission, draft, None)  # on the draft as a whole
    deleted = add(session, submission, draft, "Article 5")
    submissions.set_row_tags(session, row=r2, team_id=team_id, tag_ids=[tags[0].id])
    submissions.set_row_tags(session, row=r3, team_id=team_id, tag_ids=[tags[0].id, tags[1].id])
    submissions.set_row_tags(session, row=deleted, team_id=team_id, tag_ids=[tags[2].id])
    submissions.delete_row(session, row=deleted)
    submissions.set_row_status(session, row=r4, status="in_review", role=Role.lead, by=None)
    submissions.add_note(session, row=r3, text="Check with members.", by=None)
    outline = queries.table_outline(session, submission=submission)
    full = queries.table_rows(session, submission=submission)
    assert [r.id for r in outline.rows] == [e.row.id for e in full]
    assert [(r.version, sorted(r.tag_ids), r.note_count) for r in outline.rows] == [
        (e.row.version, sorted(e.tag_ids), e.note_count) for e in full]
    filters = [queries.RowFilter(), queries.RowFilter(tag_id=tags[0].id), queries.RowFilter(tag_id=tags[2].id),
               queries.RowFilter(untagged=True), queries.RowFilter(kind="question"),
               queries.RowFilter(status="in_review"), queries.RowFilter(provision_id=r3.provision_id),
               queries.RowFilter(kind="comment", untagged=True)]
    for row_filter in filters:
        in_sql = [e.row.id for e in queries.table_rows(session, submission=submission, row_filter=row_filter)]
        assert [r.id for r in outline.rows if row_filter.admits(r)] == in_sql, row_filter
    counts = outline.counts
    assert counts.total == 4 and counts.by_kind == {"comment": 3, "question": 1}
    assert counts.by_status == {"draft": 3, "in_review": 1} and counts.untagged == 2
    assert counts.by_tag == {tags[0].id: 2, tags[1].id: 1}  # the deleted row's tag is not counted
    assert counts.articles_covered == 3 and counts.articles >= 4
    texts = queries.full_rows(session, outline=[r for r in outline.rows if r.id == r3.id])
    assert list(texts) == [r3.id] and texts[r3.id].row.kind == RowKind.question and texts[r3.id].note_count == 1


def test_move_delete_restore(session: Session, submission, draft) -> None:
    a = add(session, submission, draft, "Article 2")
    b = add(session, submission, draft, "Article 3")
    c = add(session, submission, draft, "Article 4")
    submissions.move_row(session, row=c, direction="up")
    assert labels(session, submission) == ["Article 2", "Article 4", "Article 3"]
    with pytest.raises(InvalidInput, match="already the first"):
        submissions.move_row(session, row=a, direction="up")
    submissions.delete_row(session, row=c)
    assert labels(session, submission) == ["Article 2", "Article 3"]
    assert queries.table_counts(session, submission=submission).total == 2
    # moving skips the deleted row's place
    submissions.move_row(session, row=a, direction="down")
    assert labels(session, submission) == ["Article 3", "Article 2"]
    submissions.restore_row(session, row=c)
    assert "Article 4" in labels(session, submission)
    assert b.deleted_at is None


def test_deleting_a_tag_removes_it_from_rows(session: Session, submission, draft, team_id: int) -> None:
    row = add(session, submission, draft, "Article 2")
    tag = submissions.create_tag(session, team_id=team_id, name="  Export   controls ")
    assert tag.name == "Export controls"
    with pytest.raises(InvalidInput, match="already"):
        submissions.create_tag(session, team_id=team_id, name="export CONTROLS")
    submissions.set_row_tags(session, row=row, team_id=team_id, tag_ids=[tag.id])
    submissions.delete_tag(session, tag=tag)
    session.expire_all()
    assert queries.shown_row(session, row=row, team_id=team_id).entry.tag_ids == []
    assert session.get(ConcernTag, tag.id) is None


def test_settings_are_validated(session: Session, submission) -> None:
    with pytest.raises(InvalidInput):
        submissions.update_submission(session, submission=submission,
                                      settings=submissions.SubmissionSettings(title="   "))
    with pytest.raises(InvalidInput):
        submissions.update_submission(session, submission=submission,
                                      settings=submissions.SubmissionSettings(title="T", font_name="Comic Sans"))
    with pytest.raises(InvalidInput, match="languages: English, 中文"):
        submissions.update_submission(session, submission=submission,
                                      settings=submissions.SubmissionSettings(title="T", language="fr"))
    with pytest.raises(InvalidInput, match="paper sizes"):
        submissions.update_submission(session, submission=submission,
                                      settings=submissions.SubmissionSettings(title="T", paper_size="a4 "))
    submissions.update_submission(session, submission=submission, settings=submissions.SubmissionSettings(
        title="Joint comments", organisation="  Example   Association ", landscape=True, font_size_pt=12,
        opening_text="We welcome\nthe draft.\n\n\nSecond paragraph.",
    ))
    assert submission.organisation == "Example Association" and submission.landscape
    assert opening_paragraphs(submission.opening_text) == ("We welcome\nthe draft.", "Second paragraph.")


def test_export_document_carries_rows_spans_tags_and_layout(session: Session, submission, draft, team_id) -> None:
    general = add(session, submission, draft, None)
    submissions.update_row_text(session, row=general, field="comment", value="Overall view.")
    row = add(session, submission, draft, "Article 4", kind=RowKind.question)
    submissions.underline_words(session, row=row, words="overseas")
    tag = queries.team_tags(session, team_id=team_id)[2]
    submissions.set_row_tags(session, row=row, team_id=team_id, tag_ids=[tag.id])
    deleted = add(session, submission, draft, "Article 5")
    submissions.delete_row(session, row=deleted)
    document = export_document(session, submission=submission)
    assert [r.provision_label for r in document.rows] == [WHOLE_DRAFT_LABEL, "Article 4"]
    exported = document.rows[1]
    assert exported.provision_text[exported.spans[0].start:exported.spans[0].end] == "overseas"
    assert exported.kind == "question" and exported.tags == (tag.name,)
    assert document.font_name == "Times New Roman" and document.font_size_pt == 11 and not document.landscape
    assert document.paper_size == "A4" and document.language == "en"
    submissions.update_submission(session, submission=submission, settings=submissions.SubmissionSettings(
        title=submission.title, language="zh", submission_date=date(2026, 11, 30)))
    filed_in_chinese = export_document(session, submission=submission)
    assert filed_in_chinese.rows[0].provision_label == "总体意见" and filed_in_chinese.date_text == "2026年11月30日"
