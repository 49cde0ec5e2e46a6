"""Reading a past comment table from .docx: header detection, column 1 forms, continuations, merged cells,
underline spans character for character, hostile files, and the round trip through the Word export."""

from __future__ import annotations

import pytest

from comments.errors import ImportRejected
from comments.export.docx_renderer import render_docx
from comments.export.presenter import ExportDocument, ExportRow, Span
from comments.importing.comment_table import CommentTable, TableRow, read_comment_table
from comments.importing.safety import ImportLimits
from tests.fixtures.builders import (
    abstract_num_xml,
    make_billion_laughs_docx,
    make_blocks_docx,
    make_docx,
    make_xxe_docx,
    make_zip_bomb_docx,
    marked_runs_xml,
    num_xml,
    table_cell_xml,
    table_row_xml,
    table_xml,
)

HEADER = ("Text of Draft Measure", "Comment", "Recommendation")


def read(*blocks: str, styles_xml: str = "", numbering_xml: str = "") -> CommentTable:
    return read_comment_table(make_blocks_docx(*blocks, styles_xml=styles_xml, numbering_xml=numbering_xml))


def underlined(row: TableRow) -> list[str]:
    return [row.provision_text[start:end] for start, end in row.spans]


def rejected(data: bytes, limits: ImportLimits | None = None) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        read_comment_table(data, limits) if limits else read_comment_table(data)
    return info.value


# --- the document around the table ------------------------------------------------------------------


def test_title_opening_paragraphs_and_separate_label_lines() -> None:
    table = read(
        "**Comments on the Draft Regulations on Network Security**",
        "",
        "Example Trade Association",
        "(Note: relevant text is underlined).",
        table_xml(
            HEADER,
            (
                "Article 29 (Technical maintenance requirements)\n"
                "L3+ networks shall receive __technical maintenance within China__.\n"
                "Second paragraph __here__.",
                "We object.",
                "Remove it.",
            ),
            ("Article 2: Scope\nThe Regulations apply to __networks__.", "Too broad.", "Narrow it."),
            ("Chapter 3 Network Security Protection\n(3) Level 3 refers to __important networks__.", "C3.", "R3."),
            ("Article 5\nOperators shall keep logs.", "C5.", ""),
        ),
    )
    assert table.title == "Comments on the Draft Regulations on Network Security"
    assert table.paragraphs_before == ("Example Trade Association",)
    assert table.warnings == ()
    first, second, third, fourth = table.rows
    assert first == TableRow(
        provision_label="Article 29",
        provision_heading="Technical maintenance requirements",
        provision_text="L3+ networks shall receive technical maintenance within China.\nSecond paragraph here.",
        spans=((27, 61), (80, 84)),
        comment="We object.",
        recommendation="Remove it.",
    )
    assert underlined(first) == ["technical maintenance within China", "here"]
    assert (second.provision_label, second.provision_heading) == ("Article 2", "Scope")
    assert second.provision_text == "The Regulations apply to networks."
    assert second.spans == ((25, 33),)
    assert (third.provision_label, third.provision_heading) == ("Chapter 3", "Network Security Protection")
    assert third.provision_text == "(3) Level 3 refers to important networks."
    assert underlined(third) == ["important networks"]
    assert (fourth.provision_label, fourth.provision_heading, fourth.provision_text) == (
        "Article 5", None, "Operators shall keep logs.",
    )
    assert (fourth.comment, fourth.recommendation, fourth.spans) == ("C5.", "", ())


def test_inline_label_and_heading_are_split_off_and_spans_shifted() -> None:
    table = read(
        table_xml(
            HEADER,
            ("Article 2 (Scope) The Regulations apply to __the networks__ within China.", "a.", "b."),
            ("Article 7 (__Definitions__) __Operator__ means any person.", "c.", "d."),
            ("Article 3 The operator shall __keep logs__.", "e.", "f."),
            ("Article 28 (Requirements (general) for products) Operators __shall buy__.", "g.", "h."),
        )
    )
    rows = table.rows
    assert [(r.provision_label, r.provision_heading) for r in rows] == [
        ("Article 2", "Scope"),
        ("Article 7", "Definitions"),
        ("Article 3", None),
        ("Article 28", "Requirements (general) for products"),
    ]
    assert rows[0].provision_text == "The Regulations apply to the networks within China."
    assert rows[0].spans == ((25, 37),)
    assert rows[1].provision_text == "Operator means any person."
    assert rows[1].spans == ((0, 8),)  # the underlined heading is not a span
    assert rows[2].provision_text == "The operator shall keep logs."
    assert underlined(rows[2]) == ["keep logs"]
    assert rows[3].provision_text == "Operators shall buy."
    assert underlined(rows[3]) == ["shall buy"]


def test_cross_references_and_item_markers_are_not_labels() -> None:
    table = read(
        table_xml(
            HEADER,
            ("Article 37 of the Cybersecurity Law requires __local storage__.", "a.", ""),
            ("(3) Level 3 refers to __important networks__.", "b.", ""),
        )
    )
    first, second = table.rows
    assert first.provision_label is None and first.provision_heading is None
    assert first.provision_text == "Article 37 of the Cybersecurity Law requires local storage."
    assert first.spans == ((45, 58),)
    assert second.provision_label is None
    assert second.provision_text == "(3) Level 3 refers to important networks."
    assert underlined(second) == ["important networks"]


def test_chinese_labels_headings_and_text() -> None:
    table = read(
        table_xml(
            ("条款原文", "意见", "建议"),
            ("第二十九条 【技术维护】\n三级以上网络应当在__境内__实施技术维护。", "意见一。", "建议一。"),
            ("第三条 适用范围\n本条例适用于__网络__。", "意见二。", ""),
            ("第五条【定义】本条例所称“__网络__”，是指计算机。", "意见三。", "建议三。"),
            ("第二十一条的规定适用于__运营者__。", "意见四。", ""),
        )
    )
    rows = table.rows
    assert [(r.provision_label, r.provision_heading) for r in rows] == [
        ("第二十九条", "技术维护"),
        ("第三条", "适用范围"),
        ("第五条", "定义"),
        (None, None),
    ]
    assert rows[0].provision_text == "三级以上网络应当在境内实施技术维护。"
    assert rows[0].spans == ((9, 11),)
    assert rows[1].provision_text == "本条例适用于网络。" and rows[1].spans == ((6, 8),)
    assert rows[2].provision_text == "本条例所称“网络”，是指计算机。" and underlined(rows[2]) == ["网络"]
    assert rows[3].provision_text == "第二十一条的规定适用于运营者。" and underlined(rows[3]) == ["运营者"]
    assert [r.comment for r in rows] == ["意见一。", "意见二。", "意见三。", "意见四。"]
    assert rows[0].recommendation == "建议一。" and rows[1].recommendation == ""


# --- finding the table and its columns --------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "body", "expected"),
    [
        (
            ("Provision", "Comments"),
            ("Article 1\nText one.", "Comment one."),
            ("Article 1", "Text one.", "Comment one.", ""),
        ),
        (
            ("No.", "Provision", "Comment", "Recommendation"),
            ("1", "Article 1\nText one.", "Comment one.", "Rec one."),
            ("Article 1", "Text one.", "Comment one.", "Rec one."),
        ),
        (
            ("Draft text", "Concern", "Proposed change"),
            ("Article 1\nText one.", "Concern one.", "Change one."),
            ("Article 1", "Text one.", "Concern one.", "Change one."),
        ),
        (
            ("Original text", "Issue", "Suggested revision"),
            ("Text one.", "Issue one.", "Revision one."),
            (None, "Text one.", "Issue one.", "Revision one."),
        ),
        (
            ("Comments", "Text of Draft Measure", "Suggestion"),  # columns in another order
            ("Comment one.", "Article 1\nText one.", "Suggestion one."),
            ("Article 1", "Text one.", "Comment one.", "Suggestion one."),
        ),
    ],
)
def test_header_variants(header: tuple[str, ...], body: tuple[str, ...], expected: tuple) -> None:
    (row,) = read(table_xml(header, body)).rows
    assert (row.provision_label, row.provision_text, row.comment, row.recommendation) == expected


def test_label_column_and_text_column_combine() -> None:
    table = read(
        table_xml(
            ("Article", "Text", "Comment", "Recommendation"),
            ("Article 29 (Technical maintenance)", "L3+ networks shall __stay__ in China.", "C.", "R."),
            ("31", "Operators shall __protect data__.", "C2.", "R2."),
            ("Art. 34\nNew technology", "Article 34 Operators shall manage __risks__.", "C3.", "R3."),
        )
    )
    rows = table.rows
    assert [(r.provision_label, r.provision_heading) for r in rows] == [
        ("Article 29", "Technical maintenance"),
        ("Article 31", None),
        ("Art. 34", "New technology"),
    ]
    assert rows[0].provision_text == "L3+ networks shall stay in China." and underlined(rows[0]) == ["stay"]
    assert rows[1].provision_text == "Operators shall protect data." and rows[1].spans == ((16, 28),)
    # The text cell repeats the label column's label: it is taken off the text once.
    assert rows[2].provision_text == "Operators shall manage risks." and underlined(rows[2]) == ["risks"]


def test_header_in_second_row_after_a_title_row_and_other_tables_before() -> None:
    table = read(
        "Cover letter",
        table_xml(("To:", "WTO TBT Enquiry Point"), ("Date:", "1 May 2026")),
        table_xml(("Provision", "Deadline"), ("Article 5", "30 days")),  # a provision column but no comment one
        "Our detailed comments follow.",
        table_xml(
            table_row_xml(table_cell_xml("Annex: comments of the Association", span=3)),
            HEADER,
            ("Article 1 (Scope)\nThe Law applies.", "Fine.", "None."),
            columns=3,
        ),
    )
    assert table.title == "Cover letter"
    assert table.paragraphs_before == ("Our detailed comments follow.",)
    (row,) = table.rows
    assert (row.provision_label, row.provision_heading) == ("Article 1", "Scope")
    assert row.provision_text == "The Law applies."
    assert (row.comment, row.recommendation) == ("Fine.", "None.")


def test_title_row_inside_the_table_is_the_title_when_no_paragraph_precedes() -> None:
    table = read(
        table_xml(
            table_row_xml(table_cell_xml("Comments on the Draft Measures", span=3)),
            HEADER,
            ("Article 1\nText.", "C.", "R."),
            columns=3,
        )
    )
    assert table.title == "Comments on the Draft Measures"
    assert [r.provision_label for r in table.rows] == ["Article 1"]


def test_document_written_by_python_docx() -> None:
    data = make_docx(
        ["Submission of the Example Association", "Dear Sir or Madam,"],
        table_rows=[
            list(HEADER),
            ["Article 4 (Duties)\nOperators shall act.", "Too vague.\nSee Article 5.", "Clarify."],
        ],
    )
    table = read_comment_table(data)
    assert table.title == "Submission of the Example Association"
    assert table.paragraphs_before == ("Dear Sir or Madam,",)
    assert table.rows == (
        TableRow("Article 4", "Duties", "Operators shall act.", (), "Too vague.\nSee Article 5.", "Clarify."),
    )


def test_two_level_header_is_refined_by_the_row_below() -> None:
    table = read(
        table_xml(
            table_row_xml(table_cell_xml("Provision", vmerge="restart"), table_cell_xml("Comments", span=2)),
            table_row_xml(table_cell_xml("", vmerge="continue"), "Concern", "Recommendation"),
            ("Article 1\nText.", "A concern.", "A fix."),
            columns=3,
        )
    )
    (row,) = table.rows
    assert (row.provision_label, row.comment, row.recommendation) == ("Article 1", "A concern.", "A fix.")


# --- rows: repeats, continuations, merges -----------------------------------------------------------


def test_repeated_header_rows_are_skipped() -> None:
    table = read(
        table_xml(
            HEADER,
            ("Article 1\nOne.", "C1.", "R1."),
            table_row_xml("Text of Draft Measure", "Comment", "Recommendation", repeat_header=True),
            ("TEXT OF DRAFT MEASURE", "COMMENTS", "RECOMMENDATIONS"),
            ("Article 2\nTwo.", "C2.", "R2."),
        )
    )
    assert [(r.provision_label, r.provision_text, r.comment) for r in table.rows] == [
        ("Article 1", "One.", "C1."),
        ("Article 2", "Two.", "C2."),
    ]
    assert table.warnings == ()


def test_rows_split_across_pages_are_joined() -> None:
    table = read(
        table_xml(
            HEADER,
            (
                "Article 2 (Scope) The Regulations apply to the __networks constructed__",
                "The scope is",
                "We recommend",
            ),
            ("__and operated__ within China.", "too broad.", "narrowing it."),
            ("", "A second point.", ""),
            ("Article 3 (Terms) Next.", "C3.", "R3."),
            ("A quoted fragment without a label.", "Own comment.", "Own recommendation."),
        )
    )
    first, second, third = table.rows
    assert first.provision_text == "The Regulations apply to the networks constructed\nand operated within China."
    assert underlined(first) == ["networks constructed\nand operated"]
    assert first.spans == ((29, 62),)
    assert first.comment == "The scope is\ntoo broad.\nA second point."
    assert first.recommendation == "We recommend\nnarrowing it."
    assert second.provision_label == "Article 3"
    assert (third.provision_label, third.provision_text) == (None, "A quoted fragment without a label.")
    assert table.warnings == ("Rows 3 and 4 continue the rows above them and were joined to them.",)


def test_unlabelled_fragments_with_their_own_comments_stay_separate() -> None:
    table = read(
        table_xml(
            HEADER,
            ("the networks constructed", "Too broad.", ""),
            ("Operators of L3+ networks", "Unclear.", ""),
            ("secure and trusted", "", "Remove it."),
            ("Chinese products", "", "Delete."),
        )
    )
    assert [r.provision_text for r in table.rows] == [
        "the networks constructed",
        "Operators of L3+ networks",
        "secure and trusted",
        "Chinese products",
    ]


def test_merged_cells_are_read_once() -> None:
    table = read(
        table_xml(
            table_row_xml(table_cell_xml("Text of Draft Measure", span=2), "Comment", "Recommendation"),
            ("Article 5 (Scope)", "Text __five__.", "C5.", "R5."),
            table_row_xml(
                table_cell_xml("Article 6\nText six.", span=2, vmerge="restart"), "First comment.", "First rec."
            ),
            table_row_xml(table_cell_xml("", span=2, vmerge="continue"), "Second comment.", "Second rec."),
            table_row_xml(table_cell_xml("Article 7\nSeven.", span=2), table_cell_xml("Shared comment.", span=2)),
            table_row_xml(table_cell_xml("Chapter 2 Security", span=4)),
            table_row_xml(table_cell_xml("General comments: we support the aim.", span=4)),
            columns=4,
        )
    )
    five, six, seven = table.rows
    assert (five.provision_label, five.provision_heading, five.provision_text) == ("Article 5", "Scope", "Text five.")
    assert underlined(five) == ["five"]
    assert (six.provision_text, six.comment, six.recommendation) == (
        "Text six.", "First comment.\nSecond comment.", "First rec.\nSecond rec.",
    )
    assert (seven.provision_text, seven.comment, seven.recommendation) == ("Seven.", "Shared comment.", "")
    assert table.warnings == (
        "Row 7 spans the whole table (“General comments: we support the aim.”) and was left out.",
        "Row 4 continues the row above and was joined to it.",
    )


def test_blank_rows_skipped_silently_and_unfilled_rows_kept_with_a_warning() -> None:
    table = read(
        table_xml(
            HEADER,
            ("", "", ""),
            ("Article 1\nOne.", "", ""),
            ("\n\n", "\n", ""),
            ("Article 2\nTwo.", "C2.", ""),
            ("Article 3", "", ""),  # a label alone, nothing else: a title row
        )
    )
    assert [(r.provision_label, r.comment) for r in table.rows] == [("Article 1", ""), ("Article 2", "C2.")]
    assert table.warnings == ("Row 3 (Article 1) has no comment or recommendation.",)


def test_one_table_per_page_is_read_as_one_table() -> None:
    table = read(
        table_xml(HEADER, ("Article 1\nOne.", "C1.", "R1.")),
        "",
        table_xml(HEADER, ("Article 2\nTwo.", "C2.", "R2.")),
        table_xml(("Article 3\nThree.", "C3.", "R3.")),  # no header: the next page of the same table
        "Annex: comments on the implementing rules.",
        table_xml(("Provision", "Comment"), ("Rule 1\nOne.", "C.")),  # another comment table, other columns
    )
    assert [r.provision_label for r in table.rows] == ["Article 1", "Article 2", "Article 3"]
    assert table.warnings == (
        "Table 4 of the document also looks like a comment table but has other columns; "
        "only the first comment table was read.",
        "Tables 1, 2 and 3 of the document have the same columns and were read as one comment table.",
    )


def test_several_paragraphs_nested_tables_and_line_breaks_in_cells() -> None:
    nested = table_xml(("Inner a", "Inner b"), ("Inner c", ""))
    table = read(
        table_xml(
            HEADER,
            (
                "Article 8 (Logs)\nLine one<br>__Line two__\n\n",
                table_cell_xml("First paragraph.\n\nThird paragraph.", nested=nested),
                "Rec “quoted” ‘single’.\n",
            ),
        )
    )
    (row,) = table.rows
    assert row.provision_text == "Line one\nLine two"
    assert row.spans == ((9, 17),)
    assert row.comment == "First paragraph.\n\nThird paragraph.\nInner a\nInner b\nInner c"
    assert row.recommendation == "Rec “quoted” ‘single’."


# --- underlines, character for character ------------------------------------------------------------

STYLES = (
    '<w:style w:type="character" w:styleId="UnderBase"><w:name w:val="Under Base"/>'
    '<w:rPr><w:u w:val="single"/></w:rPr></w:style>'
    '<w:style w:type="character" w:styleId="Emph"><w:name w:val="Emph"/><w:basedOn w:val="UnderBase"/>'
    "<w:rPr><w:i/></w:rPr></w:style>"
    '<w:style w:type="character" w:styleId="Plain"><w:name w:val="Plain"/><w:rPr><w:u w:val="none"/></w:rPr>'
    "</w:style>"
)


def test_spans_at_start_and_end_several_and_merged_when_adjacent() -> None:
    table = read(
        table_xml(
            HEADER,
            (
                "Article 1\n__The operator__ shall keep __five__ __years__ of __rec____ords__ "
                "and submit them __on request__",
                "C.",
                "R.",
            ),
        )
    )
    (row,) = table.rows
    text = "The operator shall keep five years of records and submit them on request"
    assert row.provision_text == text
    assert row.spans == ((0, 12), (24, 28), (29, 34), (38, 45), (62, 72))
    assert row.spans[-1][1] == len(text)
    assert underlined(row) == ["The operator", "five", "years", "records", "on request"]


def test_whitespace_at_span_edges_is_trimmed_and_whitespace_only_underline_dropped() -> None:
    (row,) = read(table_xml(HEADER, ("Article 1\nKeep__  five years __for__   __ever.", "C.", ""))).rows
    assert row.provision_text == "Keep  five years for   ever."
    assert underlined(row) == ["five years"]
    assert row.spans == ((6, 16),)


def test_span_crossing_a_paragraph_break_is_one_span() -> None:
    (row,) = read(
        table_xml(HEADER, ("Article 1\nFirst ends __here.__\n__Second__ starts.\n\n__Fourth.__", "C.", ""))
    ).rows
    assert row.provision_text == "First ends here.\nSecond starts.\n\nFourth."
    assert row.spans == ((11, 23), (33, 40))
    assert underlined(row) == ["here.\nSecond", "Fourth."]


def test_underline_through_a_character_style_and_its_base_style() -> None:
    plain_run_in_underlined_style = (
        '<w:p><w:r><w:t xml:space="preserve">Keep </w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Emph"/></w:rPr><w:t>styled</w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Emph"/><w:u w:val="none"/></w:rPr><w:t xml:space="preserve"> not</w:t></w:r>'
        '<w:r><w:rPr><w:rStyle w:val="Plain"/></w:rPr><w:t xml:space="preserve"> plain </w:t></w:r>'
        '<w:r><w:rPr><w:u w:val="double"/></w:rPr><w:t>double</w:t></w:r>'
        '<w:r><w:rPr><w:u w:val="wave"/></w:rPr><w:t xml:space="preserve"> wave</w:t></w:r></w:p>'
    )
    cell = table_cell_xml(f"Article 1\n{plain_run_in_underlined_style}\nAnd {{{{Emph|this one}}}} too.")
    (row,) = read(table_xml(HEADER, table_row_xml(cell, "C.", "")), styles_xml=STYLES).rows
    assert row.provision_text == "Keep styled not plain double wave\nAnd this one too."
    assert underlined(row) == ["styled", "double wave", "this one"]
    assert row.spans == ((5, 11), (22, 33), (38, 46))


def test_tabs_and_non_breaking_spaces_become_spaces_and_offsets_hold() -> None:
    (row,) = read(table_xml(HEADER, ("Article 1\na<tab>__b\u00a0c__\u00a0d", "C\u00a0D.", ""))).rows
    assert row.provision_text == "a b c d"
    assert row.spans == ((2, 5),)
    assert row.comment == "C D."


def test_word_numbering_in_cells_is_written_out() -> None:
    numbering = abstract_num_xml(1, [("decimal", "%1.", 1)]) + num_xml(1, 1)
    numbered = (
        '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>'
        "<w:r><w:t>{}</w:t></w:r></w:p>"
    )
    comment = table_cell_xml("Two points:\n" + numbered.format("First.") + "\n" + numbered.format("Second."))
    (row,) = read(table_xml(HEADER, table_row_xml("Article 1\nText.", comment, "")), numbering_xml=numbering).rows
    assert row.comment == "Two points:\n1. First.\n2. Second."


def test_bold_first_line_is_a_label_line_whatever_its_words() -> None:
    table = read(
        table_xml(
            HEADER,
            ("**Recital twelve (Purpose)**\nThe purpose is __safety__.", "C.", ""),
            ("**Definitions of terms**\nTerms mean __things__.", "C.", ""),
        )
    )
    first, second = table.rows
    assert (first.provision_label, first.provision_heading) == ("Recital twelve", "Purpose")
    assert first.provision_text == "The purpose is safety." and underlined(first) == ["safety"]
    assert (second.provision_label, second.provision_heading) == ("Definitions of terms", None)


# --- refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "is a PDF"),
        (b"Article 1 Text | Comment | Recommendation\n", "not a Word .docx document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "older Word .doc"),
        (b"", "empty"),
        (b"PK\x03\x04" + b"\x00" * 60, "ZIP archive"),
    ],
)
def test_not_a_docx_is_refused(data: bytes, words: str) -> None:
    error = rejected(data)
    assert words in error.message
    assert error.reason == ("invalid" if words == "empty" else "unsupported")


def test_damaged_docx_is_refused() -> None:
    data = make_docx(["x"], table_rows=[list(HEADER)])
    error = rejected(data[: len(data) // 2])
    assert "damaged" in error.message


def test_no_table_and_no_header_are_refused_with_what_was_expected() -> None:
    no_table = rejected(make_docx(["Dear Sir or Madam,", "We have no comments."]))
    assert no_table.message.startswith("No comment table was found: expected")
    assert "'Comment'" in no_table.message and "'Text of Draft Measure'" in no_table.message
    assert no_table.message.endswith("(the document has no table).")
    no_header = rejected(make_docx([], table_rows=[["Name", "Role"], ["Article 5", "Comment deadline"]]))
    assert no_header.message.endswith("(the document's only table has none).")
    header_too_low = table_xml(*[(f"{n}a", f"{n}b") for n in range(6)], ("Provision", "Comment"), ("Article 1", "x"))
    assert "has none" in rejected(make_blocks_docx(header_too_low)).message
    # Below a row quoting a provision, a row naming columns is a body row, not a header found late.
    below_a_body_row = table_xml(
        ("Title", "x"), ("", ""), ("", ""), ("Article 1 Operators __shall__ act.", "Vague."), ("Provision", "Comment")
    )
    assert "has none" in rejected(make_blocks_docx(below_a_body_row)).message


def test_zip_bomb_xxe_and_entity_expansion_are_refused_before_parsing() -> None:
    assert "compressed suspiciously well" in rejected(make_zip_bomb_docx(2)).message
    assert "DOCTYPE" in rejected(make_xxe_docx()).message
    assert "DOCTYPE" in rejected(make_billion_laughs_docx()).message


def test_limits_apply_upload_size_and_element_count() -> None:
    data = make_blocks_docx(table_xml(HEADER, *[(f"Article {i}\nText {i}.", f"C{i}.", "") for i in range(1, 40)]))
    assert len(read_comment_table(data).rows) == 39
    too_big = rejected(data, ImportLimits(max_bytes=len(data) - 1))
    assert too_big.reason == "too_large"
    too_complex = rejected(data, ImportLimits(docx_max_elements=500))
    assert too_complex.reason == "too_large" and "too complex" in too_complex.message
    too_long = rejected(data, ImportLimits(max_text_chars=100))
    assert too_long.reason == "too_large"


# --- round trip through the Word export -------------------------------------------------------------


def span_of(text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(start, start + len(needle))


ROUND_TRIP_TEXTS = {
    "label_heading": "The operator shall keep records for five years.\nSecond paragraph of the article.",
    "label_only": "“Secure and trusted” products and ‘services’ shall be used.",
    "nothing": "Networks constructed by individuals for their own use are excluded.\n\nAnother paragraph.",
    "chinese": "三级以上网络应当在境内实施技术维护。\n确需境外远程维护的，应当进行评估。",
    "nested_heading": "Terms in this Annex mean what they say.",
    "sub_reference": "Operators shall notify the authority within 24 hours.",
}


def round_trip_rows() -> list[ExportRow]:
    t = ROUND_TRIP_TEXTS
    return [
        ExportRow(
            "Article 29", "Technical maintenance requirements", t["label_heading"],
            (span_of(t["label_heading"], "The operator"), span_of(t["label_heading"], "five years.\nSecond"),
             span_of(t["label_heading"], "article.")),
            "We object.\nSecond paragraph of the comment.", "Remove the requirement.",
        ),
        ExportRow(
            "Article 5", None, t["label_only"], (span_of(t["label_only"], "“Secure and trusted”"),),
            "The “secure and trusted” formulation is vague.", "",
        ),
        ExportRow(
            None, None, t["nothing"], (span_of(t["nothing"], "individuals"), span_of(t["nothing"], "Another")),
            "", "Narrow the scope.",
        ),
        ExportRow(
            "第二十九条", "技术维护", t["chinese"],
            (span_of(t["chinese"], "境内"), span_of(t["chinese"], "境外远程维护")),
            "意见：过于宽泛。", "建议删除。",
        ),
        ExportRow(
            "Annex II", "Definitions (general)", t["nested_heading"], (),
            "A comment on the annex.", "A recommendation.",
        ),
        ExportRow("Art. 3(2)", None, t["sub_reference"], (span_of(t["sub_reference"], "24 hours"),), "Too short.", ""),
        ExportRow("Article 9", "Scope", "", (), "A comment on the whole article.", ""),
    ]


def test_round_trip_through_the_word_export() -> None:
    rows = round_trip_rows()
    document = ExportDocument(
        title="Comments on the Draft Regulations",
        organisation="Example Trade Association",
        date_text="23 November 2026",
        addressee="WTO TBT Enquiry Point",
        opening_paragraphs=("We welcome the opportunity to comment.", "Our comments follow."),
        rows=tuple(rows),
    )
    table = read_comment_table(render_docx(document).data)
    assert table.title == "Comments on the Draft Regulations"
    assert table.paragraphs_before == (
        "Example Trade Association",
        "23 November 2026",
        "WTO TBT Enquiry Point",
        "We welcome the opportunity to comment.",
        "Our comments follow.",
    )
    expected = tuple(
        TableRow(
            row.provision_label, row.provision_heading, row.provision_text,
            tuple((s.start, s.end) for s in row.spans), row.comment, row.recommendation,
        )
        for row in rows
    )
    assert table.rows == expected
    assert underlined(table.rows[0]) == ["The operator", "five years.\nSecond", "article."]
    assert underlined(table.rows[3]) == ["境内", "境外远程维护"]
    assert table.warnings == ()


# --- past submissions: header wordings, section rows, tables split by headings ------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (("Provision", "Proposed amendment", "Rationale"), ("cell 3", "cell 2")),
        (("Draft Law", "Our Position", "Requested Change"), ("cell 2", "cell 3")),
        (("Draft Text", "Concern", "Ask"), ("cell 2", "cell 3")),
        (("Section of Draft", "Feedback", "Suggested Amendment"), ("cell 2", "cell 3")),
        (("Provision", "Justification", "Proposed language"), ("cell 2", "cell 3")),
        (("Provision", "Issues", "Revised text"), ("cell 2", "cell 3")),  # "Revised text" is not the draft's text
        (("条款", "意见", "修改意见"), ("cell 2", "cell 3")),
        (("条款", "修改意见", "修改理由"), ("cell 3", "cell 2")),
        (("征求意见稿条款", "问题", "修改建议"), ("cell 2", "cell 3")),  # "意见" inside "征求意见稿" names no comment
        (("条文", "说明", "修改后条文"), ("cell 2", "cell 3")),
    ],
)
def test_header_wordings_of_past_submissions(header: tuple[str, ...], expected: tuple[str, str]) -> None:
    table = read(table_xml(header, ("Article 2 (Scope)\nThe Regulations apply to __operators__.", "cell 2", "cell 3")))
    (row,) = table.rows
    assert (row.provision_label, row.provision_heading, row.provision_text) == (
        "Article 2", "Scope", "The Regulations apply to operators.",
    )
    assert underlined(row) == ["operators"]
    assert (row.comment, row.recommendation) == expected
    assert table.warnings == ()


def test_two_columns_of_one_kind_are_joined_and_unread_filled_columns_are_named() -> None:
    table = read(
        table_xml(
            ("Text of Draft Measure", "Comment", "Recommendation", "Rationale", "Owner"),
            ("Article 1\nText one.", "Too broad.\nSee Article 2.", "Narrow it.", "Foreign firms are hit.", "Legal"),
            ("Article 2\nText two.", "Vague.", "", "", ""),
        )
    )
    first, second = table.rows
    assert first.comment == "Too broad.\nSee Article 2.\n\nForeign firms are hit."
    assert first.recommendation == "Narrow it."
    assert (second.comment, second.recommendation) == ("Vague.", "")
    assert table.warnings == (
        "The column “Owner” was not read: it is not a provision, comment or recommendation column.",
    )


def test_header_less_tables_under_chapter_headings_and_with_a_column_more_are_read_on() -> None:
    table = read(
        "Memo",
        table_xml(HEADER, ("Article 2\nTwo.", "C2.", "R2.")),
        "Chapter III Data Protection",
        table_xml(("Article 5\nFive.", "C5.", "R5.")),
        table_xml(("", "Article 7\nSeven.", "C7.", "R7.")),  # an empty column pasted in front
        "Yours sincerely,",
        table_xml(("Article 9\nNine.", "C9.", "R9.")),
    )
    assert [(r.provision_label, r.comment, r.recommendation) for r in table.rows] == [
        ("Article 2", "C2.", "R2."),
        ("Article 5", "C5.", "R5."),
        ("Article 7", "C7.", "R7."),
    ]
    assert table.warnings == (
        "Table 4 of the document was not read because text stands between it and the comment table.",
        "Tables 1, 2 and 3 of the document have the same columns and were read as one comment table.",
    )


def test_a_header_less_table_with_other_columns_is_named_not_dropped_silently() -> None:
    table = read(
        table_xml(HEADER, ("Article 2\nTwo.", "C2.", "R2.")),
        table_xml(("Name", "Title", "Date", "Signature", "Place")),
    )
    assert [r.provision_label for r in table.rows] == ["Article 2"]
    assert table.warnings == (
        "Table 2 of the document was not read because its columns do not match the comment table's.",
    )


@pytest.mark.parametrize(
    "section", ["Chapter I General Provisions", "Supplementary Provisions", "第一章 总则", "Section IV Penalties"]
)
def test_section_rows_across_the_table_are_skipped_even_right_under_the_header(section: str) -> None:
    table = read(
        table_xml(
            HEADER,
            table_row_xml(table_cell_xml(section, span=3)),
            ("Article 2\nTwo.", "C2.", "R2."),
            (section, section, section),  # a merge a converter undid: the same text in every cell
            ("Chapter II Network Security", "", ""),  # a labelled title, not merged at all
            ("Article 5\nFive.", "C5.", "R5."),
            columns=3,
        )
    )
    assert [(r.provision_label, r.provision_text, r.comment, r.recommendation) for r in table.rows] == [
        ("Article 2", "Two.", "C2.", "R2."),
        ("Article 5", "Five.", "C5.", "R5."),
    ]
    assert table.warnings == ()


# --- past submissions: labels, label columns, rows ---------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "label", "text"),
    [
        ("Article 21, Paragraph 1\nOperators shall __store data__.", "Article 21, Paragraph 1",
         "Operators shall store data."),
        ("Article 21 paragraph 1\nOperators shall __store data__.", "Article 21 paragraph 1",
         "Operators shall store data."),
        ("Article 21, paragraph 1: Operators shall __store data__.", "Article 21, paragraph 1",
         "Operators shall store data."),
        ("Article 21 (1) and (3)\nOperators shall __store data__.", "Article 21 (1) and (3)",
         "Operators shall store data."),
        ("第二十一条第一款\n运营者应当__存储数据__。", "第二十一条第一款", "运营者应当存储数据。"),
        ("第二十一条第一款 运营者应当__存储数据__。", "第二十一条第一款", "运营者应当存储数据。"),
        ("Article 21, paragraph 1 of the Law lets operators __store data__.", None,
         "Article 21, paragraph 1 of the Law lets operators store data."),
        ("第二十一条第一款规定的运营者__存储数据__。", None, "第二十一条第一款规定的运营者存储数据。"),
    ],
)
def test_labels_pointing_to_a_paragraph(cell: str, label: str | None, text: str) -> None:
    (row,) = read(table_xml(HEADER, (cell, "C.", "R."))).rows
    assert (row.provision_label, row.provision_heading, row.provision_text) == (label, None, text)
    assert underlined(row) == [next(w for w in ("store data", "存储数据") if w in text)]


@pytest.mark.parametrize(
    ("header", "cells", "labels"),
    [
        ("No.", ("Art. 2", "1"), ["Art. 2", None]),
        ("Art.", ("2", "Article 3"), ["Article 2", "Article 3"]),
        ("Section", ("3.2", "Preamble"), ["Section 3.2", None]),
        ("Ref.", ("Art. 2", "3.2"), ["Art. 2", "3.2"]),
        ("条目", ("第二条", "第三条第一款"), ["第二条", "第三条第一款"]),
        ("序号", ("1", "2"), [None, None]),  # plain numbering
    ],
)
def test_label_like_cells_in_a_numbering_column_give_the_label(
    header: str, cells: tuple[str, str], labels: list[str | None]
) -> None:
    table = read(
        table_xml(
            (header, "Text of Draft Measure", "Comment", "Recommendation"),
            (cells[0], "Operators shall __act__.", "C1.", "R1."),
            (cells[1], "Operators shall report.", "C2.", "R2."),
        )
    )
    assert [r.provision_label for r in table.rows] == labels
    assert [r.provision_text for r in table.rows] == ["Operators shall act.", "Operators shall report."]
    assert table.rows[0].spans == ((16, 19),)
    assert table.warnings == ()


def test_a_label_in_the_text_wins_over_a_numbering_column() -> None:
    (row,) = read(
        table_xml(("No.", "Text of Draft Measure", "Comment"), ("1.1", "Article 7 (Storage)\nStore __here__.", "C."))
    ).rows
    assert (row.provision_label, row.provision_heading, row.provision_text) == ("Article 7", "Storage", "Store here.")


def test_short_unlabelled_rows_filling_every_column_are_rows_of_their_own() -> None:
    table = read(
        table_xml(
            HEADER,
            ("“important data” means data that may __endanger security__", "Definition too broad", "Narrow it"),
            ("network operators shall __store data locally__", "Localisation requirement", "Delete"),
            ("products shall pass __security testing__", "Burdensome", "Accept foreign tests"),
        )
    )
    assert [(r.provision_text, underlined(r), r.comment, r.recommendation) for r in table.rows] == [
        ("“important data” means data that may endanger security", ["endanger security"], "Definition too broad",
         "Narrow it"),
        ("network operators shall store data locally", ["store data locally"], "Localisation requirement", "Delete"),
        ("products shall pass security testing", ["security testing"], "Burdensome", "Accept foreign tests"),
    ]
    assert table.warnings == ()


def test_a_summary_table_before_the_main_table_is_passed_over_with_a_warning() -> None:
    table = read(
        "Memo",
        "Summary of key concerns",
        table_xml(("Issue", "Article", "Recommendation"), ("Scope", "Art. 2", "Narrow"), ("Storage", "Art. 7", "Drop")),
        "Detailed comments",
        table_xml(HEADER, ("Article 2 (Scope)\nThe Regulations apply to __operators__.", "Too broad.", "Narrow.")),
    )
    (row,) = table.rows
    assert (row.provision_label, row.provision_text, row.comment) == (
        "Article 2", "The Regulations apply to operators.", "Too broad.",
    )
    assert table.title == "Memo"
    assert table.paragraphs_before == ("Summary of key concerns", "Detailed comments")
    assert table.warnings == (
        "Table 1 of the document also looks like a comment table but was not read: table 2 quotes more of the "
        "draft.",
    )


def test_a_comment_merged_down_over_several_provisions_belongs_to_each() -> None:
    table = read(
        table_xml(
            HEADER,
            table_row_xml(
                "Article 5\nFive.",
                table_cell_xml("Together they impose localisation.", vmerge="restart"),
                table_cell_xml("Delete both.", vmerge="restart"),
            ),
            table_row_xml("Article 7\nSeven.", table_cell_xml("", vmerge="continue"),
                          table_cell_xml("", vmerge="continue")),
            table_row_xml(table_cell_xml("", vmerge="continue"), table_cell_xml("", vmerge="continue"), "Also."),
            ("Article 8\nEight.", "Own.", ""),
        )
    )
    assert [(r.provision_label, r.comment, r.recommendation) for r in table.rows] == [
        ("Article 5", "Together they impose localisation.", "Delete both."),
        ("Article 7", "Together they impose localisation.", "Delete both.\nAlso."),
        ("Article 8", "Own.", ""),
    ]
    assert table.warnings == ("Row 4 continues the row above and was joined to it.",)


def test_body_rows_that_name_columns_are_not_taken_for_repeated_headers() -> None:
    table = read(
        table_xml(
            HEADER,
            ("Article 2\nTwo.", "Too broad.", "Narrow."),
            ("Chapter VII Supplementary Provisions", "Same concern as Article 2", "Same recommendation"),
            ("Draft provisions on penalties", "No further comments", "No recommendations"),
            ("Text of draft measures", "Comments", "Recommendation"),  # the header again
        )
    )
    assert [(r.provision_label, r.provision_text, r.comment, r.recommendation) for r in table.rows] == [
        ("Article 2", "Two.", "Too broad.", "Narrow."),
        ("Chapter VII", "", "Same concern as Article 2", "Same recommendation"),  # a sentence, not a pointer
        (None, "Draft provisions on penalties", "No further comments", "No recommendations"),
    ]
    assert table.rows[1].provision_heading == "Supplementary Provisions"
    assert table.warnings == ()


# --- past submissions: run formatting ----------------------------------------------------------------


def test_a_bold_first_line_that_is_a_sentence_stays_text() -> None:
    table = read(
        table_xml(
            HEADER,
            ("**Network operators shall store personal information in China**\nWhere necessary, __assess__.", "C.", ""),
            ("**Article 21 Operators must store data in China**\nWhere necessary, __assess__.", "C.", ""),
            ("**Data localisation**\nOperators __store__ data.", "C.", ""),
        )
    )
    assert [(r.provision_label, r.provision_heading, r.provision_text, underlined(r)) for r in table.rows] == [
        (None, None, "Network operators shall store personal information in China\nWhere necessary, assess.",
         ["assess"]),
        ("Article 21", None, "Operators must store data in China\nWhere necessary, assess.", ["assess"]),
        ("Data localisation", None, "Operators store data.", ["store"]),
    ]


def test_label_line_ended_by_a_manual_line_break() -> None:
    cell = "Article 2 Scope<br>The Regulations apply to __networks__<br>in China."
    (row,) = read(table_xml(HEADER, (cell, "C.", ""))).rows
    assert (row.provision_label, row.provision_heading) == ("Article 2", "Scope")
    assert row.provision_text == "The Regulations apply to networks\nin China."
    assert row.spans == ((25, 33),)


def run_xml(text: str, props: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{text}</w:t></w:r>'


HIGHLIGHT = '<w:highlight w:val="yellow"/>'


def test_highlighted_runs_are_the_spans_when_nothing_is_underlined() -> None:
    cell = "<w:p>" + run_xml("Operators shall ") + run_xml("store data", HIGHLIGHT) + run_xml(" and ") + run_xml(
        "report", '<w:shd w:val="clear" w:color="auto" w:fill="FFFF00"/>') + run_xml(".") + "</w:p>"
    table = read(table_xml(HEADER, table_row_xml(table_cell_xml(f"Article 1\n{cell}"), "C.", "")))
    (row,) = table.rows
    assert row.provision_text == "Operators shall store data and report."
    assert underlined(row) == ["store data", "report"]
    assert table.warnings == (
        "The table has no underlined text; its highlighted text was read as the relevant text.",
    )


def test_highlight_is_ignored_when_the_table_underlines() -> None:
    highlighted = "<w:p>" + run_xml("Operators shall ") + run_xml("store data", HIGHLIGHT) + run_xml(".") + "</w:p>"
    table = read(
        table_xml(
            HEADER,
            table_row_xml(table_cell_xml(f"Article 1\n{highlighted}"), "C.", ""),
            ("Article 2\nOperators shall __report__.", "C.", ""),
        )
    )
    assert [r.spans for r in table.rows] == [(), ((16, 22),)]
    assert table.warnings == ()


def test_hidden_text_is_left_out_symbols_are_kept_and_nested_tables_leave_no_empty_lines() -> None:
    text = (
        "<w:p>" + run_xml("Fines ") + run_xml("[check with legal] ", "<w:vanish/>")
        + '<w:r><w:rPr><w:u w:val="single"/></w:rPr><w:sym w:font="Symbol" w:char="F0B3"/>'
        '<w:t xml:space="preserve"> RMB 1 million</w:t></w:r>'
        + '<w:r><w:sym w:font="Wingdings" w:char="F0A1"/></w:r>' + run_xml(" apply.") + "</w:p>"
    )
    nested = table_xml(("Level", "Meaning"), ("", ""), ("3", "__important__"))
    cell = f"<w:tc><w:p>{marked_runs_xml('Article 1')}</w:p>{text}{nested}<w:p/><w:p>{run_xml('Comply.')}</w:p></w:tc>"
    (row,) = read(table_xml(HEADER, table_row_xml(cell, "C.", ""))).rows
    assert row.provision_text == "Fines ≥ RMB 1 million apply.\nLevel\nMeaning\n3\nimportant\nComply."
    assert underlined(row) == ["≥ RMB 1 million", "important"]


# --- past submissions: where the table is, pointers, chapter rows, two languages ----------------------


def test_header_below_two_merged_title_rows_and_a_blank_row() -> None:
    table = read(
        table_xml(
            table_row_xml(table_cell_xml("Comments of the Example Chamber", span=3)),
            table_row_xml(table_cell_xml("on the Draft Cybersecurity Review Measures", span=3)),
            table_row_xml(table_cell_xml("(Note: relevant text is underlined)", span=3)),
            ("", "", ""),
            HEADER,
            ("Article 2\nOperators __purchasing products__ are reviewed.", "Too broad.", "Narrow."),
            columns=3,
        )
    )
    assert table.title == "Comments of the Example Chamber"
    assert table.paragraphs_before == ("on the Draft Cybersecurity Review Measures",)
    assert [(r.provision_label, underlined(r), r.comment) for r in table.rows] == [
        ("Article 2", ["purchasing products"], "Too broad."),
    ]
    assert table.warnings == ()


def test_a_memo_in_a_one_cell_layout_table_is_looked_into() -> None:
    nested = table_xml(HEADER, ("Article 2\nOperators shall __store data__.", "Costly.", "Delete."))
    wrapper_cell = (
        f"<w:tc><w:p>{marked_runs_xml('Comments on the Draft Measures')}</w:p>"
        f"<w:p>{marked_runs_xml('(Note: relevant text is underlined)')}</w:p>"
        f"<w:p>{marked_runs_xml('Example Association')}</w:p>{nested}"
        f"<w:p>{marked_runs_xml('Yours sincerely,')}</w:p></w:tc>"
    )
    table = read("", table_xml(table_row_xml(wrapper_cell)), "Annex follows.")
    assert table.title == "Comments on the Draft Measures"
    assert table.paragraphs_before == ("Example Association",)
    assert [(r.provision_label, r.provision_text, underlined(r), r.comment, r.recommendation) for r in table.rows] == [
        ("Article 2", "Operators shall store data.", ["store data"], "Costly.", "Delete."),
    ]
    assert table.warnings == ()


def test_a_table_without_header_is_read_by_position_with_a_warning() -> None:
    table = read(
        "Submission",
        table_xml(
            table_row_xml(table_cell_xml("Detailed comments", span=3)),
            ("Article 2 (Scope)\nThe Regulations apply to __networks__.", "Too broad.", "Narrow it."),
            ("Operators shall __keep logs__.", "Unclear.", ""),
            ("Article 10\nGovernments shall encourage.", "Vague.", "Delete."),
            columns=3,
        ),
    )
    assert [(r.provision_label, r.provision_text, r.comment, r.recommendation) for r in table.rows] == [
        ("Article 2", "The Regulations apply to networks.", "Too broad.", "Narrow it."),
        (None, "Operators shall keep logs.", "Unclear.", ""),
        ("Article 10", "Governments shall encourage.", "Vague.", "Delete."),
    ]
    assert table.title == "Submission"
    assert table.warnings == (
        "Table 1 of the document has no header row: it was read as the comment table, its columns taken by "
        "position (provision text, comment, recommendation).",
    )
    numbered = read(
        table_xml(
            ("1", "Article 8\nOperators shall __encrypt__ data.", "Unclear standard.", "Refer to ISO."),
            ("2.", "Operators shall __audit__ yearly.", "Costly.", "Every two years."),
            ("Art. 9", "Operators shall report.", "Vague.", ""),
        )
    )
    assert [(r.provision_label, r.provision_text, r.comment, r.recommendation) for r in numbered.rows] == [
        ("Article 8", "Operators shall encrypt data.", "Unclear standard.", "Refer to ISO."),
        (None, "Operators shall audit yearly.", "Costly.", "Every two years."),
        ("Art. 9", "Operators shall report.", "Vague.", ""),
    ]
    assert "by position (label or number, provision text, comment, recommendation)" in numbered.warnings[0]


@pytest.mark.parametrize(
    "rows",
    [
        (("Name", "Title", "Signature"), ("A. Smith", "Director", "signed"), ("B. Jones", "Counsel", "signed")),
        (("To:", "Ministry"), ("Re:", "Article 5 of the Draft")),  # a cover table: two columns
        # Prose in the first column of four: not a label or number column.
        (("We welcome the draft and support its aims overall.", "Article 5\nText __here__.", "C.", "R."),),
        # Most rows quote nothing: one label is not enough.
        (("Article 5\nText.", "C.", "R."), ("Background", "Our members", "Are many"), ("Contact", "Mail", "Phone")),
    ],
)
def test_layout_tables_without_header_are_not_read_by_position(rows: tuple[tuple[str, ...], ...]) -> None:
    assert "has none" in rejected(make_blocks_docx(table_xml(*rows))).message


def test_same_as_above_and_see_comment_on_article_take_the_text_they_point_to() -> None:
    table = read(
        table_xml(
            HEADER,
            ("Article 2\nScope.", "Same as above.", "Narrow."),  # nothing above: kept
            ("Art. 5\nFive.", "Too broad.", "Define it."),
            ("Article 6\nSix.", "Ditto", "同上"),
            ("第七条\n七。", "参见第五条意见", "See recommendation on Article 5."),
            ("Article 8\nEight.", "See comment on Article 12", "Same as Article 2"),
            ("Article 9\nNine.", "See Article 5 of the Cybersecurity Law.", "Same concern as Article 2"),
        )
    )
    assert [(r.comment, r.recommendation) for r in table.rows] == [
        ("Same as above.", "Narrow."),
        ("Too broad.", "Define it."),
        ("Too broad.", "Define it."),
        ("Too broad.", "Define it."),  # "第五条" is "Art. 5"
        ("See comment on Article 12", "Narrow."),
        ("See Article 5 of the Cybersecurity Law.", "Same concern as Article 2"),  # sentences, not pointers
    ]
    assert table.warnings == (
        "Row 2: the comment “Same as above.” was kept as written: there is no row above it.",
        "Row 4: the comment “Ditto” was replaced by the comment of row 3.",
        "Row 4: the recommendation “同上” was replaced by the recommendation of row 3.",
        "Row 5: the comment “参见第五条意见” was replaced by the comment of row 3 (第五条).",
        "Row 5: the recommendation “See recommendation on Article 5.” was replaced by the recommendation of "
        "row 3 (Article 5).",
        "Row 6: the comment “See comment on Article 12” was kept as written: no row has the label Article 12.",
        "Row 6: the recommendation “Same as Article 2” was replaced by the recommendation of row 2 (Article 2).",
    )


def test_a_pointer_to_a_label_two_rows_share_is_kept() -> None:
    table = read(
        table_xml(
            HEADER,
            ("Article 2\nFirst sentence.", "First concern.", "R1."),
            ("Article 2\nSecond sentence.", "Second concern.", "R2."),
            ("Article 3\nThree.", "同上\nSame as above", "See comment on Article 2"),
        )
    )
    assert [(r.comment, r.recommendation) for r in table.rows][2] == ("Second concern.", "See comment on Article 2")
    assert table.warnings == (
        "Row 4: the comment “同上 / Same as above” was replaced by the comment of row 3.",
        "Row 4: the recommendation “See comment on Article 2” was kept as written: 2 rows have the label "
        "Article 2.",
    )


@pytest.mark.parametrize(
    ("cell", "label", "heading"),
    [
        ("Chapter VII Supplementary Provisions", "Chapter VII", "Supplementary Provisions"),
        ("第七章 附则", "第七章", "附则"),
        ("Annex II Definitions", "Annex II", "Definitions"),
    ],
)
def test_a_comment_on_a_whole_chapter_is_a_label_and_heading_without_text(cell: str, label: str, heading: str) -> None:
    table = read(table_xml(HEADER, (cell, "Same concern as Article 2.", ""), ("Article 5 Scope", "C5.", "")))
    assert [(r.provision_label, r.provision_heading, r.provision_text, r.spans) for r in table.rows] == [
        (label, heading, "", ()),
        ("Article 5", None, "Scope", ()),  # an article's words stay its text
    ]
    assert table.warnings == ()


def test_bilingual_header_titles_label_cells_and_text() -> None:
    table = read(
        table_xml(
            ("条款 Article", "征求意见稿原文 Draft Text", "意见 Comment", "修改建议 Recommendation"),
            ("第二条<br>Article 2", "本条例适用于__网络数据__。\nThese apply to __network data__.", "过宽。", "缩小。"),
            ("3", "第三条\nArticle 3\n国家__建立__制度。", "不明确。", "明确。"),
        )
    )
    assert [(r.provision_label, r.provision_heading, r.provision_text, underlined(r)) for r in table.rows] == [
        ("第二条", None, "本条例适用于网络数据。\nThese apply to network data.", ["网络数据", "network data"]),
        ("Article 3", None, "国家建立制度。", ["建立"]),  # the label column's label, as for "Art. 34"
    ]
    assert table.warnings == ()


def test_a_chinese_cross_reference_is_not_a_label_as_the_splitter_reads_it() -> None:
    from comments.importing.comment_table import _split_label
    from comments.importing.markers import parse_marker

    for text in ("第三条要求开展安全评估的，应当报告。", "第三条规定的情形除外。", "第三条所列事项"):
        assert _split_label(text) is None and parse_marker(text) is None, text
    assert _split_label("第三条　运营者应当报告。") is not None
