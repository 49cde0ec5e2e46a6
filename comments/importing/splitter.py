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
    IDEOGRAPH_RE,
    Clause,
    Marker,
    ends_sentence,
    ends_with_function_word,
    int_to_chinese,
    is_annex_status,
    is_cjk,
    is_heading_like,
    is_note,
    item_reference_continues,
    item_value,
    looks_like_reference,
    parse_annex_heading,
    parse_clause,
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
    bilingual = split_bilingual(paras, markers)
    if bilingual is not None:
        return bilingual
    attached = _attached_draft_start(paras, markers)
    if attached is not None:
        markers = [None] * attached + markers[attached:]  # the notice is the preamble, whatever it numbers
    if not any(m is not None and m.kind in _STRUCTURE for m in markers):
        standard = split_standard(paras, markers, language)
        if standard is not None:
            return standard
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
    # Only the start tells: "3. Users may report violations; Tel: 12377." is an article that mentions a number.
    return len(rest) <= 200 and bool(_CHANNEL_RE.match(rest) or _CONTACT_RE.match(rest) or _EMAIL_RE.match(rest))


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

        if m is None and article is not None and (stated := _stated_paragraph(text)) is not None:
            text = stated  # "Paragraph 2 Operators shall…": the label is made from the position, as for others

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


# A translation that writes out paragraph numbers: "Paragraph 2 Operators shall…", "Para. 3: The…", "第二款
# 运营者…". Never "Paragraph 2 of Article 5 applies…" (a reference: the text after it must start a sentence).
_STATED_PARAGRAPH_RE = re.compile(
    r"(?:(?:Paragraph|Para\.?)\s*\(?[0-9]{1,3}\)?[.:]?\s+(?=[A-Z“\"(])|第[一二三四五六七八九十]{1,3}款[\s\u3000]+(?=\S))"
)


def _stated_paragraph(text: str) -> str | None:
    """The text of a paragraph that states its own number, without that number; None for other text."""
    found = _STATED_PARAGRAPH_RE.match(text)
    rest = text[found.end():] if found else ""
    return rest if found and rest and not looks_like_reference(rest) else None


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


# --- standards: numbered clauses ------------------------------------------------------------------

# A standard's bibliography or index closes its body ("参考文献", "Bibliography").
_STANDARD_END_RE = re.compile(r"(?:参\s*考\s*文\s*献|索\s*引|Bibliography|BIBLIOGRAPHY|Index|INDEX)\s*")
_SCOPE_RE = re.compile(r"(?:范\s*围|Scope|SCOPE)\s*")
# A clause number or annex heading inside a paragraph, where a PDF line join glued it to the text before.
_EMBEDDED_CLAUSE_RE = re.compile(
    r"(?<=[\s。；;：:])(?:(?:[A-Z]|[0-9]{1,2})(?:\.[0-9]{1,2}){1,5}|[0-9]{1,2}(?=[ \u3000]\S))[ \u3000]"
    r"|(?<=[\s。；;：:])(?:Annex|ANNEX|附\s*录)\s*[A-Z]\b"
)
# Words that lead into a clause number as a reference: "see 5.2", "in accordance with 5.2", "见5.2".
_ANNEX_START_RE = re.compile(r"(?:Annex|ANNEX|Appendix|APPENDIX)\s+[A-Z]\b|附\s*录\s*[A-Z]")
_LEADS_TO_CLAUSE_RE = re.compile(
    r"(?:\b(?:see|clause|subclause|annex|table|figure)|见|按|依据|符合)\s*$", re.IGNORECASE
)
_CLAUSE_STEP = 2  # a clause number may skip one ("5.3" after "5.1"): reported, still a clause
_MIN_TOP_CLAUSES = 3


def split_standard(
    paras: list[str], markers: list[Marker | None], language: str | None
) -> SplitResult | None:
    """A standard (GB/T, TC260 drafts, ISO-style) numbered "1 Scope", "4.1 General", "4.1.1 …", with
    "a)" / "1)" lists and annexes "附录A（规范性）…" / "Annex A (normative) …" holding "A.1" clauses.

    Top-level clauses and annexes become articles (label "4", heading "General"; label "Annex A"),
    deeper clauses paragraphs labelled with their number ("4.1.2"), lists items. Unnumbered paragraphs
    (notes, examples, text after a list) stay in the text of their clause. Front matter (cover, contents,
    foreword, introduction) is the preamble; the bibliography and what follows it is trailing matter.
    None unless the text has the shape of a standard: at least three top-level clauses in order with
    titles, and either sub-clauses or a first clause named "Scope"."""
    layout = _standard_layout(paras)
    if layout is None:
        return None
    walk, body_start = layout
    paras = walk.paras
    if len(paras) != len(markers):
        markers = [parse_marker(p) for p in paras]  # paragraphs were cut at clause numbers
    provisions: list[SplitProvision] = []
    preamble = paras[:body_start]
    if preamble:
        provisions.append(SplitProvision("preamble", "\n".join(preamble)))
    clause: SplitProvision | None = None
    for i in range(body_start, walk.trailing_start):
        role = walk.roles[i]
        m = markers[i]
        if isinstance(role, SplitProvision):
            provisions.append(role)
            clause = role
        elif role == _CONSUMED:
            continue
        elif m is not None and m.kind == "item":
            provisions.append(SplitProvision("item", m.rest, m.number, m.label))
        elif clause is not None:
            clause.text = f"{clause.text}\n{paras[i]}" if clause.text else paras[i]
    trailing = paras[walk.trailing_start:]
    if trailing:
        provisions.append(SplitProvision("trailing", "\n".join(trailing)))
    deadline = detect_deadline("\n".join(preamble)) or detect_deadline("\n".join(trailing))
    return SplitResult(
        provisions=provisions,
        warnings=[SplitWarning(note) for note in walk.notes] + check_numbering(provisions),
        title=detect_title(preamble),
        deadline=deadline,
        language=language,
    )


_CONSUMED = "consumed"  # a paragraph read into the provision before it (a heading, an annex's kind)


class _ClauseWalk:
    """Reads the clauses of a standard from the first clause on.

    A clause number counts only where it follows the one before: its first child ("4.1.1" after "4.1"),
    its next sibling, or the next sibling of a clause above it ("5" or "4.2" after "4.1.3"); so
    "3.5 Million…" in clause 7 stays text. `roles[i]` is the provision paragraph i opens, `_CONSUMED`,
    or None (text or a list item)."""

    def __init__(self, paras: list[str], start: int) -> None:
        self.paras = list(paras)
        self.roles: list[SplitProvision | str | None] = [None] * len(paras)
        self.notes: list[str] = []
        self.trailing_start = len(paras)
        self.tops = self.subs = 0
        self.first: SplitProvision | None = None
        self._current: tuple[int | str, ...] = ()
        self._annex: str | None = None
        self._walk(start)

    def _walk(self, start: int) -> None:
        paras, roles = self.paras, self.roles
        last_structure = start
        i = start
        while i < len(paras):
            text = paras[i]
            if self._open_annex(i):
                last_structure = i
                while last_structure + 1 < len(paras) and roles[last_structure + 1] == _CONSUMED:
                    last_structure += 1
                i = last_structure + 1
                continue
            if _STANDARD_END_RE.fullmatch(text):
                self.trailing_start = i
                return
            c = self._clause_at(text)
            if c is not None:
                saved, self._current = self._current, c.path
                if self._cut_at_embedded_clause(i):  # "3.1 term definition 3.2 term definition"
                    c = parse_clause(paras[i], lowercase=True) or c
                self._current = saved
            if c is not None:
                top = len(c.path) == 1
                self._note_gap(c)
                roles[i] = provision = self._clause_provision(c, top, i)
                self.first = self.first or provision
                self._current = c.path
                self.tops += top
                self.subs += not top
                last_structure = i
            elif self._current:
                self._cut_at_embedded_clause(i)
            i += 1
        self.trailing_start = len(paras)  # paragraphs may have been cut since
        for j in range(last_structure + 1, len(paras)):
            following = paras[j + 1] if j + 1 < len(paras) else None
            if roles[j] is None and parse_marker(paras[j]) is None and _is_trailing_start(paras[j], following):
                self.trailing_start = j
                return

    def _clause_at(self, text: str) -> Clause | None:
        """The clause this paragraph opens where its number follows the current one."""
        c = parse_clause(text)
        if c is None:
            # A term joined to its number by the line join: "3.1 personal information …"; only as
            # the very next number, so that "3.5 billion …" needs far more luck.
            c = parse_clause(text, lowercase=True)
            if c is None or not self._follows(c.path, step=1):
                return None
        if not self._follows(c.path):
            return None
        if len(c.path) == 1 and not _clause_title(c.rest):
            return None  # "5 Service providers shall…": a top-level clause has a title
        return c

    def _cut_at_embedded_clause(self, i: int) -> bool:
        """"…to improve diversity. 5.1.2 When using…", "…services. 2 Normative references", "…licence.
        Annex A (normative)" (PDF lines joined): cut before the next clause number or annex heading
        when what stands before it ends a sentence or is a title; before a term ("…to the public 3.2
        training data") only when it is the very next sibling and the text before does not lead into
        it ("as specified in 3.2")."""
        text = self.paras[i]
        for found in _EMBEDDED_CLAUSE_RE.finditer(text):
            before, after = text[: found.start()].rstrip(), text[found.start():]
            if not before or not self._opens_here(before, after):
                continue
            self.paras[i: i + 1] = [before, after]
            self.roles.insert(i + 1, None)
            return True
        return False

    def _opens_here(self, before: str, after: str) -> bool:
        closed = ends_sentence(before) or is_heading_like(before)
        annex = parse_annex_heading(after)
        if annex is not None:
            return closed and self.tops > 0 and annex.letter == self._next_annex_letter()
        c = parse_clause(after)
        if c is not None and self._follows(c.path, step=1):
            return closed and (len(c.path) > 1 or _clause_title(c.rest))
        c = parse_clause(after, lowercase=True)
        current = self._current
        return (
            c is not None and len(c.path) == len(current) > 1 and c.path[:-1] == current[:-1]
            and _last(c.path) == _last(current) + 1 and not ends_with_function_word(before)
            and not _LEADS_TO_CLAUSE_RE.search(before)
        )

    def _open_annex(self, i: int) -> bool:
        annex = parse_annex_heading(self.paras[i])
        expected = self._next_annex_letter()
        if self.tops and _ANNEX_START_RE.match(self.paras[i]):
            # "Annex A (informative) Main risks A.1 Leakage": the annex's first clause joined to it
            saved, self._current = self._current, (expected,)
            if self._cut_at_embedded_clause(i):
                annex = parse_annex_heading(self.paras[i])
            self._current = saved
        if annex is None or annex.letter != expected or not self.tops:
            return False
        provision = SplitProvision("article", annex.status or "", annex.letter, annex.label, annex.title or None)
        self.roles[i] = provision
        self._annex, self._current = annex.letter, (annex.letter,)
        j = i + 1
        paras = self.paras
        for k in (j, j + 1):  # "(normative)" / "Title A.1 General…" when lines were joined
            if k < len(paras) and self.roles[k] is None:
                self._cut_at_embedded_clause(k)
        if not annex.status and j < len(paras) and is_annex_status(paras[j]):
            provision.text = paras[j].strip()
            self.roles[j] = _CONSUMED
            j += 1
        if provision.heading is None and j < len(paras) and _annex_title(paras[j]):
            provision.heading = paras[j].strip()
            self.roles[j] = _CONSUMED
        return True

    def _next_annex_letter(self) -> str:
        return "A" if self._annex is None else chr(ord(self._annex) + 1)

    def _clause_provision(self, c: Clause, top: bool, i: int) -> SplitProvision:
        """The provision a clause opens; a number alone takes the next line as its heading when that
        line is short and no sentence (a term: "3.1" / "个人信息 personal information" / its definition)."""
        kind = "article" if top else "paragraph"
        heading: str | None = None
        body = c.rest
        paras = self.paras
        if body and _clause_title(body) and (top or i + 1 >= len(paras) or not _continues(paras[i + 1], body)):
            heading, body = body, ""
        elif not body and i + 1 < len(paras):
            following = paras[i + 1]
            if (
                len(following) <= 150 and not ends_sentence(following) and parse_clause(following) is None
                and parse_marker(following) is None and not _STANDARD_END_RE.fullmatch(following)
            ):
                heading = following
                self.roles[i + 1] = _CONSUMED
        return SplitProvision(kind, body, c.label, c.label, heading)

    def _follows(self, path: tuple[int | str, ...], step: int = _CLAUSE_STEP) -> bool:
        """Can clause `path` come next? The first child of the current clause, or the next sibling of
        it or of a clause above it (`step` - 1 numbers may be skipped)."""
        current = self._current
        if not current:
            return path == (1,)
        in_annex = isinstance(path[0], str)
        if in_annex != isinstance(current[0], str) or (in_annex and path[0] != current[0]):
            return False  # no main clause after an annex; an annex clause only in its own annex
        depth = len(path)
        if depth == len(current) + 1 and path[:-1] == current:
            return 1 <= _last(path) <= step
        if depth > len(current) or path[:-1] != current[: depth - 1] or isinstance(path[-1], str):
            return False
        return 0 < _last(path) - _last(current[:depth]) <= step

    def _note_gap(self, c: Clause) -> None:
        current = self._current
        if not current:
            return
        depth = len(c.path)
        expected = 1 if depth == len(current) + 1 else _last(current[:depth]) + 1
        if _last(c.path) != expected:
            missing = ".".join(str(p) for p in (*c.path[:-1], expected))
            before = ".".join(str(p) for p in current)
            self.notes.append(f"Clause {c.label} follows clause {before}: clause {missing} is missing.")


_FIRST_CLAUSE_END_RE = re.compile(r"(?<=\s)1[ \u3000](?=\S)")


def _standard_layout(paras: list[str]) -> tuple[_ClauseWalk, int] | None:
    """The walk through the clauses and where the body starts, or None when no standard."""
    found = _standard_from(paras)
    if found is not None:
        return found
    # "…security requirements (Draft) 1 Scope": the title line of a PDF joined to the first clause.
    for i, text in enumerate(paras):
        for cut in _FIRST_CLAUSE_END_RE.finditer(text):
            before, after = text[: cut.start()].rstrip(), text[cut.start():]
            first = parse_clause(after)
            if first is not None and _clause_title(first.rest) and is_heading_like(before):
                return _standard_from([*paras[:i], before, after, *paras[i + 1:]])
    return None


def _standard_from(paras: list[str]) -> tuple[_ClauseWalk, int] | None:
    # The body starts at the last "1 Scope" that a run of clauses follows: a table of contents lists
    # the same clauses first (with page numbers).
    for start in range(len(paras) - 1, -1, -1):
        c = parse_clause(paras[start])
        if c is None or c.path != (1,) or not _clause_title(c.rest):
            continue
        walk = _ClauseWalk(paras, start)
        scope = walk.first is not None and _SCOPE_RE.fullmatch(walk.first.heading or "") is not None
        if walk.tops >= _MIN_TOP_CLAUSES and (walk.subs >= 2 or scope):
            return walk, start
        return None
    return None


def _clause_title(text: str) -> bool:
    """A clause title: a short line with no sentence in it, and no page number of a contents list."""
    return (bool(text) and is_heading_like(text) and not _TOC_LEADER_RE.search(text)
            and not _PAGE_NUMBER_END_RE.search(text))


_PAGE_NUMBER_END_RE = re.compile(r"\s[0-9IVXivx]{1,4}$")  # "4 General requirements 12" in a contents list


def _annex_title(text: str) -> bool:
    return is_heading_like(text) and parse_clause(text) is None and parse_annex_heading(text) is None


def _last(path: tuple[int | str, ...]) -> int:
    value = path[-1]
    return value if isinstance(value, int) else 0


# --- bilingual drafts ---------------------------------------------------------------------------

# Share of article numbers found in both languages: a partial translation is no bilingual draft.
_BILINGUAL_OVERLAP = 0.8


def split_bilingual(paras: list[str], markers: list[Marker | None]) -> SplitResult | None:
    """A draft giving every article in Chinese and in English ("第一条 …" / "Article 1 …" alternating,
    or the whole Chinese text then the whole English one): split each language on its own, and keep
    the English provisions (the translation a team comments on in English: its labels and headings),
    each followed by the Chinese text of the same provision on a new line. None for other drafts."""
    values: dict[str, set[int]] = {"zh": set(), "en": set()}
    for m in markers:
        if m is not None and m.kind == "article" and m.value is not None:
            style = m.styles[0]
            if style in ("article_zh", "article_en"):
                values["zh" if style == "article_zh" else "en"].add(m.value)
    zh, en = values["zh"], values["en"]
    if len(zh) < 2 or len(en) < 2 or len(zh & en) < _BILINGUAL_OVERLAP * max(len(zh), len(en)):
        return None
    languages = [_paragraph_language(p) for p in paras]  # only now: most drafts stop at the cheap test above
    # A paragraph in neither language (a date, "ICS 35.040", a lone "(1)") goes to both.
    english = split_paragraphs([p for p, lang in zip(paras, languages, strict=True) if lang != "zh"])
    chinese = split_paragraphs([p for p, lang in zip(paras, languages, strict=True) if lang != "en"])
    by_key = dict(zip(_provision_keys(english.provisions), english.provisions, strict=True))
    unmatched = 0
    target: SplitProvision | None = english.provisions[0] if english.provisions else None
    for key, p in zip(_provision_keys(chinese.provisions), chinese.provisions, strict=True):
        counterpart = by_key.get(key)
        if counterpart is not None:
            target = counterpart
        else:
            unmatched += 1
        text = _bilingual_text(p, counterpart is None)
        if target is not None and text:
            target.text = f"{target.text}\n{text}" if target.text else text
    messages = [
        "The draft gives each provision in Chinese and in English: the English translation sets the "
        "provisions, labels and headings, and each provision's Chinese text follows its English text."
    ]
    if unmatched:
        messages.append(
            f"{unmatched} Chinese provision{'s' if unmatched != 1 else ''} had no English counterpart and "
            "{} kept with the provision before.".format("were" if unmatched != 1 else "was")
        )
    english.warnings = [SplitWarning(m) for m in messages] + [
        w for w in english.warnings if not w.message.startswith("No chapters")
    ]
    english.deadline = english.deadline or chinese.deadline
    english.title = english.title or chinese.title
    english.language = "en"
    return english


def _paragraph_language(text: str) -> str | None:
    """"zh" or "en" for a paragraph that is clearly in one language (a marker counts: "第一条"
    makes even "第一条 AI" Chinese)."""
    m = parse_marker(text)
    if m is not None and m.kind in _STRUCTURE:
        if m.styles[0].endswith("_zh"):
            return "zh"
        if m.styles[0].endswith("_en"):
            return "en"
    found = detect_language(text)
    if found is None:  # too short to weigh: one script alone decides ("（二）防止歧视。", "(2) none.")
        ideographs, latin = IDEOGRAPH_RE.search(text), re.search("[A-Za-z]{2}", text)
        if ideographs and not latin:
            return "zh"
        if latin and not ideographs:
            return "en"
    return found


def _bilingual_text(p: SplitProvision, unmatched: bool) -> str:
    """What a Chinese provision adds to its English counterpart: its text, and where it found no
    counterpart its label and heading too (so nothing is lost)."""
    if not unmatched or p.kind in ("preamble", "trailing", "paragraph"):
        return p.text
    head = "".join(part for part in (p.label, f"【{p.heading}】" if p.heading else None) if part)
    return f"{head}\u3000{p.text}" if p.text else head


def _provision_keys(provisions: list[SplitProvision]) -> list[tuple[object, ...]]:
    """A key that names the same provision in both languages: its kind and number, the chapter,
    section and article it is in, and how often that kind and number came before in that article."""
    keys: list[tuple[object, ...]] = []
    place: dict[str, str | None] = {"chapter": None, "section": None, "article": None}
    seen: dict[tuple[object, ...], int] = {}
    for p in provisions:
        if p.kind in place:
            place[p.kind] = p.number
            if p.kind == "chapter":
                place["section"] = place["article"] = None
            elif p.kind == "section":
                place["article"] = None
        if p.kind in ("preamble", "trailing"):
            base: tuple[object, ...] = (p.kind,)
        else:
            base = (p.kind, p.number, place["chapter"], place["section"], place["article"])
        count = seen.get(base, 0)
        seen[base] = count + 1
        keys.append((*base, count))
    return keys
