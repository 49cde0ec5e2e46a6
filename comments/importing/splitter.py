"""Paragraphs -> provisions: preamble, chapters, sections, articles, paragraphs, items, trailing matter.

Only a marker at the start of a paragraph opens a provision (see `markers.parse_marker`, which already
turns down "Article 21 of the Cybersecurity Law" and "第二十一条的规定"). On top of that, an article,
chapter or section whose number is not the next one, right after a paragraph that stops mid-sentence,
is read as a cross-reference and joined to that paragraph (with a warning), unless a bracketed heading,
colon or ideographic space shows it is a real marker. Every other gap, repeat or step back in the
numbering is kept and reported by `check_numbering`.

Text before the first chapter, section or article is the preamble (a table of contents, chapters or
articles listed without text whose numbers then start again, stays in it; so does a notice that carries
the draft as an attachment: "附件：X（征求意见稿）", the signature, then X's own title). Matter after the
last article that is clearly not part of it (annex or attachment headings, drafting explanations, contact
blocks with e-mail or telephone, a translator's note or disclaimer, footnotes, web page debris, an
issuing body followed by a date, a date alone) is one trailing provision; an annex heading followed by
articles numbered from the start again opens the trailing matter too. A draft with no "Article" markers
uses its top-level "1." / "一、" / "1、" / "I." numbering as articles (never a list of contact channels).
A translator's or editor's note between provisions is kept in the text of the provision before it.
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
    is_note,
    item_reference_continues,
    item_value,
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
    r"|About\s+(?:the|this)\s+(?:translation|project)|Source\s*:|译者|编者按"
    r"|(?:This\s+is\s+an?\s+)?(?:unofficial|informal)\s+translation|For\s+reference\s+only|Disclaimer\b"
    r"|免责声明|仅供参考)",
    re.IGNORECASE,
)
# Brackets, asterisks and daggers that open a note ("[Translator's note: …]", "* This is an unofficial…").
_NOTE_LEAD_RE = re.compile(r"[\[【〔(（*†‡\s]+")
# What a web page puts around the text it shows.
_WEB_DEBRIS_RE = re.compile(
    r"(?:Share\s+(?:this|on|via)\b|Related\s+(?:posts?|articles?|links?|content|reading|news)\b"
    r"|Print\s+(?:this\s+)?(?:page|article)\b|Back\s+to\s+top\b|Tags?\s*:|Read\s+more\b"
    r"|打印本页|打印】|关闭窗口|关闭】|扫一扫|相关链接|相关阅读|相关新闻|分享到|返回顶部|责任编辑)",
    re.IGNORECASE,
)
# A footnote: "[1] The classification follows…", "¹ Adopted at…"; its mark must appear in the text above.
_FOOTNOTE_RE = re.compile(r"(\[[0-9]{1,3}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)\s*\S")
# How the public can send comments: a notice's "1. By e-mail to …", "2.通信地址：…", never an article.
_CHANNEL_RE = re.compile(
    r"(?:By|Via|Through)\s+(?:e-?mail|post|mail|fax|letter|telephone|phone|the\s+website|online)\b"
    r"|通过(?:电子邮件|电子邮箱|信函|传真|邮寄|网站|网络)",
    re.IGNORECASE,
)
# "附件：网络暴力信息治理规定（征求意见稿）" names the document attached to a notice.
_ANNEX_NAME_RE = re.compile(
    r"(?:附\s*件|Annex|Attachment|Appendix|Enclosure)\s*[0-9０-９]*\s*[:：]\s*(?P<name>\S.*)$", re.IGNORECASE
)
# What leads into a Chinese cross-reference: the instrument ("本办法", "《…法》") or a preposition.
_REFERENCE_LEAD_RE = re.compile(
    r"(?:本(?:规范|办法|条例|规定|法|细则|决定|标准|指南|意见|通知)|》|依照|按照|根据|依据|违反|适用|参照|符合|见|和|或者?|及|与|、)$"
)
_TITLE_NOISE_RE = re.compile(r"[(（][^()（）]*[)）]|[《》“”\"'\s]")
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
    markers = [parse_marker(p) for p in paras]
    attached = _attached_draft_start(paras, markers)
    if attached is not None:
        markers = [None] * attached + markers[attached:]  # the notice is the preamble, whatever it numbers
    markers = promote_numbering(markers)
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


_TOC_LEADER_RE = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|\s{2,})\s*[0-9]{1,4}$")


def _body_start(markers: list[Marker | None]) -> int | None:
    """The first chapter, section or article; past a table of contents (chapters, sections or articles
    listed with no text of their own, whose numbers then start again)."""
    start = next((i for i, m in enumerate(markers) if m is not None and m.kind in _STRUCTURE), None)
    if start is None:
        return None
    highest: dict[str, int] = {}
    listed_article = False
    for i in range(start, len(markers)):
        m = markers[i]
        if m is None or m.kind not in _STRUCTURE:
            if listed_article:
                break  # text under an article: the body has started
            continue  # a page number or a line between listed chapters
        if m.value is None:
            continue
        if m.value <= highest.get(m.kind, 0):
            return i  # the contents listed these; the draft starts again here
        if m.kind == "article":
            if m.rest and not (is_heading_like(m.rest) or _TOC_LEADER_RE.search(m.rest)):
                break  # an article with its text
            listed_article = True
        if not m.inserted:
            highest[m.kind] = max(highest.get(m.kind, 0), m.value)
        if m.kind == "chapter":
            highest.pop("section", None)
    return start


def _title_key(text: str) -> str:
    """A title without its bracketed parts, quotes or spaces: "X（征求意见稿）" and "《X》" are both "X"."""
    return _TITLE_NOISE_RE.sub("", text).lower()


def _attached_draft_start(paras: list[str], markers: list[Marker | None]) -> int | None:
    """Where the draft attached to a notice starts (its own title line): a notice with no article or
    chapter names an attachment ("附件：X（征求意见稿）", "Annex: X") whose title follows within a few
    lines (after the signature and date). None when the text is not such a notice."""
    for i, text in enumerate(paras[:80]):
        m = markers[i]
        if m is not None and m.kind in _STRUCTURE:
            return None  # the draft itself starts before any attachment is named
        named = _ANNEX_NAME_RE.match(text)
        if named is None:
            continue
        name = _title_key(named.group("name"))
        if len(name) < 4:
            continue
        if _article_like_style(markers[:i]) is not None:
            return None  # the text above has numbering of its own: an annex at the end of a draft
        for j in range(i + 1, min(i + 8, len(paras))):
            if _title_key(paras[j]) == name:
                after = markers[j:]
                numbered = any(m is not None and m.kind in _STRUCTURE for m in after)
                return j if numbered or _article_like_style(after) is not None else None
        return None
    return None


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
    promoted = list(markers)
    last: int | None = None
    for i, m in enumerate(markers):
        if m is None or m.kind != "item" or style not in m.styles or _is_channel(m):
            continue
        value = item_value(m.number or "", style)
        if len(m.styles) > 1 and value != (last or 0) + 1:
            continue  # "C." or the ninth letter "I." in a run of items, not the roman divisions' next one
        number = str(value) if "roman" in style else m.number
        styles = (style, *(s for s in m.styles if s != style))
        promoted[i] = Marker("article", m.label, number, value, m.heading, m.rest, styles, m.explicit)
        last = value
    return promoted


def _is_channel(m: Marker) -> bool:
    """"1. By e-mail to …", "2.通信地址：…": a notice's list of ways to comment."""
    rest = m.rest
    return len(rest) <= 200 and bool(_CHANNEL_RE.match(rest) or _CONTACT_RE.search(rest) or _EMAIL_RE.search(rest))


def _article_like_style(markers: list[Marker | None]) -> str | None:
    """The article-like style whose first "1" comes first (the outermost), if a "2" follows it."""
    first_one: dict[str, int] = {}
    qualified: set[str] = set()
    for i, m in enumerate(markers):
        if m is None or m.kind != "item" or m.styles[0] not in ARTICLE_LIKE_STYLES or _is_channel(m):
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
        footnote = _FOOTNOTE_RE.match(paras[j])
        if footnote and any(footnote.group(1) in p for p in paras[body_start:j]):
            return j
    return n


def _is_annex_heading(text: str) -> bool:
    if not _ANNEX_RE.match(text):
        return False
    return len(text) <= 150 and (not ends_sentence(text) or text.rstrip().endswith((":", "：")))


def _is_trailing_start(text: str, following: str | None) -> bool:
    lead = _NOTE_LEAD_RE.match(text)
    unbracketed = text[lead.end():] if lead else text
    if _is_annex_heading(text) or is_note(text) or _NOTE_RE.match(unbracketed):
        return True
    if len(text) <= 200 and _WEB_DEBRIS_RE.match(unbracketed):
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

        if (
            (m is None or m.kind == "item") and last is not None and last.text and prev_is_body
            and item_reference_continues(last.text, text)
        ):
            _append_continuation(last, text)  # "...listed in item" / "(3) shall be given a warning"
            continue

        if m is not None and m.opens_with_item and not _is_next(m, last_value["article"]):
            m = None  # "Article 5 (1) The operator…" where Article 5 is not next: "Article 5(1)"

        if m is not None and m.kind in _STRUCTURE and last is not None and prev_is_body:
            expected = _is_next(m, last_value[m.kind])
            # "…并按照本规范" / "第三条要求开展…": a Chinese marker run on into its text after a line cut
            # mid-sentence is a reference even when its number happens to be the next one (after a
            # list item with no full stop, only where the item leads into a reference: "…依照本办法").
            run_on_reference = m.run_on and (last.kind != "item" or _REFERENCE_LEAD_RE.search(last.text))
            if (not expected or run_on_reference) and not m.explicit and not ends_sentence(last.text):
                _append_continuation(last, text)
                reason = "the number is not the next one" if not expected else "the text runs on from it"
                notes.append(
                    f'"{_excerpt(text)}" was kept in the text before it, not read as {m.label}: {reason} '
                    "and the text before stops mid-sentence."
                )
                continue

        if m is None and is_note(text) and last is not None and (last.text or last is not article):
            # "[Translator's note: …]" between provisions: part of the one before, never a heading nor
            # a numbered paragraph.
            last.text = f"{last.text}\n{text}" if last.text else text
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
                    and not _continues(paras[i + 1], text)
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
            first_item = parse_marker(body) if m.opens_with_item else None
            if first_item is not None and first_item.kind == "item":
                # "Article 6 (1) Operators shall…": Article 6 opens with its item (1).
                article = SplitProvision("article", "", m.number, m.label, heading)
                out.extend([article, SplitProvision("item", first_item.rest, first_item.number, first_item.label)])
                last_value["article"] = m.value
                prev_is_body = True
                continue
            if (
                heading is None and body and i + 1 < n and (has_next_body or promoted)
                and is_heading_like(body) and not _continues(paras[i + 1], body)
            ):
                heading, body = body, ""
            article = SplitProvision("article", body, m.number, m.label, heading)
            out.append(article)
            last_value["article"] = m.value  # an inserted article ("4-1") keeps the count at 4
            prev_is_body = bool(body)
            continue

        out.append(SplitProvision("item", m.rest, m.number, m.label))
        prev_is_body = bool(m.rest)
    if pending_heading is not None:
        out.append(SplitProvision("paragraph", pending_heading))
    return out, notes


def _is_next(m: Marker, previous: int | None) -> bool:
    """Is this the number expected after `previous`? An inserted article ("第四条之一") follows its base."""
    if previous is None:
        return True
    return m.value == previous + 1 or (m.inserted and m.value == previous)


def _continues(text: str, before: str = "") -> bool:
    """Does this paragraph read as the rest of a sentence (so the line before, `before`, is not a
    heading)? Also when it completes a reference cut at the end of `before` ("…第一款" / "第（二）项…"),
    or is a Chinese reference that no marker opens ("第三十八条要求，…"), which cannot start a paragraph."""
    return bool(text) and (
        (text[0].isascii() and text[0].islower()) or text[0] in ",;，；、"
        or item_reference_continues(before, text)
        or (text[0] == "第" and parse_marker(text) is None and looks_like_reference(text))
    )


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


_INSERTED_NUMBER_RE = re.compile(r"([0-9]+)(?:-[0-9]+|[a-z]+)")  # "4-1" (第四条之一, Article 4-1), "6bis"


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
        word = words[p.kind]
        before = previous[p.kind]
        inserted = _INSERTED_NUMBER_RE.fullmatch(p.number or "") if p.kind == "article" else None
        if inserted:  # inserted after its base article: no gap when it follows that article
            base = int(inserted.group(1))
            if before is not None and base < before:
                warnings.append(SplitWarning(
                    f"{p.label} follows {word} {before}: the numbering steps back.", index
                ))
            elif base != before:
                first = 1 if before is None else before + 1
                follows = f"follows {word} {before}" if before is not None else "is the first article"
                warnings.append(SplitWarning(f"{p.label} {follows}: " + _missing(word, first, base), index))
                previous[p.kind] = base
            continue
        number = _int(p.number)
        if number is None:
            continue
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
