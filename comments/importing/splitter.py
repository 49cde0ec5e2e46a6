"""Paragraphs -> provisions: preamble, chapters, sections, articles, paragraphs, items, trailing matter.

Only a marker at the start of a paragraph opens a provision (see `markers.parse_marker`, which already
turns down "Article 21 of the Cybersecurity Law" and "第二十一条的规定"). On top of that, an article,
chapter or section whose number is not the next one, right after a paragraph that stops mid-sentence,
is read as a cross-reference and joined to that paragraph (with a warning), unless a bracketed heading,
colon or ideographic space shows it is a real marker. Every other gap, repeat or step back in the
numbering is kept and reported by `check_numbering`.

Text before the first chapter, section or article is the preamble (a table of contents, chapters listed
before the first article whose numbers then start again, stays in it). Matter after the last article that
is clearly not part of it (annex or attachment headings, drafting explanations, contact blocks with
e-mail or telephone, a translator's note, an issuing body followed by a date, a date alone) is one
trailing provision; an annex heading followed by articles numbered from the start again opens the
trailing matter too. A draft with no "Article" markers uses its top-level "1." / "一、" / "1、"
numbering as articles.
"""

from __future__ import annotations

import re

from comments.importing.cleaning import clean
from comments.importing.document import SourceDocument, SplitProvision, SplitResult, SplitWarning
from comments.importing.markers import (
    ARTICLE_LIKE_STYLES,
    Marker,
    ends_sentence,
    int_to_chinese,
    is_cjk,
    is_heading_like,
    looks_like_reference,
    parse_item_label,
    parse_marker,
)
from comments.importing.metadata import detect_deadline, detect_language, detect_title, is_date_only

_STRUCTURE = ("chapter", "section", "article")

_ANNEX_RE = re.compile(
    r"(?:Annex(?:es)?|Attachments?|Appendi(?:x|ces)|Schedules?|Exhibits?|Enclosures?|ANNEX|ATTACHMENT|APPENDIX)"
    r"(?=$|[\s:：.\-–—0-9IVX(（])"
    r"|附\s*(?:件|录|表)"
)
_EXPLANATION_RE = re.compile(
    r"(?:Explanation|Explanatory|Drafting|Notes?\s+on|Statement\s+on|Description\s+of|About\s+the\s+draft)\b"
    r"|(?:起草|编制|修订)?说明$|关于.{1,60}的(?:起草|编制|修订)?说明"
)
_NOTE_RE = re.compile(
    r"(?:Translator'?s?\s+notes?|Translation\s+by|Translated\s+by|This\s+translation|Editor'?s\s+note"
    r"|About\s+(?:the|this)\s+(?:translation|project)|Source\s*:|译者|编者按)",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(
    r"(?:E-?mail|Email|Tel|Telephone|Phone|Fax|Contact(?:\s+person)?|Address|Postcode|Postal\s+code"
    r"|联系人|联系电话|电话|传真|电子邮箱|电子邮件|邮箱|地址|通信地址|通讯地址|邮编)\s*[:：]",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# --- entry points -------------------------------------------------------------------------------


def split_document(doc: SourceDocument) -> SplitResult:
    """Clean the document's lines into paragraphs, split them, carry every warning along."""
    paragraphs, cleaning_warnings = clean(doc)
    result = split_paragraphs(paragraphs)
    carried = [SplitWarning(message) for message in (*doc.warnings, *cleaning_warnings)]
    result.warnings = carried + result.warnings
    return result


def split_paragraphs(paragraphs: list[str]) -> SplitResult:
    """Provisions, numbering warnings, title, deadline and language for cleaned paragraphs."""
    paras = [p.strip() for p in paragraphs if p and p.strip()]
    language = detect_language("\n".join(paras))
    if not paras:
        return SplitResult(provisions=[], warnings=[SplitWarning("The draft has no text.")])
    markers = promote_numbering([parse_marker(p) for p in paras])
    body_start = _body_start(markers)
    if body_start is None:
        provisions = [SplitProvision("paragraph", p) for p in paras]
        renumber_paragraphs(provisions, language)
        return SplitResult(
            provisions=provisions,
            warnings=[SplitWarning(
                "No chapters, articles or numbered sections were found: each paragraph is a provision."
            )],
            title=detect_title(paras),
            deadline=detect_deadline("\n".join(paras)),
            language=language,
        )
    trailing_start = find_trailing_start(paras, markers, body_start)
    provisions: list[SplitProvision] = []
    preamble = paras[:body_start]
    if preamble:
        provisions.append(SplitProvision("preamble", "\n".join(preamble)))
    body, notes = build_provisions(paras[body_start:trailing_start], markers[body_start:trailing_start])
    provisions.extend(body)
    trailing = paras[trailing_start:]
    if trailing:
        provisions.append(SplitProvision("trailing", "\n".join(trailing)))
    renumber_paragraphs(provisions, language)
    # The deadline is announced around the draft, not in its articles.
    deadline = detect_deadline("\n".join(preamble)) or detect_deadline("\n".join(trailing))
    return SplitResult(
        provisions=provisions,
        warnings=[SplitWarning(note) for note in notes] + check_numbering(provisions),
        title=detect_title(preamble),
        deadline=deadline,
        language=language,
    )


def _body_start(markers: list[Marker | None]) -> int | None:
    """The first chapter, section or article; past a table of contents (chapters listed before the
    first article whose numbers start again)."""
    start = next((i for i, m in enumerate(markers) if m is not None and m.kind in _STRUCTURE), None)
    if start is None:
        return None
    first_article = next((i for i, m in enumerate(markers) if m is not None and m.kind == "article"), len(markers))
    highest: int | None = None
    for i in range(start, first_article):
        m = markers[i]
        if m is None or m.kind != "chapter" or m.value is None:
            continue
        if highest is not None and m.value <= highest:
            start = i  # the contents listed the chapters; the draft starts again here
        highest = m.value if highest is None else max(highest, m.value)
    return start


# --- article-like numbering ---------------------------------------------------------------------


def promote_numbering(markers: list[Marker | None], style: str | None = None) -> list[Marker | None]:
    """Without any "Article"/"第…条" marker, the first "1." / "一、" / "1、" run is the articles.

    `style` forces the promoted style (the editor passes the one the split chose)."""
    if style is None:
        if any(m is not None and m.kind == "article" for m in markers):
            return markers
        style = _article_like_style(markers)
        if style is None:
            return markers
    return [
        Marker("article", m.label, m.number, m.value, m.heading, m.rest, m.styles, m.explicit)
        if m is not None and m.kind == "item" and m.styles[0] == style
        else m
        for m in markers
    ]


def _article_like_style(markers: list[Marker | None]) -> str | None:
    """The article-like style whose first "1" comes first (the outermost), if a "2" follows it."""
    first_one: dict[str, int] = {}
    qualified: set[str] = set()
    for i, m in enumerate(markers):
        if m is None or m.kind != "item" or m.styles[0] not in ARTICLE_LIKE_STYLES:
            continue
        style = m.styles[0]
        if m.value == 1:
            first_one.setdefault(style, i)
        elif m.value == 2 and style in first_one:
            qualified.add(style)
    if not qualified:
        return None
    return min(qualified, key=lambda style: first_one[style])


def promoted_style(provisions: list[SplitProvision]) -> str | None:
    """The item style a split used for articles ("dot_digit" for "1."), if it promoted one."""
    for p in provisions:
        if p.kind == "article" and p.label:
            marker = parse_item_label(p.label)
            if marker is not None:
                return marker.styles[0]
    return None


# --- trailing matter ----------------------------------------------------------------------------


def find_trailing_start(paras: list[str], markers: list[Marker | None], body_start: int) -> int:
    """Index of the first paragraph of trailing matter (len(paras) when there is none)."""
    n = len(paras)
    articles = [i for i in range(body_start, n) if markers[i] is not None and markers[i].kind == "article"]
    # An annex heading after which the article numbers start again.
    next_value: list[int | None] = [None] * (n + 1)
    for i in range(n - 1, body_start - 1, -1):
        m = markers[i]
        next_value[i] = m.value if m is not None and m.kind == "article" else next_value[i + 1]
    last = articles[-1] if articles else body_start
    highest: int | None = None
    for i in range(body_start, last):
        m = markers[i]
        if m is not None and m.kind == "article" and m.value is not None:
            highest = m.value if highest is None else max(highest, m.value)
        elif m is None and highest is not None and _is_annex_heading(paras[i]):
            following = next_value[i + 1]
            if following is not None and following <= highest:
                return i
    for j in range(last + 1, n):
        if markers[j] is not None and markers[j].kind != "heading":
            continue
        if _is_trailing_start(paras[j], paras[j + 1] if j + 1 < n else None):
            return j
    return n


def _is_annex_heading(text: str) -> bool:
    if not _ANNEX_RE.match(text):
        return False
    return len(text) <= 150 and (not ends_sentence(text) or text.rstrip().endswith((":", "：")))


def _is_trailing_start(text: str, following: str | None) -> bool:
    if _is_annex_heading(text) or _NOTE_RE.match(text):
        return True
    if _EXPLANATION_RE.match(text) and is_heading_like(text):
        return True
    if len(text) <= 300 and (_CONTACT_RE.search(text) or _EMAIL_RE.search(text)):
        return True
    if is_date_only(text):
        return True
    # An issuing body over the date of issue: "Cyberspace Administration of China" / "May 28, 2019".
    return following is not None and is_date_only(following) and len(text) <= 80 and is_heading_like(text)


# --- building provisions ------------------------------------------------------------------------


def _joiner(left: str, right: str) -> str:
    if not left or not right:
        return ""
    return "" if is_cjk(left[-1]) or is_cjk(right[0]) else " "


def _append_continuation(provision: SplitProvision, text: str) -> None:
    provision.text = provision.text + _joiner(provision.text, text) + text


_BRACKET_PAIRS = frozenset({("(", ")"), ("（", "）"), ("[", "]"), ("【", "】"), ("〔", "〕")})


def _strip_brackets(text: str) -> str:
    if len(text) >= 2 and (text[0], text[-1]) in _BRACKET_PAIRS:
        return text[1:-1].strip()
    return text


def _heading_line(text: str) -> bool:
    return is_heading_like(_strip_brackets(text)) or (
        _strip_brackets(text) != text and len(text) <= 60
    )


def build_provisions(
    paras: list[str], markers: list[Marker | None]
) -> tuple[list[SplitProvision], list[str]]:
    """Provisions for a run of paragraphs, no preamble or trailing matter; and notes for the user.

    Paragraph numbers and labels are left to `renumber_paragraphs`."""
    out: list[SplitProvision] = []
    notes: list[str] = []
    article: SplitProvision | None = None
    chapter_like: SplitProvision | None = None
    pending_heading: str | None = None
    last_value: dict[str, int | None] = {"chapter": None, "section": None, "article": None}
    prev_is_body = False  # did the previous paragraph hold body text (not a heading or bare marker)?
    n = len(paras)
    for i in range(n):
        text = paras[i]
        m = markers[i]
        next_marker = markers[i + 1] if i + 1 < n else None
        has_next_body = i + 1 < n and next_marker is None
        last = out[-1] if out else None

        if m is not None and m.kind == "heading":
            bare_article = last is not None and last is article and not last.text and not last.heading
            if bare_article and has_next_body:  # "Article 5" / "【Scope】" / body
                last.heading = m.heading
                prev_is_body = False
                continue
            if (
                not bare_article and next_marker is not None and next_marker.kind == "article"
                and next_marker.heading is None
            ):
                pending_heading = m.heading  # "【Scope】" / "Article 5 ..."
                prev_is_body = False
                continue
            m = None  # "Article 5" / "[Deleted]": the text of the bare article

        if m is not None and m.kind in _STRUCTURE and last is not None and prev_is_body:
            previous = last_value[m.kind]
            expected = previous is None or m.value == previous + 1
            if not expected and not m.explicit and not ends_sentence(last.text):
                _append_continuation(last, text)
                notes.append(
                    f'"{_excerpt(text)}" was kept in the text before it, not read as {m.label}: the number '
                    "is not the next one and the text before stops mid-sentence."
                )
                continue

        if m is None:
            if (
                last is not None and last.text and prev_is_body and not ends_sentence(last.text)
                and ((text[0].isascii() and text[0].islower()) or looks_like_reference(text))
            ):
                _append_continuation(last, text)  # a line the cleaner could not join
                continue
            if last is not None and last.kind in ("article", "item") and not last.text:
                if (
                    last is article and last.heading is None and has_next_body and _heading_line(text)
                    and not _continues(paras[i + 1])
                ):
                    last.heading = _strip_brackets(text)
                    prev_is_body = False
                    continue
                last.text = text
                prev_is_body = True
                continue
            if (
                last is not None and last is chapter_like and last.heading is None and not last.text
                and is_heading_like(text)
            ):
                last.heading = text
                prev_is_body = False
                continue
            if (
                next_marker is not None and next_marker.kind == "article" and next_marker.heading is None
                and not next_marker.rest.startswith(("(", "（", "[", "【")) and is_heading_like(text)
                and last is not None and (not prev_is_body or ends_sentence(last.text))
            ):
                pending_heading = _strip_brackets(text)  # a heading line above its article
                prev_is_body = False
                continue
            out.append(SplitProvision("paragraph", text))
            prev_is_body = True
            continue

        if m.kind in ("chapter", "section"):
            heading, body = m.heading, ""
            if m.rest:
                if heading is None and is_heading_like(m.rest):
                    heading = m.rest
                else:
                    body = m.rest
            provision = SplitProvision(m.kind, body, m.number, m.label, heading)
            out.append(provision)
            chapter_like, article, pending_heading = provision, None, None
            last_value[m.kind] = m.value
            if m.kind == "chapter":
                last_value["section"] = None
            prev_is_body = bool(body)
            continue

        if m.kind == "article":
            heading = m.heading or pending_heading
            pending_heading = None
            body = m.rest
            # "Article 3 Definitions" over its body, or a promoted "一、总体要求" over its items.
            promoted = m.styles[0] not in ("article_en", "article_zh")
            if (
                heading is None and body and i + 1 < n and (has_next_body or promoted)
                and is_heading_like(body) and not _continues(paras[i + 1])
            ):
                heading, body = body, ""
            article = SplitProvision("article", body, m.number, m.label, heading)
            out.append(article)
            last_value["article"] = m.value
            prev_is_body = bool(body)
            continue

        out.append(SplitProvision("item", m.rest, m.number, m.label))
        prev_is_body = bool(m.rest)
    if pending_heading is not None:
        out.append(SplitProvision("paragraph", pending_heading))
    return out, notes


def _continues(text: str) -> bool:
    """Does this paragraph read as the rest of a sentence (so the line before is not a heading)?"""
    return bool(text) and ((text[0].isascii() and text[0].islower()) or text[0] in ",;，；、")


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- paragraph numbers --------------------------------------------------------------------------

_AUTO_LABEL_RE = re.compile(r"Paragraph \d+|第[一二三四五六七八九十百千零]+款")


def paragraph_label(ordinal: int, language: str | None) -> str:
    return f"第{int_to_chinese(ordinal)}款" if language == "zh" else f"Paragraph {ordinal}"


def renumber_paragraphs(provisions: list[SplitProvision], language: str | None) -> None:
    """Give unnumbered paragraphs their ordinal in their article (the article's own text is
    paragraph 1) or chapter/section; labels the user set are left alone."""
    ordinal = 0
    for p in provisions:
        if p.kind == "article":
            ordinal = 1
        elif p.kind in ("chapter", "section", "preamble", "trailing"):
            ordinal = 0
        elif p.kind == "paragraph":
            ordinal += 1
            if p.label is None or _AUTO_LABEL_RE.fullmatch(p.label):
                p.number = str(ordinal)
                p.label = paragraph_label(ordinal, language)


# --- numbering check ----------------------------------------------------------------------------


def _int(number: str | None) -> int | None:
    return int(number) if number is not None and number.isdecimal() else None


def _missing(word: str, first: int, last: int) -> str:
    if first == last:
        return f"{word} {first} is missing."
    if last == first + 1:
        return f"{word}s {first} and {last} are missing."
    return f"{word}s {first} to {last} are missing."


def check_numbering(provisions: list[SplitProvision]) -> list[SplitWarning]:
    """A warning for every gap, repeat or step back in chapter, section and article numbers.

    Articles and chapters run 1, 2, 3… through the draft; sections start again in each chapter."""
    warnings: list[SplitWarning] = []
    previous: dict[str, int | None] = {"chapter": None, "section": None, "article": None}
    words = {"chapter": "Chapter", "section": "Section", "article": "Article"}
    for index, p in enumerate(provisions):
        if p.kind not in previous:
            continue
        if p.kind == "chapter":
            previous["section"] = None
        number = _int(p.number)
        if number is None:
            continue
        word = words[p.kind]
        before = previous[p.kind]
        if before is None:
            if number != 1:
                warnings.append(SplitWarning(
                    f"The first {p.kind} is {word} {number}: " + _missing(word, 1, number - 1), index
                ))
        elif number == before:
            warnings.append(SplitWarning(
                f"{word} {number} follows {word} {before}: the number is repeated.", index
            ))
        elif number < before:
            warnings.append(SplitWarning(
                f"{word} {number} follows {word} {before}: the numbering steps back.", index
            ))
        elif number > before + 1:
            warnings.append(SplitWarning(
                f"{word} {number} follows {word} {before}: " + _missing(word, before + 1, number - 1), index
            ))
        previous[p.kind] = number
    return warnings
