"""Readers: pasted text or an uploaded file (.txt, .docx, .pdf) -> SourceDocument.

The format is decided by the content (magic bytes), never by the name; a name that disagrees with the
content is refused rather than guessed around. Readers return lines; they know of articles only to read a
.docx table laid out by them ("Article 1 | These Provisions…").
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Literal

import docx
import pypdfium2 as pdfium
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml.ns import qn
from lxml import etree

from comments.errors import ImportRejected
from comments.importing.document import Line, SourceDocument
from comments.importing.markers import Marker, ends_sentence, is_heading_like, parse_marker
from comments.importing.safety import (
    DEFAULT_LIMITS,
    DOCX_DAMAGED,
    ImportLimits,
    check_text,
    check_text_length,
    check_upload_size,
    check_xml_parts,
    check_zip,
    repack_zip,
    strip_control_chars,
)

ACCEPTED = "Commentdesk accepts .txt, .docx and .pdf files."
EMPTY = "The draft is empty: there is no text to import."

_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029]")


# --- public API -------------------------------------------------------------------------------------


def read_pasted(text: str, *, limits: ImportLimits = DEFAULT_LIMITS) -> SourceDocument:
    """Text typed or pasted into the browser. Form feeds ("\\f") separate pages."""
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return SourceDocument(lines=_text_lines(text, limits), kind="text", wrapped=None, sha256=digest)


def read_file(data: bytes, filename: str | None, *, limits: ImportLimits = DEFAULT_LIMITS) -> SourceDocument:
    """An uploaded file. Raises ImportRejected (reason "too_large", "unsupported" or "invalid")."""
    check_upload_size(len(data), limits)
    if not data.strip():
        raise ImportRejected(EMPTY)
    content = _sniff(data)
    kind = _check_name(filename, content)
    digest = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        lines, warnings = _read_pdf(data, limits)
        wrapped: bool | None = True
    elif kind == "docx":
        lines, warnings = _read_docx(data, limits)
        wrapped = False
    else:
        lines, warnings = _text_lines(_decode_text(data), limits), []
        wrapped = None
    return SourceDocument(
        lines=tuple(lines),
        kind=kind,
        wrapped=wrapped,
        filename=filename,
        sha256=digest,
        warnings=tuple(warnings),
    )


# --- what is this file? -----------------------------------------------------------------------------

Kind = Literal["pdf", "docx", "text"]


@dataclass(frozen=True, slots=True)
class _Content:
    kind: Kind | None  # None: a format Commentdesk does not read
    what: str  # for messages: "a PDF", "a PNG image", …


_PDF = _Content("pdf", "a PDF")
_DOCX = _Content("docx", "a Word .docx document")
_TEXT = _Content("text", "plain text")
_ZIP = _Content(None, "a ZIP archive")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Office file (.doc, .xls, .ppt) or a password-protected"
     " Office file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "a program"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
)

# Names of parts that identify a zip-based format; found as plain bytes in the zip's directory, so
# no zip parsing happens before check_zip.
_ZIP_MARKERS: tuple[tuple[bytes, _Content], ...] = (
    (b"word/document.xml", _DOCX),
    (b"xl/workbook.xml", _Content(None, "an Excel workbook")),
    (b"ppt/presentation.xml", _Content(None, "a PowerPoint presentation")),
    (b"mimetypeapplication/vnd.oasis.opendocument", _Content(None, "an OpenDocument file (.odt, .ods)")),
    (b"mimetypeapplication/epub+zip", _Content(None, "an e-book (EPUB)")),
)

_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_BINARY_SAMPLE = 64 * 1024


def _sniff(data: bytes) -> _Content:
    if data[:1024].lstrip(b"\x00\t\n\r\f ").startswith(b"%PDF-"):
        return _PDF
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return next((content for marker, content in _ZIP_MARKERS if marker in data), _ZIP)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return _Content(None, what)
    if data.startswith(b"MZ") and b"\x00" in data[:64]:
        return _Content(None, "a Windows program")
    if not data.startswith(_BOMS_16_32) and _looks_binary(data):
        return _Content(None, "binary data, not text")
    return _TEXT


def _looks_binary(data: bytes) -> bool:
    """Many control bytes: binary. A stray one or two is left to check_text, which says where it is."""
    sample = data[:_BINARY_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > 1 + len(sample) // 100


# Extensions the user may have meant, with what the name claims. Kind None: a format we do not read.
_EXTENSIONS: dict[str, tuple[Kind | None, str]] = {
    ".pdf": ("pdf", "a PDF"),
    ".docx": ("docx", "a Word .docx document"),
    ".txt": ("text", "a text file"),
    ".text": ("text", "a text file"),
    **{
        ext: (None, f"a {ext} file")
        for ext in (
            ".doc", ".docm", ".dot", ".dotx", ".rtf", ".odt", ".ods", ".odp", ".xls", ".xlsx", ".xlsm",
            ".ppt", ".pptx", ".pages", ".wps", ".hwp", ".epub", ".png", ".jpg", ".jpeg", ".gif", ".tif",
            ".tiff", ".bmp", ".webp", ".heic", ".exe", ".dll", ".zip", ".gz", ".7z", ".rar",
        )
    },
}
_EXTENSION_LIKE = re.compile(r"\.[a-z0-9]{0,4}[a-z][a-z0-9]{0,4}")


def _extension(filename: str | None) -> str | None:
    if not filename:
        return None
    suffix = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    # "Draft v2.0" has suffix ".0": only letter-bearing short suffixes are real extensions.
    return suffix if _EXTENSION_LIKE.fullmatch(suffix) else None


def _check_name(filename: str | None, content: _Content) -> Kind:
    """The content's kind, unless the file's name claims another format or the content is unreadable."""
    claimed = _EXTENSIONS.get(_extension(filename) or "")
    subject = f"“{filename}”" if filename else "The file"
    if claimed is not None and claimed[0] != content.kind:
        raise ImportRejected(
            f"{subject} is named like {claimed[1]} but is {content.what}. "
            f"{ACCEPTED} Rename the file to match its content, or save it again in one of these formats.",
            reason="unsupported",
        )
    if content.kind is None:
        raise ImportRejected(
            f"{subject} is {content.what}, which Commentdesk cannot read. {ACCEPTED}", reason="unsupported"
        )
    return content.kind


# --- text -------------------------------------------------------------------------------------------

_BOMS_16_32 = (b"\xff\xfe", b"\xfe\xff")
_BOM_CODECS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_NOT_TEXT = (
    "The file is not a text file in a known encoding (UTF-8, UTF-16 or GB18030). "
    "Save it as UTF-8 text, or as .docx or .pdf, and import it again."
)


def _decode_text(data: bytes) -> str:
    for bom, codec in _BOM_CODECS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ImportRejected(_NOT_TEXT, reason="unsupported") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if _mostly_cjk(text):
        return text
    raise ImportRejected(_NOT_TEXT, reason="unsupported")


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _mostly_cjk(text: str) -> bool:
    """GB18030 also decodes many Latin-1 byte pairs ("Straße" -> "Stra遝"), always into rare ideographs
    outside GB2312; real Chinese text is nearly all GB2312, and mostly CJK among its non-ASCII."""
    ideographs = "".join(_IDEOGRAPH.findall(text))
    if not ideographs:
        return False
    common = len(ideographs.encode("gb2312", "ignore")) // 2
    non_ascii = sum(1 for c in text if ord(c) > 127)
    return common * 10 >= len(ideographs) * 8 and len(_CJK.findall(text)) * 2 >= non_ascii


def _text_lines(text: str, limits: ImportLimits) -> tuple[Line, ...]:
    """Blank lines are kept: in unwrapped text they are the paragraph breaks."""
    check_text_length(text, limits)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ImportRejected(EMPTY)
    check_text(text)
    pages = _NEWLINES.sub("\n", text).split("\f")
    numbered = len(pages) > 1  # without form feeds, pasted text has no pages
    return tuple(
        Line(line, page=number if numbered else None)
        for number, page in enumerate(pages, start=1)
        for line in page.split("\n")
    )


# --- DOCX -------------------------------------------------------------------------------------------


def open_checked_docx(data: bytes, limits: ImportLimits) -> tuple[Element, Element | None, Element | None]:
    """The body, styles and numbering of a .docx, after the zip and its XML have passed the safety checks."""
    check_zip(data, limits)  # before anything is decompressed
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_xml_parts(zf)
            package = repack_zip(zf, limits)
    except zipfile.BadZipFile as exc:
        raise ImportRejected(DOCX_DAMAGED) from exc
    return open_docx_parts(package)


def _read_docx(data: bytes, limits: ImportLimits) -> tuple[list[Line], list[str]]:
    body, styles, numbering = open_checked_docx(data, limits)
    builder = _DocxBuilder(WordNumbering(numbering, WordStyles(styles)))
    for block in docx_blocks(body):
        builder.block(block)
    if not builder.lines:
        raise ImportRejected(EMPTY)
    if sum(len(line.text) for line in builder.lines) > limits.max_text_chars:
        raise ImportRejected(
            f"The draft is too long; the limit is {limits.max_text_chars:,} characters.", reason="too_large"
        )
    return builder.lines, builder.warnings()


Element = etree._Element


def open_docx_parts(package: bytes) -> tuple[Element, Element | None, Element | None]:
    """python-docx opens the package (relationships, main part); the XML is then walked directly."""
    try:
        document = docx.Document(io.BytesIO(package))
        body = document.element.body
        styles = _related_xml(document.part, RT.STYLES)
        numbering = _related_xml(document.part, RT.NUMBERING)
    except ValueError as exc:
        if "content type" in str(exc):  # python-docx's words for .docm and .dotx
            raise ImportRejected(
                "The file is a Word template or macro-enabled document, not a plain .docx. "
                "Save it as “Word Document (.docx)” and import it again.",
                reason="unsupported",
            ) from exc
        raise ImportRejected(DOCX_DAMAGED) from exc
    except Exception as exc:  # python-docx/lxml raise many kinds of errors on damaged packages
        raise ImportRejected(DOCX_DAMAGED) from exc
    if body is None:
        raise ImportRejected(DOCX_DAMAGED)
    return body, styles, numbering


def _related_xml(part: Part, reltype: str) -> Element | None:
    try:
        related = part.part_related_by(reltype)
    except KeyError:
        return None
    return getattr(related, "element", None)  # a part with an unexpected content type is not parsed


_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_T, _TAB, _PTAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:ptab"), qn("w:br"), qn("w:cr")
_NO_BREAK_HYPHEN, _VAL = qn("w:noBreakHyphen"), qn("w:val")
_CONTAINERS = frozenset({qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")})
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Never text of this paragraph: properties, deleted or moved-away runs, field codes, text boxes
# (their own paragraphs), and the VML copies of drawings.
_NOT_TEXT_TAGS = frozenset(
    {qn(t) for t in ("w:pPr", "w:rPr", "w:del", "w:moveFrom", "w:instrText", "w:delText", "w:txbxContent",
                     "w:sdtPr", "w:fldData")} | {_MC_FALLBACK}
)


def docx_blocks(parent: Element) -> Iterator[Element]:
    """Paragraphs and tables in document order, through content controls and custom XML."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _CONTAINERS:
            yield from docx_blocks(child)


def docx_children(parent: Element, tag: str) -> Iterator[Element]:
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _CONTAINERS:
            yield from docx_children(child, tag)


def _segments(paragraph: Element) -> list[str]:
    """The paragraph's text, cut at manual line breaks (they separate sub-paragraphs in drafts)."""
    segments: list[list[str]] = [[]]

    def walk(element: Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _NOT_TEXT_TAGS:
                continue  # comments and processing instructions have non-string tags
            if tag == _T:
                segments[-1].append(child.text or "")
            elif tag in (_TAB, _PTAB):
                segments[-1].append(" ")
            elif tag in (_BR, _CR):
                segments.append([])
            elif tag == _NO_BREAK_HYPHEN:
                segments[-1].append("-")
            else:  # runs, hyperlinks, insertions, fields, smart tags, inline content controls
                walk(child)

    walk(paragraph)
    return [_clean("".join(parts)) for parts in segments]


def _clean(text: str) -> str:
    return strip_control_chars(text.replace("\u00ad", "")).strip()


# Column headings of a comparison table ("现行条文 | 修订草案条文 | 修改说明", "Current text | Revised
# draft | Explanation"): the draft's column is the text to import.
_DRAFT_COLUMN_RE = re.compile(
    r"修订草案|修改草案|征求意见稿|送审稿|草案|修订后|修改后|(?i:\b(?:draft|revised|proposed|amended)\b)"
)
_OTHER_COLUMN_RE = re.compile(
    r"现行|原条文|原文|修订前|修改前|说明|理由|依据|备注"
    r"|(?i:\b(?:current|existing|original|in force|explanations?|reasons?|notes?|remarks?|comments?|rationale)\b)"
)
_HEADING_CELL_CHARS = 40  # a column heading is short
_TABLE_MARKER_KINDS = ("chapter", "section", "article")


@dataclass
class _DocxBuilder:
    numbering: WordNumbering
    lines: list[Line] = field(default_factory=list)
    unrenderable: list[tuple[int, str]] = field(default_factory=list)  # (line number, numFmt)
    table_notes: list[str] = field(default_factory=list)

    def block(self, element: Element) -> None:
        if element.tag == _P:
            self.lines.extend(Line(text) for text in self._paragraph_texts(element))
        else:
            self._table(element)

    def _paragraph_texts(self, paragraph: Element) -> list[str]:
        segments = _segments(paragraph)
        label = self._label(paragraph)
        if label:
            segments[0] = f"{label} {segments[0]}".strip()
        return [text for text in segments if text]

    def _cell_paragraphs(self, cell: Element) -> list[str]:
        """A cell's paragraphs, each its own: items "(1)", "(2)" in a cell stay items."""
        texts: list[str] = []
        for block in docx_blocks(cell):
            if block.tag == _P:
                texts.extend(self._paragraph_texts(block))
            else:  # a table nested in a cell: its cells' paragraphs in reading order
                for row in docx_children(block, _TR):
                    for inner in docx_children(row, _TC):
                        texts.extend(self._cell_paragraphs(inner))
        return texts

    def _table(self, table: Element) -> None:
        """A comparison table gives its draft column; a table whose first column holds the markers
        ("Article 1 | These Provisions…") gives marker + text; a cell alone in its row (a layout table, a
        whole draft pasted into one cell) gives its paragraphs as they are; any other row is one line,
        its cells separated by " | "."""
        rows = [[self._cell_paragraphs(cell) for cell in docx_children(row, _TC)]
                for row in docx_children(table, _TR)]
        rows = [row for row in rows if any(row)]
        if not rows:
            return
        draft = _draft_column(rows)
        if draft is not None:
            self._comparison(rows, *draft)
            return
        by_markers = _marker_column(rows)
        for n, row in enumerate(rows):
            filled = [cell for cell in row if cell]
            if by_markers and n == 0 and len(filled) > 1 and _is_heading_row(row):
                continue  # "Article | Text": the columns' names, not the draft's text
            marker = _lone_marker(filled[0]) if by_markers else None
            if marker is not None and not marker.rest and len(filled) > 1:
                first, *more = filled[1]
                texts = [f"{filled[0][0]} {first}", *more, *(text for cell in filled[2:] for text in cell)]
                self.lines.extend(Line(text) for text in texts)
            elif by_markers or len(filled) == 1:  # "Article 1 Purpose" stays above its text, as outside tables
                self.lines.extend(Line(text) for cell in filled for text in cell)
            else:
                self.lines.append(Line(" | ".join(" ".join(cell) for cell in row)))

    def _comparison(self, rows: list[list[list[str]]], header: int, column: int) -> None:
        names = [" ".join(cell) for cell in rows[header]]
        for row in rows[header + 1:]:
            if [" ".join(cell) for cell in row] == names:
                continue  # the heading row repeated on each page
            if column < len(row):
                self.lines.extend(Line(text) for text in row[column])
        others = "”, “".join(name for i, name in enumerate(names) if i != column and name)
        self.table_notes.append(
            f"A comparison table was read from its “{names[column]}” column only; "
            f"the other columns (“{others}”) were left out."
        )

    def _label(self, paragraph: Element) -> str | None:
        label, bad_format = self.numbering.label_for(paragraph)
        if bad_format:
            self.unrenderable.append((len(self.lines) + 1, bad_format))
        return label

    def warnings(self) -> list[str]:
        if not self.unrenderable:
            return self.table_notes
        spans = _spans([number for number, _ in self.unrenderable])
        formats = ", ".join(sorted({fmt for _, fmt in self.unrenderable}))
        return [
            f"{_numbered('Paragraph', spans)} {'uses' if spans.isdigit() else 'use'} Word numbering of a "
            f"kind that cannot be reconstructed ({formats}); check the article numbers.",
            *self.table_notes,
        ]


def _is_heading_row(row: list[list[str]]) -> bool:
    return all(
        len(cell) <= 1 and len(" ".join(cell)) <= _HEADING_CELL_CHARS and not any(map(ends_sentence, cell))
        for cell in row
    ) and not any(_lone_marker(cell) is not None for cell in row if cell)


def _draft_column(rows: list[list[list[str]]]) -> tuple[int, int] | None:
    """(heading row, draft column) of a comparison table: among its first two rows, one of short headings
    naming a draft column and another column (current text, explanation)."""
    for header, row in enumerate(rows[:2]):
        if len(row) < 2 or not _is_heading_row(row):
            continue
        names = [" ".join(cell) for cell in row]
        others = [i for i, name in enumerate(names) if _OTHER_COLUMN_RE.search(name)]
        drafts = [i for i, name in enumerate(names) if _DRAFT_COLUMN_RE.search(name) and i not in others]
        if drafts and others:
            return header, drafts[0]
    return None


def _lone_marker(cell: list[str]) -> Marker | None:
    """The marker of a cell holding only a structural marker, maybe with a heading: "Article 1",
    "第一条", "Chapter 2", "Article 3 Scope"."""
    if len(cell) != 1:
        return None
    marker = parse_marker(cell[0])
    if marker is None or marker.kind not in _TABLE_MARKER_KINDS:
        return None
    return marker if not marker.rest or is_heading_like(marker.rest) else None


def _marker_column(rows: list[list[list[str]]]) -> bool:
    """Is the table laid out with the markers in its first column and the text beside them?"""
    split_rows = [[cell for cell in row if cell] for row in rows]
    split_rows = [filled for filled in split_rows if len(filled) > 1]
    marked = sum(1 for filled in split_rows if _lone_marker(filled[0]) is not None)
    return marked > 0 and marked * 2 >= len(split_rows)


def _numbered(noun: str, spans: str) -> str:
    return f"{noun} {spans}" if spans.isdigit() else f"{noun}s {spans}"


def _spans(numbers: list[int], gap: int = 3) -> str:
    """[12, 13, 15, 40] -> "12–15, 40": numbers a few lines apart belong to one list."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n - runs[-1][1] <= gap:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


# --- Word automatic numbering -------------------------------------------------------------------------
#
# A numbered paragraph points (directly or through its style) to a num, which points to an abstractNum
# holding up to nine levels (format, text like "Article %1", start). Counters live per abstractNum, so
# nums sharing one continue each other's count, as in Word; a num's startOverride restarts its level
# the first time that num is used.

_MAX_LEVELS = 9


@dataclass(frozen=True, slots=True)
class _Level:
    fmt: str
    text: str | None  # lvlText, e.g. "Article %1", "第%1条", "%1.%2"
    start: int
    restart_after: int | None  # lvlRestart: None = after any shallower level, 0 = never
    legal: bool  # isLgl: every number in the text shown as decimal


@dataclass(frozen=True, slots=True)
class _Num:
    abstract_id: str
    levels: dict[int, _Level]  # lvlOverride/lvl: replaces the abstract's level
    starts: dict[int, int]  # lvlOverride/startOverride


def _attr(element: Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return found.get(_VAL) if found is not None else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _parse_levels(container: Element) -> dict[int, _Level]:
    levels: dict[int, _Level] = {}
    for lvl in container.findall(qn("w:lvl")):
        ilvl = _int(lvl.get(qn("w:ilvl")))
        if ilvl is None or not 0 <= ilvl < _MAX_LEVELS:
            continue
        legal = lvl.find(qn("w:isLgl"))
        start = _int(_attr(lvl, qn("w:start")))
        levels[ilvl] = _Level(
            fmt=_attr(lvl, qn("w:numFmt")) or "decimal",
            text=_attr(lvl, qn("w:lvlText")),
            # The schema's default is 0, but files that omit it are from tools that mean 1.
            start=1 if start is None else start,
            restart_after=_int(_attr(lvl, qn("w:lvlRestart"))),
            legal=legal is not None and legal.get(_VAL) not in ("0", "false", "off"),
        )
    return levels


class WordStyles:
    """Paragraph styles: which numbering a style (or a style it is based on) carries."""

    def __init__(self, root: Element | None) -> None:
        self._by_id: dict[str, Element] = {}
        self.default_id: str | None = None
        for style in root.findall(qn("w:style")) if root is not None else ():
            style_id = style.get(qn("w:styleId"))
            if style_id is None:
                continue
            self._by_id[style_id] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
                self.default_id = style_id

    def numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, ilvl) from the style's pPr/numPr, inherited through basedOn; a child wins."""
        num_id: str | None = None
        ilvl: int | None = None
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_id is None:
                num_id = _attr(num_pr, qn("w:numId"))
            if ilvl is None:
                ilvl = _int(_attr(num_pr, qn("w:ilvl")))
            style_id = _attr(style, qn("w:basedOn"))
        return num_id, ilvl


class WordNumbering:
    def __init__(self, root: Element | None, styles: WordStyles) -> None:
        self._styles = styles
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._style_links: dict[str, str] = {}  # abstractNumId -> numStyleLink style
        self._level_styles: dict[str, dict[str, int]] = {}  # abstractNumId -> {pStyle: ilvl}
        self._nums: dict[str, _Num] = {}
        self._counters: dict[str, list[int | None]] = {}  # per abstractNum: last number per level
        self._used: set[str] = set()
        if root is not None:
            self._parse(root)

    def _parse(self, root: Element) -> None:
        for abstract in root.findall(qn("w:abstractNum")):
            abstract_id = abstract.get(qn("w:abstractNumId"))
            if abstract_id is None:
                continue
            self._abstracts[abstract_id] = _parse_levels(abstract)
            link = _attr(abstract, qn("w:numStyleLink"))
            if link:
                self._style_links[abstract_id] = link
            self._level_styles[abstract_id] = {
                style: ilvl
                for lvl in abstract.findall(qn("w:lvl"))
                if (style := _attr(lvl, qn("w:pStyle"))) and (ilvl := _int(lvl.get(qn("w:ilvl")))) is not None
            }
        for num in root.findall(qn("w:num")):
            num_id, abstract_id = num.get(qn("w:numId")), _attr(num, qn("w:abstractNumId"))
            if num_id is None or abstract_id is None:
                continue
            levels: dict[int, _Level] = {}
            starts: dict[int, int] = {}
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = _int(override.get(qn("w:ilvl")))
                if ilvl is None or not 0 <= ilvl < _MAX_LEVELS:
                    continue
                levels.update({k: v for k, v in _parse_levels(override).items() if k == ilvl})
                start = _int(_attr(override, qn("w:startOverride")))
                if start is not None:
                    starts[ilvl] = start
            self._nums[num_id] = _Num(abstract_id, levels, starts)

    def _abstract_id(self, num_id: str) -> str | None:
        """Follow numStyleLink (the abstractNum of a numbering style lives behind that style's num)."""
        num = self._nums.get(num_id)
        abstract_id = num.abstract_id if num else None
        for _ in range(4):
            link = self._style_links.get(abstract_id or "")
            if link is None or self._abstracts.get(abstract_id or ""):
                break
            linked_num = self._nums.get(self._styles.numbering(link)[0] or "")
            abstract_id = linked_num.abstract_id if linked_num else None
        return abstract_id

    def _reference(self, paragraph: Element) -> tuple[str, int] | None:
        """(numId, ilvl) of a paragraph: direct numPr first, then its style's; numId 0 means none."""
        ppr = paragraph.find(qn("w:pPr"))
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style_id = _attr(ppr, qn("w:pStyle")) or self._styles.default_id
        style_num, style_ilvl = self._styles.numbering(style_id)
        num_id = _attr(num_pr, qn("w:numId")) or style_num
        if num_id is None or num_id == "0" or num_id not in self._nums:
            return None  # Word shows no number for an undefined num either
        ilvl = _int(_attr(num_pr, qn("w:ilvl")))
        if ilvl is None:
            ilvl = style_ilvl
        if ilvl is None:
            abstract_id = self._abstract_id(num_id) or ""
            ilvl = self._level_styles.get(abstract_id, {}).get(style_id or "", 0)
        return num_id, min(max(ilvl, 0), _MAX_LEVELS - 1)

    def label_for(self, paragraph: Element) -> tuple[str | None, str | None]:
        """(number as Word shows it, None) or (None, numFmt that cannot be rendered); advances counters."""
        reference = self._reference(paragraph)
        if reference is None:
            return None, None
        num_id, ilvl = reference
        num = self._nums[num_id]
        abstract_id = self._abstract_id(num_id)
        if abstract_id is None:
            return None, None
        levels = {**self._abstracts.get(abstract_id, {}), **num.levels}
        level = levels.get(ilvl)
        if level is None or level.text is None:
            return None, "undefined level"
        counters = self._counters.setdefault(abstract_id, [None] * _MAX_LEVELS)
        if num_id not in self._used:  # a restarted list ("restart numbering") is a num with startOverride
            self._used.add(num_id)
            for overridden in num.starts:
                counters[overridden] = None
        self._advance(counters, ilvl, levels, num)
        return self._render(level, counters, levels, num)

    @staticmethod
    def _advance(counters: list[int | None], ilvl: int, levels: dict[int, _Level], num: _Num) -> None:
        current = counters[ilvl]
        counters[ilvl] = num.starts.get(ilvl, levels[ilvl].start) if current is None else current + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            restart = levels[deeper].restart_after if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None

    @staticmethod
    def _render(
        level: _Level, counters: list[int | None], levels: dict[int, _Level], num: _Num
    ) -> tuple[str | None, str | None]:
        if level.fmt not in _FORMATS:
            return None, level.fmt
        text = level.text or ""
        for match in reversed(list(re.finditer(r"%([1-9])", text))):
            k = int(match.group(1)) - 1
            shown = levels.get(k)
            if shown is None:
                return None, "undefined level"
            value = counters[k] if counters[k] is not None else num.starts.get(k, shown.start)
            fmt = "decimal" if level.legal else shown.fmt
            if fmt not in _FORMATS:
                return None, fmt
            text = text[: match.start()] + _FORMATS[fmt](value or 0) + text[match.end() :]
        return text.strip() or None, None


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += numeral * count
    return out


def _letter(n: int) -> str:
    """Word's letters: A … Z, AA, BB … ZZ, AAA. Capped: a hostile w:start must not build huge strings."""
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if 0 < n <= 780 else str(n)


_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _chinese(n: int, digits: str = _CN_DIGITS, units: str = "万千百十", *, legal: bool = False) -> str:
    """Chinese counting: 1 一, 10 十, 11 十一, 20 二十, 101 一百零一, 110 一百一十, 1001 一千零一.
    Legal numerals (壹贰叁) keep the leading one: 10 壹拾."""
    if not 0 < n < 100_000:
        return str(n)
    out, pending_zero = "", False
    for value, unit in zip((10_000, 1000, 100, 10, 1), (*units, ""), strict=True):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if pending_zero else "") + digits[digit] + unit
            pending_zero = False
        elif out:
            pending_zero = True
    return out[1:] if not legal and out.startswith(digits[1] + units[3]) else out


def _ideograph_digits(n: int) -> str:
    """Digit by digit: 10 一〇, 2024 二〇二四."""
    return "".join(_CN_DIGITS[int(d)] for d in str(n)) if n >= 0 else str(n)


_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letter,
    "lowerLetter": lambda n: _letter(n).lower(),
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "taiwaneseCounting": _chinese,  # LibreOffice saves chineseCounting lists as these
    "taiwaneseCountingThousand": _chinese,
    "chineseLegalSimplified": lambda n: _chinese(n, _CN_LEGAL_DIGITS, "万仟佰拾", legal=True),
    "ideographDigital": _ideograph_digits,
    "taiwaneseDigital": _ideograph_digits,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10] if n > 0 else str(n),
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
    "none": lambda n: "",
}


# --- PDF --------------------------------------------------------------------------------------------

# pdfium is not thread-safe, and the web app reads uploads in a thread pool.
_PDFIUM_LOCK = threading.Lock()


def _read_pdf(data: bytes, limits: ImportLimits) -> tuple[list[Line], list[str]]:
    with _PDFIUM_LOCK:
        texts = _pdf_page_texts(data, limits)
    lines = [Line(text, page=n) for n, page in enumerate(texts, start=1) for text in _pdf_lines(page)]
    if not lines:
        raise ImportRejected(
            "The PDF has no text layer (a scan?), so there is no text to import. OCR is not supported: "
            "ask for the original document or a PDF with selectable text.",
            reason="unsupported",
        )
    empty_pages = [number for number, page in enumerate(texts, start=1) if not page.strip()]
    if not empty_pages:
        return lines, []
    spans = _spans(empty_pages, gap=1)
    has, them = ("has", "it") if spans.isdigit() else ("have", "them")
    return lines, [
        f"{_numbered('Page', spans)} of the PDF {has} no text layer (scanned or blank); "
        f"any text on {them} is missing from the import."
    ]


def _pdf_page_texts(data: bytes, limits: ImportLimits) -> list[str]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _pdf_open_error(exc) from exc
    try:
        count = len(pdf)
        if count > limits.pdf_max_pages:
            raise ImportRejected(
                f"The PDF has {count:,} pages; the limit is {limits.pdf_max_pages:,}. "
                "Split it and import the part you need.",
                reason="too_large",
            )
        if count == 0:
            raise ImportRejected(_PDF_DAMAGED)
        texts: list[str] = []
        total = 0
        for index in range(count):
            texts.append(_page_text(pdf, index))
            total += len(texts[-1])
            if total > limits.max_text_chars:  # stop extracting early
                raise ImportRejected(
                    f"The draft is too long; the limit is {limits.max_text_chars:,} characters.",
                    reason="too_large",
                )
        return texts
    finally:
        pdf.close()


_PDF_DAMAGED = "The PDF file is damaged and cannot be read. Save or print it as PDF again, and retry."


def _pdf_open_error(exc: pdfium.PdfiumError) -> ImportRejected:
    if exc.err_code == pdfium.raw.FPDF_ERR_PASSWORD:
        return ImportRejected(
            "The PDF is password-protected. Remove the password (or ask for an unprotected copy) and retry.",
            reason="unsupported",
        )
    if exc.err_code == pdfium.raw.FPDF_ERR_SECURITY:
        return ImportRejected("The PDF uses an encryption that cannot be opened.", reason="unsupported")
    return ImportRejected(_PDF_DAMAGED)


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    try:
        page = pdf[index]
    except pdfium.PdfiumError as exc:
        raise ImportRejected(_PDF_DAMAGED) from exc
    try:
        textpage = page.get_textpage()
        try:
            return textpage.get_text_bounded()  # full Unicode, unlike get_text_range (UCS-2)
        finally:
            textpage.close()
    except pdfium.PdfiumError as exc:
        raise ImportRejected(_PDF_DAMAGED) from exc
    finally:
        page.close()


def _pdf_lines(text: str) -> list[str]:
    # pdfium joins a word hyphenated across a line end and marks the hyphen with "\x02" (or "\ufffe"):
    # restore the visual line ending in "-", and let the cleaner decide whether to rejoin the word.
    text = text.replace("\x02", "-\n").replace("\ufffe", "-\n")
    return [clean for raw in _NEWLINES.sub("\n", text).split("\n") if (clean := _clean(raw))]
