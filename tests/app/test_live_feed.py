"""The live feed: one database read per doorbell shared by a worker's streams, the changed row inside the
event with each browser's own CSRF token, earlier events of a row in the same batch marked superseded."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.db import make_engine
from app.live import Hub
from app.live_feed import FeedEvent, LiveFeed, for_stream
from app.row_cache import RenderCache
from comments import submissions
from tests.conftest import DatabaseFactory
from tests.factories import make_draft, make_submission, make_team, provision


@pytest.fixture
def committed(databases: DatabaseFactory) -> Iterator[tuple[Engine, int, int, int]]:
    """A database of its own (the feed reads with its own connections): engine, team, submission, row ids."""
    engine = make_engine(databases.new_url())
    with Session(engine) as session:
        team = make_team(session, "Feed association")
        draft = make_draft(session, team_id=team.id)
        submission = make_submission(session, draft)
        row = submissions.add_row(session, submission=submission, provision_id=provision(session, draft,
                                                                                          "Article 2").id,
                                  user_id=None)
        session.commit()
        ids = (team.id, submission.id, row.id)
    yield engine, *ids
    engine.dispose()


def save(engine: Engine, row_id: int, text: str) -> None:
    from comments.models import CommentRow

    with Session(engine) as session:
        row = session.get(CommentRow, row_id)
        submissions.update_row_text(session, row=row, field="comment", value=text)
        session.commit()


def read(feed: LiveFeed, *, submission_id: int, team_id: int, after: int) -> list[FeedEvent]:
    return asyncio.run(feed.events(submission_id=submission_id, team_id=team_id, after=after))


def test_streams_share_one_read_per_doorbell(committed) -> None:
    engine, team_id, submission_id, row_id = committed
    hub = Hub()
    feed = LiveFeed(engine, hub, RenderCache())

    async def two_streams_in_turn() -> tuple[list[FeedEvent], list[FeedEvent]]:
        first = await feed.events(submission_id=submission_id, team_id=team_id, after=0)
        return first, await feed.events(submission_id=submission_id, team_id=team_id, after=0)

    first, again = asyncio.run(two_streams_in_turn())
    assert again is first and feed.reads == 1  # the second stream got the first one's answer
    save(engine, row_id, "A new comment.")
    hub.ring(submission_id)  # what the commit does
    newer = read(feed, submission_id=submission_id, team_id=team_id, after=first[-1].id)
    assert feed.reads == 2 and [e.data["action"] for e in newer] == ["updated"]


def test_many_streams_at_once_make_one_read_in_one_thread(committed) -> None:
    engine, team_id, submission_id, _row_id = committed
    feed = LiveFeed(engine, Hub(), RenderCache())
    threads_used: set[int] = set()
    read_rows = feed._read

    def recording_read(**kwargs: int) -> list[FeedEvent]:
        threads_used.add(threading.get_ident())
        return read_rows(**kwargs)

    feed._read = recording_read  # type: ignore[method-assign]

    async def streams() -> list[int]:
        answers = await asyncio.gather(*(feed.events(submission_id=submission_id, team_id=team_id, after=0)
                                         for _ in range(12)))
        return [len(a) for a in answers]

    assert asyncio.run(streams()) == [1] * 12 and feed.reads == 1
    assert len(threads_used) == 1 and threading.get_ident() not in threads_used  # one worker thread, not the loop


def test_a_stream_that_leaves_does_not_cancel_the_others_read(committed) -> None:
    engine, team_id, submission_id, _row_id = committed
    feed = LiveFeed(engine, Hub(), RenderCache())

    async def one_leaves() -> list[FeedEvent]:
        leaving = asyncio.ensure_future(feed.events(submission_id=submission_id, team_id=team_id, after=0))
        staying = asyncio.ensure_future(feed.events(submission_id=submission_id, team_id=team_id, after=0))
        await asyncio.sleep(0)
        leaving.cancel()
        return await staying

    assert [e.data["action"] for e in asyncio.run(one_leaves())] == ["added"] and feed.reads == 1


def test_a_failed_read_is_not_shared_with_later_streams(committed) -> None:
    engine, team_id, submission_id, _row_id = committed
    feed = LiveFeed(engine, Hub(), RenderCache())
    read_rows = feed._read
    calls = 0

    def failing_once(**kwargs: int) -> list[FeedEvent]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("the database went away")
        return read_rows(**kwargs)

    feed._read = failing_once  # type: ignore[method-assign]
    with pytest.raises(OSError, match="went away"):
        read(feed, submission_id=submission_id, team_id=team_id, after=0)
    assert [e.data["action"] for e in read(feed, submission_id=submission_id, team_id=team_id, after=0)] == ["added"]


def test_each_stream_gets_the_row_with_its_own_token(committed) -> None:
    engine, team_id, submission_id, row_id = committed
    save(engine, row_id, "First <draft> & more.")
    save(engine, row_id, "Second, final.")
    feed = LiveFeed(engine, Hub(), RenderCache())
    shared = read(feed, submission_id=submission_id, team_id=team_id, after=0)
    ana = [json.loads(data) for _id, _name, data in for_stream(shared, csrf_token="a" * 64)]
    ben = [json.loads(data) for _id, _name, data in for_stream(shared, csrf_token="b" * 64)]
    assert [d["action"] for d in ana] == ["added", "updated", "updated"]
    assert [bool(d.get("superseded")) for d in ana] == [True, True, False]  # the last one carries the row
    assert [("html" in d) for d in ana] == [False, False, True]
    assert "Second, final." in ana[-1]["html"] and 'data-version="3"' in ana[-1]["html"]
    assert "a" * 64 in ana[-1]["html"] and "b" * 64 not in ana[-1]["html"]
    assert "b" * 64 in ben[-1]["html"] and "a" * 64 not in ben[-1]["html"]
    assert "\x00" not in ana[-1]["html"]


def test_a_deleted_row_carries_no_html(committed) -> None:
    from comments.models import CommentRow

    engine, team_id, submission_id, row_id = committed
    with Session(engine) as session:
        submissions.delete_row(session, row=session.get(CommentRow, row_id))
        session.commit()
    shared = read(LiveFeed(engine, Hub(), RenderCache()), submission_id=submission_id, team_id=team_id, after=0)
    assert [e.data["action"] for e in shared] == ["added", "deleted"]
    assert all(e.row_pieces is None for e in shared)
