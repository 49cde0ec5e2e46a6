"""The positions library in the domain: filling it, editing, merging, searching, watch phrases, suggestions,
and reuse with adapted references and proposed underlines."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from comments import positions, queries, submissions
from comments.errors import InvalidInput, NotFound
from comments.importing.comment_table import CommentTable
from comments.importing.comment_table import TableRow as ImportedRow
from comments.matching import MatchIndex
from comments.models import (
    CommentRow,
    Position,
    PositionSource,
    PositionStatus,
    Provision,
    Role,
    RowSpan,
    RowTag,
    Team,
)
from tests.factories import make_draft, make_submission, make_team, provision

OLD_DRAFT = """Cybersecurity Review Measures (Draft for Comment)

Article 1 These Measures are formulated in accordance with the Cybersecurity Law.

Article 2 Operators of critical information infrastructure that purchase network products and services shall
ensure that the products are secure and controllable and shall store important data within the territory.

Article 3 Technical maintenance of network products shall be carried out within the territory.
"""

NEW_DRAFT = """Network Product Security Measures (Draft for Comment)

Article 1 These Measures are formulated in order to safeguard network security.

Article 5 Operators of critical information infrastructure purchasing network products and services shall
ensure that the products are secure and controllable, and shall store important data inside the territory.

Article 9 The Measures take effect on the date of promulgation.
"""


@pytest.fixture
def team(session: Session) -> Team:
    return make_team(session, "Association A")


def commented_row(session: Session, team: Team) -> tuple[CommentRow, object]:
    draft = make_draft(session, team_id=team.id, text=OLD_DRAFT, title="Cybersecurity Review Measures (Draft)")
    submission = make_submission(session, draft, title="Comments of 2019")
    row = submissions.add_row(session, submission=submission, provision_id=provision(session, draft, "Article 2").id,
                              user_id=None)
    submissions.update_row_text(session, row=row, field="comment",
                                value="Article 2 of the Cybersecurity Review Measures requires “secure and "
                                      "controllable” products, a term that is not defined.")
    submissions.update_row_text(session, row=row, field="recommendation", value="Delete the wording in Article 2.")
    submissions.underline_words(session, row=row, words="secure and controllable")
    tags = {t.name: t.id for t in queries.team_tags(session, team_id=team.id)}
    submissions.set_row_tags(session, row=row, team_id=team.id, tag_ids=[tags["“Secure and trusted” wording"]])
    return row, submission


def test_save_a_row_to_the_library_keeps_its_text_spans_tags_and_source(session: Session, team: Team) -> None:
    row, submission = commented_row(session, team)
    position = positions.save_row(session, row=row, submission=submission, by=None)
    assert position.comment == row.comment and position.provision_text == row.quoted_text
    assert position.provision_label == "Article 2" and position.title.startswith("Article 2: Article 2 of")
    exact = [row.quoted_text[start:end] for start, end in position.spans]
    assert exact == ["secure and controllable"]
    card = positions.cards(session, [position])[0]
    assert card.tags == ["“Secure and trusted” wording"]
    assert [(s.label, s.submission_title, s.row_id) for s in card.sources] == [("Article 2", "Comments of 2019",
                                                                                  row.id)]
    submissions.update_row_text(session, row=row, field="comment", value="Better wording.")
    again = positions.save_row(session, row=row, submission=submission, by=None)
    assert again.id == position.id and again.comment == "Better wording."  # saved again: updated, not doubled
    empty = submissions.add_row(session, submission=submission, provision_id=None, user_id=None)
    with pytest.raises(InvalidInput, match="Write a comment"):
        positions.save_row(session, row=empty, submission=submission, by=None)


def test_finalising_puts_every_live_row_with_text_into_the_library(session: Session, team: Team) -> None:
    row, submission = commented_row(session, team)
    withdrawn = submissions.add_row(session, submission=submission, provision_id=row.provision_id, user_id=None)
    submissions.update_row_text(session, row=withdrawn, field="comment", value="Withdrawn point.")
    submissions.set_row_status(session, row=withdrawn, status="withdrawn", role=Role.lead, by=None)
    submissions.add_row(session, submission=submission, provision_id=None, user_id=None)  # empty: skipped
    assert positions.finalise(session, submission=submission, by=None) == 1
    assert submission.finalised_at is not None
    assert [p.comment for p in session.exec(select(Position)).all()] == [row.comment]


def past_table() -> CommentTable:
    text = "Network operators shall store important data within the territory of the People's Republic of China."
    start = text.index("important data")
    return CommentTable(title="Comments on the Data Measures", paragraphs_before=(), warnings=(), rows=(
        ImportedRow(provision_label="Article 7", provision_heading=None, provision_text=text,
                    comment="Localisation raises costs.", recommendation="Allow transfers.",
                    spans=((start, start + len("important data")),)),
        ImportedRow(provision_label="Article 8", provision_heading=None, provision_text="Definitions.",
                    comment="", recommendation="", spans=()),  # nothing to reuse
    ))


def test_import_a_past_word_table_tags_by_watch_phrases_once(session: Session, team: Team) -> None:
    done = positions.import_table(session, team_id=team.id, table=past_table(), filename="data.docx", by=None)
    assert done.positions == 1
    card = positions.search(session, team_id=team.id, query=positions.PositionSearch())[0]
    assert card.tags == ["In-country maintenance", "Data localisation"]  # "within the territory", "important data"
    assert card.sources[0].filename == "data.docx" and card.sources[0].draft_title == "Comments on the Data Measures"
    assert positions.import_table(session, team_id=team.id, table=past_table(), filename="data.docx",
                                  by=None).positions == 0  # the same file again adds nothing


def test_search_by_words_tag_and_source_stays_in_the_team(session: Session, team: Team) -> None:
    row, submission = commented_row(session, team)
    positions.save_row(session, row=row, submission=submission, by=None)
    positions.import_table(session, team_id=team.id, table=past_table(), filename="data.docx", by=None)
    other = make_team(session, "Association B")
    positions.import_table(session, team_id=other.id, table=past_table(), filename="data.docx", by=None)

    def titles(**query) -> list[str]:
        found = positions.search(session, team_id=team.id, query=positions.PositionSearch(**query))
        return sorted(card.position.provision_label or "" for card in found)

    assert titles() == ["Article 2", "Article 7"]
    assert titles(text="CONTROLLABLE defined") == ["Article 2"]
    assert titles(text="100%_") == []  # LIKE wildcards are plain characters
    tag = next(t for t in queries.team_tags(session, team_id=team.id) if t.name == "Data localisation")
    assert titles(tag_id=tag.id) == ["Article 7"]
    assert titles(source="data measures") == ["Article 7"]


def test_edit_retire_and_merge(session: Session, team: Team) -> None:
    row, submission = commented_row(session, team)
    first = positions.save_row(session, row=row, submission=submission, by=None)
    positions.import_table(session, team_id=team.id, table=past_table(), filename="data.docx", by=None)
    second = session.exec(select(Position).where(Position.id != first.id)).one()
    second.reuse_count = 2
    positions.update(session, position=first, title="  Secure and controllable  ", comment="A\r\nB",
                     recommendation="R", tag_ids=[])
    assert (first.title, first.comment) == ("Secure and controllable", "A\nB")
    with pytest.raises(InvalidInput):
        positions.update(session, position=first, title=" ", comment="", recommendation="", tag_ids=[])
    foreign = next(t for t in queries.team_tags(session, team_id=make_team(session, "B").id))
    with pytest.raises(NotFound):
        positions.update(session, position=first, title="x", comment="", recommendation="", tag_ids=[foreign.id])
    kept = positions.merge(session, keep=first, other=second)
    assert kept.reuse_count == 2 and second.status == PositionStatus.merged and second.merged_into_id == first.id
    sources = session.exec(select(PositionSource.filename).where(PositionSource.position_id == first.id)).all()
    assert sorted(sources, key=str) == sorted([None, "data.docx"], key=str)  # both sources
    assert "Data localisation" in positions.cards(session, [first])[0].tags
    with pytest.raises(InvalidInput, match="merged"):
        positions.merge(session, keep=first, other=second)
    positions.set_retired(session, position=first, retired=True)
    assert positions.search(session, team_id=team.id, query=positions.PositionSearch()) == []
    assert len(positions.search(session, team_id=team.id, query=positions.PositionSearch(include_retired=True))) == 1


def test_watch_phrases_flag_case_and_spacing_aside(session: Session, team: Team) -> None:
    phrases = positions.watch_phrases(session, team_id=team.id)
    flags = positions.flags_in("Products shall be SECURE  AND\nCONTROLLABLE and use commercial cryptography; "
                               "数据应当在境内存储。", phrases)
    assert {(f.tag_name, f.phrase) for f in flags} == {
        ("“Secure and trusted” wording", "secure and controllable"),
        ("Cryptography approval", "cryptograph"), ("In-country maintenance", "境内")}
    tag = next(t for t in queries.team_tags(session, team_id=team.id) if t.name == "Unclear definitions")
    positions.add_watch_phrase(session, team_id=team.id, tag_id=tag.id, phrase="  critical  information ")
    with pytest.raises(InvalidInput, match="already"):
        positions.add_watch_phrase(session, team_id=team.id, tag_id=tag.id, phrase="critical information")
    phrases = positions.watch_phrases(session, team_id=team.id)
    assert any(f.phrase == "critical information" for f in positions.flags_in("Critical Information", phrases))
    other = make_team(session, "Association B")
    with pytest.raises(NotFound):
        positions.add_watch_phrase(session, team_id=other.id, tag_id=tag.id, phrase="x")


def test_suggestions_rank_the_past_position_for_the_redrafted_article(session: Session, team: Team) -> None:
    row, submission = commented_row(session, team)
    position = positions.save_row(session, row=row, submission=submission, by=None)
    new = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Security Measures")
    provisions = queries.provisions_of(session, draft=new)
    index = MatchIndex(positions.active_positions(session, team_id=team.id))
    found = {s.provision.label: s for s in positions.suggest(session, team_id=team.id, provisions=provisions,
                                                             index=index)}
    article5 = found["Article 5"]
    assert article5.suggestions and article5.suggestions[0].position.id == position.id
    assert article5.best >= 75 and article5.suggestions[0].band in ("near exact", "high", "medium")
    assert {f.tag_name for f in article5.flags} >= {"“Secure and trusted” wording", "Data localisation"}
    assert all(s.position.id != position.id or s.percent < 75 for s in found["Article 9"].suggestions)


def test_use_a_position_adapts_references_proposes_the_underline_and_links_back(session: Session, team: Team) -> None:
    row, submission = commented_row(session, team)
    position = positions.save_row(session, row=row, submission=submission, by=None)
    new = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Security Measures (Draft)")
    new_submission = make_submission(session, new, title="Comments of 2026")
    target: Provision = provision(session, new, "Article 5")
    reused = positions.use(session, position=position, submission=new_submission, provision_id=target.id, by=None)
    assert reused.comment == ("Article 5 of the Network Product Security Measures requires “secure and "
                              "controllable” products, a term that is not defined.")
    assert reused.recommendation == "Delete the wording in Article 5."
    spans = session.exec(select(RowSpan).where(RowSpan.row_id == reused.id)).all()
    assert [s.exact for s in spans] == ["secure and controllable"]
    assert reused.position_id == position.id and position.reuse_count == 1 and position.last_reused_at
    tag_ids = set(session.exec(select(RowTag.tag_id).where(RowTag.row_id == reused.id)).all())
    assert [t.name for t in queries.team_tags(session, team_id=team.id) if t.id in tag_ids] == [
        "“Secure and trusted” wording"]
    positions.set_retired(session, position=position, retired=True)
    with pytest.raises(InvalidInput, match="retired"):
        positions.use(session, position=position, submission=new_submission, provision_id=target.id, by=None)


@pytest.mark.parametrize(("text", "renames", "expected"), [
    ("See Article 2 and Article 21.", [("Article 2", "Article 5")], "See Article 5 and Article 21."),
    ("Article 2(3) applies.", [("Article 2", "Article 5")], "Article 5(3) applies."),
    ("第二条规定", [("第二条", "第五条")], "第五条规定"),
    ("The Review Measures and the Review Measures Annex", [("Review Measures", "Product Measures")],
     "The Product Measures and the Product Measures Annex"),
])
def test_adapt_replaces_whole_references_only(text: str, renames, expected: str) -> None:
    assert positions.adapt(text, renames) == expected


def test_short_names_and_proposed_underlines() -> None:
    assert positions.short_name("Cybersecurity Review Measures (Draft for Comment)") == "Cybersecurity Review Measures"
    assert positions.short_name("网络安全审查办法（征求意见稿）") == "网络安全审查办法"
    old = "products shall be secure and controllable and stored in China"
    spans = [[old.index("secure"), old.index("secure") + len("secure and controllable")]]
    assert positions.proposed_underlines(old, spans, "Products must be Secure and\ncontrollable.") == [(17, 40)]
    assert positions.proposed_underlines(old, spans, "Nothing alike here.") == []
