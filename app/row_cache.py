"""Rendered table rows, kept per app instance and keyed by what they show.

A 300-row table page is ~2 MB of HTML; rendering every row on every view costs more than all its queries.
A row's markup depends only on the row (its `version` goes up with every change: text, underlines, tags, kind,
status, assignee, delete/restore), on the names of its tags and on its number of notes, so (id, version, tag
names, note count) is a complete key. The CSRF token
is the one per-session value inside a row: rows are cached with a placeholder that is swapped for the
visitor's token when the page is put together. The table page, a row's fragment and the live feed share the
entries (app/views.py), so a row rendered for one is ready for the others. Bounded LRU; each worker process has
its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

CSRF_PLACEHOLDER = "\x00csrf\x00"  # never in real output: templates escape or drop NUL


class RenderCache:
    def __init__(self, max_entries: int = 20_000) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        """The entry, or None. A found entry counts as a hit; a None is not counted (get_or_render() follows)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                self.hits += 1
            return found

    def get_or_render(self, key: Hashable, render: Callable[[], Any]) -> Any:
        found = self.get(key)
        if found is not None:
            return found
        html = render()  # outside the lock: two threads may render the same row; both results are equal
        with self._lock:
            self.misses += 1
            self._entries[key] = html
            if len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return html

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
