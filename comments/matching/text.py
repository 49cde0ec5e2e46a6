"""Text normalisation and the lexical features the matcher compares.

English translations of one Chinese article differ in a predictable set of word choices (安全 is "secure",
"safe" or "security"; 境外 is "abroad", "overseas" or "outside the territory"). A short glossary folds those
variants onto one term before features are taken, the way a translation memory uses a term base.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

# Variant -> canonical term. Phrases first: they are replaced before single words.
PHRASES = {
    "outside the territory": "abroad", "outside china": "abroad", "outside the prc": "abroad",
    "outside mainland china": "abroad", "cross border": "abroad", "out of china": "abroad",
    "within the territory": "domestic", "inside the territory": "domestic", "in the territory": "domestic",
    "inside mainland china": "domestic", "within mainland china": "domestic", "inside china": "domestic",
    "within china": "domestic", "in china": "domestic", "on domestic servers": "domestic",
    "people s republic of china": "china", "the prc": "china",
    "key information infrastructure": "critical information infrastructure",
    "cii operators": "critical information infrastructure operators",
    "personal data": "personal information", "malicious programs": "malware", "malicious program": "malware",
    "state council": "statecouncil", "internet information": "cyberspace", "network security": "cybersecurity",
    "cyber security": "cybersecurity", "multi level": "level", "go public": "list", "real name": "real identity",
    "must not": "shall not", "may not": "shall not", "is not allowed to": "shall not",
}
WORDS = {
    "safe": "secure", "safety": "secure", "security": "secure", "secured": "secure", "securely": "secure",
    "overseas": "abroad", "foreign": "abroad", "outbound": "abroad", "offshore": "abroad",
    "domestically": "domestic", "onshore": "domestic", "local": "domestic", "localised": "domestic",
    "prc": "china", "chinese": "china", "cii": "critical", "ciio": "critical", "ciios": "critical",
    "procure": "purchase", "procurement": "purchase", "buy": "purchase", "acquire": "obtain",
    "processor": "handler", "processors": "handler", "handle": "process", "handling": "process",
    "cryptography": "crypto", "cryptographic": "crypto", "encryption": "crypto", "encrypted": "crypto",
    "loophole": "vulnerability", "loopholes": "vulnerability", "flaw": "vulnerability", "flaws": "vulnerability",
    "defect": "vulnerability", "defects": "vulnerability", "bug": "vulnerability", "bugs": "vulnerability",
    "supplier": "provider", "suppliers": "provider", "vendor": "provider", "vendors": "provider",
    "evaluation": "assessment", "evaluate": "assess", "examination": "review", "examine": "review",
    "inspection": "test", "testing": "test", "tested": "test", "detection": "test",
    "tier": "level", "tiered": "level", "grade": "level", "graded": "level", "grading": "level",
    "hierarchical": "level", "classified": "category", "classification": "category",
    "regulator": "authority", "regulators": "authority", "agency": "authority", "organ": "authority",
    "organs": "authority", "bodies": "authority", "body": "authority",
    "must": "shall", "transfer": "provide", "transfers": "provide", "supply": "provide", "send": "provide",
    "keep": "store", "retain": "store", "gather": "collect", "produce": "generate", "produced": "generate",
    "person": "individual", "people": "individual", "persons": "individual", "citizen": "individual",
    "entity": "organisation", "entities": "organisation", "organization": "organisation",
    "trustworthy": "trusted", "reliable": "trusted", "malware": "malware", "countermeasure": "reciprocal",
    "countermeasures": "reciprocal", "internet": "network", "online": "network", "cyber": "cybersecurity",
}
_STOP = (
    "a an the of and or to in on for by with as at be is are was were been shall such its their it they this "
    "that these those which who whom from into any all other relevant accordance according law laws"
)
STOPWORDS = frozenset(_STOP.split())
_CN_NUMBER = "一二三四五六七八九十百千零〇两"
# A provision's own number, and the markers of its paragraphs and items, at the start of a line of the raw text:
# "Article 35:", "Art. 6 bis", "Section 4.1", "第三十五条", "第四条之一", "4.1", "1.", "(1)", "（一）", "一、", "a)",
# "(iv)". Articles are renumbered between drafts, and two unrelated provisions share numbers all the time, so
# neither the number nor the word "Article" may make two texts look alike.
LINE_LABEL = re.compile(
    r"^[ \t\u3000]*(?:"
    r"(?:article|art\.?|section|sect?\.|clause|paragraph|para\.?|item|rule|chapter|part)[ \t]+"
    r"(?:\d+(?:\.\d+)*|[ivxlc]+\b|[a-z]\b)(?:[ \t]*(?:bis|ter|quater)\b)?[.:：]?"
    rf"|第[ \t]*[{_CN_NUMBER}\d]+[ \t]*[条款项章节编](?:之[{_CN_NUMBER}\d]+)?[：:]?"
    r"|\d+(?:\.\d+)+\b\.?|\d{1,3}[.)、．]"
    rf"|[(（][ \t]*(?:\d{{1,3}}|[{_CN_NUMBER}]+|[a-z]|[ivxlc]+)[ \t]*[)）]"
    rf"|[{_CN_NUMBER}]+[、．]|(?:[a-z]|[ivxlc]+)\)"
    r")[ \t\u3000]*",
    re.IGNORECASE | re.MULTILINE,
)
# References to other provisions inside the text ("under Article 35", "第三十五条规定", "paragraph 2 of this
# Article"): the words name a place in a law, not what the provision says.
_CN_REFERENCE = re.compile(rf"第[{_CN_NUMBER}\d]+[条款项章节](?:之[{_CN_NUMBER}\d]+)?|[(（][{_CN_NUMBER}]+[)）]")
LABEL_WORDS = frozenset({"article", "articles", "art", "paragraph", "paragraphs", "para", "item", "items", "clause",
                         "clauses", "subparagraph", "chapter", "section", "bis", "ter", "preceding"})
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[a-z0-9]+")
NOT_WORD = re.compile(r"[\W_]+")  # punctuation, symbols, spaces
LETTER = re.compile(r"[^\W\d_]")
_PHRASE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, PHRASES), key=len, reverse=True)) + r")\b")


def normalise(text: str) -> str:
    """Full-width to ASCII, lower case, punctuation to spaces, whitespace collapsed: what "identical" means."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(NOT_WORD.sub(" ", text).split())


def strip_labels(text: str) -> str:
    """Drop the provision's number and its items' markers from the start of each line of the raw text
    ("Article 35:", "第三十五条", "(1)", "（一）", "a)"): articles are renumbered between drafts, and a shared
    number says nothing about what two provisions say."""
    return LINE_LABEL.sub("", text)


def is_chinese(text: str) -> bool:
    """Mostly Chinese characters (then we compare characters, not words)."""
    if not CJK.search(text):
        return False
    return len(CJK.findall(text)) * 2 > len(LETTER.findall(text))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude suffix stripper: enough to let "stores"/"stored"/"storing" and -ise/-ize meet."""
    word = re.sub(r"is(e|ed|es|ing|ation|ations)$", r"iz\1", word)
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)] + keep
    return word


def terms(body: str) -> list[str]:
    """Canonical word stems of a normalised English provision, stopwords dropped."""
    out = []
    for word in WORD.findall(_PHRASE.sub(lambda m: PHRASES[m.group(1)], body)):
        word = WORDS.get(word, word)
        if word not in STOPWORDS and word not in LABEL_WORDS and not word.isdigit() and len(word) > 1:
            out.append(stem(word))
    return out


@dataclass(frozen=True, slots=True)
class Prepared:
    """One provision as the matcher sees it."""

    normal: str  # normalise(text): equal means identical (100 %)
    body: str  # the same without its article number and item markers: what edit distance compares
    chinese: bool
    canon: str  # canonical stems (English) or bare characters (Chinese): what word overlap compares
    features: list[str]  # what TF-IDF counts: stems and stem pairs, or 1-3 character grams


def prepare(text: str) -> Prepared:
    normal = normalise(text)
    unlabelled = strip_labels(text)
    body = normalise(unlabelled)
    if is_chinese(body):
        chars = "".join(CJK.findall(normalise(_CN_REFERENCE.sub(" ", unlabelled))))
        grams = [chars[i:i + n] for n in (1, 2, 3) for i in range(len(chars) - n + 1)]
        return Prepared(normal, body, True, chars, grams)
    words = terms(body)
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return Prepared(normal, body, False, " ".join(words), words + pairs)
