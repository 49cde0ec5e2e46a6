"""Spans as W3C TextQuote + TextPosition: validation, trimming, search by words, merging, re-anchoring."""

from __future__ import annotations

import pytest

from comments import anchoring
from comments.errors import InvalidInput

TEXT = "Network operators shall purchase “secure and trusted” products and keep them within the territory."


def test_quote_has_exact_and_32_characters_of_context() -> None:
    start = TEXT.index("secure")
    quote = anchoring.quote_at(TEXT, start, start + len("secure and trusted"))
    assert quote.exact == "secure and trusted"
    assert quote.prefix == TEXT[start - 32:start] and len(quote.prefix) == 32
    assert quote.suffix == TEXT[quote.end:quote.end + 32]


def test_context_is_shorter_at_the_edges() -> None:
    quote = anchoring.quote_at(TEXT, 0, 7)
    assert quote.prefix == "" and quote.exact == "Network"
    end_quote = anchoring.quote_at(TEXT, len(TEXT) - 10, len(TEXT))
    assert end_quote.suffix == "" and end_quote.exact == "territory."


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (7, 3), (0, len(TEXT) + 1)])
def test_ranges_outside_or_empty_are_refused(start: int, end: int) -> None:
    with pytest.raises(InvalidInput):
        anchoring.validate_selection(TEXT, start=start, end=end)


def test_selection_is_trimmed_and_checked_against_what_the_user_saw() -> None:
    start = TEXT.index(" shall")
    quote = anchoring.validate_selection(TEXT, start=start, end=start + 7, exact=" shall ")
    assert (quote.exact, quote.start) == ("shall", start + 1)
    with pytest.raises(InvalidInput, match="do not match"):
        anchoring.validate_selection(TEXT, start=start, end=start + 7, exact="other words")
    with pytest.raises(InvalidInput, match="only spaces"):
        anchoring.validate_selection("a   b", start=1, end=4)


def test_chinese_offsets_are_code_points() -> None:
    text = "网络运营者应当采购安全可信的网络产品𠀀和服务。"
    start = text.index("安全可信")
    quote = anchoring.validate_selection(text, start=start, end=start + 4, exact="安全可信")
    assert quote.exact == "安全可信"
    later = text.index("和服务")
    assert anchoring.quote_at(text, later, later + 3).exact == "和服务"


def test_find_words_picks_the_requested_occurrence() -> None:
    text = "the operator and the operator's agent"
    assert anchoring.find_words(text, "operator") == (4, 12)
    assert anchoring.find_words(text, "operator", occurrence=2) == (21, 29)
    with pytest.raises(InvalidInput, match="does not occur 3 times"):
        anchoring.find_words(text, "operator", occurrence=3)
    with pytest.raises(InvalidInput, match="does not occur in"):
        anchoring.find_words(text, "regulator")
    with pytest.raises(InvalidInput):
        anchoring.find_words(text, "   ")


def test_merge_ranges_joins_overlapping_and_touching() -> None:
    assert anchoring.merge_ranges([(10, 20), (0, 5), (5, 8), (15, 30), (40, 41)]) == [(0, 8), (10, 30), (40, 41)]


def test_reanchor_uses_context_when_offsets_moved() -> None:
    old = "Operators shall keep data in China. Processors shall keep data in China too."
    second = old.rindex("keep data")
    quote = anchoring.quote_at(old, second, second + len("keep data"))
    new = "New sentence first. " + old
    assert anchoring.reanchor(new, quote) == (second + 20, second + 20 + len("keep data"))
    assert anchoring.reanchor("nothing like it", quote) is None
    assert anchoring.reanchor(old, quote) == (quote.start, quote.end)
