"""The data that flows through an import. Plain frozen dataclasses: no I/O, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

SourceKind = Literal["text", "pdf", "docx"]
ProvisionKind = Literal["preamble", "chapter", "section", "article", "paragraph", "item", "trailing"]
PROVISION_KINDS: tuple[ProvisionKind, ...] = (
    "preamble", "chapter", "section", "article", "paragraph", "item", "trailing",
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line (PDF, text) or one paragraph (DOCX) of the source, in reading order."""

    text: str
    page: int | None = None  # 1-based page number where the format knows it (PDF, form feeds in text)


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """What a reader returns: the source's lines, before any cleaning or splitting."""

    lines: tuple[Line, ...]
    kind: SourceKind
    # True: lines are visual lines that may wrap mid-sentence (PDF); False: each line is a whole
    # paragraph (DOCX); None: unknown (pasted or .txt), the cleaner decides line by line.
    wrapped: bool | None
    filename: str | None = None
    sha256: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class SplitProvision:
    """One provision as the splitter found it; the preview may edit it before it is stored.

    `text` is the provision's own text (paragraphs joined with "\\n"); an article's items and later
    paragraphs are provisions of their own that follow it. `number` is normalised (Arabic digits for
    chapters, sections and articles: "第二十九条" -> "29", "Chapter III" -> "3"; items keep their token:
    "3", "iii", "a"); `label` is the marker as written ("Article 29", "第二十九条", "(3)").
    """

    kind: ProvisionKind
    text: str = ""
    number: str | None = None
    label: str | None = None
    heading: str | None = None


@dataclass(frozen=True, slots=True)
class SplitWarning:
    message: str
    provision_index: int | None = None  # index into SplitResult.provisions, when it concerns one


@dataclass(slots=True)
class SplitResult:
    provisions: list[SplitProvision]
    warnings: list[SplitWarning] = field(default_factory=list)
    title: str | None = None
    deadline: date | None = None
    language: str | None = None  # "en", "zh", or None when unclear
