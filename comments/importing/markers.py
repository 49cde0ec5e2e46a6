"""Structural markers at the start of a paragraph ("Article 5", "第五条", "(3)"), numerals, text tests.

Everything here is context-free: `parse_marker` looks at one paragraph. The splitter adds the context
(expected number, what came before). All regexes are precompiled and anchored; none nests quantifiers
over user text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MarkerKind = Literal["chapter", "section", "article", "item", "heading"]

# --- numerals -----------------------------------------------------------------------------------

_ROMAN_VALID = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}

_UNIT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEEN_WORDS = (
    "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_WORD_VALUES = {
    **{w: i + 1 for i, w in enumerate(_UNIT_WORDS)},
    **{w: i + 10 for i, w in enumerate(_TEEN_WORDS)},
    **{w: (i + 2) * 10 for i, w in enumerate(_TENS_WORDS)},
}
_UNITS = "|".join(_UNIT_WORDS)
_BELOW_100 = rf"(?:(?:{'|'.join(_TENS_WORDS)})(?:[-\s](?:{_UNITS}))?|{'|'.join(_TEEN_WORDS)}|{_UNITS})"
# "One", "Twenty-One", "Hundred", "One Hundred and Five" (case-insensitive where used)
WORDS_NUMERAL = rf"(?:(?:(?:{_UNITS})[-\s])?hundred(?:[-\s](?:and[-\s])?{_BELOW_100})?|{_BELOW_100})"
_WORDS_FULL = re.compile(rf"{WORDS_NUMERAL}", re.IGNORECASE)

_CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS)
_CN_NUM = f"[{CN_NUMERAL_CHARS}]"
_DIGITS = "[0-9０-９]"  # ASCII and full-width digits

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def roman_to_int(token: str) -> int | None:
    """"IV" -> 4, "mmxix" -> 2019; None unless a well-formed Roman numeral from I to MMMCMXCIX."""
    upper = token.upper()
    if not upper or not _ROMAN_VALID.fullmatch(upper):
        return None
    total = 0
    for i, ch in enumerate(upper):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(upper) and _ROMAN_VALUES[upper[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def words_to_int(token: str) -> int | None:
    """"Twenty-One" -> 21, "One Hundred and Five" -> 105; None when not an English numeral."""
    if not _WORDS_FULL.fullmatch(token.strip()):
        return None
    total = 0
    current = 0
    for word in re.split(r"[-\s]+", token.strip().lower()):
        if word == "and":
            continue
        if word == "hundred":
            total += (current or 1) * 100
            current = 0
        else:
            current += _WORD_VALUES[word]
    return total + current


def chinese_to_int(token: str) -> int | None:
    """"二十九" -> 29, "一百零五" -> 105, "十二" -> 12, "二〇一九" -> 2019; None when not a numeral."""
    if not token or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in token):
        return None
    if not any(ch in _CN_UNITS for ch in token):  # digit by digit, as in years: 二〇一九
        value = 0
        for ch in token:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    total = 0
    current: int | None = None
    last_unit = 10_000
    for ch in token:
        if ch in _CN_DIGITS:
            if current is not None and _CN_DIGITS[ch] != 0:
                return None  # two digits in a row ("二三十") is not a numeral
            current = _CN_DIGITS[ch] if _CN_DIGITS[ch] != 0 else current
        else:
            unit = _CN_UNITS[ch]
            if unit >= last_unit:
                return None
            total += (current if current is not None else 1) * unit
            current = None
            last_unit = unit
    return total + (current or 0)


def int_to_chinese(value: int) -> str:
    """29 -> "二十九", 105 -> "一百零五", 10 -> "十" (0 < value < 10000)."""
    digits = "零一二三四五六七八九"
    if value <= 0 or value >= 10_000:
        return str(value)
    parts: list[str] = []
    zero = False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, value = divmod(value, unit)
        if d:
            if zero:
                parts.append("零")
                zero = False
            if not (unit == 10 and d == 1 and not parts):
                parts.append(digits[d])
            parts.append(name)
        elif parts:
            zero = True
    return "".join(parts)


def parse_number(token: str) -> int | None:
    """Any numeral this module knows: "12", "１２", "XII", "xii", "Twelve", "十二", "⑫"."""
    token = token.strip()
    if not token:
        return None
    if token.isdecimal():
        return int(token)  # int() reads full-width digits too
    if len(token) == 1 and token in _CIRCLED:
        return _CIRCLED.index(token) + 1
    return roman_to_int(token) or words_to_int(token) or chinese_to_int(token)


# --- character classes and small text tests -----------------------------------------------------

_CJK_CLASS = (
    "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\uffe0-\uffe6"
)
CJK_RE = re.compile(f"[{_CJK_CLASS}]")
IDEOGRAPH_RE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# A sentence is over when the text ends with one of these, maybe followed by closing quotes/brackets.
_TERMINAL_RE = re.compile(r"[.。;；:：!！?？…][\"'”’」』)）\]】»]*\s*$")
# ...unless the final "word" is an abbreviation that cannot end a sentence.
_ABBREVIATION_END_RE = re.compile(
    r"(?:\b(?:No|Nos|Art|Arts|Para|para|e\.g|i\.e|cf|Cf|vs|Mr|Ms|Mrs|Dr|St|pp|p)\.)$"
)


def is_cjk(ch: str) -> bool:
    return bool(ch) and CJK_RE.match(ch) is not None


def ends_sentence(text: str) -> bool:
    """True when `text` ends with sentence or clause punctuation (. 。 ; ： ! ? …)."""
    stripped = text.rstrip()[-16:]
    return bool(_TERMINAL_RE.search(stripped)) and not _ABBREVIATION_END_RE.search(stripped)


def display_width(text: str) -> int:
    """Columns a line takes: CJK and full-width characters count twice."""
    return len(text) + len(CJK_RE.findall(text))


_FUNCTION_WORD_END_RE = re.compile(
    r"\b(?:of|the|and|or|to|for|in|on|at|by|with|from|as|a|an|that|which|whose|shall|may|must|its|their"
    r"|such|into|under|than|be|is|are|not|nor|per|via|upon|within|between|including)$",
    re.IGNORECASE,
)


_INNER_SENTENCE_RE = re.compile(r"[.。;；!?！？]\s")
_INNER_ABBREVIATION_RE = re.compile(r"\b(?:No|Art|Arts|Sec)\.\s")


def ends_with_function_word(text: str) -> bool:
    """"Measures for Security Review of" cannot end a line of thought."""
    text = text.rstrip()
    if len(text) > 30:
        text = "x" + text[-30:]  # the "x" keeps a word cut by the slice from matching
    return _FUNCTION_WORD_END_RE.search(text) is not None


def is_heading_like(text: str) -> bool:
    """A short line with no sentence punctuation: "General Provisions", "适用范围", "Scope of Application"."""
    text = text.strip()
    if not text or len(text) > 120 or display_width(text) > 100:
        return False
    if ends_sentence(text) or text.endswith((",", "，", "、")) or ends_with_function_word(text):
        return False
    if _INNER_SENTENCE_RE.search(text) and not _INNER_ABBREVIATION_RE.search(text):
        return False  # a sentence inside
    words = text.split()
    if IDEOGRAPH_RE.search(text):
        return len(IDEOGRAPH_RE.findall(text)) <= 30
    return 1 <= len(words) <= 14 and not text[0].islower()


# --- markers ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Marker:
    """A structural marker found at the start of a paragraph.

    `kind` "heading" is a bracketed heading standing alone ("【适用范围】"), which names the next
    article. `number` is normalised (Arabic digits for chapters, sections and articles; items keep
    their token, but CJK and circled item numerals become Arabic digits). `value` is the number as an
    int when it has one (for items, as read in `styles[0]`). `rest` is the text after the marker,
    separator and heading. `explicit` says the number was followed by a separator (":" "." "　") or a
    bracketed heading, which references never have. `inserted` marks an article inserted after
    article `value` ("第四条之一", "Article 6 bis", "Article 7-1"; `number` "4-1", "6bis", "7-1").
    `opens_with_item` marks "Article 6 (1) Operators shall…", which is Article 6 opening with item (1)
    only where 6 is the next article number (elsewhere it reads as "Article 5(1)"). `run_on` marks a
    Chinese marker with nothing between it and the text ("第三条要求开展…"), as references are written.
    """

    kind: MarkerKind
    label: str
    number: str | None
    value: int | None
    heading: str | None
    rest: str
    styles: tuple[str, ...]
    explicit: bool = False
    inserted: bool = False
    opens_with_item: bool = False
    run_on: bool = False


_SP = r"[ \t\u3000]"  # separators inside a paragraph (the cleaner has already folded other spaces)
_SPACES_RE = re.compile(_SP)
_BRACKETS = (("(", ")"), ("（", "）"), ("[", "]"), ("［", "］"), ("【", "】"), ("〔", "〕"))
_HEADING_GROUP = "|".join(
    rf"{re.escape(o)}(?P<h{i}>[^{re.escape(o + c)}\n]{{1,150}}){re.escape(c)}"
    for i, (o, c) in enumerate(_BRACKETS)
)
_AFTER_NUMBER = (
    rf"(?P<sep>{_SP}*(?:[:：．]|\.(?![0-9])|[-–—](?={_SP}))|{_SP}+)?{_SP}*"
    rf"(?:(?P<bracket>{_HEADING_GROUP}){_SP}*(?P<sep2>[.:：．])?{_SP}*)?(?P<rest>.*)"
)
_NUMBER_EN = (
    rf"(?P<num>{_DIGITS}{{1,4}}(?![0-9０-９.．]?[0-9０-９])|[IVXLCDM]{{1,8}}\b|(?i:{WORDS_NUMERAL})\b)"
)

# An inserted article: "Article 6 bis", "Article 7-1" (never "Article 7 - Scope", which has a space).
_LATIN_INSERTS = ("bis", "ter", "quater", "quinquies", "sexies", "septies", "octies", "novies", "nonies", "decies")
_INSERT_EN = rf"(?P<insert>{_SP}?(?i:{'|'.join(_LATIN_INSERTS)})\b|-{_DIGITS}{{1,2}}(?![0-9０-９.]))?"
_ARTICLE_EN_RE = re.compile(
    rf"(?P<label>(?:Article|ARTICLE|Art\.|ART\.|Art){_SP}*{_NUMBER_EN}{_INSERT_EN}){_AFTER_NUMBER}", re.DOTALL
)
_CHAPTER_EN_RE = re.compile(
    rf"(?P<label>(?:Chapter|CHAPTER|Chap\.){_SP}*{_NUMBER_EN}){_AFTER_NUMBER}", re.DOTALL
)
_SECTION_EN_RE = re.compile(
    rf"(?P<label>(?:Section|SECTION|Sec\.){_SP}*{_NUMBER_EN}){_AFTER_NUMBER}", re.DOTALL
)
# Letter-spaced numerals ("第 十 三 条") are common in typeset originals.
_NUMBER_ZH = rf"(?P<num>{_DIGITS}{{1,4}}|{_CN_NUM}(?:{_SP}?{_CN_NUM}){{0,7}})"
_ARTICLE_ZH_RE = re.compile(
    rf"(?P<label>第{_SP}?{_NUMBER_ZH}{_SP}?条(?P<insert>之{_CN_NUM}{{1,3}})?){_AFTER_NUMBER}", re.DOTALL
)
_CHAPTER_ZH_RE = re.compile(rf"(?P<label>第{_SP}?{_NUMBER_ZH}{_SP}?章){_AFTER_NUMBER}", re.DOTALL)
_SECTION_ZH_RE = re.compile(rf"(?P<label>第{_SP}?{_NUMBER_ZH}{_SP}?节){_AFTER_NUMBER}", re.DOTALL)

_BRACKET_ALONE_RE = re.compile(
    r"(?:【(?P<a>[^【】]{1,80})】|〔(?P<b>[^〔〕]{1,80})〕|\[(?P<c>[^\[\]]{1,80})\])"
)

# Item markers: (regex, styles). Order matters: the first that matches wins.
_ITEM_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"(?P<rest>.*)", re.DOTALL), style)
    for pattern, style in (
        (rf"(?P<label>[(（]{_SP}?(?P<num>{_DIGITS}{{1,3}}){_SP}?[)）]){_SP}*", "paren_digit"),
        (rf"(?P<label>[(（](?P<num>{_CN_NUM}{{1,4}})[)）]){_SP}*", "paren_cjk"),
        (r"(?P<label>[(（](?P<num>[ivxlcdm]{1,7})[)）])" + f"{_SP}*", "paren_roman"),
        (r"(?P<label>[(（](?P<num>[a-z]{1,2})[)）])" + f"{_SP}*", "paren_lower"),
        (r"(?P<label>[(（](?P<num>[IVXLCDM]{1,7})[)）])" + f"{_SP}*", "paren_upper_roman"),
        (r"(?P<label>[(（](?P<num>[A-Z])[)）])" + f"{_SP}*", "paren_upper"),
        (rf"(?P<label>(?P<num>{_DIGITS}{{1,3}})[.．])(?![0-9０-９]){_SP}*", "dot_digit"),
        (rf"(?P<label>(?P<num>{_DIGITS}{{1,3}})[)）]){_SP}*", "close_digit"),
        (rf"(?P<label>(?P<num>{_DIGITS}{{1,3}})[、，]){_SP}*", "comma_digit"),
        (rf"(?P<label>(?P<num>{_CN_NUM}{{1,4}})[、．.]){_SP}*", "comma_cjk"),
        (rf"(?P<label>(?P<num>[ivx]{{1,5}})[.)])(?={_SP}|$){_SP}*", "close_roman"),
        (rf"(?P<label>(?P<num>[a-z])\))(?={_SP}|[A-Za-z]|$){_SP}*", "close_lower"),
        (rf"(?P<label>(?P<num>[a-z])\.)(?={_SP}|$){_SP}*", "dot_lower"),
        (rf"(?P<label>(?P<num>[{_CIRCLED}])){_SP}*", "circled"),
        (rf"(?P<label>(?P<num>[IVXLCDM]{{1,7}})\.)(?={_SP}){_SP}*", "dot_upper_roman"),
        (rf"(?P<label>(?P<num>[A-Z])\.)(?={_SP}){_SP}*", "dot_upper"),
    )
)
# A style may also be read as another one: "(i)" is roman, or the ninth letter in a run "(h)(i)".
_AMBIGUOUS_ROMAN = frozenset("ivxlcdm")
ARTICLE_LIKE_STYLES = ("dot_digit", "comma_cjk", "comma_digit", "dot_upper_roman")

# A word at the start of the rest that shows the "marker" is in fact a cross-reference.
_EN_REFERENCE_REST_RE = re.compile(
    r"(?:[a-z]|[,;)\]、，；）]|[-–/](?!\s)|&|\.[0-9]|'s\b|’s\b)"
)
# "项/款/目" right after an item label is "第（一）项" cut before the label ("项目", "目标" are words).
_ITEM_REFERENCE_REST_RE = re.compile(
    r"(?:[,;)\]、，；）.]|(?:of|herein|hereof|thereof|above|below|and|or|nor)\b"
    r"|(?:to|through)\s*[(（\d]|项(?!目)|款(?![项式])|目(?=规定|的规定|所列))",
)
_ZH_REFERENCE_REST_RE = re.compile(
    r"(?:[的规所中之、，,。；;和或及与至到第款项以有起前后外内条）)”列]|要求|明确|确定|载明|提及|设定)"
)


def zh_reference_follows(rest: str) -> bool:
    """Does the text right after a Chinese provision number make it a cross-reference ("第三条规定的…",
    "第三条要求…") rather than a marker? Shared with the past-submission reader's labels."""
    return _ZH_REFERENCE_REST_RE.match(rest) is not None


def _bracket_heading(match: re.Match[str]) -> str | None:
    for i in range(len(_BRACKETS)):
        value = match.group(f"h{i}")
        if value is not None:
            return value.strip()
    return None


def _is_bare_token(text: str) -> bool:
    """"1", "ii", "a", "一": a sub-reference like "Article 5(1)", not a heading."""
    return re.fullmatch(rf"(?:{_DIGITS}{{1,3}}|[ivxlcdm]{{1,6}}|[a-zA-Z]|{_CN_NUM}{{1,4}})", text) is not None


def _numbered(
    match: re.Match[str], kind: MarkerKind, style: str, *, chinese: bool
) -> Marker | None:
    number_text = _SPACES_RE.sub("", match.group("num"))  # "十 三" -> "十三"
    value = parse_number(number_text)
    if value is None or value == 0:
        return None
    heading = _bracket_heading(match) if match.group("bracket") else None
    rest = match.group("rest").strip()
    opens_with_item = False
    if heading is not None and _is_bare_token(heading):
        # "Article 5(1) of the Law" is a reference; "Article 6 (1) Operators shall…" may be Article 6
        # opening with its item (1): the splitter decides by the expected number.
        if chinese or not rest[:1].isupper() or heading not in _FIRST_ITEM_TOKENS:
            return None
        rest = f"{match.group('bracket').strip()} {rest}"
        heading, opens_with_item = None, True
    sep = match.group("sep") or ""
    colon = ":" in sep or "：" in sep
    # References never have a bracketed heading, a colon, a dash or an ideographic space after the
    # number; a full stop proves nothing ("... under Article 5. The operator").
    explicit = heading is not None or colon or "\u3000" in sep or any(d in sep for d in "-–—")
    if heading is None and rest:
        if chinese:
            if not sep and _ZH_REFERENCE_REST_RE.match(rest):
                return None  # "第二十一条的规定", "第五条第二款"
            if sep and rest[0] in "，、。；,;）)":
                return None
        elif _EN_REFERENCE_REST_RE.match(rest) and not colon:
            return None  # "Article 21 of the Cybersecurity Law", "Article 6 herein", "Article 5, ..."
    label = re.sub(r"\s+", " ", match.group("label").strip())
    number = str(value)
    insert = (match.groupdict().get("insert") or "").strip()
    if insert:
        if insert[0] == "之":
            sub = parse_number(insert[1:])
            if sub is None or sub == 0:
                return None
            number = f"{value}-{sub}"
        else:
            number = f"{value}{insert.lower()}"
    return Marker(
        kind=kind, label=label, number=number, value=value, heading=heading or None, rest=rest,
        styles=(style,), explicit=explicit and not opens_with_item, inserted=bool(insert),
        opens_with_item=opens_with_item, run_on=chinese and not sep and heading is None and bool(rest),
    )


_FIRST_ITEM_TOKENS = frozenset({"1", "a", "A", "i"})  # the first item of a list, in each style


def _group(*styles: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(entry for entry in _ITEM_PATTERNS if entry[1] in styles)


_PAREN_ITEMS = _group(
    "paren_digit", "paren_cjk", "paren_roman", "paren_lower", "paren_upper_roman", "paren_upper"
)
_DIGIT_ITEMS = _group("dot_digit", "close_digit", "comma_digit")
_CJK_ITEMS = _group("comma_cjk")
_LETTER_ITEMS = _group("close_roman", "close_lower", "dot_lower")
_CIRCLED_ITEMS = _group("circled")
_UPPER_DOT_ITEMS = _group("dot_upper_roman", "dot_upper")


def _item_patterns(text: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The item patterns worth trying, by the paragraph's first character."""
    first = text[0]
    if first in "(（":
        return _PAREN_ITEMS
    if first in _CIRCLED:
        return _CIRCLED_ITEMS
    if first.isdecimal():
        return _DIGIT_ITEMS
    if first in CN_NUMERAL_CHARS:
        return _CJK_ITEMS
    if "a" <= first <= "z" and (")" in text[1:7] or "." in text[1:7]):
        return _LETTER_ITEMS
    if "A" <= first <= "Z" and "." in text[1:8]:
        return _UPPER_DOT_ITEMS
    return ()


def _item(text: str) -> Marker | None:
    for pattern, style in _item_patterns(text):
        match = pattern.match(text)
        if match is None:
            continue
        token = match.group("num")
        rest = match.group("rest").strip()
        if rest and _ITEM_REFERENCE_REST_RE.match(rest):
            return None  # "(2) of this Article", "(1) and (2)", "1. 5 percent"
        styles: tuple[str, ...] = (style,)
        number = token
        if style in ("paren_digit", "dot_digit", "close_digit", "comma_digit"):
            number = str(int(token))
        elif style in ("paren_cjk", "comma_cjk", "circled"):
            parsed = parse_number(token)
            if parsed is None:
                return None
            number = str(parsed)
        elif style == "paren_roman":
            if roman_to_int(token) is None:
                if len(token) > 2:
                    return None
                styles = ("paren_lower",)
            elif token in _AMBIGUOUS_ROMAN:
                styles = ("paren_roman", "paren_lower") if token == "i" else ("paren_lower", "paren_roman")
        elif style == "paren_upper_roman":
            if roman_to_int(token) is None:
                return None
            if len(token) == 1:
                styles = ("paren_upper_roman", "paren_upper")
                if token != "I":
                    styles = ("paren_upper", "paren_upper_roman")
        elif style == "dot_upper_roman":
            if roman_to_int(token) is None:
                return None
            if len(token) == 1:  # "I." opens roman divisions; "C." more likely follows "A." "B."
                styles = ("dot_upper_roman", "dot_upper") if token == "I" else ("dot_upper", "dot_upper_roman")
        elif style == "close_roman":
            if roman_to_int(token) is None:
                return None
            roman, letter = ("dot_roman", "dot_lower") if match.group("label")[-1] == "." else (style, "close_lower")
            styles = (roman,)
            if token in _AMBIGUOUS_ROMAN:
                styles = (roman, letter) if token == "i" else (letter, roman)
        return Marker(
            kind="item", label=match.group("label"), number=number, value=item_value(number, styles[0]),
            heading=None, rest=rest, styles=styles,
        )
    return None


def item_value(token: str, style: str) -> int | None:
    """The position of an item token in its style: "iii" as roman -> 3, "c" as letter -> 3."""
    if token.isdecimal():
        return int(token)
    if "roman" in style:
        return roman_to_int(token)
    if len(token) == 1 and token.isascii() and token.isalpha():
        return ord(token.lower()) - ord("a") + 1
    if len(token) == 2 and token[0] == token[1] and token.isascii() and token.isalpha():
        return 26 + ord(token[0].lower()) - ord("a") + 1  # "aa" after "z"
    return parse_number(token)


_NumberedPattern = tuple[re.Pattern[str], MarkerKind, str]
_ZH_NUMBERED: tuple[_NumberedPattern, ...] = (
    (_ARTICLE_ZH_RE, "article", "article_zh"),
    (_CHAPTER_ZH_RE, "chapter", "chapter_zh"),
    (_SECTION_ZH_RE, "section", "section_zh"),
)
_EN_NUMBERED: tuple[_NumberedPattern, ...] = (
    (_ARTICLE_EN_RE, "article", "article_en"),
    (_CHAPTER_EN_RE, "chapter", "chapter_en"),
    (_SECTION_EN_RE, "section", "section_en"),
)


def parse_marker(text: str) -> Marker | None:
    """The marker opening this paragraph, or None (also None when it reads as a cross-reference)."""
    text = text.lstrip(" \t\u3000")
    if not text:
        return None
    first = text[0]
    if first == "第" or first in "ACS":
        chinese = first == "第"
        for pattern, kind, style in _ZH_NUMBERED if chinese else _EN_NUMBERED:
            match = pattern.match(text)
            if match:
                return _numbered(match, kind, style, chinese=chinese)
        if chinese:
            return None
    if first in "【〔[":
        match = _BRACKET_ALONE_RE.fullmatch(text.rstrip())
        if match:
            heading = (match.group("a") or match.group("b") or match.group("c") or "").strip()
            if heading and not _is_bare_token(heading) and not is_note(text):
                return Marker(kind="heading", label=text.rstrip(), number=None, value=None,
                              heading=heading, rest="", styles=("heading",))
            return None
    return _item(text)


def parse_item_label(label: str) -> Marker | None:
    """Read an item label such as "(i)" or "（三）" back (used to rebuild the item tree)."""
    marker = _item(label.strip())
    return marker if marker is not None and marker.kind == "item" and not marker.rest else None


_REFERENCE_START_RE = re.compile(
    r"(?:Articles?|Art\.|Arts\.|Chapters?|Sections?|Paragraphs?|Items?|Sub-?paragraphs?|Annex|Point)"
    rf"{_SP}*(?:{_DIGITS}|[IVXLC]+\b|\()|第{_SP}?(?:{_DIGITS}{{1,4}}|{_CN_NUM}{{1,8}}){_SP}?[条章节款项]",
)


def looks_like_reference(text: str) -> bool:
    """True when the paragraph starts with a provision word and a number, marker or not."""
    return _REFERENCE_START_RE.match(text.lstrip()) is not None


# Notes by translators or editors, and placeholders, which are never a provision's heading or text.
_NOTE_START_RE = re.compile(
    r"(?:(?:Translator|Editor)'?s?\s+notes?|Trans(?:\.|lation)\s+notes?|Notes?\s*[:：]|N\.?B\.?\s*[:：]"
    r"|Footnote\b)|译者注|译注|编者注|编者按|注[:：]",
    re.IGNORECASE,
)
# In brackets a bare word is enough: "[Deleted]", "[Translator: …]", "【删除】".
_BRACKETED_NOTE_RE = re.compile(
    r"(?:Translator'?s?|Editor'?s?|Trans\.|Ed\.|Notes?|NB|N\.B\.|Deleted|Repealed|Reserved|Omitted"
    r"|Footnote)\b|译者|译注|编者|编注|注[:：]|注释|已?删除",
    re.IGNORECASE,
)
_FULL_STOP_END_RE = re.compile(r"[.。!?！？][\"'”’」』]*$")
_NOTE_BRACKETS = (("[", "]"), ("【", "】"), ("〔", "〕"), ("(", ")"), ("（", "）"), ("［", "］"))


def is_note(text: str) -> bool:
    """"[Translator's note: …]", "Note: …", "[Deleted]", "【编者按：…】", or a whole bracketed sentence
    ("[The draft says 'may'.]"): an annotation, not a heading nor a paragraph of the draft."""
    text = text.strip().lstrip("*†‡ ")
    bracketed = False
    for opening, closing in _NOTE_BRACKETS:
        if len(text) >= 2 and text[0] == opening and text[-1] == closing:
            text, bracketed = text[1:-1].strip(), True
            break
    if _NOTE_START_RE.match(text) or (bracketed and _BRACKETED_NOTE_RE.match(text)):
        return True
    return bracketed and _FULL_STOP_END_RE.search(text) is not None and not _ABBREVIATION_END_RE.search(text)


# A reference cut by a line break: "... listed in item" / "(3) shall be ...", "…第四十五条第" / "（一）项…".
_REFERENCE_WORD_END_RE = re.compile(
    r"(?:\b(?:items?|sub-?items?|sub-?paragraphs?|paragraphs?|points?|clauses?|letters?|Article\s+\d+)|第)$",
    re.IGNORECASE,
)
_BRACKET_LABEL_START_RE = re.compile(rf"[(（]{_SP}?[0-9０-９a-zA-Z{CN_NUMERAL_CHARS}]{{1,4}}{_SP}?[)）]{_SP}*")
_ZH_SUBREFERENCE_START_RE = re.compile(
    rf"第{_SP}?(?:[(（]{_CN_NUM}{{1,4}}[)）]|{_DIGITS}{{1,3}}|{_CN_NUM}{{1,4}}){_SP}?[款项目]"
)


def item_reference_continues(previous: str, line: str) -> bool:
    """Is `line` the rest of a cross-reference cut at the end of `previous` (so not a new item)?

    "...listed in item" + "(3) shall be given a warning", "...Article 2, subparagraph" + "(b) applies",
    "…第四十五条第一款第" + "（一）项规定情形的", "…第十二条第一款" + "第（二）项规定的"."""
    previous, line = previous.rstrip(), line.lstrip()
    if not previous or not line or ends_sentence(previous):
        return False
    if _ZH_SUBREFERENCE_START_RE.match(line):
        return True  # a paragraph or item reference cannot open a provision
    if not _REFERENCE_WORD_END_RE.search(previous[-40:]):
        return False
    label = _BRACKET_LABEL_START_RE.match(line)
    if label is None:
        return False
    rest = line[label.end():]
    return not rest or rest[0] in "项款目" or rest[0].islower() or rest[0] in ",;，；、"


# --- clauses of standards -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Clause:
    """A clause number opening a paragraph of a standard: "4.1.2 General", "3.1" alone, "A.2 Scope".

    `path` is the number read part by part ((4, 1, 2); an annex clause starts with its letter:
    ("A", 2)). `rest` is the text after the number. Whether it really is a clause (and not "3.5 million
    users…") depends on the clauses around it: the splitter decides.
    """

    path: tuple[int | str, ...]
    label: str
    rest: str


# "4.1.2 Title", "4.1.2　本文件…", "3.1" alone, "A.1 General"; at most two digits a part (never a year).
_CLAUSE_RE = re.compile(
    rf"(?P<num>(?:[A-Z]|[0-9０-９]{{1,2}})(?:[.．][0-9０-９]{{1,2}}){{0,5}})(?![.．]?[0-9０-９A-Za-z])"
    rf"(?P<sep>{_SP}+)?(?P<rest>.*)",
    re.DOTALL,
)


# A quantity, not a clause: "3.5 million users", "1.5 times", "2.5 per cent".
_QUANTITY_RE = re.compile(
    r"(?:million|billion|thousand|hundred|times|percent|per\s?cent|per\b|years?|months?|days?|hours?"
    r"|minutes?|seconds?|[kmgt]?b\b|[km]?m\b|kg\b|mb\b|gb\b|yuan|rmb|usd|dollars?|euros?)",
    re.IGNORECASE,
)


def parse_clause(text: str, *, lowercase: bool = False) -> Clause | None:
    """The clause number opening this paragraph, by its shape only; None when there is none.

    A number must be followed by a separator, or by Chinese text ("5.1总体要求", spaces lost in pasting),
    or stand alone; English text after it must start with a capital ("3.5 million" is no clause) unless
    `lowercase` (a term entry joined to its number: "3.1 personal information"), and never be a
    quantity; no part is 0 ("2.0"). A single letter needs a part after it ("A.1", never "A")."""
    text = text.strip()
    match = _CLAUSE_RE.match(text)
    if match is None:
        return None
    parts = re.split("[.．]", match.group("num"))
    if parts[0].isalpha() and len(parts) == 1:
        return None
    path: list[int | str] = [parts[0]] if parts[0].isalpha() else [int(parts[0])]
    path.extend(int(p) for p in parts[1:])
    if any(p == 0 for p in path):
        return None
    rest = match.group("rest").strip()
    if rest:
        if not match.group("sep") and not IDEOGRAPH_RE.match(rest):
            return None  # "4.1x", "3.5%"
        first = rest[0]
        if first in ",;:%)）、，；：.。-–—/×" or _QUANTITY_RE.match(rest):
            return None
        if first.islower() and not (lowercase and len(path) > 1):
            return None
    label = ".".join(str(p) for p in path)
    return Clause(tuple(path), label, rest)


# "附录A（规范性）数据分类示例", "附 录 B", "Annex A (normative) Main risks", "ANNEX B (informative)".
_ANNEX_STATUSES = r"规范性(?:附录)?|资料性(?:附录)?|参考性(?:附录)?|normative|informative"
_CLAUSE_ANNEX_RE = re.compile(
    rf"(?:附{_SP}*录{_SP}*(?P<zh>[A-Z])|(?:Annex|ANNEX|Appendix|APPENDIX){_SP}+(?P<en>[A-Z]))(?![A-Za-z])"
    rf"{_SP}*(?:[(（](?P<status>{_ANNEX_STATUSES})[)）])?{_SP}*(?P<title>.*)",
    re.IGNORECASE | re.DOTALL,
)
_ANNEX_STATUS_ALONE_RE = re.compile(rf"[(（](?:{_ANNEX_STATUSES})[)）]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AnnexHeading:
    letter: str
    label: str  # "附录A", "Annex A"
    status: str | None  # "（规范性）", "(normative)", as written
    title: str


def parse_annex_heading(text: str) -> AnnexHeading | None:
    """An annex of a standard opening: "附录A（规范性）…", "Annex B (informative) …", "Annex A" alone.
    A sentence ("Annex A lists the risks.") is not one."""
    text = text.strip()
    match = _CLAUSE_ANNEX_RE.fullmatch(text)
    if match is None:
        return None
    title = match.group("title").strip()
    if title and (not is_heading_like(title) or title[0].islower()):
        return None
    letter = (match.group("zh") or match.group("en")).upper()
    label = f"附录{letter}" if match.group("zh") else f"Annex {letter}"
    status = match.group("status")
    if status is not None:
        status = f"（{status}）" if match.group("zh") else f"({status.lower()})"
    return AnnexHeading(letter, label, status, title)


def is_annex_status(text: str) -> bool:
    """"（规范性）", "(informative)": the line under an annex heading that says what kind it is."""
    return _ANNEX_STATUS_ALONE_RE.fullmatch(text.strip()) is not None
