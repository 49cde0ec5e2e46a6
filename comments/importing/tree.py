"""The outline of a split: which provision each provision belongs to."""

from __future__ import annotations

from comments.importing.document import SplitProvision
from comments.importing.markers import item_value, parse_item_label


def parent_indexes(provisions: list[SplitProvision]) -> list[int | None]:
    """For each provision, the index of its parent (None at the top).

    Chapters are at the top; a section sits in its chapter; an article in its section or chapter; a
    paragraph in its article; an item in the paragraph or article it follows, or in the item before it
    when it opens a new style of numbering ("(a)" after "(1)"). Returning to a style used higher up
    ("(2)" after "(a)") closes the deeper levels. "(i)" is roman unless it continues a run of letters
    ("(h)", "(i)"); "(v)" or "(x)" are letters unless they continue a roman run.
    The preamble and trailing matter are at the top and close everything.
    """
    parents: list[int | None] = []
    chapter: int | None = None
    section: int | None = None
    article: int | None = None
    paragraph: int | None = None
    stack: list[tuple[str, int, int | None]] = []  # (item style, provision index, item value)
    for index, p in enumerate(provisions):
        if p.kind in ("preamble", "trailing"):
            parents.append(None)
            chapter = section = article = paragraph = None
            stack = []
        elif p.kind == "chapter":
            parents.append(None)
            chapter, section, article, paragraph = index, None, None, None
            stack = []
        elif p.kind == "section":
            parents.append(chapter)
            section, article, paragraph = index, None, None
            stack = []
        elif p.kind == "article":
            parents.append(section if section is not None else chapter)
            article, paragraph = index, None
            stack = []
        elif p.kind == "paragraph":
            parents.append(_first(article, section, chapter))
            paragraph = index
            stack = []
        else:  # item
            container = _first(paragraph, article, section, chapter)
            style, value = _item_style(p, stack)
            depth = next((d for d, entry in enumerate(stack) if entry[0] == style), None)
            if depth is None:
                parents.append(stack[-1][1] if stack else container)
                stack.append((style, index, value))
            else:
                parents.append(stack[depth - 1][1] if depth > 0 else container)
                stack = [*stack[:depth], (style, index, value)]
    return parents


def _first(*indexes: int | None) -> int | None:
    return next((i for i in indexes if i is not None), None)


def _item_style(p: SplitProvision, stack: list[tuple[str, int, int | None]]) -> tuple[str, int | None]:
    marker = parse_item_label(p.label) if p.label else None
    if marker is None or marker.number is None:
        return f"label:{p.label or ''}", None
    token = marker.number
    if len(marker.styles) == 1:
        return marker.styles[0], marker.value
    for style in marker.styles:  # the reading that continues a run in progress wins
        value = item_value(token, style)
        if any(s == style and last is not None and value == last + 1 for s, _, last in stack):
            return style, value
    return marker.styles[0], item_value(token, marker.styles[0])
