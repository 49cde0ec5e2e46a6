"""Read a past comment table from a Word file (.docx): the provisions it quotes, their underlines, the comments.

A trade association's submission is a table "Text of Draft Measure | Comment | Recommendation" (or a variant),
one row per provision commented on, the words that matter underlined. `read_comment_table` turns it into frozen
dataclasses; it knows nothing of the database or the web.

Safety first: the bytes go through the same checks as a draft upload (size, zip directory, XML prologs, a
bounded repack that counts elements) before python-docx parses anything; the XML is then walked directly.

Rules (general, not tuned to one document):

* The table: a table of the body with a header row (one of its first three rows, or of its first six below
  nothing but title, blank or cover rows: never below a row quoting a provision) naming a provision column
  ("Text of Draft Measure", "Draft Measure", "Draft Law", "Provision", "Article", "Original text", "Draft text",
  "征求意见稿条款") and a comment column ("Comment(s)", "Concern", "Issue", "Rationale", "Justification",
  "Feedback", "Our Position", "问题", "理由", "说明") or a recommendation column ("Recommendation(s)", "Proposed
  change/amendment/language", "Requested change", "Ask", "Suggested revision", "Revised text", "修改意见",
  "修改建议", "修改后条文"). A recommendation word wins over a comment word in one title ("修改意见" beside "意见");
  "意见" inside "征求意见稿" names no comment column. Two columns of one kind ("Comment | Rationale") are both
  read, in column order, a blank line apart; a filled column with another title is named in a warning. When
  several tables have such a header, the one whose text column quotes the draft (not just "Article") is read,
  else the longest, and the others are named. A label-like column ("No.", "Art.", "Section", "Ref.", "条目",
  "序号") gives a row's label when its cell looks like one ("Art. 2", "第二条", "3.2" outside "No."/"序号") and the
  text has none. When two provision columns exist ("Article | Text", "Provision | Text of Draft Measure"), the
  first holds the label and the text one the provision text. A title in two languages ("条款 Article", "序号
  No.") is such a title when each part is; a label written again in the other language ("第二条" over
  "Article 2", in a label cell or above the text) is one label, not a heading or text. Header-like rows right
  below the header refine it (a two-level header), but not a section row across the table ("Supplementary
  Provisions"); the header's own titles repeated further down (page repeats, tables converted from PDF,
  w:tblHeader rows) are skipped, while a body row that merely mentions comments ("Same concern as Article 2")
  is a row. Later tables with the same header, or with none and the same grid (give or take one empty or
  unused column) after nothing but headings ("Chapter III Data Protection"), are read as the continuation of
  the first; the first table that is not is named in a warning. A table without such a header that lays the
  memo out (one cell, or cells side by side) is looked into: the tables nested in its cells count as tables of
  the document, and the paragraphs before the nested table in its cell as paragraphs before the table.
* No header anywhere: a table of three grid columns (or four, the first holding nothing longer than a label
  or a number) whose rows, in two thirds of them at least, quote a provision (a label or underlined words)
  with prose after it, is read by position - [label,] provision text, comment, recommendation - with a
  warning. A layout or cover table ("To: | From:", a signature block) quotes no provision and is not one.
* Cells are addressed by their grid column, so merged cells (gridSpan) are read once; a cell continuing a
  vertical merge (vMerge) is read as empty, except in a comment or recommendation column, where it carries the
  merged cell's text (one comment beside several provisions; not repeated when its row is joined above).
* Column 1: when its first paragraph starts with a label ("Article 29", "Art. 5(2)", "Chapter 3", "Annex II",
  "第二十九条", "第三章", "附件1"), the label is split off, with a bracketed heading after it ("(Technical
  maintenance requirements)", "【技术维护】"). What follows the label on that line is the heading when the line
  stands alone above the text ("Chapter 3 Network Security Protection", "Article 2: Scope") and reads like a
  heading; otherwise it is the start of the provision text ("Article 2 (Scope) The Regulations apply to …").
  A line such as "Article 37 of the Law provides …" is a cross-reference, not a label. A first paragraph that
  is entirely bold, stands above further paragraphs and is not a sentence (no "shall"/"must"/"may", no full
  stop, at most 100 characters) is a label line too, whatever its
  words ("Recital 12", or "Annex 1 (Definitions)" split at its final bracket) - this is how Commentdesk's own
  export writes it. Ambiguities of exported files, accepted: a row with a heading but no label comes back with
  that heading as its label, and a label with words after its number and no heading ("Chapter 3 Network
  Security") comes back as label "Chapter 3" with heading "Network Security". A manual line break after the
  label line works like a paragraph break. Labels may point to a paragraph ("Article 21, Paragraph 1",
  "Article 21 (1) and (3)", "第二十一条第一款").
* No label: item markers ("(3) Level 3 refers to …") are not labels: the label is None and the marker stays in
  the provision text, exactly as the table shows it.
* Text: paragraphs are joined with "\\n", as are manual line breaks; tabs and non-breaking spaces become spaces
  (one character each, so offsets hold); soft hyphens and control characters are dropped; Word's automatic
  numbering ("1.", "(a)", "Article %1") is written out as Word shows it; empty paragraphs at the start and end
  of a cell are dropped and the whole text is stripped. Nested tables in a cell contribute their filled
  paragraphs. Hidden text (w:vanish) is left out; w:sym characters of the Symbol and Wingdings fonts are
  written as their Unicode characters, others left out.
* Underlines: a run is underlined when its w:u (direct, else from its character style, else from the
  paragraph style, else the document defaults) has a value other than "none". Spans are in provision-text
  coordinates, merged when adjacent, and a paragraph break between two underlined characters is part of the
  span. Whitespace at a span's edges is trimmed, as the editor does. Underlines in the label/heading line are
  ignored. A table with no underline at all but with highlighted (or shaded) runs has those as its spans, with
  a warning.
* Continuation: a row continues the previous one (and is appended to it as new paragraphs, spans shifted, an
  underline running over the break kept as one span) when
  (a) its provision cell is empty - no label, no text - but it has a comment or recommendation (the rest of a
      row split across pages, or the second comment beside a vertically merged provision), or
  (b) its provision has no label, the previous provision text does not end a sentence, no other column
      contradicts (text in a column that was empty above - a cut row starts every cell on the first page -
      or text after a finished sentence), and at least one column
      visibly carries a sentence on (the previous text there is unfinished and this one starts with a
      lowercase letter, closing punctuation, or a CJK character after a CJK character; every column when the
      row fills them all: short unlabelled rows are rows of their own). This is the shape of
      a row that a PDF converter cut at a page break; a Word table's own page breaks never split a w:tr.
  A row with a label and no text is a row of its own. An exported row with neither label nor text (a general
  comment) reads back as a continuation by rule (a): the file does not tell the two apart.
* Title: the first non-empty paragraph before the table; when there is none, the first single-cell title row
  above the header inside the table, the further ones (a subtitle, a date) being the opening paragraphs. The
  note "(Note: relevant text is underlined)" is never a title or opening paragraph.
* Pointers: a comment or recommendation cell that only says "Same as above", "As above", "Ditto", "同上" gets
  the text of the same column of the row above ("See above" may point anywhere: it stays); one that only says
  "See comment on Article 5", "Same as Art. 5", "参见第五条意见", "同第五条" gets the text of the same column of
  the row with that label ("Article 5", "Art. 5" and "第五条" are one label) when exactly one row has it. A
  cell in two languages points when both lines point the same way. Either is named in a warning; a pointer
  that leads nowhere, to several rows or to an empty cell is kept as written, with a warning. A sentence that
  merely mentions another row ("Same concern as Article 2") is not a pointer.
* Chapter rows: a column 1 that is only the label of a part of the draft above its articles and its title
  ("Chapter VII Supplementary Provisions", "第七章 附则", "Annex II Definitions"), in a row with a comment or a
  recommendation, is a label and a heading with no text (as the export writes a comment on a whole chapter);
  the same line with nothing beside it is a section row, skipped.
* Rows with no provision text, no comment and no recommendation (blank rows, chapter-title rows) are skipped
  silently. A row with a provision but no comment and no recommendation is kept (teams fill them in later),
  with a warning. A row made of one cell spanning the whole table (or one text repeated in every cell) is a
  section heading when it is a label or a short heading ("Chapter I General Provisions", "Supplementary
  Provisions"), skipped silently; otherwise it is left out with a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from docx.oxml.ns import qn
from lxml import etree

from comments.anchoring import trim_whitespace
from comments.errors import ImportRejected
from comments.importing.markers import (
    CN_NUMERAL_CHARS,
    WORDS_NUMERAL,
    ends_sentence,
    is_cjk,
    is_heading_like,
    parse_number,
    zh_reference_follows,
)
from comments.importing.readers import (
    WordNumbering,
    WordStyles,
    docx_blocks,
    docx_children,
    open_checked_docx,
)
from comments.importing.safety import (
    DEFAULT_LIMITS,
    ImportLimits,
    check_upload_size,
    strip_control_chars,
)

# --- public API -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableRow:
    provision_label: str | None  # "Article 29", "Chapter 3", "第二十九条"; None when the cell has no label
    provision_heading: str | None  # "Technical maintenance requirements"
    provision_text: str  # without the label/heading line; paragraphs joined by "\n"
    spans: tuple[tuple[int, int], ...]  # underlined [start, end) in provision_text: sorted, disjoint, merged
    comment: str  # paragraphs joined by "\n"
    recommendation: str  # "" when the table has no recommendation column


@dataclass(frozen=True, slots=True)
class CommentTable:
    title: str | None  # first non-empty paragraph before the table
    paragraphs_before: tuple[str, ...]  # the other non-empty paragraphs before it, without the underline note
    rows: tuple[TableRow, ...]
    warnings: tuple[str, ...]  # human sentences


NO_TABLE = (
    "No comment table was found: expected a table with a header row (one of its first rows) with a "
    "'Comment' column and a 'Text of Draft Measure', 'Provision' or 'Article' column"
)
NOT_DOCX = (
    "Comment tables are imported from Word .docx files only: open it in Word, save it as "
    "“Word Document (.docx)” and import it again."
)


def read_comment_table(data: bytes, limits: ImportLimits = DEFAULT_LIMITS) -> CommentTable:
    """Read the comment table of a .docx submission. Raises ImportRejected with one human sentence."""
    check_upload_size(len(data), limits)
    _check_docx_bytes(data)
    body, styles, numbering = open_checked_docx(data, limits)
    table = _Reader(body, styles, numbering).read()
    total = sum(len(r.provision_text) + len(r.comment) + len(r.recommendation) for r in table.rows)
    if total > limits.max_text_chars:
        raise ImportRejected(
            f"The comment table is too long; the limit is {limits.max_text_chars:,} characters.", reason="too_large"
        )
    return table


# --- is it a .docx at all? --------------------------------------------------------------------------

_OTHER_FORMATS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Word .doc file (or a password-protected Office file)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def _check_docx_bytes(data: bytes) -> None:
    if not data.strip():
        raise ImportRejected("The file is empty: there is no comment table to import.")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if b"word/document.xml" in data:
            return
        raise ImportRejected(f"The file is a ZIP archive or another Office format, not a Word document. {NOT_DOCX}",
                             reason="unsupported")
    head = data[:1024].lstrip(b"\x00\t\n\r\f ")
    what = next((name for magic, name in _OTHER_FORMATS if head.startswith(magic)), "not a Word .docx document")
    raise ImportRejected(f"The file is {what}. {NOT_DOCX}", reason="unsupported")


# --- XML walking ------------------------------------------------------------------------------------

Element = etree._Element

_P, _TBL, _TR, _TC, _R = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc"), qn("w:r")
_T, _TAB, _PTAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:ptab"), qn("w:br"), qn("w:cr")
_NO_BREAK_HYPHEN, _SYM, _VAL = qn("w:noBreakHyphen"), qn("w:sym"), qn("w:val")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Never text of the paragraph: properties, deleted or moved-away content, text boxes, VML copies of drawings.
_SKIP = frozenset(
    {qn(t) for t in ("w:pPr", "w:rPr", "w:del", "w:moveFrom", "w:txbxContent", "w:sdtPr", "w:sdtEndPr",
                     "w:fldData", "w:instrText", "w:delText")} | {_MC_FALLBACK}
)
_FALSE = ("0", "false", "off")


def _val(element: Element | None, path: str) -> str | None:
    if element is None:
        return None
    found = element.find(path)
    return found.get(_VAL) if found is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _underline(rpr: Element | None) -> bool | None:
    """None: not set here. A w:u without a value is taken as underlined (its presence is the intent)."""
    u = rpr.find(qn("w:u")) if rpr is not None else None
    if u is None:
        return None
    return u.get(_VAL) != "none"


def _on_off(rpr: Element | None, tag: str) -> bool | None:
    element = rpr.find(tag) if rpr is not None else None
    if element is None:
        return None
    return element.get(_VAL) not in _FALSE


def _bold(rpr: Element | None) -> bool | None:
    return _on_off(rpr, qn("w:b"))


def _hidden(rpr: Element | None) -> bool | None:
    return _on_off(rpr, qn("w:vanish"))


_NO_FILL = ("", "auto", "ffffff", "none")


def _highlighted(rpr: Element | None) -> bool | None:
    """A highlight colour, or a run shading (teams that highlight instead of underlining use either)."""
    if rpr is None:
        return None
    highlight = rpr.find(qn("w:highlight"))
    if highlight is not None:
        return highlight.get(_VAL) not in ("none", None)
    shading = rpr.find(qn("w:shd"))
    if shading is not None:
        return (shading.get(qn("w:fill")) or "").lower() not in _NO_FILL
    return None


# Symbol-font characters (w:sym, code point F0xx) that legal text uses; others are left out.
_SYMBOL_FONT = {
    "symbol": {
        0x22: "∀", 0x24: "∃", 0x2D: "−", 0xA3: "≤", 0xA5: "∞", 0xAB: "↔", 0xAC: "←", 0xAD: "↑", 0xAE: "→",
        0xAF: "↓", 0xB0: "°", 0xB1: "±", 0xB3: "≥", 0xB4: "×", 0xB7: "•", 0xB8: "÷", 0xB9: "≠", 0xBA: "≡",
        0xBB: "≈", 0xBC: "…", 0xD2: "®", 0xD3: "©", 0xD4: "™", 0xD7: "·", 0xDB: "⇔", 0xDE: "⇒", 0xE2: "®",
        0xE3: "©", 0xE4: "™", 0xA7: "♣", 0xA8: "♦", 0xA9: "♥", 0xAA: "♠",
        **{0x41 + i: c for i, c in enumerate("ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ")},
        **{0x61 + i: c for i, c in enumerate("αβχδεφγηιϕκλμνοπθρστυϖωξψζ")},
    },
    "wingdings": {0x6C: "●", 0x6E: "■", 0xA7: "▪", 0xD8: "➢", 0xFB: "✗", 0xFC: "✓", 0xFD: "☒", 0xFE: "☑"},
}


def _symbol(sym: Element) -> str:
    """The character a w:sym shows, or "" when it is a private-use glyph we cannot name."""
    try:
        code = int(sym.get(qn("w:char")) or "", 16)
    except ValueError:
        return ""
    if 0xF000 <= code <= 0xF0FF or code <= 0xFF:
        font = (sym.get(qn("w:font")) or "").lower()
        table = next((chars for name, chars in _SYMBOL_FONT.items() if font.startswith(name)), None)
        return table.get(code & 0xFF, "") if table is not None else ("" if code >= 0xF000 else chr(code))
    return "" if 0xE000 <= code <= 0xF8FF else chr(code)


class _RunStyles:
    """Underline and bold a run gets from its character style, its paragraph's style or the defaults."""

    def __init__(self, root: Element | None) -> None:
        self._by_id: dict[str, Element] = {}
        self.default_paragraph: str | None = None
        self._defaults: Element | None = None
        if root is None:
            return
        self._defaults = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        for style in root.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if style_id is None:
                continue
            self._by_id[style_id] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
                self.default_paragraph = style_id

    def _from_style(self, style_id: str | None, read) -> bool | None:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self._by_id:
            seen.add(style_id)
            style = self._by_id[style_id]
            value = read(style.find(qn("w:rPr")))
            if value is not None:
                return value
            style_id = _val(style, qn("w:basedOn"))
        return None

    def resolve(self, rpr: Element | None, paragraph_style: str | None, read) -> bool:
        for value in (
            read(rpr),
            self._from_style(_val(rpr, qn("w:rStyle")), read),
            self._from_style(paragraph_style or self.default_paragraph, read),
            read(self._defaults),
        ):
            if value is not None:
                return value
        return False


@dataclass(frozen=True, slots=True)
class _Para:
    """One paragraph: its text, per character underlined (True/False) or a line break (None), and per
    character bold (None for whitespace)."""

    text: str
    flags: tuple[bool | None, ...]
    bolds: tuple[bool | None, ...]

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def bold(self) -> bool:
        """Every visible character is bold."""
        visible = [b for b in self.bolds if b is not None]
        return bool(visible) and all(visible)

    def first_line(self) -> tuple[_Para, _Para] | None:
        """Cut at the first manual line break: "Article 2 Scope<br>The Regulations …" reads like two paragraphs."""
        at = self.text.find("\n")
        if at < 0 or not self.text[:at].strip() or not self.text[at + 1 :].strip():
            return None
        return (
            _Para(self.text[:at], self.flags[:at], self.bolds[:at]),
            _Para(self.text[at + 1 :], self.flags[at + 1 :], self.bolds[at + 1 :]),
        )


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\n": " ", "\r": " ", "\f": " "})


def _clean_chunk(text: str) -> str:
    return strip_control_chars(text.translate(_SPACES).replace("\u00ad", ""))


# --- labels -----------------------------------------------------------------------------------------

_SP = "[ \t\u3000]"
_EN_WORDS = (
    "Article", "Arts.", "Art.", "Art", "Chapter", "Chap.", "Section", "Sect.", "Sec.", "Part", "Title", "Annex",
    "Appendix", "Schedule", "Clause", "Paragraph", "Para.", "Subparagraph", "Recital", "Point", "Rule",
    "Subsection", "Attachment", "Item",
)
_EN_WORD_FORMS = {*_EN_WORDS, *(w + "s" for w in _EN_WORDS if w[-1].isalpha() and w != "Art")}
_EN_WORD = "|".join(
    re.escape(w) + ("" if w.endswith(".") else "(?![A-Za-z])")
    for w in sorted({*_EN_WORD_FORMS, *(w.upper() for w in _EN_WORD_FORMS)}, key=len, reverse=True)
)
_EN_NUMBER = (
    rf"(?:[0-9０-９]{{1,4}}(?:[.．][0-9０-９]{{1,3}}){{0,3}}(?:[a-z](?![A-Za-z]))?(?![0-9０-９])"
    rf"|[IVXLCDM]{{1,8}}(?![A-Za-z])|[A-Z](?![A-Za-z])|(?i:{WORDS_NUMERAL})(?![A-Za-z]))"
)
_SUB_REFERENCE = r"(?:\((?:[0-9]{1,3}|[a-z]{1,2}|[ivx]{1,5})\))*(?:[ \t]?(?:bis|ter|quater)(?![A-Za-z]))?"
_CN = f"[{CN_NUMERAL_CHARS}]"
_BARE_SUB = r"\((?:[0-9]{1,3}|[a-z]{1,2}|[ivx]{1,5})\)"
# "Article 21 (1) and (3)": several sub-references of one provision.
_SUB_LIST = rf"(?:{_SP}*(?:,|&|and|or|to|[-–]){_SP}*{_BARE_SUB})*"
_EN_ONE = rf"{_EN_NUMBER}{_SUB_REFERENCE}"
# "Article 21, Paragraph 1", "Annex I, Section 2": a provision's paragraph is still a label.
_EN_PART = (
    rf"(?:{_SP}*,?{_SP}*(?i:sub-?paragraph|paragraph|para\.|item|point|section|subsection|clause|indent)s?"
    rf"{_SP}*{_EN_ONE})"
)
_EN_CHAIN = rf"{_EN_ONE}(?:{_SP}?{_BARE_SUB})?{_SUB_LIST}{_EN_PART}{{0,3}}"
_ZH_ONE = rf"第{_SP}?(?:[0-9０-９]{{1,4}}|{_CN}{{1,8}}){_SP}?(?:条|章|节|款|项|目|编|部分)"
_ZH_CHAIN = rf"{_ZH_ONE}(?:{_ZH_ONE}){{0,3}}"  # "第二十一条第一款"
# "Articles 5 and 6", "Articles 5-7", "第五条至第七条": one row may quote several provisions.
_LABEL_RE = re.compile(
    rf"{_SP}*(?P<label>(?P<en>(?:{_EN_WORD}){_SP}*{_EN_CHAIN}(?:{_SP}*(?:[-–—&,]|and|to){_SP}*{_EN_CHAIN}){{0,3}}"
    rf"|§{{1,2}}{_SP}*[0-9]{{1,4}}(?:\.[0-9]{{1,3}}){{0,3}}{_SUB_REFERENCE})"
    rf"|(?P<zh>{_ZH_CHAIN}(?:[至到、和及与]{_ZH_CHAIN}){{0,3}}|附[件录]{_SP}?(?:[0-9０-９]{{1,3}}|{_CN}{{1,4}})))"
)
_OPEN_CLOSE = {"(": ")", "（": "）", "[": "]", "［": "］", "【": "】", "〔": "〕"}
_SAME = {"(": "(（", "（": "(（", "[": "[［", "［": "[［", "【": "【", "〔": "〔"}
_BARE_TOKEN = re.compile(rf"(?:[0-9]{{1,3}}|[a-zA-Z]|[ivxlcdm]{{1,5}}|{_CN}{{1,4}})")
_GAP = re.compile(f"{_SP}*")
_SEPARATOR = re.compile(rf"{_SP}*(?P<sep>[:：]|[.．](?![0-9])|[-–—](?={_SP}))?{_SP}*")
_EN_REFERENCE_START = re.compile(r"[a-z,;)\]、，；）/&]|['’]s\b")
_ZH_AFTER_SPACE_REFERENCE = "，、。；,;）)"
_MAX_HEADING = 300
_MAX_BOLD_LABEL = 100
# Words that make a sentence, not a heading ("The operator shall keep logs").
_SENTENCE_WORD = re.compile(r"\b(?:shall|must|may|should)\b|应当|不得|必须", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Label:
    label: str
    heading: str | None  # a bracketed heading
    rest_start: int  # where the text after the label (and heading, separator) starts
    explicit: bool  # a bracketed heading, a colon or a dash followed the label


def _closing(text: str, start: int) -> int | None:
    """The index just past the bracket closing the one at `start` (nesting allowed), or None."""
    opening = text[start]
    opens, closes = _SAME[opening], "".join(_OPEN_CLOSE[o] for o in _SAME[opening])
    depth = 0
    for i in range(start, min(len(text), start + _MAX_HEADING)):
        if text[i] in opens:
            depth += 1
        elif text[i] in closes:
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _split_label(text: str) -> _Label | None:
    """The label opening a line, with its bracketed heading; None when there is none or it is a
    cross-reference ("Article 37 of the Law …", "第五条规定的")."""
    match = _LABEL_RE.match(text)
    if match is None:
        return None
    label_end = match.end()
    heading: str | None = None
    pos = label_end
    for _ in range(2):  # at most one bare sub-reference "(1)" and then a heading
        at = _GAP.match(text, pos).end()  # type: ignore[union-attr]  # always matches
        if at >= len(text) or text[at] not in _OPEN_CLOSE:
            break
        end = _closing(text, at)
        if end is None:
            break
        inner = text[at + 1 : end - 1].strip()
        if _BARE_TOKEN.fullmatch(inner) and heading is None and label_end == match.end():
            label_end = pos = end  # "Article 5 (1)": part of the label
            continue
        if inner:
            heading = inner
        pos = end
        break
    sep_match = _SEPARATOR.match(text, pos)  # all optional: always matches
    sep = (sep_match.group("sep") or "") if sep_match else ""
    rest_start = sep_match.end() if sep_match else pos
    rest = text[rest_start:]
    explicit = heading is not None or sep[:1] in (":", "：", "-", "–", "—") or "\u3000" in text[pos:rest_start]
    if rest and not explicit:
        if match.group("zh"):
            spaced = rest_start > pos
            if rest[0] in _ZH_AFTER_SPACE_REFERENCE if spaced else zh_reference_follows(rest):
                return None
        elif _EN_REFERENCE_START.match(rest):
            return None
    label = re.sub(r"\s+", " ", text[match.start("label") : label_end].strip())
    return _Label(label=label, heading=heading, rest_start=rest_start, explicit=explicit)


def _heading_like(text: str) -> bool:
    return is_heading_like(text) and not _SENTENCE_WORD.search(text)


def _split_final_bracket(line: str) -> tuple[str, str | None]:
    """"Annex 1 (Definitions)" -> ("Annex 1", "Definitions"); a line without one -> (line, None)."""
    stripped = line.rstrip()
    if stripped and stripped[-1] in _OPEN_CLOSE.values():
        for start in range(len(stripped) - 2, max(-1, len(stripped) - _MAX_HEADING), -1):
            if stripped[start] in _OPEN_CLOSE and _closing(stripped, start) == len(stripped):
                head, inner = stripped[:start].strip(), stripped[start + 1 : -1].strip()
                if head and inner:
                    return head, inner
                break
    return stripped.strip(), None


# --- provision text and spans ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Provision:
    label: str | None
    heading: str | None
    text: str
    spans: tuple[tuple[int, int], ...]


def _trim(paras: Sequence[_Para]) -> list[_Para]:
    """Without the empty paragraphs at the start and the end."""
    items = list(paras)
    while items and items[-1].blank:
        items.pop()
    while items and items[0].blank:
        items.pop(0)
    return items


def _text_and_spans(paras: Sequence[_Para], first_offset: int = 0) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Join paragraphs (the first from `first_offset`) with "\\n"; underlined ranges in the stripped text."""
    chars: list[str] = []
    flags: list[bool | None] = []
    for index, para in enumerate(paras):
        text, marks = (para.text[first_offset:], para.flags[first_offset:]) if index == 0 else (para.text, para.flags)
        if index:
            chars.append("\n")
            flags.append(None)
        chars.append(text)
        flags.extend(marks)
    text = "".join(chars)
    spans = _spans(text, flags)
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    clipped = []
    for start, end in spans:
        start, end = max(0, start - lead), min(len(stripped), end - lead)
        if end > start:
            clipped.append((start, end))
    return stripped, tuple(clipped)


def _spans(text: str, flags: Sequence[bool | None]) -> list[tuple[int, int]]:
    """Maximal underlined ranges; a line break (None) is underlined when the characters around it are."""
    n = len(flags)
    left: list[bool] = [False] * n
    last = False
    for i, flag in enumerate(flags):
        if flag is None:
            left[i] = last
        else:
            last = flag
    resolved = list(left)
    last = False
    for i in range(n - 1, -1, -1):
        flag = flags[i]
        if flag is None:
            resolved[i] = left[i] and last
        else:
            resolved[i] = flag
            last = flag
    spans: list[tuple[int, int]] = []
    i = 0
    while i < n:
        if not resolved[i]:
            i += 1
            continue
        j = i
        while j < n and resolved[j]:
            j += 1
        start, end = trim_whitespace(text, i, j)
        if end > start:
            spans.append((start, end))
        i = j
    return spans


def _parse_provision(raw: Sequence[_Para]) -> _Provision:
    """Column 1 of a row: label and heading (own line or inline), then the provision text with its spans."""
    paras = _trim(raw)
    if not paras:
        return _Provision(None, None, "", ())
    cut = paras[0].first_line()
    if cut is not None:  # a manual line break after the label line works like a paragraph break
        paras = [*cut, *paras[1:]]
    first = paras[0]
    more = len(paras) > 1
    line = first.text.strip()
    # A bold first line is a label line unless it is a sentence (the provision's own bold words).
    bold_line = (first.bold and more and len(line) <= _MAX_BOLD_LABEL and not ends_sentence(line)
                 and not _SENTENCE_WORD.search(line))
    split = _split_label(first.text)
    if split is not None:
        rest = first.text[split.rest_start :].strip()
        if not rest and len(paras) > 2 and _same_reference(paras[1].text.strip(), split.label):
            paras = [first, *paras[2:]]  # "第二条" over "Article 2": the label again in the other language
        if split.heading is not None:
            if rest:
                return _Provision(split.label, split.heading, *_text_and_spans(paras, split.rest_start))
            return _Provision(split.label, split.heading, *_text_and_spans(paras[1:]))
        if not rest:
            return _Provision(split.label, None, *_text_and_spans(paras[1:]))
        if bold_line or (more and _heading_like(rest)):
            return _Provision(split.label, rest, *_text_and_spans(paras[1:]))
        return _Provision(split.label, None, *_text_and_spans(paras, split.rest_start))
    if bold_line:
        label, heading = _split_final_bracket(line)
        return _Provision(label, heading, *_text_and_spans(paras[1:]))
    return _Provision(None, None, *_text_and_spans(paras))


_BARE_NUMBER = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,3}){0,3}[a-z]?|[IVXLCDM]{1,8}")
_NUMBERED_HEADER = re.compile(
    r"(article|art|section|sect|sec|clause|chapter|paragraph|para|part|annex|recital)s?\b", re.IGNORECASE
)
_FULL_WORD = {"art": "Article", "sect": "Section", "sec": "Section", "para": "Paragraph"}


def _with_label_column(
    label_paras: Sequence[_Para], text_paras: Sequence[_Para], header: str, weak: bool = False
) -> _Provision:
    """"Article | Text" tables: the label (and heading) from one cell, the text from the other. A weak label
    column ("No.", "Ref.", "序号", "Section" beside a provision column) gives a label only when its cell looks
    like one and the text has none of its own: "1, 2, 3" in a "No." column is numbering."""
    labels = [line for para in _trim(label_paras) for line in para.text.split("\n") if line.strip()]
    parsed = _parse_provision(text_paras)
    if not labels or (weak and parsed.label is not None):
        return parsed
    first = labels[0].strip()
    split = _split_label(first)
    heading: str | None = None
    numbering = _names(_NUMBER_HEADER_RE, header)
    if split is not None:
        label = split.label
        heading = split.heading or first[split.rest_start :].strip() or None
    elif _BARE_NUMBER.fullmatch(first) and not numbering:
        word = next((m for m in map(_NUMBERED_HEADER.match, _title_parts(header)) if m), None)
        name = word.group(1).lower() if word else ""
        # "29" under "Article" -> "Article 29"; "3.2" under "Ref." stays "3.2"
        label = f"{_FULL_WORD.get(name, name.capitalize())} {first}" if word else first
    elif weak or numbering:
        return parsed
    else:
        label = re.sub(r"\s+", " ", first)
    if heading is None and len(labels) > 1:
        heading = " ".join(
            line.strip() for line in labels[1:] if not _same_reference(line.strip(), label)
        ) or None  # "第二条 / Article 2": the label again in the other language, not a heading
    if parsed.label is not None and (
        _same_label(parsed.label, label) or _reference_key(parsed.label) == _reference_key(label)
    ):  # "Art. 34" beside "Article 34", "3" (under "Article") beside "第三条"
        return _Provision(label, heading or parsed.heading, parsed.text, parsed.spans)
    return _Provision(label, heading, *_text_and_spans(_trim(text_paras)))


def _label_key(label: str) -> tuple[str, str]:
    """"Art. 34" and "Article 34" are the same label: the word's first letters and the number."""
    compact = re.sub(r"\s", "", label).lower()
    match = re.match(r"([a-z]+)\.?(.*)", compact)
    return (match.group(1)[:3], match.group(2)) if match else ("", compact)


def _same_label(a: str, b: str) -> bool:
    return _label_key(a) == _label_key(b)


def _same_reference(line: str, label: str) -> bool:
    """`line` is nothing but `label`, maybe in another language or form ("Article 2" for "第二条")."""
    split = _split_label(line)
    return split is not None and not line[split.rest_start :].strip() and split.heading is None and (
        _reference_key(split.label) == _reference_key(label))


def _plain(paras: Sequence[_Para]) -> str:
    return "\n".join(p.text for p in paras).strip()


# --- header detection -------------------------------------------------------------------------------

# The words a submission's proposed wording goes by; they win over a comment word in the same title
# ("修改意见" is the amendment beside "意见", "Revised text" is not the draft's text).
_REC_RE = re.compile(
    r"recommend|(?:proposed|requested|suggested|revised|amended)\s+(?:changes?|revisions?|amendments?|text"
    r"|wording|language|solutions?|drafting)|suggest|proposal|\b(?:asks?|requests?)\b"
    r"|建议|修改意见|修改后",
    re.IGNORECASE,
)
_COMMENT_RE = re.compile(
    r"\b(?:comments?|concerns?|issues?|remarks?|observations?|rationale|justifications?|reasons?|reasoning"
    r"|feedback|(?:our\s+)?positions?|explanations?)\b|(?<!征求)(?<!修改)意见(?!稿)|评论|关切|问题|理由|说明",
    re.IGNORECASE,
)
_PROVISION_RE = re.compile(
    r"text\s+of\s+(?:the\s+)?draft|\bdraft\b|\bprovisions?\b"
    r"|\barticles?\b|original\s+text|\bclauses?\b|条款|条文|原文|草案|征求意见稿",
    re.IGNORECASE,
)
_TEXT_RE = re.compile(
    r"\btext\b|\bwording\b|\bcontents?\b|draft\s+(?:measure|law|rules?|regulations?|provisions?)|原文|条文|内容",
    re.IGNORECASE,
)
_LABEL_HEADER_RE = re.compile(
    r"(?:article|art|provision|clause|section|sect|sec|chapter|paragraph|para|reference|ref)s?\.?"
    r"(?:\s*(?:no\.?|number|#))?|条款|条目|条款号|条|章节",
    re.IGNORECASE,
)
_NUMBER_HEADER_RE = re.compile(r"no\.?|#|s/n|number|item|序号|编号", re.IGNORECASE)
_TITLE_PART = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TITLE_EDGES = " \t\n/|:：*()（）"


def _title_parts(header: str) -> list[str]:
    """A bilingual title in its languages: "条款 Article" -> ["条款", "Article"]; "Article" -> ["Article"]."""
    return [part for part in (p.strip(_TITLE_EDGES) for p in _TITLE_PART.findall(header)) if part]


def _names(title: re.Pattern[str], header: str) -> bool:
    """The header is such a title, alone or in each of two languages ("序号 No.", "条款/Article")."""
    parts = _title_parts(header)
    return bool(title.fullmatch(header.strip(" :：*"))) or (len(parts) > 1 and all(title.fullmatch(p) for p in parts))
_MAX_HEADER_CELL = 60
# The header is one of a table's first rows: below title rows, a blank row, a cover line. Beyond the first
# three it must have no row of comments above it, and be none itself.
_HEADER_ROWS = 6
_NEAR_TOP = 3
_MAX_HEADER_WORDS = 8

_Role = str  # "provision" | "text" | "comment" | "recommendation"


_ENUMERATED_HEADER = re.compile(r"^(?:[0-9]{1,2}|[A-Ha-h])[.)]\s+")
_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
_SENTENCE_INSIDE = re.compile(r"[:;：；。!?！？]\s*\S")


def _role(text: str) -> _Role | None:
    """The column a header cell names; None for anything longer or more sentence-like than a column title."""
    if len(text) > 4 * _MAX_HEADER_CELL:
        return None
    text = _BRACKETED.sub(" ", text).strip(" .:：*")  # "Text of Draft Measure (Note: … underlined)"
    if not text or len(text) > _MAX_HEADER_CELL or len(text.split()) > _MAX_HEADER_WORDS:
        return None
    if _SENTENCE_INSIDE.search(text):
        return None  # "General comments: we support the aim"
    text = _ENUMERATED_HEADER.sub("", text)  # "1. Draft Provision | 2. Comment"
    if _split_label(text) is not None:
        return None  # "Chapter I General Provisions": a section row, not a header
    recommendation, comment = _REC_RE.search(text), _COMMENT_RE.search(text)
    if recommendation and not comment:
        return "recommendation"
    if comment:
        return "comment"  # also a combined "Comments and recommendations" column
    if re.search(r"[0-9]", text):
        return None  # "Article 5" is a label in a body row, not a header
    if _PROVISION_RE.search(text):
        return "provision"
    if _TEXT_RE.search(text):
        return "text"
    return None


@dataclass(frozen=True, slots=True)
class _Cell:
    element: Element
    start: int  # grid column
    span: int
    merged: bool  # continues a merge: read as empty
    text: str = ""  # normalised, for header tests
    below: bool = False  # continues a vertical merge (vMerge)


@dataclass(frozen=True, slots=True)
class _Column:
    role: _Role
    start: int
    end: int
    header: str


@dataclass(frozen=True, slots=True)
class _Layout:
    text: _Column
    label: _Column | None
    comments: tuple[_Column, ...]
    recommendations: tuple[_Column, ...]
    weak_label: bool = False  # "No.", "Ref.", "序号": a label only when the cell looks like one
    others: tuple[_Column, ...] = ()  # titled columns that are not read: warned about when filled

    def shifted(self, by: int) -> _Layout:
        """The same columns `by` grid columns to the right (a continuation table with an extra column)."""
        def move(c: _Column) -> _Column:
            return _Column(c.role, c.start + by, c.end + by, c.header)

        return _Layout(
            move(self.text), move(self.label) if self.label else None, tuple(map(move, self.comments)),
            tuple(map(move, self.recommendations)), self.weak_label, tuple(map(move, self.others)),
        )

    def signature(self) -> tuple[tuple[str, int, int], ...]:
        columns = [self.text, *([self.label] if self.label else []), *self.comments, *self.recommendations]
        return tuple(sorted((c.role, c.start, c.end) for c in columns))

    @property
    def quotes_text(self) -> bool:
        """The text column quotes the draft ("Text of Draft Measure", "原文"), not just names articles."""
        return not _names(_LABEL_HEADER_RE, self.text.header)

    def other_at(self, cell: _Cell) -> _Column | None:
        return next((c for c in self.others if c.start <= cell.start < c.end), None)

    def column_of(self, cell: _Cell) -> _Column | None:
        for column in (self.text, self.label, *self.comments, *self.recommendations):
            if column is not None and column.start <= cell.start < column.end:
                return column
        return None

    @property
    def start(self) -> int:
        return min(c.start for c in (self.text, self.label, *self.comments, *self.recommendations) if c)

    @property
    def end(self) -> int:
        return max(c.end for c in (self.text, self.label, *self.comments, *self.recommendations) if c)


def _layout(cells: Sequence[_Cell]) -> _Layout | None:
    titled = [(c, _role(c.text)) for c in cells if not c.merged and c.text]
    columns = [_Column(role, c.start, c.start + c.span, c.text) for c, role in titled if role is not None]
    comments = tuple(c for c in columns if c.role == "comment")
    recommendations = tuple(c for c in columns if c.role == "recommendation")
    candidates = [c for c in columns if c.role in ("provision", "text")]
    if not (comments or recommendations) or not candidates:
        return None
    label: _Column | None = None
    if len(candidates) == 1:
        text = candidates[0]
    else:
        text = next((c for c in candidates if _TEXT_RE.search(c.header)), candidates[-1])
        label = next(
            (c for c in candidates if c.start < text.start and _names(_LABEL_HEADER_RE, c.header)),
            None,
        )
    others = [_Column("other", c.start, c.start + c.span, c.text) for c, role in titled if role is None]
    others += [c for c in candidates if c is not text and c is not label]
    weak = False
    if label is None:  # "No. | Text of Draft Measure | …", "条目 | 原文 | …"
        label = next(
            (c for c in others if c.start < text.start
             and (_names(_LABEL_HEADER_RE, c.header) or _names(_NUMBER_HEADER_RE, c.header))),
            None,
        )
        weak = label is not None
    return _Layout(
        text=text, label=label, comments=comments, recommendations=recommendations, weak_label=weak,
        others=tuple(sorted((c for c in others if c is not label), key=lambda c: c.start)),
    )


def _header_like(cells: Sequence[_Cell]) -> bool:
    """Every filled cell is a column title, and one names a provision, comment or recommendation column."""
    filled = [c.text for c in cells if c.text and not c.merged]
    if not filled:
        return False
    roles = [_role(text) for text in filled]
    if any(role is None and not _names(_NUMBER_HEADER_RE, text) for role, text in zip(roles, filled, strict=True)):
        return False
    return any(role is not None for role in roles)


def _refine(layout_cells: list[_Cell], lower: Sequence[_Cell]) -> list[_Cell]:
    """A second header row ("Comments" over "Concern | Recommendation") replaces the cells it splits."""
    titled = [c for c in lower if not c.merged and _role(c.text) is not None]
    kept = [c for c in layout_cells if not any(c.start <= t.start < c.start + c.span for t in titled)]
    return sorted([*kept, *titled], key=lambda c: c.start)


# --- the reader -------------------------------------------------------------------------------------


@dataclass
class _Row:
    where: str
    label: str | None
    heading: str | None
    text: str
    spans: list[tuple[int, int]]
    comment: str
    recommendation: str
    copied: frozenset[str] = frozenset()  # columns read from a cell merged down from the row above

    def freeze(self) -> TableRow:
        return TableRow(self.label, self.heading, self.text, tuple(self.spans), self.comment, self.recommendation)


@dataclass
class _Found:
    index: int  # among the body's tables
    element: Element
    layout: _Layout
    header_row: int  # 0-based; rows above it are title rows
    body_from: int  # first body row
    header_names: frozenset[str] = frozenset()  # the header's titles, to know its repeats further down


_NOTE_RE = re.compile(r"note|注", re.IGNORECASE)
_UNDERLINED_RE = re.compile(r"underlin|下划线", re.IGNORECASE)
_MAX_WARNINGS = 30
_MAX_LABEL_CELL = 30  # "Art. 5(2)", "第二十一条第一款", "3.2": the label or number cell of a header-less table
_MAX_LAYOUT_DEPTH = 3  # layout tables inside layout tables
_ROOT_CONTAINERS = (qn("w:body"), qn("w:tc"))


@dataclass
class _Reader:
    body: Element
    styles_root: Element | None
    numbering_root: Element | None
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.formats = _RunStyles(self.styles_root)
        self.highlight_spans = False  # read highlighted runs as the spans (a table with no underline at all)
        self.saw_highlight = False
        self.labels: dict[Element, str] = {}
        if self.numbering_root is not None:
            numbering = WordNumbering(self.numbering_root, WordStyles(self.styles_root))
            for paragraph in self._all_paragraphs(self.body):  # counters advance in document order
                label, bad_format = numbering.label_for(paragraph)
                if label or bad_format == "bullet":
                    self.labels[paragraph] = label or "•"

    def _all_paragraphs(self, parent: Element) -> Iterator[Element]:
        for block in docx_blocks(parent):
            if block.tag == _P:
                yield block
            else:
                for row in docx_children(block, _TR):
                    for cell in docx_children(row, _TC):
                        yield from self._all_paragraphs(cell)

    # --- paragraphs and cells

    def para(self, paragraph: Element) -> _Para:
        chars: list[str] = []
        flags: list[bool | None] = []
        bolds: list[bool | None] = []
        ppr = paragraph.find(qn("w:pPr"))
        paragraph_style = _val(ppr, qn("w:pStyle"))
        marked = _highlighted if self.highlight_spans else _underline

        def add(text: str, underlined: bool | None, is_bold: bool) -> None:
            chars.append(text)
            flags.extend([underlined] * len(text))
            bolds.extend(None if ch.isspace() else is_bold for ch in text)

        def run(r: Element) -> None:
            rpr = r.find(qn("w:rPr"))
            if self.formats.resolve(rpr, paragraph_style, _hidden):
                return  # hidden text (w:vanish): drafting notes, never shown or printed
            underlined = self.formats.resolve(rpr, paragraph_style, marked)
            self.saw_highlight = self.saw_highlight or self.formats.resolve(rpr, paragraph_style, _highlighted)
            is_bold = self.formats.resolve(rpr, paragraph_style, _bold)
            for child in r:
                tag = child.tag
                if tag == _T:
                    add(_clean_chunk(child.text or ""), underlined, is_bold)
                elif tag in (_TAB, _PTAB):
                    add(" ", underlined, is_bold)
                elif tag in (_BR, _CR):
                    add("\n", None, True)
                elif tag == _NO_BREAK_HYPHEN:
                    add("-", underlined, is_bold)
                elif tag == _SYM:
                    add(_symbol(child), underlined, is_bold)

        def walk(element: Element) -> None:
            for child in element:
                tag = child.tag
                if not isinstance(tag, str) or tag in _SKIP:
                    continue
                if tag == _R:
                    run(child)
                else:  # hyperlinks, insertions, fields, smart tags, inline content controls
                    walk(child)

        label = self.labels.get(paragraph)
        if label:
            add(label + " ", False, False)
        walk(paragraph)
        return _Para("".join(chars), tuple(flags), tuple(bolds))

    def cell_paras(self, cell: Element) -> list[_Para]:
        out: list[_Para] = []
        after_table = False
        for block in docx_blocks(cell):
            if block.tag == _P:
                para = self.para(block)
                if not (after_table and para.blank):  # Word's compulsory paragraph after a nested table
                    out.append(para)
                    after_table = False
            else:  # a table nested in the cell: its filled paragraphs, row by row
                for row in docx_children(block, _TR):
                    for inner in self.cells(row):
                        if not inner.merged:
                            out.extend(p for p in self.cell_paras(inner.element) if not p.blank)
                after_table = True
        return out

    def cells(self, row: Element, with_text: bool = False) -> list[_Cell]:
        column = _int(_val(row.find(qn("w:trPr")), qn("w:gridBefore")), 0)
        out: list[_Cell] = []
        for tc in docx_children(row, _TC):
            tcpr = tc.find(qn("w:tcPr"))
            span = min(max(_int(_val(tcpr, qn("w:gridSpan")), 1), 1), 64)
            vmerge = tcpr.find(qn("w:vMerge")) if tcpr is not None else None
            hmerge = tcpr.find(qn("w:hMerge")) if tcpr is not None else None
            merged = (vmerge is not None and vmerge.get(_VAL) != "restart") or (
                hmerge is not None and hmerge.get(_VAL) != "restart"
            )
            text = ""
            if with_text and not merged:
                text = re.sub(r"\s+", " ", " ".join(p.text for p in self.cell_paras(tc))).strip(" :：*")
            below = vmerge is not None and vmerge.get(_VAL) != "restart"
            out.append(_Cell(tc, column, span, merged, text, below))
            column += span
        return out

    # --- finding the table

    def _tables(self) -> list[Element]:
        """The body's tables in order; after a layout table (the memo in one cell, cells side by side, no
        header of its own), the tables nested in its cells."""
        out: list[Element] = []

        def add(parent: Element, depth: int) -> None:
            for block in docx_blocks(parent):
                if block.tag != _TBL:
                    continue
                out.append(block)
                if depth < _MAX_LAYOUT_DEPTH and self._find_header(block) is None:
                    for row in docx_children(block, _TR):
                        for cell in docx_children(row, _TC):
                            add(cell, depth + 1)

        add(self.body, 0)
        return out

    def _find_header(self, table: Element) -> tuple[_Layout, int, int, frozenset[str]] | None:
        """The layout, the header row's index, the first body row's index (after any sub-header rows) and the
        header's titles."""
        rows = list(docx_children(table, _TR))
        body_above = False  # a row of comments above: anything lower that names columns is a body row too
        for index, row in enumerate(rows[:_HEADER_ROWS]):
            cells = self.cells(row, with_text=True)
            first = _layout(cells)
            body_like = self._body_like(cells)
            if first is None or (index >= _NEAR_TOP and (body_above or body_like)):
                body_above = body_above or body_like
                continue
            effective = [c for c in cells if not c.merged]
            names = {_header_key(c.text) for c in cells if c.text}
            body_from = index + 1
            while body_from < len(rows) and body_from <= index + 2:
                lower = self.cells(rows[body_from], with_text=True)
                if not _header_like(lower) or _one_wide_text(lower) is not None:
                    break  # a body row, or a section row ("Supplementary Provisions") right under the header
                effective = _refine(effective, lower)
                names |= {_header_key(c.text) for c in lower if c.text}
                body_from += 1
            return _layout(effective) or first, index, body_from, frozenset(names)
        return None

    def _body_like(self, cells: Sequence[_Cell]) -> bool:
        """A row of the comments, not of titles: two different texts, one of them quoting a provision (a
        label, underlined words) or longer than any title."""
        filled = [c for c in cells if not c.merged and c.text]
        if len({c.text for c in filled}) < 2:
            return False
        for cell in filled:
            provision = _parse_provision(self.cell_paras(cell.element))
            if provision.label is not None or provision.spans or len(cell.text) > 2 * _MAX_HEADER_CELL:
                return True
        return False

    def read(self) -> CommentTable:
        tables = self._tables()
        found = self._choose_table(tables) or self._by_position(tables)
        if found is None:
            where = "the document has no table" if not tables else (
                "the document's only table has none" if len(tables) == 1
                else f"none of the document's {len(tables)} tables has one"
            )
            raise ImportRejected(f"{NO_TABLE} ({where}).")
        title, before, title_rows = self._before(found)
        parts = self._continuation_tables(found, tables)
        settled = len(self.warnings)
        rows = self._read_parts(parts, len(parts) > 1 or len(tables) > 1)
        if self.saw_highlight and not any(row.spans for row in rows):
            # No underline anywhere: teams that highlight the words that matter meant the same thing.
            self.highlight_spans = True
            del self.warnings[settled:]
            rows = self._read_parts(parts, len(parts) > 1 or len(tables) > 1)
            if any(row.spans for row in rows):
                self.warnings.insert(settled, "The table has no underlined text; its highlighted text was read "
                                              "as the relevant text.")
        if title is None and title_rows:
            title, before = title_rows[0], title_rows[1:]
        return CommentTable(
            title=title,
            paragraphs_before=tuple(before),
            rows=tuple(row.freeze() for row in rows),
            warnings=tuple(self.warnings),
        )

    def _read_parts(self, parts: list[_Found], many_tables: bool) -> list[_Row]:
        rows: list[_Row] = []
        joined: list[str] = []
        unfilled: list[str] = []
        unread: dict[str, None] = {}  # headers of filled columns that are not read, in order
        for part in parts:
            self._read_rows(part, rows, joined, unread, many_tables)
        for row in rows:
            if row.text and not row.comment and not row.recommendation:
                unfilled.append(row.where + (f" ({row.label})" if row.label else ""))
        for header in unread:
            self.warnings.append(f"The column “{header}” was not read: it is not a provision, comment or "
                                 "recommendation column.")
        if joined:
            self._warn_list(joined, "{} continues the row above and was joined to it.",
                            "{} continue the rows above them and were joined to them.")
        self.warnings.extend(_resolve_pointers(rows))
        if unfilled:
            self._warn_list(unfilled, "{} has no comment or recommendation.", "{} have no comment or recommendation.")
        if not rows:
            self.warnings.append("The comment table has a header but no filled rows.")
        return rows

    def _by_position(self, tables: list[Element]) -> _Found | None:
        """No table has a header: the one whose rows read like a comment table's - in most rows, a provision
        (a label or underlined words) in the first column, or after a label or number column in a table of
        four, and prose beside it - read by position: [label,] text, comment, recommendation. A layout
        table is not one."""
        best: tuple[int, _Found] | None = None
        for index, table in enumerate(tables):
            rows = [self.cells(row, with_text=True) for row in docx_children(table, _TR)]
            width = max((c.start + c.span for cells in rows for c in cells), default=0)
            if width not in (3, 4):
                continue
            leading = 0  # title rows above the first row of comments
            shapes: list[bool] = []  # per row of comments: it quotes a provision, with prose beside it
            for cells in rows:
                filled = [c for c in cells if not c.merged and c.text]
                if len({c.text for c in filled}) < 2:
                    leading += not shapes
                    continue
                shapes.append(self._positional_row(cells, width - 3))
            quoting = sum(shapes)
            if not shapes or quoting * 3 < len(shapes) * 2 or (best is not None and quoting <= best[0]):
                continue
            label = _Column("label", 0, 1, "No.") if width == 4 else None
            start = width - 3
            layout = _Layout(
                text=_Column("text", start, start + 1, "Text of Draft Measure"), label=label,
                comments=(_Column("comment", start + 1, start + 2, "Comment"),),
                recommendations=(_Column("recommendation", start + 2, start + 3, "Recommendation"),),
                weak_label=True,
            )
            best = (quoting, _Found(index, table, layout, leading, leading))
        if best is None:
            return None
        found = best[1]
        columns = ("label or number, " if found.layout.label else "") + "provision text, comment, recommendation"
        self.warnings.append(
            f"Table {found.index + 1} of the document has no header row: it was read as the comment table, its "
            f"columns taken by position ({columns})."
        )
        return found

    def _positional_row(self, cells: list[_Cell], text_at: int) -> bool:
        """A row of a header-less table quotes a provision: a label or underlined words in its text column (or
        a label in the label column before it, which holds nothing longer than a label or a number), and
        prose in a column after it."""
        by_start = {c.start: c for c in cells if not c.merged}
        if any(c.span > 1 for c in by_start.values()):
            return False
        provision = _parse_provision(self.cell_paras(by_start[text_at].element)) if text_at in by_start else None
        quotes = provision is not None and (provision.label is not None or bool(provision.spans))
        if text_at:
            first = by_start[0].text if 0 in by_start else ""
            label = _split_label(first)
            if first and not (len(first) <= _MAX_LABEL_CELL and (
                label is not None or _BARE_NUMBER.fullmatch(first.rstrip(".)")) is not None
            )):
                return False  # prose in the first column: not a label or number column
            quotes = quotes or label is not None
        return quotes and any(c.start > text_at and any(ch.isalpha() for ch in c.text) for c in by_start.values())

    def _choose_table(self, tables: list[Element]) -> _Found | None:
        """The comment table: of the tables with a header, the one quoting the draft's text (a summary table
        "Issue | Article | Recommendation" often comes first), else the longest; the earliest on a tie."""
        candidates = []
        for index, table in enumerate(tables):
            header = self._find_header(table)
            if header is not None:
                found = _Found(index, table, *header)
                rows = sum(1 for _ in docx_children(table, _TR)) - found.body_from
                candidates.append(((found.layout.quotes_text, rows), found))
        if not candidates:
            return None
        best = max(candidates, key=lambda item: item[0])[1]  # max() keeps the first of equals
        for _, other in candidates:
            if other.index < best.index:
                self.warnings.append(
                    f"Table {other.index + 1} of the document also looks like a comment table but was not read: "
                    f"table {best.index + 1} quotes more of the draft."
                )
        return best
    def _warn_list(self, items: list[str], one: str, many: str) -> None:
        if len(items) == 1:
            self.warnings.append(one.format(items[0]))
            return
        shown = items[:_MAX_WARNINGS]
        listed = ", ".join(shown[:-1]) + f" and {shown[-1]}" if len(items) <= _MAX_WARNINGS else (
            ", ".join(shown) + f" and {len(items) - len(shown)} more"
        )
        # "Row 3, Row 7 and Row 9" reads better as "Rows 3, 7 and 9" when every item is a bare row number.
        if all(re.fullmatch(r"Row \d+", item) for item in items):
            listed = "Rows " + listed.replace("Row ", "")
        self.warnings.append(many.format(listed))

    def _paragraphs_before(self, parent: Element, target: Element, around: set[Element]) -> Iterator[Element]:
        """The paragraphs before `target` in document order, at its level and in the cells of the layout
        tables `around` it (a memo in a one-cell table: its title is inside); not those of other tables."""
        for block in docx_blocks(parent):
            if block is target:
                return
            if block.tag == _P:
                yield block
            elif block in around:
                for row in docx_children(block, _TR):
                    for cell in docx_children(row, _TC):
                        yield from self._paragraphs_before(cell, target, around)
                        if any(t is target or t in around for t in cell.iterdescendants(_TBL)):
                            return  # the cell holding the table: what follows comes after it

    def _before(self, found: _Found) -> tuple[str | None, list[str], list[str]]:
        texts: list[str] = []
        around = set(found.element.iterancestors(_TBL))
        for paragraph in self._paragraphs_before(self.body, found.element, around):
            text = self.para(paragraph).text.strip()
            if text and not _is_underline_note(text):
                texts.append(text)
        title_rows: list[str] = []  # single-cell rows above the header: a title, a subtitle, a date
        for row in list(docx_children(found.element, _TR))[: found.header_row]:
            cells = self.cells(row, with_text=True)
            filled = [c.text for c in cells if c.text]
            if len(filled) == 1 and not _is_underline_note(filled[0]):
                title_rows.append(filled[0])
        return (texts[0] if texts else None), texts[1:], title_rows

    def _continuation_tables(self, found: _Found, tables: list[Element]) -> list[_Found]:
        """The comment table, and the tables after it that carry on with the same columns: with the same
        header, or with none (a table cut at a page, or under a chapter heading)."""
        parts = [found]
        container = next(a for a in found.element.iterancestors() if a.tag in _ROOT_CONTAINERS)
        blocks = list(docx_blocks(container))  # the body, or the cell of a layout table
        position = next(i for i, b in enumerate(blocks) if b is found.element)
        text_between: list[str] = []
        for block in blocks[position + 1 :]:
            if block.tag == _P:
                text = self.para(block).text.strip()
                if text:
                    text_between.append(text)
                continue
            number = tables.index(block) + 1
            header = self._find_header(block)
            shift = self._fit(block, found) if header is None else None
            headings_only = all(_split_label(t) is not None or _heading_like(t) for t in text_between)
            if header is not None and header[0].signature() == found.layout.signature():
                parts.append(_Found(number - 1, block, *header))
            elif header is None and shift is not None and headings_only:
                parts.append(_Found(number - 1, block, found.layout.shifted(shift), 0, 0, found.header_names))
            else:
                if header is not None:
                    self.warnings.append(
                        f"Table {number} of the document also looks like a comment table but has "
                        "other columns; only the first comment table was read."
                    )
                elif self._has_text(block):
                    why = "text stands between it and the comment table" if shift is not None else (
                        "its columns do not match the comment table's"
                    )
                    self.warnings.append(f"Table {number} of the document was not read because {why}.")
                break
            text_between = []
        if len(parts) > 1:
            numbers = [str(p.index + 1) for p in parts]
            self.warnings.append(
                f"Tables {', '.join(numbers[:-1])} and {numbers[-1]} of the document have the same columns and "
                "were read as one comment table."
            )
        return parts

    def _fit(self, table: Element, found: _Found) -> int | None:
        """How far a header-less table's columns sit from the comment table's: 0 for the same grid; one
        column more or less (an empty column pasted in, an unused grid column) when its filled cells still
        fall in the comment table's columns; None when they do not fit."""
        grid, first_grid = self._grid_columns(table), self._grid_columns(found.element)
        if grid == first_grid:
            return 0
        if abs(grid - first_grid) > 1:
            return None
        starts = {
            cell.start
            for row in docx_children(table, _TR)
            for cell in self.cells(row)
            if not cell.merged and any(not p.blank for p in self.cell_paras(cell.element))
        }
        layout = found.layout
        for by in (0, 1, -1):
            if layout.start + by >= 0 and layout.end + by <= grid and all(
                layout.start + by <= start < layout.end + by for start in starts
            ):
                return by
        return None

    def _has_text(self, table: Element) -> bool:
        return any(
            not p.blank for row in docx_children(table, _TR) for cell in self.cells(row)
            for p in self.cell_paras(cell.element)
        )

    def _grid_columns(self, table: Element) -> int:
        grid = table.find(qn("w:tblGrid"))
        return len(grid.findall(qn("w:gridCol"))) if grid is not None else 0

    def _read_rows(
        self, part: _Found, rows: list[_Row], joined: list[str], unread: dict[str, None], many_tables: bool
    ) -> None:
        layout = part.layout
        merged_from: dict[int, list[_Para]] = {}  # per grid column, the cell a vertical merge continues
        for number, row in enumerate(list(docx_children(part.element, _TR)), start=1):
            if number <= part.body_from:
                continue
            where = f"Row {number}" + (f" of table {part.index + 1}" if many_tables else "")
            cells = self.cells(row)
            by_role: dict[str, list[list[_Para]]] = {"text": [], "label": [], "comment": [], "recommendation": []}
            copied: set[str] = set()
            texts = {id(c): self.cell_paras(c.element) for c in cells if not c.merged}
            if self._header_repeat(row, cells, texts, part.header_names):
                continue
            for cell in cells:
                column = layout.column_of(cell)
                if cell.merged:
                    paras = merged_from.get(cell.start, []) if cell.below and column is not None and column.role in (
                        "comment", "recommendation") else []  # one comment beside several provisions
                    if paras:
                        copied.add(column.role)  # type: ignore[union-attr]  # checked above
                else:
                    paras = merged_from[cell.start] = texts[id(cell)]
                if column is None:
                    other = layout.other_at(cell)
                    if other is not None and not cell.merged and _plain(paras) and not (
                        _names(_NUMBER_HEADER_RE, other.header) or _BARE_NUMBER.fullmatch(
                            _plain(paras).rstrip(".)"))
                    ):  # a numbering column is not worth a warning
                        unread[other.header] = None
                    continue
                key = "label" if column is layout.label else "text" if column is layout.text else column.role
                by_role[key].append(paras)
            filled = [c for c in cells if not c.merged and _plain(texts[id(c)])]
            wide = _one_wide_text([_Cell(c.element, c.start, c.span, c.merged, "" if c.merged else
                                         _plain(texts[id(c)])) for c in cells])
            if wide is None and len(filled) == 1 and filled[0].span > 1:
                wide = filled[0]  # one cell across the table's columns, beside empty ones
            if wide is not None and wide.start <= layout.start and wide.start + wide.span >= layout.end:
                self._full_width(where, self.cell_paras(wide.element))
                continue
            label_paras, text_paras = _flat(by_role["label"]), _flat(by_role["text"])
            if layout.label is not None:
                provision = _with_label_column(label_paras, text_paras, layout.label.header, layout.weak_label)
            else:
                provision = _parse_provision(text_paras)
            comment = _columns_text(by_role["comment"])
            recommendation = _columns_text(by_role["recommendation"])
            if not provision.text and not comment and not recommendation:
                continue  # blank rows, chapter-title rows
            if _section_title(provision):
                if not comment and not recommendation:
                    continue  # a chapter title in the first cell only: "Chapter I General Provisions"
                if provision.heading is None and _DIVISION_LABEL.match(provision.label or ""):
                    # a comment on a whole chapter: "Chapter VII Supplementary Provisions | Same concern …"
                    provision = _Provision(provision.label, provision.text, "", ())
            if provision.label is None and not provision.text and copied >= {
                role for role, value in (("comment", comment), ("recommendation", recommendation)) if value
            }:
                continue  # nothing but the merged-down copies of the row above
            current = _Row(where, provision.label, provision.heading, provision.text, list(provision.spans),
                           comment, recommendation, frozenset(copied))
            previous = rows[-1] if rows else None
            all_filled = bool(provision.text and comment and (recommendation or not layout.recommendations))
            if previous is not None and _continues(previous, current, all_filled):
                _append(previous, current)
                joined.append(where)
            else:
                rows.append(current)

    def _header_repeat(
        self, row: Element, cells: list[_Cell], texts: dict[int, list[_Para]], header_names: frozenset[str]
    ) -> bool:
        """The header again (page repeats, tables converted from PDF): every filled cell is one of the header's
        titles, or the row is marked to repeat and reads as a header. A body row that merely mentions comments
        ("Same concern as Article 2") is not one."""
        titled = [
            _Cell(c.element, c.start, c.span, c.merged, re.sub(r"\s+", " ", " ".join(p.text for p in texts[id(c)]))
                  .strip(" :：*"))
            for c in cells
            if not c.merged
        ]
        filled = [c.text for c in titled if c.text]
        if filled and all(_header_key(text) in header_names for text in filled):
            return True
        repeat_mark = row.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}")
        return repeat_mark is not None and repeat_mark.get(_VAL) not in _FALSE and _header_like(titled)

    def _full_width(self, where: str, paras: list[_Para]) -> None:
        trimmed = _trim(paras)
        if not trimmed:
            return
        if len(trimmed) == 1:
            line = trimmed[0].text.strip()
            split = _split_label(line)
            rest = line[split.rest_start :].strip() if split else None
            if (split is not None and (not rest or _heading_like(rest))) or (
                len(line) <= _MAX_SECTION_TITLE and _heading_like(line)
            ):
                return  # a section heading row: "Chapter 3 Network Security Protection", "Supplementary Provisions"
        text = _plain(trimmed)
        quoted = text if len(text) <= 60 else text[:57].rstrip() + "…"
        self.warnings.append(f"{where} spans the whole table (“{quoted}”) and was left out.")


_MAX_SECTION_TITLE = 80
# Labels of a part of the draft above its articles: their words are a title, never provision text.
_DIVISION_LABEL = re.compile(
    r"(?:chapters?|chap\.|sections?|sect\.|sec\.|subsections?|parts?|titles?|annex(?:es)?|appendix|appendices"
    r"|schedules?)(?![A-Za-z])|第.*(?:章|节|编|部分)$|附[件录]",
    re.IGNORECASE,
)


def _section_title(provision: _Provision) -> bool:
    """A label and a short heading on one line, nothing underlined: a section title, not a provision."""
    text = provision.text
    return (provision.label is not None and not provision.spans and "\n" not in text
            and len(text) <= _MAX_SECTION_TITLE and _heading_like(text))


def _flat(columns: list[list[_Para]]) -> list[_Para]:
    return [para for paras in columns for para in paras]


def _columns_text(columns: list[list[_Para]]) -> str:
    """Two columns of the same kind ("Comment" and "Rationale"): both, in column order, a blank line apart."""
    return "\n\n".join(text for text in (_plain(paras) for paras in columns) if text)


def _header_key(text: str) -> str:
    """"COMMENTS" and "Comment", "Text of Draft Measure (relevant text underlined)": one title."""
    words = re.findall(r"\w+", _BRACKETED.sub(" ", text).lower())
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def _one_wide_text(cells: Sequence[_Cell]) -> _Cell | None:
    """The cell of a row whose only text runs across the whole row: one merged cell, or one text repeated
    in every cell (a merge undone by a converter). None for any other row."""
    if not cells:
        return None
    live = [c for c in cells if not c.merged]
    filled = [c for c in live if c.text]
    if not filled or len({c.text for c in filled}) != 1:
        return None
    row_start, row_end = cells[0].start, cells[-1].start + cells[-1].span
    if len(filled) == 1 and filled[0].start == row_start and filled[0].start + filled[0].span == row_end:
        return filled[0] if filled[0].span > 1 else None
    if len(filled) == len(cells) > 1:
        return _Cell(filled[0].element, row_start, row_end - row_start, False, filled[0].text)
    return None


def _is_underline_note(text: str) -> bool:
    """"(Note: relevant text is underlined)." and its variants."""
    return len(text) <= 120 and bool(_NOTE_RE.search(text)) and bool(_UNDERLINED_RE.search(text))


def _column_open(previous: str, current: str) -> bool:
    """A column allows a continuation: nothing more in it, or more after an unfinished text. (A row cut at a
    page break starts every cell on the first page, so text appearing in a column empty above is a new row.)"""
    return not current or (bool(previous) and not ends_sentence(previous))


_CARRY_ON_START = ",;:)]}”’」』）—–-"


def _carries_on(before: str, after: str) -> bool:
    """`after` picks up a sentence `before` left open: "… apply to the" + "networks constructed …"."""
    if not before or not after or ends_sentence(before):
        return False
    first, last = after.lstrip()[:1], before.rstrip()[-1:]
    return first.islower() or first in _CARRY_ON_START or (is_cjk(first) and is_cjk(last))


def _continues(previous: _Row, current: _Row, all_filled: bool = False) -> bool:
    """`all_filled`: the current row fills every column; it continues only if each of them carries on (short
    unlabelled rows "the operators shall | Burdensome | Delete" are rows of their own)."""
    if current.label is None and current.heading is None and not current.text:
        return bool(current.comment or current.recommendation)
    if current.label is not None or current.heading is not None or ends_sentence(previous.text):
        return False
    pairs = (
        (previous.text, current.text),
        (previous.comment, current.comment),
        (previous.recommendation, current.recommendation),
    )
    if not all(_column_open(before, after) for before, after in pairs[1:]):
        return False
    if all_filled:
        return all(_carries_on(before, after) for before, after in pairs if after)
    return any(_carries_on(before, after) for before, after in pairs)


def _append(previous: _Row, current: _Row) -> None:
    if current.text:
        offset = len(previous.text) + 1 if previous.text else 0
        shifted = [(s + offset, e + offset) for s, e in current.spans]
        if previous.spans and shifted and previous.spans[-1][1] == len(previous.text) and shifted[0][0] == offset:
            previous.spans[-1] = (previous.spans[-1][0], shifted[0][1])  # one underline across the row break
            shifted = shifted[1:]
        previous.text = f"{previous.text}\n{current.text}" if previous.text else current.text
        previous.spans.extend(shifted)
    if "comment" not in current.copied:
        previous.comment = "\n".join(filter(None, (previous.comment, current.comment)))
    if "recommendation" not in current.copied:
        previous.recommendation = "\n".join(filter(None, (previous.recommendation, current.recommendation)))


# --- "Same as above", "See comment on Article 5" ---------------------------------------------------------

# A cell that only points to the row above: its text of the same column is meant. ("See above", "See
# recommendations above" may mean anything above, the general comments included: they stay as written.)
_SAME_AS_ABOVE = re.compile(
    r"(?:the\s+)?same\s+as\s+(?:the\s+)?(?:above|previous(?:\s+(?:row|one|article|provision|comments?"
    r"|recommendations?))?)(?:\s+(?:comments?|recommendations?))?|as\s+above|ditto|idem"
    r"|同上(?:一?条)?|同前(?:一?条)?",
    re.IGNORECASE,
)
# A cell that only points to another row by its label: "See comment on Article 5", "Same as Art. 5",
# "参见第五条意见", "同第五条".
_SEE_ROW = re.compile(
    r"(?:please\s+)?(?:see|refer\s+to|same\s+as|as\s+(?:for|in))\s+(?:(?:our|the)\s+)?(?:(?:comments?|"
    r"recommendations?|concerns?|suggestions?|proposals?|remarks?|proposed\s+revisions?)\s+(?:on|for|to|under"
    r"|regarding|about|in|at)\s+(?:the\s+)?)?|请?(?:参见|参照|参考|详见|见|同)对?",
    re.IGNORECASE,
)
_SEE_TAIL = re.compile(
    r"(?:\s*(?:above|below))?|(?:的|中的|项下)?(?:相关)?(?:意见|建议|修改意见|修改建议|评论|理由|说明)?",
    re.IGNORECASE,
)
_MAX_POINTER = 80
_POINTER_END = " \t.。;；!！"
_KIND_OF_ZH = {"条": "article", "章": "chapter", "节": "section", "款": "paragraph", "项": "item", "目": "subitem",
               "编": "part", "部分": "part"}
_KIND_OF_EN = {"art": "article", "cha": "chapter", "sec": "section", "cla": "clause", "ann": "annex",
               "rec": "recital", "sch": "schedule", "app": "appendix", "sub": "subparagraph", "poi": "point"}


def _pointer(text: str) -> str | None:
    """"above" for "Same as above"/"Ditto"/"同上"; the label of "See comment on Article 5"/"参见第五条意见";
    None for any other text. A cell in two languages ("同上" over "Same as above") points when every line
    points the same way."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines or len(lines) > 2:
        return None
    targets = [_line_pointer(line) for line in lines]
    if None in targets or len({t if t == "above" else _reference_key(t) for t in targets}) != 1:  # type: ignore[arg-type]
        return None
    return targets[0]


def _line_pointer(text: str) -> str | None:
    core = text.strip().rstrip(_POINTER_END)
    if not core or len(core) > _MAX_POINTER:
        return None
    if _SAME_AS_ABOVE.fullmatch(core):
        return "above"
    see = _SEE_ROW.match(core)
    if see is None or not see.group():
        return None
    label = _LABEL_RE.match(core, see.end())
    if label is None or not _SEE_TAIL.fullmatch(core, label.end()):
        return None
    return re.sub(r"\s+", " ", label.group("label").strip())


def _reference_key(label: str) -> tuple[str, ...]:
    """"Article 5", "Art. 5", "Article V" and "第五条" are one label: the kind and number of each part."""
    compact = re.sub(r"\s", "", label)
    parts = re.findall(rf"第([0-9０-９]{{1,4}}|{_CN}{{1,8}})(条|章|节|款|项|目|编|部分)", compact)
    if parts and "".join(f"第{number}{kind}" for number, kind in parts) == compact:
        return tuple(f"{_KIND_OF_ZH[kind]} {parse_number(number)}" for number, kind in parts)
    match = re.fullmatch(r"([A-Za-z]+)\.?\s*(.+)", label.strip())
    if match is None:
        return (compact.lower(),)
    word, number = match.group(1).lower(), re.sub(r"\s", "", match.group(2))
    kind = "part" if word in ("part", "parts") else "paragraph" if word.startswith("para") else _KIND_OF_EN.get(
        word[:3], word)
    lead = re.match(r"[0-9０-９]+|[IVXLCDM]+(?![A-Za-z])", number)
    value = parse_number(lead.group()) if lead else None
    rest = number[lead.end() :] if lead and value is not None else number
    return (f"{kind} {value if value is not None else ''}{rest.lower()}",)


def _resolve_pointers(rows: list[_Row]) -> list[str]:
    """Comment or recommendation cells that only point elsewhere ("Same as above", "See comment on Article
    5") get the text they point to; a pointer that leads nowhere, or to more than one row, is kept. Each
    is named in a warning."""
    warnings: list[str] = []
    keys: dict[tuple[str, ...], list[_Row]] = {}
    for row in rows:
        if row.label is not None:
            keys.setdefault(_reference_key(row.label), []).append(row)
    for index, row in enumerate(rows):
        for column in ("comment", "recommendation"):
            text = getattr(row, column)
            target = _pointer(text)
            if target is None:
                continue
            shown = " / ".join(line.strip() for line in text.split("\n") if line.strip())  # "同上 / Same as above"
            said = f"{row.where}: the {column} “{shown}”"
            if target == "above":
                source = rows[index - 1] if index else None
                named, why = "", "there is no row above it"
            else:
                found = [r for r in keys.get(_reference_key(target), []) if r is not row]
                source = found[0] if len(found) == 1 else None
                named = f" ({target})"
                why = f"no row has the label {target}" if not found else f"{len(found)} rows have the label {target}"
            value = getattr(source, column) if source is not None else ""
            if source is not None and (not value or _pointer(value) is not None):
                source, why = None, f"{_row_name(source.where)}{named} has no {column} of its own"
            if source is None:
                warnings.append(f"{said} was kept as written: {why}.")
                continue
            setattr(row, column, value)
            warnings.append(f"{said} was replaced by the {column} of {_row_name(source.where)}{named}.")
    return warnings


def _row_name(where: str) -> str:
    """"Row 4 of table 2" inside a sentence."""
    return where[:1].lower() + where[1:]
