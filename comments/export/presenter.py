"""What a Word submission contains, independent of any ORM or web layer.

The renderer only sees these frozen dataclasses. Text is sanitised here (characters XML 1.0 cannot hold are
dropped) and span offsets, which point into the *unsanitised* provision text, stay correct because the text
is cut at span boundaries first and each segment is sanitised on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Everything XML 1.0 allows: \t \n \r, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF. The complement is
# the C0 controls (other than \t \n \r), lone surrogates and U+FFFE/U+FFFF.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Left out too: the bidi embedding, override and isolate controls. An unclosed override (U+202E) shows the rest
# of a paragraph backwards, so a filed document could read otherwise than the table did.
UNEXPORTABLE = re.compile(f"{XML_INVALID.pattern}|[\u202a-\u202e\u2066-\u2069]")
# Word's own line and page breaks pasted as text (vertical tab, form feed) become line breaks, one character
# for one so that span offsets still hold, instead of vanishing and running two words together.
_WORD_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


@dataclass(frozen=True, slots=True)
class Wording:
    """What the submission itself says, in the language it is filed in."""

    headers: tuple[str, str, str]
    note: str
    whole_draft: str  # column 1 of a row about the draft as a whole


# The Chinese header names a column the way the drafts themselves are called (征求意见稿), so that a past
# submission exported in Chinese reads back into Commentdesk.
WORDINGS = {
    "en": Wording(("Text of Draft Measure", "Comment", "Recommendation"), "(Note: relevant text is underlined).",
                  "General comments"),
    "zh": Wording(("征求意见稿条款", "意见", "建议"), "（注：相关文字已加下划线。）", "总体意见"),
}


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets into the provision text; end is exclusive."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ExportRow:
    provision_label: str | None
    provision_heading: str | None
    provision_text: str
    spans: tuple[Span, ...]
    comment: str
    recommendation: str
    kind: str = "comment"  # "comment" or "question"; the CSV shows it, the Word file does not
    tags: tuple[str, ...] = ()  # concern-tag names, in the team's order


@dataclass(frozen=True, slots=True)
class ExportDocument:
    title: str
    organisation: str | None
    date_text: str | None
    addressee: str | None
    opening_paragraphs: tuple[str, ...]
    rows: tuple[ExportRow, ...]
    landscape: bool = False
    paper_size: str = "A4"  # or "Letter"
    font_name: str = "Times New Roman"
    font_size_pt: float = 11
    language: str = "en"  # a key of WORDINGS

    @property
    def wording(self) -> Wording:
        return WORDINGS[self.language]


_CJK_DIVISION_ENDS = ("章", "节", "编", "部分")  # 第一章 总则: a division's title follows after a space


def heading_line(row: ExportRow) -> str:
    """Return e.g. 'Article 29 (Technical maintenance requirements)', '第二十九条【技术维护】', '第一章　总则';
    label or heading alone; '' if neither. Chinese labels take Chinese conventions (which the past-submission
    reader reads back)."""
    label = (row.provision_label or "").strip()
    heading = (row.provision_heading or "").strip()
    if label and heading:
        if "\u4e00" <= label[-1] <= "\u9fff":
            return f"{label}\u3000{heading}" if label.endswith(_CJK_DIVISION_ENDS) else f"{label}【{heading}】"
        return f"{label} ({heading})"
    return label or heading


def sanitize_xml_text(text: str) -> tuple[str, int]:
    """Drop characters XML 1.0 cannot hold and bidi controls (Word's pasted breaks become "\\n"); return the
    cleaned text and how many were dropped."""
    return UNEXPORTABLE.subn("", text.translate(_WORD_BREAKS))


def underline_segments(text: str, spans: tuple[Span, ...]) -> tuple[list[tuple[str, bool]], int]:
    """Cut `text` at span boundaries into (segment, underlined) pieces, each sanitised on its own.

    Spans are clamped to the text, empty or inverted spans are ignored and overlapping spans merge.
    Returns the pieces (empty ones left out) and the number of characters dropped by sanitising.
    """
    n = len(text)
    ranges = sorted((max(0, s.start), min(n, s.end)) for s in spans)
    merged: list[list[int]] = []
    for start, end in ranges:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces: list[tuple[str, bool]] = []
    dropped = 0
    pos = 0
    for start, end in [*merged, [n, n]]:
        for a, b, underlined in ((pos, start, False), (start, end, True)):
            if b > a:
                clean, k = sanitize_xml_text(text[a:b])
                dropped += k
                if clean:
                    pieces.append((clean, underlined))
        pos = end
    return pieces, dropped
