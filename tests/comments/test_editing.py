"""The preview's corrections to a split (comments.importing.editing)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from comments.errors import InvalidInput
from comments.importing.document import Line, SourceDocument, SplitProvision, SplitResult, SplitWarning
from comments.importing.editing import (
    check_numbering,
    merge_with_next,
    provision_text,
    set_preamble_end,
    set_trailing_start,
    split_at,
    update_provision,
)
from comments.importing.splitter import split_document, split_paragraphs


def read_draft(name: str) -> str:
    return (Path(__file__).parent.parent / "data" / "drafts" / name).read_text(encoding="utf-8")


def outline(result: SplitResult) -> list[tuple[str, str | None, str | None]]:
    return [(p.kind, p.number, p.label) for p in result.provisions]


@pytest.fixture
def small() -> SplitResult:
    return split_paragraphs([
        "Measures on Logs (Draft)",
        "Article 1 (Purpose) These Measures are formulated.",
        "Article 2 Operators shall keep logs.",
        "Providers shall help them.",
        "Article 3 Operators shall report: (1) incidents; (2) defects.",
        "Article 5 These Measures take effect on 1 June 2019.",
        "Contact: Logs Office",
    ])


def test_the_fixture_is_what_the_tests_expect(small: SplitResult) -> None:
    assert outline(small) == [
        ("preamble", None, None),
        ("article", "1", "Article 1"),
        ("article", "2", "Article 2"),
        ("paragraph", "2", "Paragraph 2"),
        ("article", "3", "Article 3"),
        ("article", "5", "Article 5"),
        ("trailing", None, None),
    ]
    assert small.warnings == [SplitWarning("Article 5 follows Article 3: Article 4 is missing.", 5)]


# --- merge_with_next ---


def test_merge_with_next_appends_the_next_provision_as_a_paragraph(small: SplitResult) -> None:
    before = copy.deepcopy(small)
    merged = merge_with_next(small, 2)
    assert outline(merged)[2:4] == [("article", "2", "Article 2"), ("article", "3", "Article 3")]
    assert merged.provisions[2].text == "Operators shall keep logs.\nProviders shall help them."
    assert merged.provisions[2].heading is None
    assert small == before  # the input is untouched


def test_merge_keeps_the_label_of_what_it_absorbs(small: SplitResult) -> None:
    merged = merge_with_next(small, 4)
    assert merged.provisions[4].text == (
        "Operators shall report: (1) incidents; (2) defects.\nArticle 5 These Measures take effect on 1 June 2019."
    )
    assert merged.warnings == []  # the gap 3 -> 5 is gone with Article 5


def test_merge_renumbers_later_paragraphs() -> None:
    result = split_paragraphs(["Article 1 A.", "B.", "C.", "D."])
    assert [p.label for p in result.provisions] == ["Article 1", "Paragraph 2", "Paragraph 3", "Paragraph 4"]
    merged = merge_with_next(result, 1)
    assert [(p.label, p.text) for p in merged.provisions] == [
        ("Article 1", "A."), ("Paragraph 2", "B.\nC."), ("Paragraph 3", "D."),
    ]


@pytest.mark.parametrize("text", [
    "Article 6 Operators shall apply for a national security review where necessary.",
    "第六条　运营者应当在必要时申请国家安全审查，并配合审查。",
])
def test_merge_undoes_a_split_made_mid_sentence(text: str) -> None:
    result = split_paragraphs([text])
    body = result.provisions[0].text
    middle = body.find(" ", len(body) // 2)  # between two words, where a cursor split lands
    for offset in (body.index("review") if "review" in body else body.index("国家"), middle if middle > 0 else 9):
        again = merge_with_next(split_at(result, 0, offset), 0)
        assert again.provisions == result.provisions, offset


@pytest.mark.parametrize(("index", "message"), [
    (6, "There is no provision 8 to merge with."),
    (7, "There is no provision 8 to merge with."),
    (-1, "There is no provision 0 to merge with."),
])
def test_merge_with_next_rejects_bad_indexes(small: SplitResult, index: int, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        merge_with_next(small, index)
    assert caught.value.message == message


# --- split_at ---


def test_split_at_a_marker_reads_the_new_provision(small: SplitResult) -> None:
    offset = small.provisions[4].text.index("(1)")
    result = split_at(small, 4, offset)
    assert result.provisions[4].text == "Operators shall report:"
    new = result.provisions[5]
    assert (new.kind, new.number, new.label, new.text) == ("item", "1", "(1)", "incidents; (2) defects.")
    assert len(result.provisions) == len(small.provisions) + 1


def test_split_at_plain_text_makes_a_paragraph(small: SplitResult) -> None:
    offset = small.provisions[1].text.index("formulated")
    result = split_at(small, 1, offset)
    assert [(p.kind, p.label, p.text) for p in result.provisions[1:4]] == [
        ("article", "Article 1", "These Measures are"),
        ("paragraph", "Paragraph 2", "formulated."),
        ("article", "Article 2", "Operators shall keep logs."),
    ]
    assert result.provisions[1].heading == "Purpose"


def test_split_off_an_article_updates_the_numbering_warnings(small: SplitResult) -> None:
    text = "Operators shall report: (1) incidents. Article 4 Providers shall report defects."
    edited = update_provision(small, 4, heading="Reports")
    edited.provisions[4].text = text  # as if typed in; editing functions never mutate their input
    result = split_at(edited, 4, text.index("Article 4"))
    assert outline(result)[4:7] == [
        ("article", "3", "Article 3"), ("article", "4", "Article 4"), ("article", "5", "Article 5"),
    ]
    assert result.warnings == []


@pytest.mark.parametrize("offset", [0, -1, 26, 100])
def test_split_at_rejects_offsets_outside_the_text(small: SplitResult, offset: int) -> None:
    with pytest.raises(InvalidInput, match="can only be split inside its text, at a position from 1 to 25"):
        split_at(small, 2, offset)  # "Operators shall keep logs." has 26 characters


def test_split_at_rejects_an_empty_part_and_a_missing_provision(small: SplitResult) -> None:
    typed = SplitResult(provisions=[SplitProvision("article", "Text.   ", "1", "Article 1")])
    with pytest.raises(InvalidInput, match="Splitting provision 1 there would leave an empty part"):
        split_at(typed, 0, 6)
    with pytest.raises(InvalidInput, match="There is no provision 8 to split"):
        split_at(small, 7, 1)


# --- update_provision ---


def test_update_provision_changes_only_what_is_given(small: SplitResult) -> None:
    result = update_provision(small, 5, number="4", label="Article 4")
    assert (result.provisions[5].number, result.provisions[5].label) == ("4", "Article 4")
    assert result.provisions[5].text == small.provisions[5].text
    assert result.warnings == []
    assert small.provisions[5].number == "5"


def test_update_provision_removes_a_heading_with_an_empty_string(small: SplitResult) -> None:
    result = update_provision(small, 1, heading="")
    assert result.provisions[1].heading is None
    assert update_provision(small, 1, heading="Aim").provisions[1].heading == "Aim"


def test_update_provision_changes_the_kind(small: SplitResult) -> None:
    result = update_provision(small, 3, kind="article", number="3", label="Article 3")
    assert [w.message for w in result.warnings] == [
        "Article 3 follows Article 3: the number is repeated.",
        "Article 5 follows Article 3: Article 4 is missing.",
    ]


def test_update_provision_rejects_unknown_kinds(small: SplitResult) -> None:
    with pytest.raises(InvalidInput, match='"clause" is not a kind of provision'):
        update_provision(small, 1, kind="clause")


# --- preamble and trailing matter ---


def test_set_preamble_end_later_merges_into_the_preamble(small: SplitResult) -> None:
    result = set_preamble_end(small, 2)
    assert result.provisions[0].kind == "preamble"
    assert result.provisions[0].text == (
        "Measures on Logs (Draft)\nArticle 1 (Purpose) These Measures are formulated."
    )
    assert [w.message for w in result.warnings] == [
        "The first article is Article 2: Article 1 is missing.",
        "Article 5 follows Article 3: Article 4 is missing.",
    ]


def test_set_preamble_end_earlier_reads_the_preamble_again() -> None:
    result = split_paragraphs([
        "Notice on the draft", "Article 1 These Measures apply.", "Article 2 Operators comply.",
    ])
    widened = set_preamble_end(result, 2)
    assert outline(widened) == [("preamble", None, None), ("article", "2", "Article 2")]
    back = set_preamble_end(widened, 0)
    assert outline(back) == [
        ("paragraph", "1", "Paragraph 1"), ("article", "1", "Article 1"), ("article", "2", "Article 2"),
    ]
    assert back.provisions[1].text == "These Measures apply."
    again = set_preamble_end(back, 1)
    assert outline(again) == outline(result)


def test_set_trailing_start_earlier_and_back(small: SplitResult) -> None:
    result = set_trailing_start(small, 5)
    assert outline(result)[-1] == ("trailing", None, None)
    assert result.provisions[-1].text == "Article 5 These Measures take effect on 1 June 2019.\nContact: Logs Office"
    assert result.warnings == []
    restored = set_trailing_start(result, len(result.provisions))
    assert outline(restored)[-2:] == [("article", "5", "Article 5"), ("paragraph", "2", "Paragraph 2")]
    assert restored.provisions[-1].text == "Contact: Logs Office"
    assert [w.message for w in restored.warnings] == ["Article 5 follows Article 3: Article 4 is missing."]


def test_boundaries_must_be_inside_the_draft(small: SplitResult) -> None:
    with pytest.raises(InvalidInput, match="cannot be moved to provision 9: the draft has 7 provisions"):
        set_trailing_start(small, 8)
    with pytest.raises(InvalidInput):
        set_preamble_end(small, -1)


def test_other_warnings_survive_edits() -> None:
    doc = SourceDocument(
        lines=tuple(Line(t) for t in ["Article 1 A.", "Article 3 B.", "Article 4 C."]),
        kind="docx", wrapped=False, warnings=("The file had tracked changes.",),
    )
    result = split_document(doc)
    assert [w.message for w in result.warnings] == [
        "The file had tracked changes.", "Article 3 follows Article 1: Article 2 is missing.",
    ]
    edited = update_provision(result, 1, number="2", label="Article 2")
    assert [w.message for w in edited.warnings] == [
        "The file had tracked changes.", "Article 4 follows Article 2: Article 3 is missing.",
    ]


def test_edits_on_the_main_sample_keep_the_rest_identical() -> None:
    doc = SourceDocument(
        lines=tuple(Line(t) for t in read_draft("en_network_products_measures.txt").split("\n")),
        kind="text", wrapped=None,
    )
    result = split_document(doc)
    merged = merge_with_next(result, 3)  # Article 2 + its second paragraph
    assert len(merged.provisions) == len(result.provisions) - 1
    assert merged.provisions[4:] == result.provisions[5:]
    assert merged.title == result.title and merged.deadline == result.deadline


def test_check_numbering_and_provision_text() -> None:
    provisions = [
        SplitProvision("chapter", "", "1", "第一章", "总则"),
        SplitProvision("article", "为了规范。", "1", "第一条", "目的"),
        SplitProvision("item", "第一项；", "1", "（一）"),
        SplitProvision("article", "Text.", "3", "Article 3", "Scope"),
    ]
    assert check_numbering(provisions) == [SplitWarning("Article 3 follows Article 1: Article 2 is missing.", 3)]
    assert [provision_text(p) for p in provisions] == [
        "第一章\u3000总则", "第一条【目的】为了规范。", "（一）第一项；", "Article 3 (Scope) Text.",
    ]
