"""What a draft says about itself: its title, the comment deadline, its language."""

from __future__ import annotations

import re
from datetime import date

from comments.importing.markers import IDEOGRAPH_RE, chinese_to_int, ends_sentence, ends_with_function_word

_LATIN_RE = re.compile("[A-Za-z]")
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?"
_D = "[0-9０-９]"
_CN_D = "[〇零一二三四五六七八九十]"
_DATE_RE = re.compile(
    rf"""(?P<mdy>(?P<m1>{_MONTH})\s*(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<y1>\d{{4}}))
    |(?P<dmy>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH}),?\s*(?P<y2>\d{{4}}))
    |(?P<iso>(?P<y3>\d{{4}})(?P<s>[-/.])(?P<m3>\d{{1,2}})(?P=s)(?P<d3>\d{{1,2}})(?!\d))
    |(?P<zh>(?P<y4>{_D}{{4}}|{_CN_D}{{4}})\s*年\s*(?P<m4>{_D}{{1,2}}|{_CN_D}{{1,3}})\s*月
        \s*(?P<d4>{_D}{{1,2}}|{_CN_D}{{1,3}})\s*[日号])
    |(?P<num>(?<![\d.])(?P<d5>\d{{1,2}})(?P<s5>[./])(?P<m5>\d{{1,2}})(?P=s5)(?P<y5>\d{{4}})(?!\d))""",
    re.IGNORECASE | re.VERBOSE,
)
_DATE_ONLY_RE = re.compile(rf"\s*(?:{_DATE_RE.pattern})\s*[.。]?\s*", re.IGNORECASE | re.VERBOSE)

# Words that tie a date to the comment deadline by themselves ...
_STRONG_RE = re.compile(
    r"\bdeadline\b|\bdue\b|\bclosing\s+date\b|\bclos(?:e|es|ing)\s+on\b|截止|截至|期限",
    re.IGNORECASE,
)
# ... and words that do so only in a sentence about comments.
_WEAK_RE = re.compile(
    r"\b(?:no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|before|prior\s+to|by|until|till"
    r"|ends?(?:\s+on)?|expires?(?:\s+on)?)\b",
    re.IGNORECASE,
)
_COMMENT_RE = re.compile(
    r"\bcomment|\bfeedback\b|\bopinion|\bviews\b|\bconsultation\b|意见|反馈|建议", re.IGNORECASE
)
# A comment period given as a range ends at its second date: "2024年5月1日至5月31日", "from 1 May 2024 to
# 31 May 2024". The second date may leave out the year, which it shares with the first.
_RANGE_TO_RE = re.compile(r"\s*(?:至|到|~|～|[-–—]|\bto\b|\buntil\b|\bthrough\b|\btill\b)\s*", re.IGNORECASE)
_MONTH_DAY_RE = re.compile(
    rf"""(?P<zh>(?P<m1>{_D}{{1,2}}|{_CN_D}{{1,3}})\s*月\s*(?P<d1>{_D}{{1,2}}|{_CN_D}{{1,3}})\s*[日号])
    |(?P<dm>(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m2>{_MONTH}))
    |(?P<md>(?P<m3>{_MONTH})\s*(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\b)""",
    re.IGNORECASE | re.VERBOSE,
)
# What opens a range whose end is the next full date: a month and day without the year ("from May 1 to
# May 31, 2024", "5月1日至2024年5月31日"), or "from today" ("即日起至2024年5月31日").
_RANGE_OPEN_BEFORE_RE = re.compile(
    rf"""(?:{_MONTH_DAY_RE.pattern}|即日起|即日|今日起|发布之日起|公布之日起|\btoday\b|\bnow\b)
    \s*(?:至|到|~|～|[-–—]|\bto\b|\buntil\b|\bthrough\b|\btill\b|\band\b)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_HAS_NUMBER_RE = re.compile("[0-9０-９〇零一二三四五六七八九]")
_BEFORE_AFTER_DATE_RE = re.compile(r"\s*(?:之前|以前|前)")
# A sentence ends at these, or at ". " before a capital, unless the dot closes a month abbreviation.
_SENTENCE_END_RE = re.compile(
    r"[。！？；\n]|(?<!\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Art))(?<!\bSept)(?<!\bNo)"
    r"[.!?;]\s+(?=[A-Z\"“])"
)

_TITLE_WORDS_RE = re.compile(
    r"\b(?:Measures|Regulations?|Provisions|Rules|Law|Guidelines?|Standards?|Catalogue|Notice|Decision"
    r"|Opinions|Implementing|Draft|Specification|Requirements)\b"
    r"|办法|条例|规定|细则|法|意见|通知|决定|规范|指南|目录|征求意见稿",
)
_DRAFT_RE = re.compile(
    r"\bdraft\b|征求意见稿|草案|送审稿|试行", re.IGNORECASE
)
_NOTICE_RE = re.compile(
    r"^(?:Notice|Announcement|Circular)\b|^.{0,40}?关于.*(?:通知|公告|函)$|^(?:附件|Annex|Attachment)\s*\d*\s*[:：]",
    re.IGNORECASE,
)
# The draft a notice is about: "…关于《X（征求意见稿）》公开征求意见的通知", "Notice … on Soliciting Public
# Comments on the X (Draft for Comment)", "附件：X（征求意见稿）".
_NOTICE_SUBJECT_RE = re.compile(
    r"《(?P<quoted>[^《》]{4,120})》"
    r"|\b(?:Soliciting|Seeking|Requesting|Inviting|Solicitation\s+of)\s+(?:Public\s+)?"
    r"(?:Comments?|Opinions?|Views|Feedback)\s+on\s+(?:the\s+)?(?P<named>[A-Z].{8,200})$"
    r"|^(?:附件|Annex|Attachment)\s*\d*\s*[:：]\s*(?P<attached>\S.{3,150})$",
    re.IGNORECASE,
)
_NOT_TITLE_RE = re.compile(
    r"^(?:source|translated?|translation|unofficial|disclaimer|note|editor|by|date|published|"
    r"released|updated|contact|tel|e-?mail)\b|^(?:来源|发布|日期|时间)",
    re.IGNORECASE,
)


def detect_language(text: str) -> str | None:
    """"zh" when Chinese characters carry the text, "en" when Latin letters do, None when unclear."""
    if len(text) > 20_000:  # a sample from the start and the end is enough
        text = text[:10_000] + text[-10_000:]
    cjk = len(text) - len(IDEOGRAPH_RE.sub("", text))
    latin = len(text) - len(_LATIN_RE.sub("", text))
    if cjk + latin < 10:
        return None
    # A Chinese character carries about as much as an English word of five letters.
    share = cjk / (cjk + latin / 5)
    if share >= 0.7:
        return "zh"
    if share <= 0.3:
        return "en"
    return None


def detect_title(preamble_paragraphs: list[str]) -> str | None:
    """The draft's title: a short line of the preamble that names an instrument ("Measures ...",
    "...办法"), preferring one marked as a draft ("(Draft for Comment)", "（征求意见稿）") and not a
    notice about it ("Notice on ...", "关于…的通知") nor an attachment line ("附件：…"); else the first
    substantial line. A title broken after "of", or followed by "(Draft for Comment)" on its own line,
    is put back together. A notice's line also offers the title it names ("关于《X》…的通知" -> X)."""
    scored: list[tuple[int, int, str]] = []  # (score, index, title)
    language = detect_language("\n".join(preamble_paragraphs[:40]))
    for i, paragraph in enumerate(preamble_paragraphs[:40]):
        text = paragraph.strip()
        if not _substantial(text) or text[0] in "(（":
            continue
        title = _put_together(preamble_paragraphs, i)
        notice = _NOTICE_RE.search(text) is not None
        score = _title_score(text, title) - (3 if notice else 0)
        # A cover giving the title in both languages ("网络安全技术 …指南" / "Cybersecurity technology—
        # Guidelines …"): the one in the draft's own language; a line starting lowercase is a title's
        # wrapped second half, never a title.
        line_language = detect_language(text)
        if language is not None and line_language is not None and line_language != language:
            score -= 3
        if text[0].isascii() and text[0].islower():
            score -= 4
        scored.append((score, i, title))
        subject = _NOTICE_SUBJECT_RE.search(text) if notice else None
        if subject is not None:
            named = next(g for g in subject.groups() if g).strip()
            scored.append((_title_score(named, named), i, named))
    if not scored:
        return None
    return max(scored, key=lambda entry: (entry[0], -entry[1]))[2]


def _title_score(text: str, title: str) -> int:
    score = 0
    if _TITLE_WORDS_RE.search(title):
        score += 2
    if _DRAFT_RE.search(title):
        score += 2
    chinese = IDEOGRAPH_RE.search(text) is not None
    if ends_sentence(text) or len(text) > 150 or "，" in text or (chinese and len(text) > 60):
        score -= 4  # a sentence, not a title
    return score


def _put_together(paragraphs: list[str], start: int) -> str:
    title = paragraphs[start].strip()
    for following in paragraphs[start + 1 : start + 3]:
        following = following.strip()
        if not following or len(title) + len(following) > 250:
            break
        if ends_with_function_word(title) or (following[0] in "(（" and len(following) <= 40):
            separator = "" if IDEOGRAPH_RE.search(title[-1:] + following[:1]) or following[0] == "（" else " "
            title = f"{title}{separator}{following}"
        else:
            break
    return title


def _substantial(text: str) -> bool:
    if not text or len(text) > 250 or _NOT_TITLE_RE.search(text) or _DATE_ONLY_RE.fullmatch(text):
        return False
    if IDEOGRAPH_RE.search(text):
        return len(IDEOGRAPH_RE.findall(text)) >= 4
    words = re.findall(r"[A-Za-z]+", text)
    return (len(words) >= 2 and not text.endswith((".", ";"))) or (len(words) >= 3 and len(text) <= 120)


def parse_date(match: re.Match[str]) -> date | None:
    """The date a `_DATE_RE` match stands for, or None when it is not a real date."""
    try:
        if match.group("mdy"):
            return date(int(match.group("y1")), _MONTHS[match.group("m1").lower().rstrip(".")],
                        int(match.group("d1")))
        if match.group("dmy"):
            return date(int(match.group("y2")), _MONTHS[match.group("m2").lower().rstrip(".")],
                        int(match.group("d2")))
        if match.group("iso"):
            return date(int(match.group("y3")), int(match.group("m3")), int(match.group("d3")))
        if match.group("num"):  # "31.05.2024" (D.M); with "/" only when one reading alone is a date
            day, month, year = (int(match.group(g)) for g in ("d5", "m5", "y5"))
            if match.group("s5") == "/":
                if day <= 12 and month <= 12 and day != month:
                    return None  # "06/05/2024": 6 May or June 5 (US translations)? Better none than wrong
                if month > 12:
                    day, month = month, day
            return date(year, month, day)
        year, month, day = (_zh_number(match.group(g)) for g in ("y4", "m4", "d4"))
        if year is None or month is None or day is None:
            return None
        return date(year, month, day)
    except ValueError:
        return None


def _zh_number(token: str) -> int | None:
    return int(token) if token.isdecimal() else chinese_to_int(token)


def is_date_only(text: str) -> bool:
    return _DATE_ONLY_RE.fullmatch(text) is not None


def _range_end(sentence: str, dates: list[tuple[int, int, date]]) -> date | None:
    """The end of the first range "date 至/to date" in the sentence, the second date maybe without year."""
    for _, end, first in dates:
        joint = _RANGE_TO_RE.match(sentence, end)
        if joint is None:
            continue
        full = _DATE_RE.match(sentence, joint.end())
        if full is not None:
            found = parse_date(full)
            if found is not None and found >= first:
                return found
        partial = _MONTH_DAY_RE.match(sentence, joint.end())
        if partial is not None:
            found = _month_day(partial, first.year)
            if found is not None and found >= first:
                return found
    return None


def _range_end_after_partial(sentence: str, dates: list[tuple[int, int, date]]) -> date | None:
    """The full date that ends a range opened without a year or from today: "from May 1 to May 31,
    2024", "5月1日至2024年5月31日", "即日起至2024年5月31日"."""
    for start, _, found in dates:
        opening = _RANGE_OPEN_BEFORE_RE.search(sentence[max(0, start - 40):start])
        if opening is None:
            continue
        if any(opening.group(g) for g in ("zh", "dm", "md")):
            first = _month_day(opening, found.year)
            if first is None or first > found:
                continue
        return found
    return None


def _month_day(match: re.Match[str], year: int) -> date | None:
    try:
        if match.group("zh"):
            month, day = _zh_number(match.group("m1")), _zh_number(match.group("d1"))
            return date(year, month, day) if month and day else None
        if match.group("dm"):
            return date(year, _MONTHS[match.group("m2").lower().rstrip(".")], int(match.group("d2")))
        return date(year, _MONTHS[match.group("m3").lower().rstrip(".")], int(match.group("d3")))
    except ValueError:
        return None


def detect_deadline(text: str) -> date | None:
    """The comment deadline: a date that a sentence ties to "deadline", "due", "截止"... or that ends
    a range in a sentence about comments ("征求意见时间为5月1日至5月31日"); else, in a sentence about
    comments, one tied to "before", "by", "until", "ends on", "no later than", or "…日前". Other dates
    are ignored. A sentence with a strong word or a range wins over one with only a weak word."""
    weak_choice: date | None = None
    start = 0
    for boundary in [*_SENTENCE_END_RE.finditer(text), None]:
        end = boundary.end() if boundary else len(text)
        sentence = text[start:end]
        start = end
        if not _HAS_NUMBER_RE.search(sentence):
            continue
        strong = _STRONG_RE.search(sentence)
        if strong is None and (weak_choice is not None or not _COMMENT_RE.search(sentence)):
            continue
        dates = [(m.start(), m.end(), d) for m in _DATE_RE.finditer(sentence) if (d := parse_date(m))]
        if not dates:
            continue
        if strong:
            found = _date_after(dates, strong.end()) or _date_before(dates, strong.start())
            if found:
                return found
        if _COMMENT_RE.search(sentence):
            found = _range_end(sentence, dates) or _range_end_after_partial(sentence, dates)
            if found:
                return found
        if weak_choice is None and _COMMENT_RE.search(sentence):
            weak = _WEAK_RE.search(sentence)
            found = _date_after(dates, weak.end()) if weak else None
            if found is None:
                found = next(
                    (d for _, e, d in dates if _BEFORE_AFTER_DATE_RE.match(sentence, e)), None
                )
            weak_choice = found
    return weak_choice


def _date_after(dates: list[tuple[int, int, date]], position: int) -> date | None:
    return next((d for s, _, d in dates if s >= position), None)


def _date_before(dates: list[tuple[int, int, date]], position: int) -> date | None:
    before = [d for _, e, d in dates if e <= position]
    return before[-1] if before else None
