"""Underlines in a provision's text, the W3C Web Annotation way: a TextQuote (exact words plus up to 32
characters either side) together with a TextPosition (start/end offsets, end exclusive, in code points).

The offsets make rendering exact; the quote lets a span be checked against the text it was made on and found
again in a text that has changed (another translation, a revised draft).
"""

from __future__ import annotations

from dataclasses import dataclass

from comments.errors import InvalidInput

CONTEXT_LENGTH = 32


@dataclass(frozen=True, slots=True)
class TextQuote:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def quote_at(text: str, start: int, end: int) -> TextQuote:
    """The quote for text[start:end]; raises InvalidInput when the range is empty or outside the text."""
    if not (0 <= start < end <= len(text)):
        raise InvalidInput("The underline must cover some of the provision's words.")
    return TextQuote(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT_LENGTH):start],
        suffix=text[end:end + CONTEXT_LENGTH],
    )


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a range so it neither starts nor ends with whitespace (double-click selects a trailing space)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def validate_selection(text: str, *, start: int, end: int, exact: str | None = None) -> TextQuote:
    """Check a selection the browser sent against the stored text and return its trimmed quote.

    `exact` is what the user saw selected; when given it must be the text at those offsets, so a selection
    made on a stale page (the text has changed since) is refused instead of underlining the wrong words.
    """
    if not (0 <= start < end <= len(text)):
        raise InvalidInput("The selection is outside the provision's text. Reload the page and select again.")
    if exact is not None and text[start:end] != exact:
        raise InvalidInput("The selected words do not match the provision's text. Reload the page and select again.")
    start, end = trim_whitespace(text, start, end)
    if start == end:
        raise InvalidInput("Select some words to underline, not only spaces.")
    return quote_at(text, start, end)


def find_words(text: str, words: str, *, occurrence: int = 1) -> tuple[int, int]:
    """The range of the n-th occurrence of `words` (typed by a keyboard user); InvalidInput if absent."""
    needle = words.strip()
    if not needle:
        raise InvalidInput("Type the words to underline.")
    if occurrence < 1:
        raise InvalidInput("The occurrence must be 1 or more.")
    index = -1
    for _ in range(occurrence):
        index = text.find(needle, index + 1)
        if index < 0:
            break
    if index < 0:
        if occurrence > 1 and needle in text:
            raise InvalidInput(f"“{needle}” does not occur {occurrence} times in this provision.")
        raise InvalidInput(f"“{needle}” does not occur in this provision's text.")
    return index, index + len(needle)


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted union of ranges: overlapping or touching underlines become one, so spans never overlap."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def reanchor(text: str, quote: TextQuote) -> tuple[int, int] | None:
    """Find a quote in a (possibly changed) text: at its offsets if still there, else the occurrence whose
    surroundings best match the prefix and suffix. None when the exact words are gone."""
    if text[quote.start:quote.end] == quote.exact:
        return quote.start, quote.end
    best: tuple[int, int] | None = None
    best_score = -1
    index = text.find(quote.exact)
    while index >= 0:
        end = index + len(quote.exact)
        score = _common_suffix(text[max(0, index - CONTEXT_LENGTH):index], quote.prefix) + _common_prefix(
            text[end:end + CONTEXT_LENGTH], quote.suffix
        )
        if score > best_score:
            best, best_score = (index, end), score
        index = text.find(quote.exact, index + 1)
    return best


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
