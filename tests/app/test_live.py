"""Live updates: the hub, the SSE stream, publishing on commit, and the LISTEN bridge on a real PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import anyio.to_thread
import pytest
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import Engine, text
from sqlmodel import Session

from app.db import make_engine
from app.live import (
    Doorbell,
    Hub,
    PostgresListener,
    Viewer,
    event_stream,
    format_sse,
    libpq_conninfo,
    notify_sql,
    parse_last_event_id,
    presence_payload,
    publish,
    ring_after_commit,
)

pytestmark = pytest.mark.anyio

PG_URL = os.environ.get("COMMENTDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TIMEOUT = 4  # seconds; no test may hang


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- Hub ---------------------------------------------------------------------------------------------------------


async def test_a_ring_from_another_thread_wakes_the_subscriber() -> None:
    hub = Hub()
    with anyio.fail_after(TIMEOUT):
        async with hub.subscribe(3) as subscription, hub.subscribe(4) as other:
            assert not await subscription.wait(0.01)
            await anyio.to_thread.run_sync(hub.ring, 3, 17)
            assert await subscription.wait(1)
            assert subscription.take() == Doorbell(rows=True, latest_event_id=17, presence=False)
            assert not await other.wait(0.05)  # another submission's doorbell


async def test_rings_coalesce_to_the_latest_id_for_a_subscriber_that_does_not_read() -> None:
    hub = Hub()
    with anyio.fail_after(TIMEOUT):
        async with hub.subscribe(3) as subscription:
            loop = subscription._loop
            scheduled: list[object] = []

            class CountingLoop:
                def call_soon_threadsafe(self, callback, *args):  # type: ignore[no-untyped-def]
                    scheduled.append(callback)
                    return loop.call_soon_threadsafe(callback, *args)

            subscription._loop = CountingLoop()  # type: ignore[assignment]
            for event_id in [*range(1, 101), 50]:  # the loop is busy here, as with a stream that does not read
                hub.ring(3, event_id)
            assert len(scheduled) == 1  # one pending wake-up, not 101 queued callbacks
            assert await subscription.wait(1)
            assert subscription.take() == Doorbell(rows=True, latest_event_id=100)  # a late, lower id does not win
            assert not await subscription.wait(0.05)
            assert subscription.take() == Doorbell()

            await anyio.to_thread.run_sync(lambda: [hub.ring(3, i) for i in range(200, 300)])
            assert await subscription.wait(1)
            assert subscription.take() == Doorbell(rows=True, latest_event_id=299)


async def test_a_recheck_ring_wins_over_numbered_ones() -> None:
    hub = Hub()
    async with hub.subscribe(3) as subscription:
        hub.ring(3, 5)
        hub.ring(3, None)
        hub.ring(3, 9)
        with anyio.fail_after(TIMEOUT):
            assert await subscription.wait(1)
        assert subscription.take() == Doorbell(rows=True, latest_event_id=None)


async def test_unsubscribing_cleans_up() -> None:
    hub = Hub()
    first = hub.subscribe(8)
    async with hub.subscribe(8):
        assert hub.subscriber_count(8) == 2
    assert hub.subscriber_count(8) == 1
    first.close()
    first.close()  # idempotent
    assert hub.subscriber_count(8) == 0
    assert hub._subscriptions == {}
    hub.ring(8, 1)  # nobody listens: nothing happens
    assert first.take() == Doorbell()


def test_subscribing_outside_the_event_loop_is_refused() -> None:
    with pytest.raises(RuntimeError, match="event loop"):
        Hub().subscribe(1)


async def test_presence_set_clear_and_list() -> None:
    now = [100.0]
    hub = Hub(presence_ttl=10, clock=lambda: now[0])
    with anyio.fail_after(TIMEOUT):
        async with hub.subscribe(5, connection_id="me") as subscription:
            hub.set_presence(5, "me", 1, "Me")
            hub.set_presence(5, "c1", 2, "Ana", 12)
            assert await subscription.wait(1)
            assert subscription.take() == Doorbell(presence=True)
            assert hub.presence(5) == {"me": Viewer(1, "Me", None), "c1": Viewer(2, "Ana", 12)}
            assert hub.presence_json(5, exclude_connection="me") == '{"viewers": [{"name": "Ana", "row_id": 12}]}'

            hub.set_presence(5, "c1", 2, "Ana", 12)  # a heartbeat that changes nothing rings nothing
            assert not await subscription.wait(0.05)

            hub.clear_presence(5, "c1")
            assert await subscription.wait(1)
            assert subscription.take().presence
            assert hub.presence(5) == {"me": Viewer(1, "Me", None)}
            assert hub.presence(6) == {}

            now[0] += 11  # not refreshed within the TTL: gone
            assert hub.presence(5) == {}
            assert hub._presence == {}


async def test_payloads_from_the_channel() -> None:
    hub, other = Hub(), Hub()
    async with hub.subscribe(7) as subscription:
        assert hub.apply_payload("7:42")
        assert subscription.take() == Doorbell(rows=True, latest_event_id=42)
        assert hub.apply_payload("7:")
        assert subscription.take() == Doorbell(rows=True, latest_event_id=None)
        assert hub.apply_payload("presence:7")
        assert subscription.take() == Doorbell(presence=True)

        assert hub.apply_payload(presence_payload(7, "c9", Viewer(3, "Bo", 4), origin=other.origin))
        assert hub.presence(7) == {"c9": Viewer(3, "Bo", 4)}
        assert subscription.take() == Doorbell(presence=True)
        assert hub.apply_payload(presence_payload(7, "c9", None, origin=other.origin))
        assert hub.presence(7) == {}
        # Our own broadcast coming back is not applied twice (it was applied when made).
        assert hub.apply_payload(presence_payload(7, "c9", Viewer(3, "Bo", 4), origin=hub.origin))
        assert hub.presence(7) == {}

        for bad in ("", "x:1", "7:y", "presence:z", "presence:7:{", "presence:7:[]", 'presence:7:{"o": "q"}'):
            assert not hub.apply_payload(bad), bad


# --- formatting and URLs -------------------------------------------------------------------------------------------


def test_sse_formatting() -> None:
    assert format_sse(3, "row", '{"a": 1}') == 'id: 3\nevent: row\ndata: {"a": 1}\n\n'
    assert (
        format_sse(None, "presence", "a\r\nb\rc\nd\u2028e")
        == "event: presence\ndata: a\ndata: b\ndata: c\ndata: d\u2028e\n\n"
    )
    with pytest.raises(ValueError, match="line break"):
        format_sse(1, "ro\nw", "")
    assert [parse_last_event_id(v) for v in (None, "", " 12 ", "-1", "1e3", "abc")] == [
        None,
        None,
        12,
        None,
        None,
        None,
    ]


def test_sqlalchemy_urls_become_libpq_conninfo() -> None:
    info = conninfo_to_dict(
        libpq_conninfo("postgresql+psycopg://u:p%40ss@db.example:5433/app?options=-csearch_path%3Dcd_x")
    )
    assert info["user"] == "u" and info["password"] == "p@ss" and info["host"] == "db.example"
    assert info["port"] == "5433" and info["dbname"] == "app" and info["options"] == "-csearch_path=cd_x"
    assert info["connect_timeout"] == "5" and info["keepalives"] == "1"
    socket = conninfo_to_dict(libpq_conninfo("postgresql:///app?host=/run/postgresql&connect_timeout=2"))
    assert socket["host"] == "/run/postgresql" and socket["connect_timeout"] == "2" and "port" not in socket
    assert libpq_conninfo("host=h dbname=d") == "host=h dbname=d"
    with pytest.raises(ValueError, match="not a PostgreSQL URL"):
        libpq_conninfo("sqlite:///x.db")
    assert notify_sql(4, 9) == (
        "SELECT pg_notify(:channel, :payload)",
        {"channel": "commentdesk_live", "payload": "4:9"},
    )
    with pytest.raises(ValueError, match="channel"):
        PostgresListener("Bad-Channel")


# --- event_stream --------------------------------------------------------------------------------------------------


class FakeClient:
    """The database's events for one submission and a browser that can go away."""

    def __init__(self, events: list[tuple[int, str, str]]) -> None:
        self.events = events
        self.fetches: list[int] = []
        self.gone = False
        self.disconnect_checks = 0

    def fetch_since(self, last_id: int) -> list[tuple[int, str, str]]:
        self.fetches.append(last_id)
        return [e for e in self.events if e[0] > last_id]

    async def is_disconnected(self) -> bool:
        self.disconnect_checks += 1
        return self.gone


async def next_chunk(stream: AsyncIterator[str], timeout: float = 1.0) -> str:
    with anyio.fail_after(timeout):
        return await anext(stream)


async def test_the_stream_replays_then_follows_doorbells_then_stops_on_disconnect() -> None:
    hub = Hub()
    client = FakeClient([(1, "row", '{"row_id": 1}'), (2, "row", "two\nlines"), (5, "row", "{}")])
    subscription = hub.subscribe(9)
    stream = event_stream(client.fetch_since, subscription, 1, client.is_disconnected, disconnect_check_seconds=0.05)
    assert await next_chunk(stream) == "retry: 2000\n\n"
    assert await next_chunk(stream) == "id: 2\nevent: row\ndata: two\ndata: lines\n\n"  # resumes after id 1
    assert await next_chunk(stream) == "id: 5\nevent: row\ndata: {}\n\n"
    assert await next_chunk(stream) == 'event: presence\ndata: {"viewers": []}\n\n'

    client.events.append((8, "row", '{"row_id": 3}'))
    await anyio.to_thread.run_sync(hub.ring, 9, 8)
    assert await next_chunk(stream) == 'id: 8\nevent: row\ndata: {"row_id": 3}\n\n'
    assert client.fetches == [1, 5]

    hub.ring(9, 6)  # a doorbell for what was sent already costs no query
    hub.set_presence(9, "c2", 2, "Ana", 3)
    assert await next_chunk(stream) == 'event: presence\ndata: {"viewers": [{"name": "Ana", "row_id": 3}]}\n\n'
    assert client.fetches == [1, 5]

    client.gone = True
    with anyio.fail_after(1):  # ends within a disconnect check, with no doorbell
        assert [chunk async for chunk in stream] == []
    assert hub.subscriber_count(9) == 0


async def test_the_stream_sends_keepalives_and_rechecks_without_busy_looping() -> None:
    hub = Hub()
    client = FakeClient([])
    stream = event_stream(
        client.fetch_since,
        hub.subscribe(9),
        0,
        client.is_disconnected,
        keepalive_seconds=0.2,
        disconnect_check_seconds=0.05,
    )
    try:
        assert await next_chunk(stream) == "retry: 2000\n\n"
        assert await next_chunk(stream) == 'event: presence\ndata: {"viewers": []}\n\n'
        client.events.append((3, "row", "{}"))  # committed, but its doorbell was lost
        assert await next_chunk(stream) == ": keep-alive\n\n"
        assert await next_chunk(stream) == "id: 3\nevent: row\ndata: {}\n\n"
        assert client.fetches == [0, 0]
        assert client.disconnect_checks <= 8  # about one per 50 ms, not a spin
    finally:
        await stream.aclose()
    assert hub.subscriber_count(9) == 0


async def test_a_full_batch_is_followed_by_another_fetch() -> None:
    hub = Hub()
    client = FakeClient([(i, "row", str(i)) for i in range(1, 6)])

    def fetch_two(last_id: int) -> list[tuple[int, str, str]]:
        return client.fetch_since(last_id)[:2]

    stream = event_stream(fetch_two, hub.subscribe(9), 0, client.is_disconnected, batch_limit=2)
    try:
        chunks = [await next_chunk(stream) for _ in range(6)]
        assert [c.split("\n")[0] for c in chunks[1:]] == ["id: 1", "id: 2", "id: 3", "id: 4", "id: 5"]
        assert client.fetches == [0, 2, 4]
    finally:
        await stream.aclose()


# --- ringing on commit: SQLite -------------------------------------------------------------------------------------


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.sqlite'}")
    yield engine
    engine.dispose()


async def test_on_sqlite_the_hub_rings_after_commit_only(sqlite_engine: Engine) -> None:
    hub = Hub()
    with anyio.fail_after(TIMEOUT):
        async with hub.subscribe(5) as subscription:
            with Session(sqlite_engine) as session:
                ring_after_commit(session, hub, 5, 10)
                session.execute(text("SELECT 1"))
                ring_after_commit(session, hub, 5, 11)
                assert not await subscription.wait(0.05)
                session.commit()
                assert await subscription.wait(1)
                assert subscription.take() == Doorbell(rows=True, latest_event_id=11)

                ring_after_commit(session, hub, 5, 12)
                session.rollback()
                session.commit()  # a later, empty commit does not ring for the rolled-back event
                assert not await subscription.wait(0.05)


# --- PostgreSQL: publishing in a transaction and the LISTEN bridge ---------------------------------------------------


def _postgres_answers() -> bool:
    import psycopg

    try:
        with psycopg.connect(libpq_conninfo(PG_URL), connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="module")
def pg_engine() -> Iterator[Engine]:
    if not _postgres_answers():
        message = f"no PostgreSQL answers at {PG_URL} (set COMMENTDESK_TEST_PG_URL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    engine = make_engine(PG_URL)
    yield engine
    engine.dispose()


@pytest.fixture
async def listening(pg_engine: Engine) -> AsyncIterator[tuple[Hub, PostgresListener]]:
    hub = Hub()
    listener = PostgresListener(f"cd_live_test_{secrets.token_hex(6)}", min_backoff=0.05, max_backoff=0.2)
    await listener.start(hub, PG_URL)
    try:
        with anyio.fail_after(TIMEOUT):
            assert await listener.wait_listening(3), "the listener did not connect"
        yield hub, listener
    finally:
        with anyio.fail_after(TIMEOUT):
            await listener.stop()
    assert not listener.listening


async def test_a_notify_rings_the_hub_on_commit_and_not_before(
    pg_engine: Engine, listening: tuple[Hub, PostgresListener]
) -> None:
    hub, listener = listening
    with anyio.fail_after(TIMEOUT):
        async with hub.subscribe(7) as subscription:
            connection = await anyio.to_thread.run_sync(pg_engine.connect)
            try:
                transaction = connection.begin()
                await anyio.to_thread.run_sync(lambda: publish(connection, 7, 42, channel=listener.channel))
                assert not await subscription.wait(0.3), "rang before commit"
                await anyio.to_thread.run_sync(transaction.commit)
                assert await subscription.wait(2), "did not ring after commit"
                assert subscription.take() == Doorbell(rows=True, latest_event_id=42)

                transaction = connection.begin()
                await anyio.to_thread.run_sync(lambda: publish(connection, 7, 43, channel=listener.channel))
                await anyio.to_thread.run_sync(transaction.rollback)
                assert not await subscription.wait(0.3), "rang for a rolled-back transaction"
            finally:
                await anyio.to_thread.run_sync(connection.close)


async def test_ring_after_commit_on_postgres_goes_through_the_listener(
    pg_engine: Engine, listening: tuple[Hub, PostgresListener]
) -> None:
    hub, listener = listening
    with anyio.fail_after(TIMEOUT):
        async with hub.subscribe(7) as subscription:
            with Session(pg_engine) as session:
                ring_after_commit(session, hub, 7, 50, channel=listener.channel)
                assert not await subscription.wait(0.2), "rang before commit"
                await anyio.to_thread.run_sync(session.commit)
            assert await subscription.wait(2), "did not ring after commit"
            assert subscription.take() == Doorbell(rows=True, latest_event_id=50)


async def test_the_listener_reconnects_and_asks_for_a_recheck(
    pg_engine: Engine, listening: tuple[Hub, PostgresListener]
) -> None:
    hub, listener = listening
    with anyio.fail_after(TIMEOUT):
        async with hub.subscribe(7) as subscription:
            pid = listener.backend_pid
            assert pid is not None
            subscription.take()

            def kill() -> None:
                with pg_engine.begin() as connection:
                    connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

            await anyio.to_thread.run_sync(kill)
            assert await subscription.wait(3), "no re-check after reconnecting"
            assert subscription.take() == Doorbell(rows=True, latest_event_id=None, presence=True)
            assert listener.listening and listener.backend_pid != pid and listener.connects == 2

            def notify() -> None:
                with pg_engine.begin() as connection:
                    publish(connection, 7, 60, channel=listener.channel)

            await anyio.to_thread.run_sync(notify)
            assert await subscription.wait(2)
            assert subscription.take().latest_event_id == 60


async def test_presence_reaches_another_worker(listening: tuple[Hub, PostgresListener]) -> None:
    hub_a, listener_a = listening
    hub_b, listener_b = Hub(), PostgresListener(listener_a.channel, min_backoff=0.05)
    await listener_b.start(hub_b, PG_URL)
    try:
        with anyio.fail_after(TIMEOUT):
            assert await listener_b.wait_listening(3)
            async with hub_b.subscribe(7) as subscription:
                subscription.take()
                hub_a.set_presence(7, "c1", 1, "Ana", 12)
                assert await subscription.wait(2)
                assert subscription.take().presence
                assert hub_b.presence(7) == {"c1": Viewer(1, "Ana", 12)}
                assert hub_a.presence(7) == {"c1": Viewer(1, "Ana", 12)}

                hub_a.clear_presence(7, "c1")
                assert await subscription.wait(2)
                assert hub_b.presence(7) == {}
    finally:
        with anyio.fail_after(TIMEOUT):
            await listener_b.stop()


async def test_a_listener_without_a_server_keeps_retrying_quietly() -> None:
    listener = PostgresListener(min_backoff=0.05, max_backoff=0.1)
    await listener.start(Hub(), "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    try:
        with anyio.fail_after(TIMEOUT):
            assert not await listener.wait_listening(0.3)
    finally:
        with anyio.fail_after(TIMEOUT):
            await listener.stop()
