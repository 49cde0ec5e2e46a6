"""The Word submission renderer: reopen the bytes with python-docx and check structure, underlines and safety."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt

from comments.export.docx_renderer import HEADER_TEXTS, NOTE_TEXT, column_widths, render_docx
from comments.export.presenter import ExportDocument, ExportRow, Span, heading_line, sanitize_xml_text

SOFFICE = "/usr/bin/soffice"


def span_of(text: str, needle: str, start: int = 0) -> Span:
    i = text.index(needle, start)
    return Span(i, i + len(needle))


def make_row(text: str, spans: tuple[Span, ...], *, label="Article 1", heading="Scope", comment="c", rec="r"):
    return ExportRow(label, heading, text, spans, comment, rec)


def make_doc(rows, **kw) -> ExportDocument:
    base = {
        "title": "Comments on the Draft Regulation",
        "organisation": "Example Trade Association",
        "date_text": "23 November 2026",
        "addressee": "WTO TBT Enquiry Point",
        "opening_paragraphs": ("We welcome the opportunity to comment.",),
        "rows": tuple(rows),
    }
    base.update(kw)
    return ExportDocument(**base)


def reopen(data: bytes):
    return docx.Document(io.BytesIO(data))


def provision_cell(cell, has_heading: bool = True) -> tuple[str, set[int], str]:
    """The provision text of a column-1 cell (paragraphs joined by "\n"), its underlined offsets and the
    concatenated underlined text."""
    paragraphs = cell.paragraphs[1:] if has_heading else cell.paragraphs
    text, underlined, concat = "", set(), ""
    for i, paragraph in enumerate(paragraphs):
        if i:
            text += "\n"
        for run in paragraph.runs:
            if run.underline:
                underlined.update(range(len(text), len(text) + len(run.text)))
                concat += run.text
            text += run.text
    return text, underlined, concat


def expected_underline(text: str, spans) -> tuple[set[int], str]:
    idx = {i for s in spans for i in range(s.start, s.end) if text[i] != "\n"}
    return idx, "".join(text[i] for i in sorted(idx))


TRICKY_ROWS = [
    # several spans, one at the very start and one at the very end
    (
        "The operator shall keep records for five years and submit them on request",
        lambda t: (span_of(t, "The operator"), span_of(t, "five years"), span_of(t, "on request")),
    ),
    # a span crossing a paragraph break
    (
        "First paragraph ends here.\nSecond paragraph starts here.\nThird.",
        lambda t: (span_of(t, "ends here.\nSecond paragraph"),),
    ),
    # Chinese text and curly quotes
    (
        "第二十九条 运营者应当“定期”进行技术维护。\n其他条款不受影响。",
        lambda t: (span_of(t, "“定期”"), span_of(t, "其他条款")),
    ),
    ("He said “maintain” and ‘inspect’ — then stopped.", lambda t: (span_of(t, "“maintain”"), span_of(t, "‘inspect’"))),
]


@pytest.fixture(scope="module")
def tricky():
    rows = [
        make_row(text, spans(text), label=f"Article {i}", comment=f"Comment {i}\nSecond line {i}", rec=f"Rec {i}")
        for i, (text, spans) in enumerate(TRICKY_ROWS, start=1)
    ]
    result = render_docx(make_doc(rows))
    return rows, result, reopen(result.data)


def test_one_table_three_columns_with_bold_repeating_header(tricky):
    rows, _, document = tricky
    assert len(document.tables) == 1
    table = document.tables[0]
    assert len(table.columns) == 3
    header = table.rows[0]
    assert tuple(c.text for c in header.cells) == ("Text of Draft Measure", "Comment", "Recommendation")
    assert HEADER_TEXTS == ("Text of Draft Measure", "Comment", "Recommendation")
    for cell in header.cells:
        assert cell.paragraphs[0].runs and all(r.bold for r in cell.paragraphs[0].runs)
    tr_pr = header._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None
    assert len(table.rows) == 1 + len(rows)


def test_fixed_layout_grid_and_cell_widths(tricky):
    _, _, document = tricky
    tbl = document.tables[0]._tbl
    layout = tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"
    grid = tbl.tblGrid.findall(qn("w:gridCol"))
    assert len(grid) == 3
    widths = [int(g.get(qn("w:w"))) for g in grid]
    assert tuple(widths) == column_widths(False)
    assert sum(widths) == 11906 - 2 * 1440  # A4 minus 2.54 cm margins, in dxa
    tcs = tbl.findall(f".//{qn('w:tc')}")
    assert len(tcs) == 3 * len(document.tables[0].rows)
    for tc in tcs:
        tcw = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
        assert tcw is not None and tcw.get(qn("w:type")) == "dxa" and int(tcw.get(qn("w:w"))) > 0
    for tr in tbl.findall(qn("w:tr"))[1:]:
        assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    borders = tbl.tblPr.find(qn("w:tblBorders"))
    assert borders is not None and {b.get(qn("w:val")) for b in borders} == {"single"} and len(borders) == 6


def test_heading_line_is_first_bold_paragraph(tricky):
    rows, _, document = tricky
    for row, tr in zip(rows, document.tables[0].rows[1:], strict=True):
        first = tr.cells[0].paragraphs[0]
        assert first.text == heading_line(row) == f"{row.provision_label} (Scope)"
        assert all(r.bold for r in first.runs)


def test_underlined_runs_are_exactly_the_spans(tricky):
    rows, _, document = tricky
    for row, tr in zip(rows, document.tables[0].rows[1:], strict=True):
        text, underlined, concat = provision_cell(tr.cells[0])
        assert text == row.provision_text
        want_idx, want_concat = expected_underline(row.provision_text, row.spans)
        assert underlined == want_idx
        assert concat == want_concat
        assert concat == "".join(row.provision_text[s.start : s.end] for s in row.spans).replace("\n", "")


def test_span_crossing_newline_continues_underline_in_next_paragraph(tricky):
    _, _, document = tricky
    paragraphs = document.tables[0].rows[2].cells[0].paragraphs[1:]
    assert [p.text for p in paragraphs] == ["First paragraph ends here.", "Second paragraph starts here.", "Third."]
    assert [(r.text, bool(r.underline)) for r in paragraphs[0].runs] == [
        ("First paragraph ", False),
        ("ends here.", True),
    ]
    assert [(r.text, bool(r.underline)) for r in paragraphs[1].runs] == [
        ("Second paragraph", True),
        (" starts here.", False),
    ]


def test_comment_and_recommendation_split_on_newlines(tricky):
    _, _, document = tricky
    for i, tr in enumerate(document.tables[0].rows[1:], start=1):
        assert [p.text for p in tr.cells[1].paragraphs] == [f"Comment {i}", f"Second line {i}"]
        assert [p.text for p in tr.cells[2].paragraphs] == [f"Rec {i}"]
    empty = reopen(render_docx(make_doc([make_row("x", (), comment="", rec="a\n\nb")])).data)
    cells = empty.tables[0].rows[1].cells
    assert [p.text for p in cells[1].paragraphs] == [""]
    assert [p.text for p in cells[2].paragraphs] == ["a", "", "b"]


def test_title_block_and_note_paragraph(tricky):
    _, _, document = tricky
    texts = [p.text for p in document.paragraphs]
    assert texts == [
        "Comments on the Draft Regulation",
        "Example Trade Association",
        "23 November 2026",
        "WTO TBT Enquiry Point",
        "We welcome the opportunity to comment.",
        "(Note: relevant text is underlined).",
    ]
    assert NOTE_TEXT == "(Note: relevant text is underlined)."
    assert all(r.bold for r in document.paragraphs[0].runs)
    assert document.paragraphs[0].alignment == 1  # centre


def test_portrait_default_and_footer_page_field(tricky):
    _, _, document = tricky
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.page_width.twips == 11906 and section.page_height.twips == 16838
    assert section.left_margin.twips == 1440 and section.top_margin.twips == 1440
    footer_xml = section.footer._element.xml
    assert 'w:instr=" PAGE "' in footer_xml
    assert section.footer.paragraphs[0].alignment == 1


def test_landscape_swaps_page_and_widens_table():
    document = reopen(render_docx(make_doc([make_row("text", ())], landscape=True)).data)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width.twips == 16838 and section.page_height.twips == 11906
    grid = document.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert sum(int(g.get(qn("w:w"))) for g in grid) == 16838 - 2 * 1440


def test_control_characters_are_dropped_and_spans_stay_right():
    text = "Before\x07 the\x00 operator shall\x0b keep records."
    row = make_row(text, (span_of(text, "operator"), span_of(text, "records")), comment="Bell\x07 here\x00", rec="ok")
    result = render_docx(make_doc([row], title="Title\x01"))
    assert result.dropped_characters == 6  # 3 in the provision, 2 in the comment, 1 in the title
    document = reopen(result.data)
    cells = document.tables[0].rows[1].cells
    provision, _, concat = provision_cell(cells[0])
    assert provision == "Before the operator shall keep records."
    assert concat == "operatorrecords"
    assert [r.text for r in cells[0].paragraphs[1].runs if r.underline] == ["operator", "records"]
    assert cells[1].text == "Bell here"
    assert document.paragraphs[0].text == "Title"


def test_sanitize_xml_text_and_heading_line():
    assert sanitize_xml_text("a\tb\nc\rd") == ("a\tb\nc\rd", 0)
    assert sanitize_xml_text("a\x00b\x1f\ufffe\uffffc\ud800") == ("abc", 5)
    assert sanitize_xml_text("中文“引号”\U0001f600") == ("中文“引号”\U0001f600", 0)
    assert heading_line(make_row("", (), label="Article 29", heading="Technical maintenance requirements")) == (
        "Article 29 (Technical maintenance requirements)"
    )
    assert heading_line(make_row("", (), label="Article 29", heading=None)) == "Article 29"
    assert heading_line(make_row("", (), label=None, heading="Scope")) == "Scope"
    assert heading_line(make_row("", (), label=None, heading=None)) == ""


def test_no_heading_paragraph_when_label_and_heading_missing():
    text = "Only text here"
    row = make_row(text, (span_of(text, "text"),), label=None, heading=None)
    cell = reopen(render_docx(make_doc([row])).data).tables[0].rows[1].cells[0]
    assert [p.text for p in cell.paragraphs] == ["Only text here"]
    assert provision_cell(cell, has_heading=False)[2] == "text"


def test_font_name_and_size_applied():
    document = reopen(render_docx(make_doc([make_row("x", ())], font_name="Arial", font_size_pt=12)).data)
    normal = document.styles["Normal"]
    assert normal.font.name == "Arial" and normal.font.size == Pt(12)
    rpr = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = rpr.find(qn("w:rFonts"))
    assert {a: fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {
        "ascii": "Arial",
        "hAnsi": "Arial",
        "cs": "Arial",
        "eastAsia": "SimSun",
    }
    assert not any("Theme" in k for k in fonts.attrib)
    assert rpr.find(qn("w:sz")).get(qn("w:val")) == "24"


@pytest.mark.slow
def test_libreoffice_renders_header_comment_and_chinese(tmp_path: Path):
    if not Path(SOFFICE).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SOFFICE} is missing on CI")
        pytest.skip(f"{SOFFICE} not installed")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing") if os.environ.get("CI") == "true" else pytest.skip("pdftotext missing")
    chinese = "运营者应当定期进行技术维护。"
    rows = [
        make_row("The operator shall keep records.", (Span(4, 12),), comment="Records are kept electronically."),
        make_row(chinese, (Span(0, 3),), label="第二十九条", heading=None, comment="第二 comment", rec="Delete."),
    ]
    source = tmp_path / "submission.docx"
    source.write_bytes(render_docx(make_doc(rows)).data)
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home)}
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        env=env,
        capture_output=True,
    )
    pdf = tmp_path / "submission.pdf"
    assert pdf.exists()
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())
    assert "TextofDraftMeasure" in flat and "Recommendation" in flat
    assert "Recordsarekeptelectronically." in flat
    assert chinese in flat
