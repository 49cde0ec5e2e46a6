"""Render an ExportDocument as a .docx Word submission.

python-docx builds the frame (styles, section, footer, title block, the table and its header row) with a
placeholder comment where the body rows go. Every body row's ``w:tr`` is written as an XML string, and when the
package is written the rows are spliced into the serialised ``word/document.xml`` in place of the placeholder:
nothing parses them and nothing re-serialises them, which is far faster than python-docx's ``table.add_row()`` /
``cell.text`` path (and than parsing the string with lxml for python-docx to serialise it again).

Layout rules worth knowing before changing anything here:

* No paragraph inside the table carries ``w:keepNext``. In a table, Word (and LibreOffice after it) reads
  "keep with next" on a row's paragraphs as "keep this row with the next row"; with it on every row the whole
  table becomes one block that is pushed past the title block to page 2.
* ``w:cantSplit`` ("keep the row whole") is only set on rows estimated to fit on one page below the repeated
  header row (:func:`row_fits_on_page`); a taller row with it would be clipped by Word.
"""

from __future__ import annotations

import functools
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips
from lxml import etree

from comments.export.presenter import (
    WORDINGS,
    ExportDocument,
    ExportRow,
    heading_line,
    sanitize_xml_text,
    underline_segments,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

HEADER_TEXTS = WORDINGS["en"].headers  # the English wording; a document's own is document.wording
NOTE_TEXT = WORDINGS["en"].note
EAST_ASIAN_FONT = "SimSun"
EAST_ASIAN_LANGUAGE = "zh-CN"

# Paper (short side, long side) in twentieths of a point; 2.54 cm (1 inch) margins = 1440 twips.
A4_SHORT_TWIPS = 11906
A4_LONG_TWIPS = 16838
PAPER_TWIPS = {"A4": (A4_SHORT_TWIPS, A4_LONG_TWIPS), "Letter": (12240, 15840)}
MARGIN_TWIPS = 1440
COLUMN_SHARES = (0.4, 0.3, 0.3)

# Cell padding: 1 mm above and below the text, Word's usual 0.19 cm left and right.
CELL_MARGIN_Y_TWIPS = 57
CELL_MARGIN_X_TWIPS = 108
HEADER_FILL = "D9D9D9"  # light grey: prints on any printer, black text stays readable
TITLE_EXTRA_PT = 3  # the title is set 3 pt larger than the body text
SPACE_AFTER_BLOCK_TWIPS = 240  # 12 pt after the title and after the sender/date/addressee block
SPACE_AFTER_PARAGRAPH_TWIPS = 160  # 8 pt after each opening paragraph and after the note
CORE_PROPERTY_MAX = 255  # characters in a document property (title, author)

# Row height estimate (deliberately on the high side: a row wrongly judged too tall only loses cantSplit and may
# break across a page, a row wrongly judged to fit would be clipped by Word). Widths in em of the font size:
# the fonts offered average 0.42-0.55 em per Latin character, capitals 0.67-0.72 em (text in capitals is
# common in drafts' headings and defined terms); East Asian characters are 1 em.
NARROW_CHAR_EM = 0.6
CAPITAL_CHAR_EM = 0.75
WIDE_CHAR_EM = 1.0
# A line breaks before a word that does not fit, so each line loses up to a word's width: in a narrow column
# that is a good part of the line.
WRAP_LOSS_EM = 1.5
# And only a row that takes at most this share of the page is kept whole: the margin covers fonts and
# renderers that set text wider than estimated.
KEEP_WHOLE_SHARE = 0.95
TAB_TWIPS = 720  # settings.xml defaultTabStop
# Single line spacing is ~1.15-1.22 em in these fonts; CJK fallback fonts set taller lines.
LINE_EM = 1.25
WIDE_LINE_EM = 1.5
BORDER_TWIPS = 10  # a 0.5 pt rule between rows
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3"
    "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)

_CAPITALS = re.compile("[A-Z]")

_T_OPEN = '<w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'
_U_RUN = '<w:r><w:rPr><w:u w:val="single"/></w:rPr>'
_PLAIN_RUN = "<w:r>"
_B_RUN = "<w:r><w:rPr><w:b/></w:rPr>"
_P_FIRST = "<w:p>"
# Paragraphs after the first in a cell start 4 pt lower, so a cell's paragraphs are told apart without adding
# space under its last one (spacing "after" would pad every cell's bottom).
PARAGRAPH_GAP_TWIPS = 80
_P_NEXT = f'<w:p><w:pPr><w:spacing w:before="{PARAGRAPH_GAP_TWIPS}"/></w:pPr>'
_ROW_KEEP_WHOLE = "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
_ROW_MAY_SPLIT = "<w:tr>"

_ROWS_MARK = "commentdesk:rows"
_ROWS_MARK_BYTES = f"<!--{_ROWS_MARK}-->".encode()
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"
_KEPT_TABLE_STYLES = ("TableNormal", "TableGrid")  # the default table style, and the one users reach for
_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
WORD_2013_COMPATIBILITY = "15"  # the current mode (Word 2013 to 365)
_APP_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>Commentdesk</Application><DocSecurity>0</DocSecurity></Properties>"
)


@dataclass(frozen=True, slots=True)
class RenderedDocx:
    data: bytes
    dropped_characters: int


@dataclass(frozen=True, slots=True)
class TableLayout:
    """What the row writer needs to know about the page: column widths and the room a row may take."""

    widths: tuple[int, int, int]
    font_size_pt: float
    page_body_twips: int  # page height minus the top and bottom margins
    header_twips: float  # estimated height of the header row repeated at the top of every page


def page_twips(landscape: bool, paper_size: str = "A4") -> tuple[int, int]:
    """(width, height) of the page."""
    short, long = PAPER_TWIPS[paper_size]
    return (long, short) if landscape else (short, long)


def column_widths(landscape: bool, paper_size: str = "A4") -> tuple[int, int, int]:
    """Column widths in dxa (twips) summing exactly to the page text width."""
    page_width, _ = page_twips(landscape, paper_size)
    total = page_width - 2 * MARGIN_TWIPS
    first = round(total * COLUMN_SHARES[0])
    second = round(total * COLUMN_SHARES[1])
    return first, second, total - first - second


def table_layout(document: ExportDocument) -> TableLayout:
    widths = column_widths(document.landscape, document.paper_size)
    _, page_height = page_twips(document.landscape, document.paper_size)
    size = document.font_size_pt
    header = max(_text_height_twips(text, width, size)
                 for text, width in zip(document.wording.headers, widths, strict=True))
    return TableLayout(widths, size, page_height - 2 * MARGIN_TWIPS, header + 2 * CELL_MARGIN_Y_TWIPS + BORDER_TWIPS)


def _text_height_twips(text: str, width: int, size_pt: float) -> float:
    """Estimated height of `text` (paragraphs separated by "\\n") in a cell `width` twips wide, without the
    cell's padding; conservative, see NARROW_CHAR_EM."""
    em = size_pt * 20
    full_line_em = (width - 2 * CELL_MARGIN_X_TWIPS) / em
    line_em = max(full_line_em - WRAP_LOSS_EM, full_line_em / 2)
    tab_em = TAB_TWIPS / em
    paragraphs = text.split("\n")
    height_em = (len(paragraphs) - 1) * PARAGRAPH_GAP_TWIPS / em
    for paragraph in paragraphs:
        n = len(paragraph)
        if not n:
            height_em += LINE_EM
            continue
        wide = 0 if paragraph.isascii() else len(_WIDE.findall(paragraph))
        capitals = len(_CAPITALS.findall(paragraph))
        units = (n - wide - capitals) * NARROW_CHAR_EM + capitals * CAPITAL_CHAR_EM + wide * WIDE_CHAR_EM
        if "\t" in paragraph:
            units += paragraph.count("\t") * tab_em
        height_em += max(1, math.ceil(units / line_em)) * (WIDE_LINE_EM if wide else LINE_EM)
    return height_em * em


def row_height_twips(row: ExportRow, layout: TableLayout) -> float:
    """Conservative estimate of a body row's rendered height, cell padding and border included."""
    first, second, third = layout.widths
    size = layout.font_size_pt
    heading = heading_line(row)
    provision = f"{heading}\n{row.provision_text}" if heading else row.provision_text
    content = max(
        _text_height_twips(provision, first, size),
        _text_height_twips(row.comment, second, size),
        _text_height_twips(row.recommendation, third, size),
    )
    return content + 2 * CELL_MARGIN_Y_TWIPS + BORDER_TWIPS


def row_fits_on_page(row: ExportRow, layout: TableLayout) -> bool:
    """True when the row, below the repeated header row, fits well within one page: only then may it be kept
    whole (see KEEP_WHOLE_SHARE)."""
    return layout.header_twips + row_height_twips(row, layout) <= layout.page_body_twips * KEEP_WHOLE_SHARE


def _run(text: str, run_open: str) -> str:
    body = escape(text)
    if "\r" in body:  # what an XML parser makes of a raw CR (the rows are spliced in unparsed)
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in body:
        body = body.replace("\t", _TAB)
    return f"{run_open}{_T_OPEN}{body}</w:t></w:r>"


def _plain_cell_paragraphs(text: str) -> tuple[str, int]:
    clean, dropped = sanitize_xml_text(text)
    clean = clean.rstrip("\n")  # no blank lines at the bottom of the cell
    parts = [
        f"{_P_NEXT if i else _P_FIRST}{_run(line, _PLAIN_RUN) if line else ''}</w:p>"
        for i, line in enumerate(clean.split("\n"))
    ]
    return "".join(parts), dropped


def _provision_paragraphs(row: ExportRow) -> tuple[str, int]:
    out: list[str] = []
    heading, dropped = sanitize_xml_text(heading_line(row))
    if heading:
        out.append(f"<w:p>{_run(heading, _B_RUN)}</w:p>")
    pieces, k = underline_segments(row.provision_text, row.spans)
    dropped += k
    # The heading is bold, so the text's first paragraph follows it without a gap.
    current: list[str] = [_P_FIRST]
    for text, underlined in pieces:
        run_open = _U_RUN if underlined else _PLAIN_RUN
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if i:  # a "\n" ends the paragraph; an underline crossing it carries on in the next one
                current.append("</w:p>")
                out.append("".join(current))
                current = [_P_NEXT]
            if line:
                current.append(_run(line, run_open))
    if len(current) > 1 or not out:  # a row with a heading and no text (a chapter, the whole draft) ends there;
        current.append("</w:p>")  # so does text ending in "\n": no blank line at the bottom of the cell
        out.append("".join(current))
    return "".join(out), dropped


def row_xml(row: ExportRow, layout: TableLayout) -> tuple[str, int]:
    """One body row as a ``w:tr`` string (w: prefix, no namespace declaration) and the characters dropped."""
    first, d1 = _provision_paragraphs(row)
    second, d2 = _plain_cell_paragraphs(row.comment)
    third, d3 = _plain_cell_paragraphs(row.recommendation)
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{content}</w:tc>'
        for w, content in zip(layout.widths, (first, second, third), strict=True)
    )
    row_open = _ROW_KEEP_WHOLE if row_fits_on_page(row, layout) else _ROW_MAY_SPLIT
    return f"{row_open}{cells}</w:tr>", d1 + d2 + d3


def rows_xml(rows: tuple[ExportRow, ...], layout: TableLayout) -> tuple[str, int]:
    parts: list[str] = []
    dropped = 0
    for row in rows:
        xml, k = row_xml(row, layout)
        parts.append(xml)
        dropped += k
    return "".join(parts), dropped


def _set_defaults(doc, name: str, size_pt: float) -> None:
    """Font and size for everything; paragraphs default to single spacing with no space after, which is what
    the table cells want (the few paragraphs of the title block set their own spacing)."""
    styles = doc.styles.element
    doc_defaults = styles.find(qn("w:docDefaults"))
    if doc_defaults is None:
        doc_defaults = OxmlElement("w:docDefaults")
        styles.insert(0, doc_defaults)
    rpr_default = doc_defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        doc_defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    for tag in ("w:rFonts", "w:sz", "w:szCs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    for lang in rpr.findall(qn("w:lang")):  # East Asian text is Chinese here (proofing, and the quotes' font)
        lang.set(qn("w:eastAsia"), EAST_ASIAN_LANGUAGE)
    for theme_lang in doc.settings.element.iter(qn("w:themeFontLang")):
        theme_lang.set(qn("w:eastAsia"), EAST_ASIAN_LANGUAGE)
    half_points = str(round(size_pt * 2))
    rpr.insert(0, _font_element(name))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), half_points)
        rpr.append(el)
    ppr_default = doc_defaults.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = OxmlElement("w:pPrDefault")
        rpr_default.addnext(ppr_default)
    for old in list(ppr_default):
        ppr_default.remove(old)
    ppr_default.append(
        etree.fromstring(f'<w:pPr {nsdecls("w")}><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>')
    )
    # Normal may carry its own (theme) fonts in some templates: make it agree with the defaults.
    normal = doc.styles["Normal"]
    normal.font.size = Pt(size_pt)
    normal_rpr = normal.element.get_or_add_rPr()
    for old in normal_rpr.findall(qn("w:rFonts")):
        normal_rpr.remove(old)
    normal_rpr.insert(0, _font_element(name))


def _font_element(name: str):
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    return fonts


def _setup_page(doc, landscape: bool, paper_size: str) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = page_twips(landscape, paper_size)
    section.page_width, section.page_height = Twips(width), Twips(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(MARGIN_TWIPS))
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = etree.fromstring(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)


def _set_properties(doc, document: ExportDocument) -> None:
    """File > Info shows the submission, not the library's defaults ("python-docx", 2013)."""
    props = doc.core_properties
    props.title = _property_text(document.title)
    props.author = _property_text(document.organisation or "")
    props.last_modified_by = props.author
    props.comments = ""
    now = datetime.now(UTC).replace(microsecond=0)
    props.created = props.modified = now


def _property_text(text: str) -> str:
    """Sanitised and cut to the 255 characters python-docx (and the core-properties schema) allow."""
    clean = " ".join(sanitize_xml_text(text)[0].split())
    return clean if len(clean) <= CORE_PROPERTY_MAX else clean[: CORE_PROPERTY_MAX - 1] + "…"


@functools.cache
def _template() -> bytes:
    """python-docx's default template without what every export would otherwise parse, copy and compress
    for nothing: stylesWithEffects.xml (a 430 kB copy of the styles for Word 2010 only) and the 140 table
    styles nothing here uses (340 kB of styles.xml; Word adds its built-in ones back when a user picks one);
    and without its thumbnail, which shows a blank page, or its empty bibliography sources (customXml).

    It is also brought up to date: Word would open python-docx's template (saved by Word 2010 for the Mac) in
    "Compatibility Mode", and File > Info would name that program."""
    doc = Document()
    for r_id, rel in list(doc.part.rels.items()):
        if rel.reltype in (_STYLES_WITH_EFFECTS, _CUSTOM_XML):
            doc.part.drop_rel(r_id)
    for setting in doc.settings.element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), WORD_2013_COMPATIBILITY)
    for part in doc.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = _APP_PROPERTIES
    package_rels = doc.part.package.rels
    for r_id, rel in list(package_rels.items()):
        if rel.reltype == _THUMBNAIL:  # a picture of python-docx's blank page, not of the submission
            del package_rels[r_id]
    styles = doc.styles.element
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.get(qn("w:styleId")) not in _KEPT_TABLE_STYLES:
            styles.remove(style)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _add_text_paragraph(
    doc, text: str, *, after: int, bold: bool = False, center: bool = False, size_pt: float | None = None,
    keep_with_next: bool = False,
) -> int:
    """A paragraph of the title block; a "\n" in `text` is a line break (python-docx writes w:br)."""
    clean, dropped = sanitize_xml_text(text)
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Twips(after)
    if keep_with_next:
        paragraph.paragraph_format.keep_with_next = True
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean)
    if bold:
        run.bold = True
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    return dropped


def _add_title_block(doc, document: ExportDocument) -> int:
    """Title (bold, centred, larger); sender, date and addressee as one tight block; the opening paragraphs;
    the note, directly above the table."""
    dropped = _add_text_paragraph(
        doc,
        document.title,
        after=SPACE_AFTER_BLOCK_TWIPS,
        bold=True,
        center=True,
        size_pt=document.font_size_pt + TITLE_EXTRA_PT,
    )
    lines = [line for line in (document.organisation, document.date_text, document.addressee) if line]
    for i, line in enumerate(lines):
        dropped += _add_text_paragraph(doc, line, after=SPACE_AFTER_BLOCK_TWIPS if i == len(lines) - 1 else 0)
    for text in document.opening_paragraphs:
        dropped += _add_text_paragraph(doc, text, after=SPACE_AFTER_PARAGRAPH_TWIPS)
    # Kept with the table's first rows: never alone at the foot of a page (outside the table, keepNext is safe)
    dropped += _add_text_paragraph(doc, document.wording.note, after=SPACE_AFTER_PARAGRAPH_TWIPS,
                                   keep_with_next=True)
    return dropped


_BORDERS_XML = (
    f"<w:tblBorders {nsdecls('w')}>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)
_CELL_MARGINS_XML = (
    f"<w:tblCellMar {nsdecls('w')}>"
    f'<w:top w:w="{CELL_MARGIN_Y_TWIPS}" w:type="dxa"/><w:left w:w="{CELL_MARGIN_X_TWIPS}" w:type="dxa"/>'
    f'<w:bottom w:w="{CELL_MARGIN_Y_TWIPS}" w:type="dxa"/><w:right w:w="{CELL_MARGIN_X_TWIPS}" w:type="dxa"/>'
    "</w:tblCellMar>"
)


def _add_table(doc, widths: tuple[int, int, int], headers: tuple[str, str, str]):
    table = doc.add_table(rows=1, cols=3)
    table.autofit = False  # w:tblLayout w:type="fixed"
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:w"), str(sum(widths)))
    tbl_w.set(qn("w:type"), "dxa")
    # schema order in tblPr: ... tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, tblCellMar, tblLook
    layout = tbl_pr.find(qn("w:tblLayout"))
    layout.addprevious(etree.fromstring(_BORDERS_XML))
    layout.addnext(etree.fromstring(_CELL_MARGINS_XML))
    for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))  # repeat at the top of every page
    for cell, text, width in zip(header.cells, headers, widths, strict=True):
        cell.width = Twips(width)
        shd = OxmlElement("w:shd")  # after tcW in tcPr
        for attr, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", HEADER_FILL)):
            shd.set(qn(attr), value)
        cell._tc.get_or_add_tcPr().append(shd)
        cell.paragraphs[0].add_run(text).bold = True
    return tbl


def render_docx(document: ExportDocument) -> RenderedDocx:
    doc = Document(io.BytesIO(_template()))
    _set_defaults(doc, document.font_name, document.font_size_pt)
    _setup_page(doc, document.landscape, document.paper_size)
    _set_properties(doc, document)
    layout = table_layout(document)

    dropped = _add_title_block(doc, document)
    tbl = _add_table(doc, layout.widths, document.wording.headers)
    tbl.append(etree.Comment(_ROWS_MARK))  # after the header row; replaced by the body rows below
    body, k = rows_xml(document.rows, layout)
    dropped += k

    return RenderedDocx(data=_save_with_rows(doc, body), dropped_characters=dropped)


class _SplicedPart:
    """Stands in for the main document part when the package is written: same name, type and relationships,
    its XML with the rows in place of the placeholder."""

    def __init__(self, part, blob: bytes) -> None:
        self.partname = part.partname
        self.content_type = part.content_type
        self.rels = part.rels
        self.blob = blob


def _save_with_rows(doc, body: str) -> bytes:
    """Write the package as ``doc.save()`` would, with the rows in word/document.xml in place of the placeholder.

    The placeholder is the only XML comment python-docx writes there; text can't fake one (it is escaped).
    """
    main = doc.part
    before, mark, after = main.blob.partition(_ROWS_MARK_BYTES)
    if not mark:
        raise RuntimeError("the rows placeholder is missing from word/document.xml")
    package = main.package
    for part in package.parts:
        part.before_marshal()
    parts = [
        _SplicedPart(part, b"".join((before, body.encode(), after))) if part is main else part for part in package.parts
    ]
    out = io.BytesIO()
    PackageWriter.write(out, package.rels, parts)
    return out.getvalue()
