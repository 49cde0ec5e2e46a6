"""The CSV export: parse the bytes back with the csv module and check headers, values and safety."""

from __future__ import annotations

import csv
import io

import pytest

from comments.export.csv_renderer import CSV_HEADERS, neutralise_formula, render_csv
from comments.export.presenter import ExportDocument, ExportRow, Span

HEADERS = ["Provision", "Heading", "Provision text", "Underlined text", "Comment", "Recommendation", "Kind", "Tags"]


def span_of(text: str, needle: str) -> Span:
    i = text.index(needle)
    return Span(i, i + len(needle))


def make_doc(rows) -> ExportDocument:
    return ExportDocument(
        title="Comments on the Draft Regulation",
        organisation="Example Trade Association",
        date_text=None,
        addressee=None,
        opening_paragraphs=(),
        rows=tuple(rows),
    )


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


TEXT = "The operator shall keep records for five years.\nThey are submitted on request."
ROW = ExportRow(
    "Article 29",
    "Technical maintenance requirements",
    TEXT,
    (span_of(TEXT, "five years"), span_of(TEXT, "The operator")),  # out of order on purpose
    "Records are kept electronically.\nPaper copies add cost.",
    "Allow electronic records.",
    "question",
    ("Data localisation", "Cost"),
)


def test_header_and_one_row_per_comment():
    other = ExportRow(None, None, "", (), "General remark.", "")
    data = render_csv(make_doc([ROW, other])).data
    table = parse(data)
    assert list(CSV_HEADERS) == HEADERS
    assert table[0] == HEADERS
    assert table[1] == [
        "Article 29",
        "Technical maintenance requirements",
        TEXT,
        "The operator … five years",  # document order, joined with " … "
        "Records are kept electronically.\nPaper copies add cost.",  # newline inside the field kept
        "Allow electronic records.",
        "question",
        "Data localisation; Cost",
    ]
    assert table[2] == ["", "", "", "", "General remark.", "", "comment", ""]
    assert len(table) == 3


def test_utf8_bom_crlf_records_and_lf_inside_fields():
    data = render_csv(make_doc([ROW])).data
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").startswith('"Provision","Heading"')
    lines = data.split(b"\r\n")
    assert lines[0].endswith(b'"Tags"') and lines[-1] == b""
    assert b"electronically.\nPaper" in data  # LF kept inside the quoted field, not turned into a record end
    assert data.count(b"\r\n") == 2  # header and one record


def test_chinese_and_curly_quotes_kept():
    text = "第二十九条 运营者应当“定期”进行技术维护。"
    row = ExportRow("第二十九条", "技术维护", text, (span_of(text, "“定期”"),), "我们建议删除“定期”。", "删除。")
    table = parse(render_csv(make_doc([row])).data)
    assert table[1][:6] == ["第二十九条", "技术维护", text, "“定期”", "我们建议删除“定期”。", "删除。"]


def test_adjacent_and_overlapping_spans_read_as_one_and_empty_ones_are_ignored():
    text = "abcdefghij"
    row = ExportRow("A", None, text, (Span(0, 3), Span(3, 5), Span(4, 6), Span(8, 8), Span(8, 20)), "", "")
    assert parse(render_csv(make_doc([row])).data)[1][3] == "abcdef … ij"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain text = fine", "Plain text = fine"),
        (" =1", " =1"),
        ("", ""),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_formula_injection_neutralised_in_every_column():
    row = ExportRow(
        "=1+1",
        "+heading",
        "-provision",
        (Span(0, 5),),
        "@comment",
        "=cmd|' /C calc'!A0",
        "comment",
        ("=tag", "ok"),
    )
    cells = parse(render_csv(make_doc([row])).data)[1]
    assert cells == [
        "'=1+1",
        "'+heading",
        "'-provision",
        "'-prov",
        "'@comment",
        "'=cmd|' /C calc'!A0",
        "comment",
        "'=tag; ok",
    ]


def test_control_characters_dropped_counted_and_cannot_unmask_a_formula():
    text = "\x00=SUM(A1)\x07 keeps records"
    underlined = span_of(text, "\x07 keeps")  # a dropped character inside a span
    row = ExportRow("Art\x01icle 1", None, text, (underlined,), "Bell\x07 here", "\x0b@x", "comment", ("ta\x02g",))
    result = render_csv(make_doc([row]))
    cells = parse(result.data)[1]
    assert cells[0] == "Article 1"
    assert cells[2] == "'=SUM(A1) keeps records"  # the dropped NUL would otherwise leave "=" first
    assert cells[3] == " keeps"
    assert cells[4] == "Bell here"
    assert cells[5] == "'\n@x"  # Word's pasted line break is a line break; a leading one is neutralised too
    assert cells[7] == "tag"
    # provision 2, label 1, comment 1, tags 1; the underlined text is not counted twice
    assert result.dropped_characters == 5
    assert render_csv(make_doc([ROW])).dropped_characters == 0


def test_no_rows_gives_the_header_only():
    result = render_csv(make_doc([]))
    assert parse(result.data) == [HEADERS]
    assert result.dropped_characters == 0
