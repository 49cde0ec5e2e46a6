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


@pytest.mark.parametrize(("title", "expected"), [
    ("Comments of the Example Association on the Measures for Security Review of Network Products and Services",
     "Measures for Security Review of Network Products and Services"),
    ("Comments on the Draft Cybersecurity Review Measures", "Cybersecurity Review Measures"),
    ("Joint Comments and Recommendations of A, B and C on the Data Export Measures (Draft for Comment)",
     "Data Export Measures"),
    ("Submission by the Example Chamber to the Cyberspace Administration of China on the Draft Data Security "
     "Measures", "Data Security Measures"),
    ("Example Association's comments on the Personal Information Export Measures",
     "Personal Information Export Measures"),
    ("Example Association’s Comments on “Cybersecurity Review Measures”", "Cybersecurity Review Measures"),
    ("Response of X to the consultation on the Data Export Measures", "Data Export Measures"),
    ("关于《网络安全审查办法（征求意见稿）》的意见", "网络安全审查办法"),
    ("中国某协会关于网络安全审查办法（征求意见稿）的意见", "网络安全审查办法"),
    ("对《数据出境安全评估办法》的修改意见", "数据出境安全评估办法"),
    # regulation titles are left alone, also those that name comments or opinions
    ("关于加强网络安全工作的指导意见", "关于加强网络安全工作的指导意见"),
    ("Measures on the Administration of Data", "Measures on the Administration of Data"),
    ("Opinions on Strengthening Cybersecurity", "Opinions on Strengthening Cybersecurity"),
    ("Provisions on Comments Handling", "Provisions on Comments Handling"),
    ("Notice on the Measures for Data Export", "Measures for Data Export"),
])
def test_short_name_strips_what_a_submission_title_puts_around_the_regulation(title: str, expected: str) -> None:
    assert positions.short_name(title) == expected


def test_using_a_position_from_a_past_file_puts_the_new_regulation_name(session: Session, team: Team) -> None:
    old_name = "Measures for Security Review of Network Products and Services"
    text = "Operators shall ensure that products are secure and controllable."
    table = CommentTable(title=f"Comments of the Example Association on the {old_name}", paragraphs_before=(),
                         warnings=(), rows=(ImportedRow(
                             provision_label="Article 2", provision_heading=None, provision_text=text,
                             comment=f"Article 2 of the {old_name} does not define “secure and controllable”.",
                             recommendation=f"Delete it from the {old_name}.", spans=()),))
    positions.import_table(session, team_id=team.id, table=table, filename="review.docx", by=None)
    position = session.exec(select(Position)).one()
    new = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Security Measures (Draft)")
    row = positions.use(session, position=position, submission=make_submission(session, new),
                        provision_id=provision(session, new, "Article 5").id, by=None)
    assert row.comment == ("Article 5 of the Network Product Security Measures does not define “secure and "
                           "controllable”.")
    assert row.recommendation == "Delete it from the Network Product Security Measures."


def test_finalising_records_an_unchanged_reused_row_and_links_an_edited_one(session: Session, team: Team) -> None:
    row, submission = commented_row(session, team)
    origin = positions.save_row(session, row=row, submission=submission, by=None)
    new = make_draft(session, team_id=team.id, text=NEW_DRAFT, title="Network Product Security Measures (Draft)")
    table = make_submission(session, new, title="Comments of 2026")
    kept = positions.use(session, position=origin, submission=table,
                         provision_id=provision(session, new, "Article 5").id, by=None)
    changed = positions.use(session, position=origin, submission=table,
                            provision_id=provision(session, new, "Article 1").id, by=None)
    submissions.update_row_text(session, row=changed, field="recommendation", value="Define the term instead.")
    assert origin.reuse_count == 2
    assert positions.finalise(session, submission=table, by=None) == 1  # only the edited row is saved
    assert positions.finalise(session, submission=table, by=None) == 1  # again: updated, not doubled
    everything = session.exec(select(Position).order_by(Position.id)).all()
    assert len(everything) == 2 and origin.reuse_count == 2  # the use was counted once, when the row was made
    copy = everything[-1]
    assert copy.recommendation == "Define the term instead." and copy.id != origin.id
    assert positions.adapted_from(session, position=copy) == [origin]
    uses = session.exec(select(PositionSource).where(PositionSource.position_id == origin.id,
                                                     PositionSource.row_id == kept.id)).all()
    assert len(uses) == 1 and uses[0].submission_title == "Comments of 2026"  # the use, recorded once
    saved = positions.save_row_to_library(session, row=kept, submission=table, by=None)
    assert saved.reused and saved.position.id == origin.id
    other = make_submission(session, new, title="Second table")  # merged since: the row's origin lives on
    again = positions.use(session, position=origin, submission=other,
                          provision_id=provision(session, new, "Article 5").id, by=None)
    positions.merge(session, keep=copy, other=origin)
    assert positions.finalise(session, submission=other, by=None) == 1  # differs from the kept position: saved
    assert positions.origin_of(session, row=again, team_id=team.id) == copy


def test_reimporting_adds_nothing_even_after_edits_merges_or_a_new_file_name(session: Session, team: Team) -> None:
    first = positions.import_table(session, team_id=team.id, table=past_table(), filename="data.docx", by=None)
    assert (first.positions, first.already, first.message) == (1, 0, "1 position added")
    position = session.exec(select(Position)).one()
    positions.update(session, position=position, title="Localisation", comment="Edited in the library.",
                     recommendation="", tag_ids=[])
    again = positions.import_table(session, team_id=team.id, table=past_table(), filename="data.docx", by=None)
    assert (again.positions, again.already) == (0, 1)
    assert again.message == "nothing added: 1 position already in the library"
    positions.update(session, position=position, title="Localisation", comment="Localisation raises costs.",
                     recommendation="Allow transfers.", tag_ids=[])
    renamed = positions.import_table(session, team_id=team.id, table=past_table(), filename="data (copy).docx",
                                     by=None)
    assert (renamed.positions, renamed.already) == (0, 1)  # the same content: its file becomes a source
    assert sorted(s.filename for s in positions.cards(session, [position])[0].sources) == [
        "data (copy).docx", "data.docx"]
    assert len(session.exec(select(Position)).all()) == 1
