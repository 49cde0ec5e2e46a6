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
   lines starting lowercase and the rule above footnotes are never taken for one; a sentence of more
   than three words ("For reference only. The Chinese text prevails.") only when it recurs word for
   word as one of the two outermost lines of the pages. In wrapped text, a short line at a page's top
   or foot that cuts a sentence running on across the page break (mid-sentence before it, lowercase
   after it) goes too, even when it appears on one page only.
   Footnotes: a rule ("_____", "-----") followed, to the end of its page, by lines opening with a
   note mark ("1 ", "¹", "[1]", "*"), is a footnote area; it leaves the text and a warning names the
   notes.
4. Joining (when `doc.wrapped` is True, or None and the lines look wrapped; when False, only if many
   paragraphs stop mid-sentence at about the same length: a .docx converted from a PDF). A line
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
   the hyphenated word elsewhere ("cross-border"), and dropped when it writes the joined word. Else it
   is kept when the first part is a common prefix ("cross-", "self-", "non-", "multi-"...) or one
   letter ("e-"), when the first part is a word of four letters or more (from the document or a short
   list) and the second one too or a longer piece that is no common ending ("provincial-" + "level",
   "risk-" + "based", "user-" + "friendly"; not "accor-" + "dance", "per-" + "sonal", "manage-" +
   "ment"), before "and"/"or" ("small- and medium-sized"), inside a longer compound ("up-" +
   "to-date") and when the next line does not start with a lowercase letter ("Anti-" + "Monopoly",
   "2019-" + "2020").
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
# Words that often make up compounds in translated regulations ("provincial-level", "risk-based",
# "state-owned"), for when the document does not use them on their own. Never syllables of a longer
# word, so "accor-" + "dance" or "per-" + "sonal" still rejoin.
_COMPOUND_WORDS = frozenset({
    "based", "border", "central", "city", "controlled", "county", "data", "driven", "free", "full",
    "funded", "generated", "high", "intensive", "invested", "large", "level", "local", "long", "making",
    "medium", "name", "national", "oriented", "owned", "party", "provincial", "quality", "real", "related",
    "risk", "scale", "sensitive", "sharing", "short", "sized", "small", "specific", "state", "term", "time",
    "wide",
})
_COMPOUND_MIN = 4  # letters each part of a compound guessed from its words has at least ("risk-based")
# Endings a hyphenated word's second piece often starts with ("manage-ment", "inform-ation").
_ENDING_RE = re.compile(
    r"(?:tion|sion|ion|ment|ness|ship|ance|ence|ancy|ency|ing|ity|ities|ation|ative|able|ible|ably|ally|ical"
    r"|ous|ive|ure|ary|ory|ise|ize|ism|ist|ers|ors|ered|less|ful)"
)
# A hyphen before "and"/"or" is suspended ("small- and medium-sized"): it stays, and so does the space.
_SUSPENDED_BEFORE = frozenset({"and", "or"})

# A line drawn with characters: the rule above footnotes, or a separator.
_RULE_RE = re.compile(r"(?:[_\-‐‑−–—―─━=]\s?){3,}")
# What opens a footnote: "1 ", "¹", "①", "[1]", "*", "注1：". Bare digits need a space or a capital
# after them ("1 Translator's note"), so "1.5 million" is not one; "(1)" is an item, never a note.
_FOOTNOTE_START_RE = re.compile(
    r"(?:[0-9]{1,3}(?:\s+|(?=[A-Z\u4e00-\u9fff]))|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]{1,3}\s*"
    r"|[\u2460-\u2473]\s*|[\[［][0-9]{1,3}[\]］]\s*|[*†‡]{1,3}\s*|注\s?[0-9]{1,3}[:：.]?\s*)(?=[^\s\d])"
)
_FOOTNOTE_LINES = 8  # a footnote area holds at most this many lines, or half the page

# The draft mark that ends a title line: "(Draft for Comment)", "(Draft)", "（征求意见稿）", "（草案）".
_DRAFT_TITLE_END_RE = re.compile(
    r"[(（](?:(?:Exposure\s+|Public\s+)?Draft(?:\s+for\s+(?:Public\s+)?Comments?)?|征求意见稿|草案|送审稿|修订草案"
    r"(?:征求意见稿)?)[)）]\s*$",
    re.IGNORECASE,
)

_EDGE_LINES = 3  # lines looked at on each page edge for running headers and footers
_OUTER_LINES = 2  # ... of which these may be a sentence (a disclaimer under a title line, say)
_LONG_SHARE = 0.65  # a line this share of the typical width or more is "long" (it may wrap)
_FULL_SHARE = 0.9  # a line this share of the typical width or more fills the measure
_CUT_SHARE = 0.8  # a paragraph this share of the typical width or more, cut mid-sentence, is a printed line


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
    lines = _drop_footnotes(lines, warnings)
    if not lines:
        return [], warnings
    width = _typical_width(lines)
    if doc.wrapped is False:
        if not _line_per_paragraph(lines, width):
            return [line.text for line in lines], warnings
        warnings.append(
            "The document holds one paragraph per printed line (converted from a PDF?); "
            "the lines were joined back into paragraphs."
        )
        return _join(lines, width, blanks_separate=False), warnings
    blanks_separate = _blanks_separate(lines, width)
    wrapped = doc.wrapped if doc.wrapped is not None else _looks_wrapped(lines, width, blanks_separate)
    if not wrapped:
        return [line.text for line in lines], warnings
    lines = _drop_interrupting_lines(lines, width, warnings)
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


def _running_key(line: _Line, outermost: bool) -> str | None:
    """What a running header or footer is compared by, or None when the line cannot be one: long
    lines, structural markers ("Article 5" at the top of two pages is content) and continuations. A
    sentence ("For reference only. The Chinese text prevails.") counts only word for word and only as
    one of the outermost lines of a page: a sentence recurring inside the text is content."""
    text = line.text
    if display_width(text) > 100 or _marker(line) is not None or text[0].islower():
        return None
    if ends_sentence(text) and len(text.split()) > 3:
        return "=" + text.casefold() if outermost else None
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
        outer = min(_OUTER_LINES, size)
        outermost = set(indexes[:outer]) | set(indexes[-outer:])
        for i in sorted(edge):
            if _opens_footnotes(lines, i):
                continue  # the rule above footnotes goes with them
            key = _running_key(lines[i], i in outermost)
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


def _drop_interrupting_lines(lines: list[_Line], width: int, warnings: list[str]) -> list[_Line]:
    """A short line at the top or foot of a page that cuts a sentence running on from one page to the
    next is a header or footer even when it appears once (a two-page draft whose header is on page 2
    only): the text before it stops mid-sentence at the margin and the text after it goes on in
    lowercase, and a line inside a wrapped paragraph is never short."""
    drop: set[int] = set()
    for b in range(1, len(lines)):
        if lines[b].page is None or lines[b - 1].page is None or lines[b].page == lines[b - 1].page:
            continue
        for cut in ((b,), (b - 1,), (b - 1, b)):  # the new page's first line, the old one's last, both
            before, after = cut[0] - 1, cut[-1] + 1
            if before < 0 or after >= len(lines) or before in drop:
                continue
            if all(_furniture_like(lines[i], width) for i in cut) and _runs_on(lines[before], lines[after], width):
                drop.update(cut)
                for i in cut:
                    warnings.append(
                        f'Removed the running header or footer "{lines[i].text}" (on page {lines[i].page}, '
                        "where it cut a sentence in two)."
                    )
                break
    return [line for i, line in enumerate(lines) if i not in drop]


def _furniture_like(line: _Line, width: int) -> bool:
    text = line.text
    return (
        not _is_long(text, width) and _marker(line) is None and not text[0].islower()
        and not text.endswith(_CONTINUATION_END) and not ends_with_function_word(text)
    )


def _runs_on(a: _Line, b: _Line, width: int) -> bool:
    """Does the sentence `a` stops in go on in `b`?"""
    return (
        _is_long(a.text, width) and not ends_sentence(a.text) and not _is_heading_line(_marker(a), a.text)
        and b.text[0].isascii() and b.text[0].islower()
    )


def is_rule(text: str) -> bool:
    return _RULE_RE.fullmatch(text) is not None


def _opens_footnotes(lines: list[_Line], i: int) -> bool:
    """Is lines[i] a rule with a note under it on the same page?"""
    return (
        is_rule(lines[i].text) and i + 1 < len(lines) and lines[i + 1].page == lines[i].page
        and _FOOTNOTE_START_RE.match(lines[i + 1].text) is not None
    )


def _drop_footnotes(lines: list[_Line], warnings: list[str]) -> list[_Line]:
    """A rule ("______", "-----") followed, down to the page's end, by notes that each open with a mark
    ("1 ", "¹", "[2]", "*"), maybe wrapped, is the page's footnote area. The notes leave the text so the
    sentence cut by the page break joins up again; the warning keeps their words."""
    by_page: dict[int, list[int]] = {}
    for i, line in enumerate(lines):
        if line.page is not None:  # without pages, a rule and numbered lines may well be the text
            by_page.setdefault(line.page, []).append(i)
    drop: set[int] = set()
    notes: list[tuple[int, str]] = []
    for page, indexes in by_page.items():
        rules = [k for k, i in enumerate(indexes) if is_rule(lines[i].text)]
        if not rules or rules[-1] == 0:
            continue
        area = indexes[rules[-1] + 1:]
        if not area or len(area) > max(_FOOTNOTE_LINES, len(indexes) // 2):
            continue
        if not _FOOTNOTE_START_RE.match(lines[area[0]].text):
            continue
        page_notes: list[str] = []
        for i in area:
            text = lines[i].text
            if _FOOTNOTE_START_RE.match(text):
                page_notes.append(text)
            else:  # the note goes on from the line before
                page_notes[-1] += text if is_cjk(text[0]) or is_cjk(page_notes[-1][-1]) else " " + text
        drop.update(indexes[rules[-1]:])
        notes.extend((page, note) for note in page_notes)
    if not notes:
        return lines
    named = "; ".join(f'"{note}" (page {page})' for page, note in notes)
    count = f"{len(notes)} footnote" + ("s" if len(notes) > 1 else "")
    warnings.append(f"Removed {count} from the text: {named}.")
    return [line for i, line in enumerate(lines) if i not in drop]


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


def _line_per_paragraph(lines: list[_Line], width: int) -> bool:
    """A .docx converted from a PDF keeps one paragraph per printed line: many of its paragraphs stop
    mid-sentence at about the same length (the old page's measure). Real paragraphs stop mid-sentence
    only as short titles and headings."""
    if width > 220 or len(lines) < 4:
        return False
    cut = [
        line for line in lines[:-1]
        if display_width(line.text) >= _CUT_SHARE * width and not ends_sentence(line.text)
        and not _is_heading_line(_marker(line), line.text) and " | " not in line.text  # not a table row
    ]
    return len(cut) >= max(3, 0.2 * len(lines))


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
    """The document's own words, to tell hyphenation ("pro-tection") from compounds ("cross-border").
    The pieces of words cut at line ends are left out: "accor-" must not vouch for "accor"."""

    def __init__(self, lines: list[_Line]) -> None:
        self.words: set[str] = set()
        self.compounds: set[str] = set()
        cut_before = False  # did the previous line end in a cut word?
        for line in lines:
            text = line.text
            lead = _LEADING_LETTERS_RE.match(text)
            if cut_before and lead:
                text = text[lead.end():]
            cut_before = line.soft_hyphen or _TRAILING_LETTERS_RE.search(text) is not None
            if cut_before:
                text = _TRAILING_LETTERS_RE.sub("", text)
            for word in _WORD_RE.findall(text):
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
        if first in _HYPHEN_PREFIXES or len(first) == 1 or second in _SUSPENDED_BEFORE:
            return True
        # Neither spelling elsewhere: a whole word and a word make a compound ("provincial-level",
        # "user-friendly"); a piece that is no word ("accor-dance", "per-sonal") or a word and an ending
        # ("manage-ment", "process-ing") make one word cut in two.
        return self._whole_word(first) and (
            self._whole_word(second) or (len(second) > _COMPOUND_MIN and not _ENDING_RE.match(second))
        )

    def _whole_word(self, part: str) -> bool:
        known = part in self.words or part + "s" in self.words or part in _COMPOUND_WORDS
        return len(part) >= _COMPOUND_MIN and known


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
                elif lead and text[lead.end():lead.end() + 1] == "-":
                    keep = True  # a compound of three: "up-" + "to-date"
                elif lead and text[0].islower():
                    book = book or _WordBook(lines)
                    found = _TRAILING_LETTERS_RE.search(tail)
                    keep = book.keep_hyphen(found.group(1) if found else "", lead.group(0))
                else:
                    keep = True
                if not keep:
                    pieces[-1] = tail[:-1] if tail.endswith("-") else tail
                suspended = (
                    keep and lead is not None and lead.group(0).lower() in _SUSPENDED_BEFORE
                    and text[lead.end():lead.end() + 1] == " "
                )
                # no space either way: "pro" + "tection", "cross-" + "border"; but "small- and medium-sized"
                pieces.append(" " + text if suspended else text)
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
    if _DRAFT_TITLE_END_RE.search(a.text) and not first.islower():
        return False  # "… Measures (Draft for Comment)" ends the title, whatever width it reaches
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
