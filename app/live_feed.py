"""What a table's event streams send, read once per worker and shared by all its streams.

When a doorbell rings, every stream of that submission in this worker wants the same events. Without sharing, 50
streams mean 50 identical queries (and 50 connections from the pool) per change, and 49 browsers fetching the
changed row. Here the first stream to ask reads the events and renders each changed row once (kept in the render
cache by row id and version); the others wait for that answer (in the event loop, holding no thread) and get it. A
shared answer is reused only for the same doorbell generation (a later ring means there may be more) and only for a
second. Each stream then puts its own CSRF token into the row's HTML, so an event carries the changed row, ready to
swap in: never the whole table.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from markupsafe import escape
from sqlalchemy import Engine
from sqlmodel import Session

from app.live import Hub
from app.live_wiring import events_since
from app.row_cache import CSRF_PLACEHOLDER, RenderCache
from app.views import rendered_row
from comments.models import CommentRow

CONTENT_ACTIONS = frozenset({"added", "updated", "restored"})
SHARED_FOR_SECONDS = 1.0


_TOKEN_IN_JSON = json.dumps(CSRF_PLACEHOLDER)[1:-1]  # how the placeholder reads inside a JSON string


@dataclass(frozen=True, slots=True)
class FeedEvent:
    id: int
    name: str
    data: dict[str, Any]
    row_pieces: tuple[str, ...] | None  # the row's HTML cut at its CSRF token places, or None
    encoded: tuple[str, ...] = ()  # json_pieces(), filled in when read

    def json_pieces(self) -> tuple[str, ...]:
        """The event's JSON, encoded once and cut where each stream puts its own (hex, JSON-safe) token."""
        if self.row_pieces is None:
            return (json.dumps(self.data),)
        html = CSRF_PLACEHOLDER.join(self.row_pieces)
        return tuple(json.dumps({**self.data, "html": html}).split(_TOKEN_IN_JSON))


@dataclass(slots=True)
class _Answer:
    task: asyncio.Future[list[FeedEvent]]
    at: float = 0.0  # when the read finished


class LiveFeed:
    def __init__(self, engine: Engine, hub: Hub, cache: RenderCache, *, batch: int = 500,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.hub = hub
        self.cache = cache
        self.batch = batch
        self._clock = clock
        self._answers: dict[tuple[int, int, int], _Answer] = {}  # touched only in the event loop
        self.reads = 0  # database reads made (the rest were shared): for tests and curiosity

    async def events(self, *, submission_id: int, team_id: int, after: int) -> list[FeedEvent]:
        """Events after `after`. Streams waiting for the same answer wait in the event loop, not in threads:
        one worker thread reads, however many streams are open (waiting threads would fill the thread pool
        that every request needs)."""
        key = (submission_id, after, self.hub.generation(submission_id))  # read before the query starts
        now = self._clock()
        self._forget_old(now)
        answer = self._answers.get(key)
        if answer is None:
            task = asyncio.ensure_future(anyio.to_thread.run_sync(
                functools.partial(self._read, submission_id=submission_id, team_id=team_id, after=after)))
            answer = self._answers[key] = _Answer(task)
            task.add_done_callback(functools.partial(self._settled, key, answer))
        # shield: a stream that disconnects while waiting must not cancel the read the others wait for
        return await asyncio.shield(answer.task)

    def _settled(self, key: tuple[int, int, int], answer: _Answer, task: asyncio.Future[list[FeedEvent]]) -> None:
        answer.at = self._clock()
        failed = task.cancelled() or task.exception() is not None
        if failed and self._answers.get(key) is answer:
            del self._answers[key]  # the next stream tries again

    def _forget_old(self, now: float) -> None:
        stale = [key for key, a in self._answers.items()
                 if a.task.done() and now - a.at > SHARED_FOR_SECONDS]  # too old to trust without a doorbell
        for key in stale:
            del self._answers[key]

    def _read(self, *, submission_id: int, team_id: int, after: int) -> list[FeedEvent]:
        self.reads += 1
        with Session(self.engine) as session:
            found = events_since(session, submission_id=submission_id, after=after, limit=self.batch)
            last_content: dict[int, int] = {}  # row id -> index of its last content event in this batch
            for i, (_event_id, _name, data) in enumerate(found):
                if data["action"] in CONTENT_ACTIONS:
                    last_content[data["row_id"]] = i
            out = []
            for i, (event_id, name, data) in enumerate(found):
                pieces = None
                if data["action"] in CONTENT_ACTIONS:
                    if last_content[data["row_id"]] == i:
                        pieces = self._row_pieces(session, data["row_id"], team_id)
                    else:  # a later event of this batch carries the row as it is now
                        data["superseded"] = True
                event = FeedEvent(event_id, name, data, pieces)
                out.append(FeedEvent(event_id, name, data, pieces, event.json_pieces()))
            return out

    def _row_pieces(self, session: Session, row_id: int, team_id: int) -> tuple[str, ...] | None:
        row = session.get(CommentRow, row_id)
        if row is None or row.deleted_at is not None:
            return None
        return rendered_row(session, row=row, team_id=team_id, cache=self.cache)


def for_stream(events: list[FeedEvent], *, csrf_token: str) -> list[tuple[int, str, str]]:
    """The SSE events of one stream: the shared events with this browser's token in the row HTML."""
    token = str(escape(csrf_token))
    return [(event.id, event.name, token.join(event.encoded)) for event in events]
