"""The import preview's corrections to a split. Pure: each returns a new SplitResult.

Indexes are 0-based positions in `result.provisions`; messages count provisions from 1, as the preview
shows them. Each operation re-runs `check_numbering`: numbering warnings of the old split are replaced
by those of the new one; other warnings (reader, cleaner, splitter notes) are kept. Unnumbered
paragraphs whose label the splitter gave ("Paragraph 2") are renumbered; labels set by hand are kept.
"""

from __future__ import annotations

from dataclasses import replace

from comments.errors import InvalidInput
from comments.importing.document import PROVISION_KINDS, ProvisionKind, SplitProvision, SplitResult
from comments.importing.markers import ends_sentence, is_cjk, parse_marker
from comments.importing.splitter import (
    build_provisions,
    check_numbering,
    promote_numbering,
    promoted_style,
    renumber_paragraphs,
)

__all__ = [
    "check_numbering",
    "merge_with_next",
    "provision_text",
    "set_preamble_end",
    "set_trailing_start",
    "split_at",
    "update_provision",
]


def merge_with_next(result: SplitResult, index: int) -> SplitResult:
    """Append the next provision (with its label) to this one as a new paragraph; this one keeps its
    kind, number, label and heading. A provision that stops mid-sentence ("…review for a") and a
    paragraph with no marker of its own join into one sentence again: merging undoes a split."""
    count = len(result.provisions)
    if not 0 <= index < count - 1:
        missing = index + 2 if 0 <= index < count else index + 1
        raise InvalidInput(f"There is no provision {missing} to merge with.")
    provisions = _copy(result)
    first, second = provisions[index], provisions[index + 1]
    rest = provision_text(second)
    if first.text and rest and _continues_sentence(first.text, second):
        first.text += ("" if is_cjk(first.text[-1]) or is_cjk(rest[0]) else " ") + rest
    else:
        first.text = "\n".join(t for t in (first.text, rest) if t)
    del provisions[index + 1]
    return _finish(result, provisions)


def split_at(result: SplitResult, index: int, offset: int) -> SplitResult:
    """Cut provision `index` at character `offset` of its text. The second part becomes a provision of
    its own: read from its marker if it starts with one ("Article 7 ...", "(2) ..."), else a paragraph."""
    _check_index(result, index, "to split")
    provisions = _copy(result)
    provision = provisions[index]
    text = provision.text
    if len(text) < 2:
        raise InvalidInput(f"Provision {index + 1} has no text to split.")
    if not 0 < offset < len(text):
        raise InvalidInput(
            f"Provision {index + 1} can only be split inside its text, at a position from 1 to "
            f"{len(text) - 1}."
        )
    head, tail = text[:offset].rstrip(), text[offset:].strip()
    if not head or not tail:
        raise InvalidInput(f"Splitting provision {index + 1} there would leave an empty part.")
    provision.text = head
    provisions[index + 1 : index + 1] = _reparse([tail], promoted_style(result.provisions))
    return _finish(result, provisions)


def update_provision(
    result: SplitResult,
    index: int,
    *,
    kind: str | None = None,
    number: str | None = None,
    label: str | None = None,
    heading: str | None = None,
) -> SplitResult:
    """Change a provision's kind, number, label or heading. None leaves a field as it is; an empty
    string removes the number, label or heading."""
    _check_index(result, index, "to change")
    provisions = _copy(result)
    provision = provisions[index]
    if kind is not None:
        provision.kind = _kind(kind)
    if number is not None:
        provision.number = number.strip() or None
    if label is not None:
        provision.label = label.strip() or None
    if heading is not None:
        provision.heading = heading.strip() or None
    return _finish(result, provisions, renumber=False)


def set_preamble_end(result: SplitResult, index: int) -> SplitResult:
    """Make provisions 0..index-1 the preamble (one provision). A former preamble from `index` on is
    read again from its text, paragraph by paragraph."""
    _check_boundary(result, index, "preamble")
    style = promoted_style(result.provisions)
    before, after = result.provisions[:index], result.provisions[index:]
    provisions: list[SplitProvision] = []
    if before:
        provisions.append(SplitProvision("preamble", _joined(before)))
    for p in after:
        if p.kind == "preamble":
            provisions.extend(_reparse(p.text.split("\n"), style))
        else:
            provisions.append(replace(p))
    return _finish(result, provisions)


def set_trailing_start(result: SplitResult, index: int) -> SplitResult:
    """Make provisions index..end the trailing matter (one provision); `index` = the number of
    provisions means no trailing matter. Former trailing matter before `index` is read again."""
    _check_boundary(result, index, "trailing matter")
    style = promoted_style(result.provisions)
    before, after = result.provisions[:index], result.provisions[index:]
    provisions: list[SplitProvision] = []
    for p in before:
        if p.kind == "trailing":
            provisions.extend(_reparse(p.text.split("\n"), style))
        else:
            provisions.append(replace(p))
    if after:
        provisions.append(SplitProvision("trailing", _joined(after)))
    return _finish(result, provisions)


def _continues_sentence(text: str, following: SplitProvision) -> bool:
    """Does `following` carry on the sentence `text` stops in? Only an unmarked paragraph can."""
    unmarked = following.kind == "paragraph" and parse_marker(following.text) is None
    return unmarked and not ends_sentence(text) and not text.endswith((":", "：", ";", "；"))


def provision_text(p: SplitProvision) -> str:
    """The provision written out as one paragraph again: "Article 5 (Scope) text", "(2) text"."""
    if p.kind in ("preamble", "trailing", "paragraph") or not p.label:
        parts = [p.text]
        if p.kind not in ("preamble", "trailing", "paragraph") and p.heading:
            parts.insert(0, p.heading)
        return "\n".join(part for part in parts if part)
    head = p.label
    if p.heading:
        chinese = is_cjk(p.label[-1]) or is_cjk(p.heading[:1])
        if p.kind in ("chapter", "section"):
            head = f"{head}{_space(head)}{p.heading}"
        else:
            head = f"{head}【{p.heading}】" if chinese else f"{head} ({p.heading})"
    if not p.text:
        return head
    return f"{head}{_space(head)}{p.text}"


def _space(head: str) -> str:
    last = head[-1]
    if last in "）】、．":
        return ""
    return "\u3000" if is_cjk(last) else " "


def _kind(kind: str) -> ProvisionKind:
    for known in PROVISION_KINDS:
        if known == kind:
            return known
    raise InvalidInput(f'"{kind}" is not a kind of provision: use one of {", ".join(PROVISION_KINDS)}.')


def _joined(provisions: list[SplitProvision]) -> str:
    return "\n".join(t for t in (provision_text(p) for p in provisions) if t)


def _reparse(paragraphs: list[str], style: str | None) -> list[SplitProvision]:
    paras = [p.strip() for p in paragraphs if p.strip()]
    markers = [parse_marker(p) for p in paras]
    if style is not None:
        markers = promote_numbering(markers, style)
    provisions, _ = build_provisions(paras, markers)
    return provisions


def _copy(result: SplitResult) -> list[SplitProvision]:
    return [replace(p) for p in result.provisions]


def _check_index(result: SplitResult, index: int, purpose: str) -> None:
    if not 0 <= index < len(result.provisions):
        raise InvalidInput(f"There is no provision {index + 1} {purpose}.")


def _check_boundary(result: SplitResult, index: int, what: str) -> None:
    if not 0 <= index <= len(result.provisions):
        raise InvalidInput(
            f"The {what} cannot be moved to provision {index + 1}: the draft has "
            f"{len(result.provisions)} provisions."
        )


def _finish(result: SplitResult, provisions: list[SplitProvision], *, renumber: bool = True) -> SplitResult:
    if renumber:
        renumber_paragraphs(provisions, result.language)
    stale = set(check_numbering(result.provisions))
    kept = [w for w in result.warnings if w not in stale]
    return SplitResult(
        provisions=provisions,
        warnings=kept + check_numbering(provisions),
        title=result.title,
        deadline=result.deadline,
        language=result.language,
    )
