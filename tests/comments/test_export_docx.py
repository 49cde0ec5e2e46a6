"""The Word submission renderer: reopen the bytes with python-docx and check structure, underlines and safety."""

from __future__ import annotations

import dataclasses
import io
import os
import random
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from comments.export.assemble import opening_paragraphs
from comments.export.docx_renderer import (
    HEADER_TEXTS,
    NOTE_TEXT,
    column_widths,
    render_docx,
    row_fits_on_page,
    row_height_twips,
    table_layout,
)
from comments.export.presenter import ExportDocument, ExportRow, Span, heading_line, sanitize_xml_text

SOFFICE = "/usr/bin/soffice"
WORDS = (
    "operator",
    "shall",
    "maintain",
    "records",
    "technical",
    "requirements",
    "vehicle",
    "conformity",
    "authority",
    "approval",
    "manufacturer",
    "within",
    "days",
    "notification",
    "procedure",
    "assessment",
    "component",
)


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


def test_a_submission_filed_in_chinese_says_so_in_its_header_and_note():
    document = reopen(render_docx(make_doc([make_row("运营者应当维护。", ())], language="zh")).data)
    assert [cell.text for cell in document.tables[0].rows[0].cells] == ["征求意见稿条款", "意见", "建议"]
    assert [p.text for p in document.paragraphs if p.text.startswith("（注")] == ["（注：相关文字已加下划线。）"]
    assert not any(p.text == NOTE_TEXT for p in document.paragraphs)


@pytest.mark.parametrize(("landscape", "size"), [(False, (12240, 15840)), (True, (15840, 12240))])
def test_letter_paper(landscape: bool, size: tuple[int, int]):
    data = render_docx(make_doc([make_row("Text.", ())], paper_size="Letter", landscape=landscape)).data
    document = reopen(data)
    section = document.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == size
    grid = document.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    assert sum(int(g.get(qn("w:w"))) for g in grid) == size[0] - 2 * 1440
    assert column_widths(landscape, "Letter") != column_widths(landscape, "A4")


def test_control_characters_are_dropped_and_spans_stay_right():
    text = "Before\x07 the\x00 operator shall\x01 keep records."
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
    assert heading_line(make_row("", (), label="第二十九条", heading="技术维护")) == "第二十九条【技术维护】"
    assert heading_line(make_row("", (), label="第一章", heading="总则")) == "第一章\u3000总则"


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


def require_libreoffice() -> None:
    on_ci = os.environ.get("CI") == "true"
    if not Path(SOFFICE).exists():
        if on_ci:
            pytest.fail(f"{SOFFICE} is missing on CI")
        pytest.skip(f"{SOFFICE} not installed")
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing") if on_ci else pytest.skip("pdftotext missing")


def libreoffice_pdf(tmp_path: Path, document: ExportDocument) -> Path:
    """Render, convert with LibreOffice (its own profile in tmp_path) and return the PDF's path."""
    require_libreoffice()
    source = tmp_path / "submission.docx"
    source.write_bytes(render_docx(document).data)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        timeout=120,
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
    )
    pdf = tmp_path / "submission.pdf"
    assert pdf.exists()
    return pdf


def pdf_text(pdf: Path, *pages: str) -> str:
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.slow
def test_libreoffice_renders_header_comment_and_chinese(tmp_path: Path):
    chinese = "运营者应当定期进行技术维护。"
    rows = [
        make_row("The operator shall keep records.", (Span(4, 12),), comment="Records are kept electronically."),
        make_row(chinese, (Span(0, 3),), label="第二十九条", heading=None, comment="第二 comment", rec="Delete."),
    ]
    text = pdf_text(libreoffice_pdf(tmp_path, make_doc(rows)))
    flat = "".join(text.split())
    assert "TextofDraftMeasure" in flat and "Recommendation" in flat
    assert "Recordsarekeptelectronically." in flat
    assert chinese in flat


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def tall_row(rng: random.Random, i: int, n_words: int = 90) -> ExportRow:
    """About a third of a portrait page: a few of these don't fit on page 1 together."""
    text = f"{words(rng, n_words // 2)}.\n{words(rng, n_words - n_words // 2)}."
    return make_row(text, (Span(0, 20),), label=f"Article {i}", heading="Maintenance", comment=words(rng, 40))


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("word/document.xml")


# -- layout: what made LibreOffice (and Word) push the table to page 2, spacing, margins, header --------------


def test_no_keep_with_next_inside_the_table():
    # keepNext on a row's paragraphs means "keep this row with the next one": on every row it chains the whole
    # table into one block, which is moved below the title block to page 2.
    rng = random.Random(1)
    document = reopen(render_docx(make_doc([tall_row(rng, i) for i in range(1, 5)])).data)
    tbl = document.tables[0]._tbl
    assert tbl.findall(f".//{qn('w:keepNext')}") == []
    assert tbl.findall(f".//{qn('w:keepLines')}") == []
    assert tbl.findall(f".//{qn('w:pageBreakBefore')}") == []


def test_no_space_after_paragraphs_in_cells_and_a_gap_between_them(tricky):
    _, _, document = tricky
    ppr = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}")
    spacing = ppr.find(qn("w:spacing"))
    assert spacing.get(qn("w:after")) == "0" and spacing.get(qn("w:line")) == "240"
    assert document.styles["Normal"].paragraph_format.space_after in (None, 0)
    for tr in document.tables[0].rows[1:]:
        for cell in tr.cells:
            formats = [p.paragraph_format for p in cell.paragraphs]
            assert all(f.space_after in (None, 0) for f in formats)
            assert formats[0].space_before in (None, 0)  # the cell margin is the only space at the top
    comment = document.tables[0].rows[1].cells[1].paragraphs
    assert [p.paragraph_format.space_before for p in comment] == [None, Pt(4)]
    provision = document.tables[0].rows[2].cells[0].paragraphs  # heading, then three paragraphs
    assert [p.paragraph_format.space_before for p in provision] == [None, None, Pt(4), Pt(4)]


def test_cell_margins_and_grey_header_row(tricky):
    _, _, document = tricky
    tbl_pr = document.tables[0]._tbl.tblPr
    margins = tbl_pr.find(qn("w:tblCellMar"))
    assert {m.tag.split("}")[1]: int(m.get(qn("w:w"))) for m in margins} == {
        "top": 57,
        "left": 108,
        "bottom": 57,
        "right": 108,
    }
    order = [child.tag.split("}")[1] for child in tbl_pr]
    assert order.index("tblBorders") < order.index("tblLayout") < order.index("tblCellMar")
    header, first = document.tables[0].rows[0], document.tables[0].rows[1]
    for cell in header.cells:
        shd = cell._tc.tcPr.find(qn("w:shd"))
        assert shd is not None and shd.get(qn("w:fill")) == "D9D9D9"
    assert all(cell._tc.tcPr.find(qn("w:shd")) is None for cell in first.cells)


def test_title_block_layout(tricky):
    _, _, document = tricky
    title, organisation, date, addressee, opening, note = document.paragraphs
    assert title.runs[0].font.size == Pt(14)  # 11 pt text + 3
    assert title.paragraph_format.space_after == Pt(12)
    assert organisation.paragraph_format.space_after == date.paragraph_format.space_after == 0
    assert addressee.paragraph_format.space_after == Pt(12)
    assert opening.paragraph_format.space_after == note.paragraph_format.space_after == Pt(8)
    # without an addressee the date ends the block
    short = reopen(render_docx(make_doc([make_row("x", ())], addressee=None, date_text=None)).data)
    assert short.paragraphs[1].text == "Example Trade Association"
    assert short.paragraphs[1].paragraph_format.space_after == Pt(12)


def test_properties_name_the_submission_not_the_library(tricky):
    _, _, document = tricky
    props = document.core_properties
    assert props.title == "Comments on the Draft Regulation"
    assert props.author == "Example Trade Association"
    assert "python-docx" not in (props.comments or "") and props.created.year >= 2026
    # titles may have 500 characters, organisations 300; document properties hold at most 255
    long = reopen(render_docx(make_doc([], title="T" * 500, organisation="O\x01" * 300)).data)
    assert long.paragraphs[0].text == "T" * 500
    assert long.core_properties.title == "T" * 254 + "…"
    assert long.core_properties.author == "O" * 254 + "…"


# -- rows kept whole only when they fit on a page ------------------------------------------------------------


def test_huge_row_may_split_and_normal_rows_stay_whole():
    rng = random.Random(2)
    huge = make_row(words(rng, 3000), (Span(0, 10),), label="Article 2", heading="Definitions")
    rows = [make_row("Short.", (), label="Article 1"), huge, make_row("Short.", (), label="Article 3")]
    document = make_doc(rows)
    layout = table_layout(document)
    assert row_height_twips(huge, layout) > layout.page_body_twips
    trs = reopen(render_docx(document).data).tables[0]._tbl.findall(qn("w:tr"))
    keep_whole = [tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for tr in trs]
    assert keep_whole == [True, True, False, True]  # header, short, huge, short


def test_row_height_estimate_grows_with_text_paragraphs_and_wide_characters():
    layout = table_layout(make_doc([]))

    def height(text: str, **kw) -> float:
        return row_height_twips(make_row(text, (), label=None, heading=None, **kw), layout)

    one_line = height("Short.")
    assert 220 < one_line < 600  # a line of 11 pt (220 twips) plus padding, not a page
    assert height("word " * 400) > 10 * one_line
    assert height("Short.\nShort.") > height("Short. Short.")
    assert row_height_twips(make_row("Short.", (), label="Article 1", heading=None), layout) > one_line
    assert height("运" * 400) > 1.5 * height("a" * 400)
    assert height("a\t" * 100) > height("a " * 100)
    # the tallest cell decides; the comment and recommendation columns are narrower than the first
    assert height("x", rec="word " * 400) == height("x", comment="word " * 400) > height("word " * 400)


def fitting_words(layout, rng: random.Random) -> int:
    """The most words (in steps of 10) a one-column row may have and still be kept whole."""
    n = 10
    while row_fits_on_page(make_row(words(rng, n + 10), (), label=None, heading=None), layout):
        n += 10
    return n


def test_row_fits_on_page_depends_on_page_and_font():
    rng = random.Random(3)
    row = make_row(words(rng, 100), (), heading=None)
    portrait = make_doc([row])
    assert row_fits_on_page(row, table_layout(portrait))
    assert not row_fits_on_page(row, table_layout(dataclasses.replace(portrait, landscape=True, font_size_pt=14)))
    # LibreOffice fits about 185 of these words in the first column of a portrait page at 11 pt: the estimate
    # stays below that (conservative) without being absurdly cautious.
    assert 100 <= fitting_words(table_layout(portrait), rng) < 170
    smaller = fitting_words(table_layout(dataclasses.replace(portrait, font_size_pt=9)), rng)
    assert smaller > 1.3 * fitting_words(table_layout(portrait), rng)


# -- splicing the rows into the saved document.xml -----------------------------------------------------------


def test_rows_are_spliced_into_a_well_formed_document():
    text = "Looks like the placeholder: <!--commentdesk:rows--> & ]]> 'q' \"qq\""
    rows = [make_row(text, (Span(0, 5),)), make_row("second", (), label="Article 2")]
    result = render_docx(make_doc(rows, title="<!--commentdesk:rows-->"))
    xml = document_xml(result.data)
    root = etree.fromstring(xml)  # well formed: the spliced rows use the root's w: declaration
    assert len(root.findall(f".//{qn('w:tbl')}/{qn('w:tr')}")) == 3
    assert b"<!--" not in xml
    document = reopen(result.data)
    assert document.paragraphs[0].text == "<!--commentdesk:rows-->"
    assert provision_cell(document.tables[0].rows[1].cells[0])[0] == text
    assert document.tables[0].rows[2].cells[0].paragraphs[0].text == "Article 2 (Scope)"
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
    assert names.count("word/document.xml") == 1


def test_package_leaves_out_unused_styles_and_stale_parts(tricky):
    _, result, document = tricky
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        names = set(zf.namelist())
        content_types = zf.read("[Content_Types].xml")
    assert "word/stylesWithEffects.xml" not in names and b"stylesWithEffects" not in content_types
    assert not any(name.endswith(".jpeg") for name in names)  # python-docx's thumbnail of a blank page
    assert {"word/document.xml", "word/styles.xml", "word/footer1.xml", "docProps/core.xml"} <= names
    table_styles = {s.style_id for s in document.styles if s.type == 3}  # WD_STYLE_TYPE.TABLE
    assert table_styles == {"TableNormal", "TableGrid"}
    assert {"Normal", "Footer", "Heading1", "Title"} <= {s.style_id for s in document.styles}


def test_kind_and_tags_do_not_change_the_word_file():
    row = make_row("The operator shall keep records.", (Span(4, 12),))
    assert (row.kind, row.tags) == ("comment", ())
    question = dataclasses.replace(row, kind="question", tags=("Data localisation", "Cost"))
    plain = document_xml(render_docx(make_doc([row])).data)
    tagged = document_xml(render_docx(make_doc([question])).data)
    assert plain == tagged


@pytest.mark.slow
def test_libreoffice_starts_the_table_on_page_one(tmp_path: Path):
    rng = random.Random(4)
    rows = [tall_row(rng, i) for i in range(1, 5)]
    pdf = libreoffice_pdf(tmp_path, make_doc(rows))
    page_one = " ".join(pdf_text(pdf, "-f", "1", "-l", "1").split())
    assert "Text of Draft Measure" in page_one
    assert "Article 1 (Maintenance)" in page_one


@pytest.mark.slow
def test_libreoffice_keeps_a_row_estimated_to_fit_on_one_page(tmp_path: Path):
    rng = random.Random(5)
    document = make_doc([])
    n = fitting_words(table_layout(document), rng)
    # the first row takes most of page 1, so the second (kept whole) must move to page 2 in one piece
    rows = [
        make_row(words(rng, n // 2), (), label="Article 1", heading=None, comment=words(rng, n // 2)),
        make_row(f"FIRSTWORD {words(rng, n - 2)} LASTWORD", (), label=None, heading=None),
    ]
    assert all(row_fits_on_page(row, table_layout(document)) for row in rows)
    pdf = libreoffice_pdf(tmp_path, dataclasses.replace(document, rows=tuple(rows)))
    pages = [pdf_text(pdf, "-f", str(i), "-l", str(i)).split() for i in (1, 2)]
    assert "FIRSTWORD" not in pages[0]
    assert "FIRSTWORD" in pages[1] and "LASTWORD" in pages[1]


@pytest.mark.slow
def test_libreoffice_shows_all_of_a_row_taller_than_a_page(tmp_path: Path):
    numbered = " ".join(f"w{i:04d}" for i in range(2500))  # about eight pages in the first column
    rows = [
        make_row("Short.", (), label="Article 1"),
        make_row(numbered + " LASTWORD", (Span(0, 5),), label="Article 2", comment="Too long."),
        make_row("After the huge row.", (), label="Article 3"),
    ]
    text = pdf_text(libreoffice_pdf(tmp_path, make_doc(rows)))
    tokens = text.split()
    assert [t for t in tokens if len(t) == 5 and t.startswith("w") and t[1:].isdigit()] == numbered.split()
    assert "LASTWORD" in tokens and "After the huge row." in " ".join(tokens)


# -- details a user would notice in Word ---------------------------------------------------------------------


def test_word_breaks_become_line_breaks_and_bidi_controls_are_left_out():
    text = "Operators shall\x0bkeep records\x0cfor five years."
    row = make_row(text, (span_of(text, "shall\x0bkeep"),), comment="First\x0bsecond", rec="\u202eevil\u202c ok")
    result = render_docx(make_doc([row]))
    assert result.dropped_characters == 2  # the override and its end; the breaks are not lost
    cells = reopen(result.data).tables[0].rows[1].cells
    assert provision_cell(cells[0])[0] == "Operators shall\nkeep records\nfor five years."
    assert provision_cell(cells[0])[2] == "shallkeep"  # the underline carries on across the break
    assert [p.text for p in cells[1].paragraphs] == ["First", "second"]
    assert cells[2].text == "evil ok"


def test_a_row_with_a_heading_and_no_text_ends_with_its_heading():
    chapter = make_row("", (), label="Chapter 1", heading="General Provisions", comment="Too broad.")
    trailing = make_row("Text.\n", (), label="Article 2", heading=None, comment="Comment.\n\n", rec="Rec.")
    untitled = make_row("", (), label=None, heading=None)
    cells = [row.cells for row in reopen(render_docx(make_doc([chapter, trailing, untitled])).data).tables[0].rows]
    assert [p.text for p in cells[1][0].paragraphs] == ["Chapter 1 (General Provisions)"]
    assert [p.text for p in cells[2][0].paragraphs] == ["Article 2", "Text."]
    assert [p.text for p in cells[2][1].paragraphs] == ["Comment."]
    assert [p.text for p in cells[3][0].paragraphs] == [""]  # a cell must hold a paragraph


def test_the_note_is_kept_with_the_table():
    document = reopen(render_docx(make_doc([make_row("Text.", ())])).data)
    note = [p for p in document.paragraphs if p.text == NOTE_TEXT]
    assert len(note) == 1 and note[0].paragraph_format.keep_with_next is True
    assert not any(p.paragraph_format.keep_with_next for p in document.paragraphs if p.text != NOTE_TEXT)


def test_word_opens_it_in_its_current_mode_without_stale_template_parts():
    data = render_docx(make_doc([make_row("运营者应当“定期”维护。", ())])).data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = set(zf.namelist())
        settings = etree.fromstring(zf.read("word/settings.xml"))
        app = zf.read("docProps/app.xml")
        styles = etree.fromstring(zf.read("word/styles.xml"))
    modes = [s.get(qn("w:val")) for s in settings.iter(qn("w:compatSetting"))
             if s.get(qn("w:name")) == "compatibilityMode"]
    assert modes == ["15"]  # "Compatibility Mode" in Word's title bar otherwise
    assert b"Macintosh" not in app and b"<Application>Commentdesk</Application>" in app
    assert not any(name.startswith("customXml/") for name in names)
    langs = [el.get(qn("w:eastAsia")) for el in styles.find(qn("w:docDefaults")).iter(qn("w:lang"))]
    assert langs == ["zh-CN"]


def test_opening_text_keeps_its_line_breaks():
    text = "Dear Sir or Madam,\n\nOur points:\n• scope   too broad\n• localisation\n\n\nRegards"
    assert opening_paragraphs(text) == (
        "Dear Sir or Madam,", "Our points:\n• scope too broad\n• localisation", "Regards")
    data = render_docx(make_doc([], opening_paragraphs=opening_paragraphs(text))).data
    points = [p for p in reopen(data).paragraphs if p.text.startswith("Our points")]
    assert points[0].text == "Our points:\n• scope too broad\n• localisation"  # python-docx reads w:br as "\n"
    assert b"<w:br/>" in document_xml(data)


@pytest.mark.slow
def test_rows_kept_whole_are_never_cut_off_in_libreoffice(tmp_path: Path):
    """The tallest rows the estimate keeps whole (capitals, long words; each column) print in full."""
    capitals = ["THE", "OPERATOR", "SHALL", "MAINTAIN", "RECORDS", "WITHIN", "CHINA", "ON", "REQUEST"]
    long_words = ["telecommunications", "interoperability", "notwithstanding", "infrastructure", "administrative"]
    rng = random.Random(5)
    document = make_doc([], font_name="Arial", font_size_pt=10.5)
    layout = table_layout(document)

    def tallest(column: int, vocabulary: list[str], mark: str) -> ExportRow:
        many = [rng.choice(vocabulary) for _ in range(3000)]

        def row(n: int) -> ExportRow:
            text = " ".join(many[:n]) + f" {mark}"
            return make_row(*((text, ()) if column == 0 else ("x", ())), label=None, heading=None,
                            comment=text if column == 1 else "c", rec=text if column == 2 else "r")
        n = 10
        while row_fits_on_page(row(n + 5), layout):
            n += 5
        return row(n)

    rows = [tallest(0, capitals, "ENDMARKA"), tallest(1, capitals, "ENDMARKB"), tallest(2, long_words, "ENDMARKC")]
    assert all(row_fits_on_page(row, layout) for row in rows)
    text = pdf_text(libreoffice_pdf(tmp_path, dataclasses.replace(document, rows=tuple(rows))))
    marks = ["ENDMARKA", "ENDMARKB", "ENDMARKC"]
    assert [mark for mark in marks if mark in text] == marks
