"""Lines -> paragraphs: drop page furniture, undo hard wrapping and hyphenation, tidy spaces.

Rules, in order:

1. Spaces. NBSP, thin, narrow and other Unicode spaces and tabs become " "; runs collapse to one; a run
   holding an ideographic space (U+3000) becomes one U+3000, which every later rule treats as a
   separator. Zero-width characters go; a soft hyphen survives only at a line end (as a hyphenation
   mark). Lines are stripped. Quotation marks and CJK text are never touched.
2. Pages come from `Line.page`, else from form feeds, else from page-number lines. A line that is only
   a page number ("3", "- 3 -", "Page 3 of 40", "第3页", "3/40") is dropped.
3. Running headers and footers: a short line among the first or last three lines of a page (one on
   pages of fewer than eight lines) that recurs, identical or differing only in its digits, on at least
   half of the pages (and at least two) is dropped wherever it sits at a page edge. Structural markers,
   lines starting lowercase and sentences of more than three words are never taken for one.
4. Joining (when `doc.wrapped` is True, or None and the lines look wrapped; never when False). A line
   never joins onto a heading line (chapter or section marker, marker alone, bracketed heading), and a
   line opening with a structural marker never joins onto the previous line, unless the marker reads
   as a cross-reference ("Article 21 of the ...", or an article, chapter or section number that is
   not the next one, after a line that stops mid-sentence). Otherwise the next line joins when it
   starts lowercase, when the line ends with a hyphen, comma or function word ("of", "the"), or when
   the line is long (>= 65% of the typical line width) and does not end a sentence. A line ending a
   sentence ends the paragraph, unless paragraphs visibly start indented and the next line is not.
   Blank lines separate paragraphs unless they mostly follow lines cut mid-sentence (some PDF
   extractors put one between every two lines).
5. Hyphens. "pro-" + "tection" -> "protection"; the hyphen is kept when the document itself writes
   the hyphenated word elsewhere ("cross-border"), when the unhyphenated word does not occur in it but
   the first part is a common prefix ("cross-", "self-", "non-", "multi-"...) or one letter ("e-"), and
   when the next line does not start with a lowercase letter ("Anti-" + "Monopoly", "2019-" + "2020").
6. Joining inserts one space, or nothing when either side is a CJK character.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import pairwise

from comments.importing.document import SourceDocument
from comments.importing.markers import (
    Marker,
    display_width,
    ends_sentence,
    ends_with_function_word,
    is_cjk,
    is_heading_like,
    parse_marker,
)

_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SOFT_HYPHEN = "\u00ad"
_SPACE_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u000b]")
_IDEOGRAPHIC_RUN_RE = re.compile(" ?\u3000[ \u3000]*")  # after ASCII runs are single spaces
_SPACE_RUN_RE = re.compile(" {2,}")
_INDENT_RE = re.compile("(?:\u3000|[ \t\u00a0]{2,})")

_D = "[0-9０-９]"
_PAGE_NUMBER_RE = re.compile(
    rf"""(?:[-–—−~_]\s*)?{_D}{{1,4}}(?:\s*[-–—−~_])?
    |(?:page|p\.|pg\.?)\s*{_D}{{1,4}}(?:\s*(?:of|/)\s*{_D}{{1,4}})?
    |{_D}{{1,4}}\s*(?:/|of)\s*{_D}{{1,4}}
    |第\s*(?:{_D}{{1,4}}|[一二三四五六七八九十百零〇]{{1,6}})\s*页(?:\s*[,，/]?\s*共\s*{_D}{{1,4}}\s*页)?
    |共\s*{_D}{{1,4}}\s*页\s*[,，/]?\s*第\s*{_D}{{1,4}}\s*页""",
    re.IGNORECASE | re.VERBOSE,
)
_DIGITS_RE = re.compile(r"\d+")
_WORD_RE = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_TRAILING_LETTERS_RE = re.compile(r"([A-Za-z]+)-$")
_LEADING_LETTERS_RE = re.compile(r"[A-Za-z]+")
_CONTINUATION_END = (",", "，", "、", "(", "（", "“", "‘", "《", "/", "&", "—", "–", "\u00ad", "-")

# First parts of compounds that keep their hyphen across a line break when the document cannot tell.
# Only prefixes that hardly ever start a longer word: "part-" (particular) or "end-" (endanger) do.
_HYPHEN_PREFIXES = frozenset({"cross", "self", "non", "multi", "well", "anti", "semi", "quasi", "third"})

_EDGE_LINES = 3  # lines looked at on each page edge for running headers and footers
_LONG_SHARE = 0.65  # a line this share of the typical width or more is "long" (it may wrap)
_FULL_SHARE = 0.9  # a line this share of the typical width or more fills the measure


@dataclass(slots=True)
class _Line:
    text: str
    page: int | None
    blank_before: bool = False
    indented: bool = False
    soft_hyphen: bool = False
    parsed: bool = False
    marker_cache: Marker | None = None


def _marker(line: _Line) -> Marker | None:
    """The line's structural marker, parsed once."""
    if not line.parsed:
        line.marker_cache = parse_marker(line.text)
        line.parsed = True
    return line.marker_cache


def clean(doc: SourceDocument) -> tuple[list[str], list[str]]:
    """The document's paragraphs, in order, and warnings for what a reader should check."""
    lines, pages_known = _normalised_lines(doc)
    warnings: list[str] = []
    lines = _drop_page_numbers(lines, pages_known)
    lines = _drop_running_lines(lines, warnings)
    if not lines:
        return [], warnings
    if doc.wrapped is False:
        return [line.text for line in lines], warnings
    width = _typical_width(lines)
    blanks_separate = _blanks_separate(lines, width)
    wrapped = doc.wrapped if doc.wrapped is not None else _looks_wrapped(lines, width, blanks_separate)
    if not wrapped:
        return [line.text for line in lines], warnings
    return _join(lines, width, blanks_separate), warnings


# --- 1. spaces ----------------------------------------------------------------------------------


def normalise_spaces(text: str) -> str:
    """Fold Unicode spaces as rule 1 says; strip the ends (a soft hyphen is kept only at the end)."""
    text = _ZERO_WIDTH_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    if _SOFT_HYPHEN in text:
        stripped = text.rstrip(" \u3000")
        keep_end = stripped.endswith(_SOFT_HYPHEN)
        text = stripped.replace(_SOFT_HYPHEN, "") + (_SOFT_HYPHEN if keep_end else "")
    text = _SPACE_RUN_RE.sub(" ", text)
    if "\u3000" in text:
        text = _IDEOGRAPHIC_RUN_RE.sub("\u3000", text)
    return text.strip(" \u3000")


def _normalised_lines(doc: SourceDocument) -> tuple[list[_Line], bool]:
    """Split Line texts on newlines and form feeds; pages from Line.page or form feeds."""
    has_form_feeds = any("\f" in line.text for line in doc.lines)
    pages_known = has_form_feeds or any(line.page is not None for line in doc.lines)
    out: list[_Line] = []
    feed_page = 1
    blank_pending = False
    for source in doc.lines:
        text = source.text.replace("\r\n", "\n").replace("\r", "\n")
        for f, chunk in enumerate(text.split("\f")):
            if f:
                feed_page += 1
                blank_pending = False  # a page break is not a paragraph break
            page = source.page if source.page is not None else (feed_page if has_form_feeds else None)
            for raw in chunk.split("\n"):
                norm = normalise_spaces(raw)
                if not norm:
                    blank_pending = True
                    continue
                indented = _INDENT_RE.match(raw) is not None
                soft = norm.endswith(_SOFT_HYPHEN)
                if soft:
                    norm = norm[:-1]
                if out and out[-1].page != page:
                    blank_pending = False
                out.append(_Line(norm, page, blank_pending, indented, soft))
                blank_pending = False
    return out, pages_known


# --- 2. page numbers ----------------------------------------------------------------------------


def is_page_number(text: str) -> bool:
    return _PAGE_NUMBER_RE.fullmatch(text.strip()) is not None


def _drop_page_numbers(lines: list[_Line], pages_known: bool) -> list[_Line]:
    kept: list[_Line] = []
    inferred_page = 1
    numbered = sum(1 for line in lines if is_page_number(line.text))
    infer = not pages_known and numbered >= 2
    for line in lines:
        if is_page_number(line.text):
            inferred_page += 1
            continue
        if infer:
            line.page = inferred_page
        kept.append(line)
    return kept


# --- 3. running headers and footers -------------------------------------------------------------


def _running_key(line: _Line) -> str | None:
    """What a running header or footer is compared by, or None when the line cannot be one: long
    lines, structural markers ("Article 5" at the top of two pages is content), continuations and
    sentences."""
    text = line.text
    if display_width(text) > 100 or _marker(line) is not None or text[0].islower():
        return None
    if ends_sentence(text) and len(text.split()) > 3:
        return None
    return _DIGITS_RE.sub("#", text.casefold()).replace(" ", "")


def _drop_running_lines(lines: list[_Line], warnings: list[str]) -> list[_Line]:
    by_page: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.page is not None:
            by_page.setdefault(line.page, []).append(i)
    if len(by_page) < 2:
        return lines
    edge_positions: dict[str, list[int]] = {}
    pages_with: dict[str, set[int]] = {}
    for page, indexes in by_page.items():
        size = min(_EDGE_LINES, max(1, len(indexes) // 4))  # short pages: only their first and last line
        edge = set(indexes[:size]) | set(indexes[-size:])
        for i in sorted(edge):
            key = _running_key(lines[i])
            if key is None:
                continue
            edge_positions.setdefault(key, []).append(i)
            pages_with.setdefault(key, set()).add(page)
    threshold = max(2, math.ceil(0.5 * len(by_page)))
    drop: set[int] = set()
    for key, pages in pages_with.items():
        if len(pages) >= threshold:
            positions = edge_positions[key]
            drop.update(positions)
            sample = lines[positions[0]].text
            warnings.append(
                f'Removed the running header or footer "{sample}" (on {len(pages)} of {len(by_page)} pages).'
            )
    if not drop:
        return lines
    kept: list[_Line] = []
    for i, line in enumerate(lines):
        if i in drop:
            continue
        if kept and i - 1 in drop and kept[-1].page == line.page:
            line.blank_before = False
        kept.append(line)
    return kept


# --- 4. wrapping --------------------------------------------------------------------------------


def _typical_width(lines: list[_Line]) -> int:
    widths = sorted(display_width(line.text) for line in lines)
    return max(1, widths[min(len(widths) - 1, int(len(widths) * 0.9))])


def _is_long(text: str, width: int) -> bool:
    return display_width(text) >= _LONG_SHARE * width


def _ends_paragraph(line: _Line, width: int) -> bool:
    text = line.text
    return ends_sentence(text) or not _is_long(text, width) or _is_heading_line(_marker(line), text)


def _blanks_separate(lines: list[_Line], width: int) -> bool:
    """Blank lines mark paragraphs, unless they mostly follow lines that stop mid-sentence."""
    after = [lines[i - 1] for i in range(1, len(lines)) if lines[i].blank_before]
    if not after:
        return False
    ends = sum(1 for line in after if _ends_paragraph(line, width))
    return ends >= 0.8 * len(after)


def _looks_wrapped(lines: list[_Line], width: int, blanks_separate: bool) -> bool:
    if width > 220:
        return False  # no page or screen wraps this wide: these lines are paragraphs
    transitions = 0
    wraps = 0
    for a, b in pairwise(lines):
        if blanks_separate and b.blank_before:
            continue
        transitions += 1
        if ends_sentence(a.text) or _is_heading_line(_marker(a), a.text):
            continue
        if _is_long(a.text, width) or (b.text[0].islower() and b.text[0].isascii()):
            wraps += 1
    return transitions > 0 and wraps >= max(2, 0.15 * transitions)


def _is_heading_line(marker: Marker | None, text: str) -> bool:
    """A line that nothing joins onto: a chapter or section line, a marker alone, a bracketed heading."""
    if marker is None:
        return False
    if marker.kind in ("chapter", "section"):
        return not marker.rest or is_heading_like(marker.rest)
    if marker.kind == "heading":
        return True
    return not marker.rest


def _indent_meaningful(lines: list[_Line], width: int) -> bool:
    """Do paragraphs start indented? Judged after lines that clearly end a paragraph."""
    followers = [
        b.indented for a, b in pairwise(lines)
        if ends_sentence(a.text) and not _is_long(a.text, width)
    ]
    return len(followers) >= 3 and sum(followers) >= 0.7 * len(followers)


class _WordBook:
    """The document's own words, to tell hyphenation ("pro-tection") from compounds ("cross-border")."""

    def __init__(self, lines: list[_Line]) -> None:
        self.words: set[str] = set()
        self.compounds: set[str] = set()
        for line in lines:
            for word in _WORD_RE.findall(line.text):
                lower = word.lower()
                if "-" in lower:
                    self.compounds.add(lower)
                    self.words.update(lower.split("-"))
                else:
                    self.words.add(lower)

    def keep_hyphen(self, first: str, second: str) -> bool:
        first, second = first.lower(), second.lower()
        if f"{first}-{second}" in self.compounds:
            return True
        if first + second in self.words:
            return False
        return first in _HYPHEN_PREFIXES or len(first) == 1


def _join(lines: list[_Line], width: int, blanks_separate: bool) -> list[str]:
    indent_meaningful = _indent_meaningful(lines, width)
    book: _WordBook | None = None
    paragraphs: list[str] = []
    pieces: list[str] = []
    first_marker = _marker(lines[0])
    prev = lines[0]
    prev_is_first = True  # is `prev` the first line of the paragraph being built?
    last: dict[str, int | None] = {"chapter": None, "section": None, "article": None}
    if first_marker is not None and first_marker.kind in last:
        last[first_marker.kind] = first_marker.value
    pieces.append(prev.text)
    for line in lines[1:]:
        marker = _marker(line)
        prev_marker = _marker(prev) if prev_is_first else None
        join = _should_join(
            prev, line, marker, prev_marker, width=width, blanks_separate=blanks_separate,
            indent_meaningful=indent_meaningful, last=last,
        )
        if join:
            text = line.text
            tail = pieces[-1]
            if prev.soft_hyphen or (tail.endswith("-") and _TRAILING_LETTERS_RE.search(tail)):
                lead = _LEADING_LETTERS_RE.match(text)
                if prev.soft_hyphen:
                    keep = False
                elif lead and text[0].islower():
                    book = book or _WordBook(lines)
                    found = _TRAILING_LETTERS_RE.search(tail)
                    keep = book.keep_hyphen(found.group(1) if found else "", lead.group(0))
                else:
                    keep = True
                if not keep:
                    pieces[-1] = tail[:-1] if tail.endswith("-") else tail
                pieces.append(text)  # no space either way: "pro" + "tection", "cross-" + "border"
            elif (
                tail.endswith(("—", "/")) or (tail.endswith("-") and not tail.endswith(" -"))
                or is_cjk(tail[-1]) or is_cjk(text[0])
            ):
                pieces.append(text)  # a dash or slash, or CJK text: no space
            else:
                pieces.append(" " + text)
            prev_is_first = False
        else:
            paragraphs.append("".join(pieces))
            pieces = [line.text]
            prev_is_first = True
            if marker is not None and marker.kind in last:
                last[marker.kind] = marker.value
                if marker.kind == "chapter":
                    last["section"] = None
        prev = line
    paragraphs.append("".join(pieces))
    return paragraphs


def _should_join(
    a: _Line,
    b: _Line,
    b_marker: Marker | None,
    a_marker: Marker | None,
    *,
    width: int,
    blanks_separate: bool,
    indent_meaningful: bool,
    last: dict[str, int | None],
) -> bool:
    if blanks_separate and b.blank_before:
        return False
    if a_marker is not None and _is_heading_line(a_marker, a.text):
        return False
    if b_marker is not None:
        if b_marker.kind not in last or b_marker.explicit:
            return False
        # "... as provided in" + "Article 21. The ...": an unexpected number after a line cut
        # mid-sentence is a cross-reference.
        previous = last[b_marker.kind]
        expected = previous is None or b_marker.value == previous + 1
        if expected or ends_sentence(a.text):
            return False
    first = b.text[0]
    if first.isascii() and first.islower():
        return True
    if a.soft_hyphen or a.text.endswith(_CONTINUATION_END) or ends_with_function_word(a.text):
        return True
    if ends_sentence(a.text):
        if indent_meaningful:
            return not b.indented and _is_long(a.text, width) and b_marker is None
        # No indents to tell: a sentence that ends right at the margin is far more often a coincidence
        # inside a paragraph (about 1 line in 20) than the full last line of one.
        return b_marker is None and display_width(a.text) >= _FULL_SHARE * width
    if indent_meaningful and b.indented:
        return False
    return _is_long(a.text, width)
