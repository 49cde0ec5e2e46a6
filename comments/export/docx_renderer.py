"""Render an ExportDocument as a .docx Word submission.

python-docx builds the frame (styles, section, footer, title block, the table and its header row); every body
row's ``w:tr`` is written as an XML string and parsed by lxml in one go, which is far faster than python-docx's
``table.add_row()`` / ``cell.text`` path.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips
from lxml import etree

from comments.export.presenter import (
    ExportDocument,
    ExportRow,
    heading_line,
    sanitize_xml_text,
    underline_segments,
)

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

HEADER_TEXTS = ("Text of Draft Measure", "Comment", "Recommendation")
NOTE_TEXT = "(Note: relevant text is underlined)."
EAST_ASIAN_FONT = "SimSun"

# A4 in twentieths of a point; 2.54 cm margins = 1440 twips.
A4_SHORT_TWIPS = 11906
A4_LONG_TWIPS = 16838
MARGIN_TWIPS = 1440
COLUMN_SHARES = (0.4, 0.3, 0.3)

_T_OPEN = '<w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'
_U_RUN = "<w:r><w:rPr><w:u w:val=\"single\"/></w:rPr>"
_PLAIN_RUN = "<w:r>"
_B_RUN = "<w:r><w:rPr><w:b/></w:rPr>"


@dataclass(frozen=True, slots=True)
class RenderedDocx:
    data: bytes
    dropped_characters: int


def column_widths(landscape: bool) -> tuple[int, int, int]:
    """Column widths in dxa (twips) summing exactly to the page text width."""
    page_width = A4_LONG_TWIPS if landscape else A4_SHORT_TWIPS
    total = page_width - 2 * MARGIN_TWIPS
    first = round(total * COLUMN_SHARES[0])
    second = round(total * COLUMN_SHARES[1])
    return first, second, total - first - second


def _run(text: str, run_open: str) -> str:
    body = escape(text)
    if "\t" in body:
        body = body.replace("\t", _TAB)
    return f"{run_open}{_T_OPEN}{body}</w:t></w:r>"


def _plain_cell_paragraphs(text: str) -> tuple[str, int]:
    clean, dropped = sanitize_xml_text(text)
    parts = [f"<w:p>{_run(line, _PLAIN_RUN)}</w:p>" if line else "<w:p/>" for line in clean.split("\n")]
    return "".join(parts), dropped


def _provision_paragraphs(row: ExportRow) -> tuple[str, int]:
    out: list[str] = []
    heading, dropped = sanitize_xml_text(heading_line(row))
    if heading:
        out.append(f'<w:p><w:pPr><w:keepNext/></w:pPr>{_run(heading, _B_RUN)}</w:p>')
    pieces, k = underline_segments(row.provision_text, row.spans)
    dropped += k
    current: list[str] = []
    for text, underlined in pieces:
        run_open = _U_RUN if underlined else _PLAIN_RUN
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if i:  # a "\n" ends the paragraph; an underline crossing it carries on in the next one
                out.append(f"<w:p>{''.join(current)}</w:p>")
                current = []
            if line:
                current.append(_run(line, run_open))
    out.append(f"<w:p>{''.join(current)}</w:p>")
    return "".join(out), dropped


def row_xml(row: ExportRow, widths: tuple[int, int, int]) -> tuple[str, int]:
    """One body row as a ``w:tr`` string (w: prefix, no namespace declaration) and the characters dropped."""
    first, d1 = _provision_paragraphs(row)
    second, d2 = _plain_cell_paragraphs(row.comment)
    third, d3 = _plain_cell_paragraphs(row.recommendation)
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{content}</w:tc>'
        for w, content in zip(widths, (first, second, third), strict=True)
    )
    return f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{cells}</w:tr>", d1 + d2 + d3


def rows_xml(rows: tuple[ExportRow, ...], widths: tuple[int, int, int]) -> tuple[str, int]:
    parts: list[str] = []
    dropped = 0
    for row in rows:
        xml, k = row_xml(row, widths)
        parts.append(xml)
        dropped += k
    return "".join(parts), dropped


def _set_default_font(doc, name: str, size_pt: float) -> None:
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
    half_points = str(round(size_pt * 2))
    rpr.insert(0, _font_element(name))
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), half_points)
        rpr.append(el)
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


def _setup_page(doc, landscape: bool) -> None:
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Twips(A4_LONG_TWIPS), Twips(A4_SHORT_TWIPS)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Twips(A4_SHORT_TWIPS), Twips(A4_LONG_TWIPS)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Twips(MARGIN_TWIPS))
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = etree.fromstring(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
    paragraph._p.append(field)


def _add_text_paragraph(doc, text: str, *, bold: bool = False, center: bool = False) -> int:
    clean, dropped = sanitize_xml_text(text)
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(clean)
    if bold:
        run.bold = True
    return dropped


_BORDERS_XML = (
    f"<w:tblBorders {nsdecls('w')}>"
    + "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders>"
)


def _add_table(doc, widths: tuple[int, int, int]):
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
    # schema order in tblPr: ... tblW, jc, tblCellSpacing, tblInd, tblBorders, shd, tblLayout, ...
    layout = tbl_pr.find(qn("w:tblLayout"))
    borders = etree.fromstring(_BORDERS_XML)
    if layout is not None:
        layout.addprevious(borders)
    else:
        tbl_pr.append(borders)
    for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    tr_pr.append(OxmlElement("w:tblHeader"))  # repeat at the top of every page
    for cell, text, width in zip(header.cells, HEADER_TEXTS, widths, strict=True):
        cell.width = Twips(width)
        cell.paragraphs[0].add_run(text).bold = True
    return tbl


def render_docx(document: ExportDocument) -> RenderedDocx:
    doc = Document()
    _set_default_font(doc, document.font_name, document.font_size_pt)
    _setup_page(doc, document.landscape)
    widths = column_widths(document.landscape)

    dropped = _add_text_paragraph(doc, document.title, bold=True, center=True)
    for line in (document.organisation, document.date_text, document.addressee):
        if line:
            dropped += _add_text_paragraph(doc, line)
    for text in document.opening_paragraphs:
        dropped += _add_text_paragraph(doc, text)
    doc.add_paragraph(NOTE_TEXT)

    tbl = _add_table(doc, widths)
    body, k = rows_xml(document.rows, widths)
    dropped += k
    if body:
        wrapper = etree.fromstring(f'<w:body xmlns:w="{W_NS}">{body}</w:body>')
        tbl.extend(list(wrapper))

    out = io.BytesIO()
    doc.save(out)
    return RenderedDocx(data=out.getvalue(), dropped_characters=dropped)
