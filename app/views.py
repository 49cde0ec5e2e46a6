"""Small presenters: domain objects -> what a template shows. No queries here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from comments.importing.document import SplitResult
from comments.importing.tree import parent_indexes
from comments.models import Provision

FIRST_WORDS_CHARS = 160


@dataclass(frozen=True, slots=True)
class PreviewRow:
    index: int
    kind: str
    number: str | None
    label: str | None
    heading: str | None
    text: str
    first_words: str
    depth: int
    warnings: tuple[str, ...]
    is_last: bool


def first_words(text: str, limit: int = FIRST_WORDS_CHARS) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat.rfind(" ", 0, limit)
    return flat[: cut if cut > limit // 2 else limit] + " …"


def _depths(parents: Sequence[int | None]) -> list[int]:
    depths: list[int] = []
    for parent in parents:
        depths.append(0 if parent is None else depths[parent] + 1)  # parents come before children
    return depths


def preview_rows(result: SplitResult) -> list[PreviewRow]:
    by_provision: dict[int, list[str]] = {}
    for warning in result.warnings:
        if warning.provision_index is not None:
            by_provision.setdefault(warning.provision_index, []).append(warning.message)
    depths = _depths(parent_indexes(result.provisions))
    last = len(result.provisions) - 1
    return [
        PreviewRow(
            index=i, kind=p.kind, number=p.number, label=p.label, heading=p.heading, text=p.text,
            first_words=first_words(p.text), depth=min(depths[i], 4),
            warnings=tuple(by_provision.get(i, ())), is_last=i == last,
        )
        for i, p in enumerate(result.provisions)
    ]


@dataclass(frozen=True, slots=True)
class TreeEntry:
    provision: Provision
    depth: int


def provision_tree(provisions: Sequence[Provision]) -> list[TreeEntry]:
    depth_of: dict[int | None, int] = {}
    entries = []
    for provision in provisions:  # in document order, so a parent is always seen first
        depth = 0 if provision.parent_id is None else depth_of.get(provision.parent_id, -1) + 1
        depth_of[provision.id] = depth
        entries.append(TreeEntry(provision, min(depth, 4)))
    return entries
