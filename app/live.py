"""Live updates: a per-process doorbell hub, the PostgreSQL LISTEN bridge between worker processes, and SSE.

The database is the source of truth. Every change to a row is a ``row_event`` whose integer id is the SSE event
id; a browser that reconnects sends ``Last-Event-ID`` and gets what it missed from the database. What travels
between processes is only a doorbell, "submission S has events up to id N", so a lost or merged doorbell costs
a query, never an event.

Public API
----------
``Hub()``                                   one per process (``app.state.live_hub``); thread-safe.
  ``.subscribe(submission_id, *, connection_id=None) -> Subscription``   in the event loop; ``async with``.
  ``.ring(submission_id, event_id=None)``   from any thread; ``None`` means "re-check the database".
  ``.subscriber_count(submission_id) -> int``
  ``.set_presence(submission_id, connection_id, user_id, display_name, editing_row_id=None)``
  ``.clear_presence(submission_id, connection_id)``
  ``.presence(submission_id) -> dict[str, Viewer]``   connection id -> (user_id, display_name, editing_row_id)
``PostgresListener(channel=CHANNEL)``       ``await .start(hub, url)`` / ``await .stop()`` in the lifespan.
``publish(connection, submission_id, event_id)``   PostgreSQL: pg_notify inside the caller's transaction.
``ring_after_commit(session, hub, submission_id, event_id)``   either database: the doorbell rings on commit.
``event_stream(fetch_since, subscription, last_event_id, is_disconnected) -> AsyncIterator[str]``   SSE text.
``SSE_HEADERS``, ``parse_last_event_id(value)``, ``notify_sql(...)``, ``libpq_conninfo(url)``.

Wiring
------
Lifespan (``create_app`` gains ``app.state.live_hub = Hub()``)::

    listener = PostgresListener() if url.startswith("postgresql") else None
    if listener:
        await listener.start(app.state.live_hub, url)   # returns at once; connects (and reconnects) in the background
    yield
    if listener:
        await listener.stop()

Writing (inside the transaction that inserts the ``row_event``, after the insert so its id is known)::

    ring_after_commit(session, request.app.state.live_hub, submission_id, row_event.id)
    session.commit()

On PostgreSQL this runs ``SELECT pg_notify('commentdesk_live', '<submission>:<event>')`` in the transaction:
PostgreSQL delivers it on commit only (to every worker, this one included, through their listeners) and drops
it on rollback. On SQLite (one process) it registers an ``after_commit`` hook on the Session that rings the
local hub; a rollback forgets it.

Ordering requirement for the ``row_event`` writer: the stream sends "events with id > last sent", so for one
submission ids must become visible in id order. Two transactions that draw ids 10 and 11 and commit 11 first
would make a stream skip 10. Take a per-submission lock *before* inserting the event (``SELECT ... FROM
submission WHERE id = :id FOR UPDATE`` or ``pg_advisory_xact_lock``); SQLite serialises writers anyway.

The SSE route must be ``async def`` (the subscription belongs to the event loop). Create the subscription
inside the body generator so that it exists exactly as long as the response streams, and give ``fetch_since``
a short-lived Session of its own per call: a stream lives for hours and must not hold a pooled connection::

    @router.get("/submissions/{submission_id}/live")
    async def live(request: Request, submission_id: int, after: int = 0, connection: str = "") -> StreamingResponse:
        hub: Hub = request.app.state.live_hub
        last = parse_last_event_id(request.headers.get("last-event-id"))
        last = after if last is None else last      # the page renders ?after=<max event id when rendered>
        conn_id = f"{session_id_of(request)}:{connection[:32]}"

        def fetch_since(last_id: int) -> list[tuple[int, str, str]]:
            with Session(request.app.state.engine) as s:
                ...  # SELECT id, 'row', data FROM row_event WHERE submission_id = :s AND id > :last ORDER BY id
                     # LIMIT 500  (data: the JSON live.js expects, see app/static/live.js)

        async def body() -> AsyncIterator[str]:
            async with hub.subscribe(submission_id, connection_id=conn_id) as subscription:
                hub.set_presence(submission_id, conn_id, user_id, display_name)
                try:
                    async for chunk in event_stream(fetch_since, subscription, last, request.is_disconnected,
                                                    batch_limit=500):
                        yield chunk
                finally:
                    hub.clear_presence(submission_id, conn_id)

        return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)

Check access to the submission before streaming (a 403/404 is not retried by EventSource). ``SSE_HEADERS`` are
``Cache-Control: no-store`` and ``X-Accel-Buffering: no`` (a proxy must not buffer the stream); no gzip on it.

Presence: ``hub.set_presence``/``clear_presence`` apply at once in this process and, while a listener runs,
are broadcast as ``presence:<submission>:<json>`` NOTIFY payloads that every other worker applies to its own
copy; a bare ``presence:<submission>`` only rings the presence doorbell. So each worker holds a replica built
from broadcasts it heard. A worker that starts (or reconnects its listener) late, or one that dies without
clearing, would leave gaps or ghosts: entries therefore expire ``presence_ttl`` seconds (75) after their last
set, and live.js re-sends its state every 25 s. Presence is best effort; row events are not.

Payloads on the channel: ``<submission_id>:<event_id>`` or ``<submission_id>:`` (re-check), and the presence
forms above. NOTIFY payloads are limited to 8000 bytes; display names are cut to 200 characters.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import random
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

import anyio.to_thread
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)
MAX_RETRY_SECONDS = 5.0  # a stream whose database reads fail waits at most this long between tries

CHANNEL = "commentdesk_live"
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
PRESENCE_PREFIX = "presence:"
MAX_NAME_CHARS = 200
_CHANNEL_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_SSE_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the only line breaks SSE knows (str.splitlines knows more)

FetchSince = Callable[[int], Iterable[tuple[int, str, str]] | Awaitable[Iterable[tuple[int, str, str]]]]


class Viewer(NamedTuple):
    user_id: int | None
    display_name: str
    editing_row_id: int | None


@dataclass(frozen=True, slots=True)
class Doorbell:
    """What rang since the last `take()`: rows (up to `latest_event_id`; None: re-check) and/or presence."""

    rows: bool = False
    latest_event_id: int | None = None
    presence: bool = False


class Subscription:
    """One stream's doorbell. Constant memory: rings merge into "latest id" and two flags until taken."""

    def __init__(self, hub: Hub, submission_id: int, connection_id: str | None, loop: asyncio.AbstractEventLoop):
        self.hub = hub
        self.submission_id = submission_id
        self.connection_id = connection_id
        self._loop = loop
        self._event = asyncio.Event()
        # Guarded by hub._lock: written by ring() from any thread, read by take() in the loop.
        self._rows = False
        self._latest: int | None = None
        self._recheck = False
        self._presence = False
        self._wake_scheduled = False
        self.closed = False

    def _note(self, *, rows: bool, event_id: int | None, presence: bool) -> bool:
        """Record a ring (hub lock held). True if the loop must be woken (no wake-up pending yet)."""
        if rows:
            self._rows = True
            if event_id is None:
                self._recheck = True
            elif self._latest is None or event_id > self._latest:
                self._latest = event_id
        self._presence = self._presence or presence
        if self._wake_scheduled:
            return False
        self._wake_scheduled = True
        return True

    def _wake(self) -> None:  # in the loop
        with self.hub._lock:
            self._wake_scheduled = False
        self._event.set()

    def take(self) -> Doorbell:
        """What rang since the last take, and reset."""
        self._event.clear()
        with self.hub._lock:
            bell = Doorbell(self._rows, None if self._recheck else self._latest, self._presence)
            self._rows = self._recheck = self._presence = False
            self._latest = None
        return bell

    async def wait(self, timeout: float | None = None) -> bool:
        """Until something rings (True) or `timeout` seconds pass (False). Does not reset: call `take()`."""
        if self._event.is_set():
            return True
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        self.hub._unsubscribe(self)

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.close()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class Hub:
    """Per-process fan-out of doorbells to the streams open in this process, and the presence of viewers."""

    def __init__(self, *, presence_ttl: float = 75.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._subscriptions: dict[int, set[Subscription]] = {}
        self._presence: dict[int, dict[str, tuple[Viewer, float]]] = {}  # value: (viewer, expires at)
        self._broadcast: Callable[[str], None] | None = None
        self.presence_ttl = presence_ttl
        self._clock = clock
        self.origin = secrets.token_hex(8)  # marks this process's presence broadcasts, to skip their echo
        self._generations: dict[int, int] = {}  # per submission: how many row doorbells rang (app/live_feed.py)

    # --- doorbells -------------------------------------------------------------------------------------------

    def subscribe(self, submission_id: int, *, connection_id: str | None = None) -> Subscription:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError("Hub.subscribe() must be called in the event loop (an async def route)") from None
        subscription = Subscription(self, submission_id, connection_id, loop)
        with self._lock:
            self._subscriptions.setdefault(submission_id, set()).add(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            subscription.closed = True
            subscribers = self._subscriptions.get(subscription.submission_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscriptions[subscription.submission_id]

    def subscriber_count(self, submission_id: int) -> int:
        with self._lock:
            return len(self._subscriptions.get(submission_id, ()))

    def ring(self, submission_id: int, event_id: int | None = None) -> None:
        """Submission has new events up to `event_id` (None: re-check the database). Any thread."""
        self._ring(submission_id, rows=True, event_id=event_id, presence=False)

    def ring_presence(self, submission_id: int) -> None:
        self._ring(submission_id, rows=False, event_id=None, presence=True)

    def ring_all(self) -> None:
        """Every submission with subscribers here: re-check rows and presence (after a gap in listening)."""
        with self._lock:
            submission_ids = list(self._subscriptions)
        for submission_id in submission_ids:
            self._ring(submission_id, rows=True, event_id=None, presence=True)

    def generation(self, submission_id: int) -> int:
        """Changes whenever a row doorbell rings for the submission: an answer read before may be out of date."""
        with self._lock:
            return self._generations.get(submission_id, 0)

    def _ring(self, submission_id: int, *, rows: bool, event_id: int | None, presence: bool) -> None:
        with self._lock:
            if rows:
                self._generations[submission_id] = self._generations.get(submission_id, 0) + 1
            to_wake = [
                s
                for s in self._subscriptions.get(submission_id, ())
                if s._note(rows=rows, event_id=event_id, presence=presence)
            ]
        for subscription in to_wake:
            try:
                subscription._loop.call_soon_threadsafe(subscription._wake)
            except RuntimeError:  # its event loop is closed: the stream is gone without closing
                self._unsubscribe(subscription)

    # --- presence --------------------------------------------------------------------------------------------

    def set_presence(
        self,
        submission_id: int,
        connection_id: str,
        user_id: int | None,
        display_name: str,
        editing_row_id: int | None = None,
    ) -> None:
        """This connection views the submission (editing a row, or not). Call again within the TTL to stay."""
        viewer = Viewer(user_id, display_name[:MAX_NAME_CHARS], editing_row_id)
        self._apply_presence(submission_id, connection_id, viewer)
        self._send(presence_payload(submission_id, connection_id, viewer, origin=self.origin))

    def clear_presence(self, submission_id: int, connection_id: str) -> None:
        self._apply_presence(submission_id, connection_id, None)
        self._send(presence_payload(submission_id, connection_id, None, origin=self.origin))

    def presence(self, submission_id: int) -> dict[str, Viewer]:
        """Connection id -> viewer, expired entries left out."""
        with self._lock:
            entries = self._presence.get(submission_id, {})
            self._prune(entries)
            if not entries:
                self._presence.pop(submission_id, None)
            return {connection_id: viewer for connection_id, (viewer, _) in entries.items()}

    def presence_json(self, submission_id: int, *, exclude_connection: str | None = None) -> str:
        """The `presence` event data live.js renders: {"viewers": [{"name": ..., "row_id": ...}, ...]}."""
        seen = {
            (viewer.display_name, viewer.editing_row_id)
            for connection_id, viewer in self.presence(submission_id).items()
            if connection_id != exclude_connection
        }
        viewers = [{"name": name, "row_id": row_id} for name, row_id in sorted(seen, key=lambda v: (v[0], v[1] or 0))]
        return json.dumps({"viewers": viewers}, ensure_ascii=False)

    def set_presence_broadcaster(self, broadcast: Callable[[str], None] | None) -> None:
        """Where set/clear_presence send their NOTIFY payloads (the running PostgresListener), or nowhere."""
        self._broadcast = broadcast

    def _send(self, payload: str) -> None:
        broadcast = self._broadcast
        if broadcast is not None:
            broadcast(payload)

    def _apply_presence(self, submission_id: int, connection_id: str, viewer: Viewer | None) -> None:
        with self._lock:
            entries = self._presence.setdefault(submission_id, {})
            changed = self._prune(entries)
            old = entries.get(connection_id)
            if viewer is None:
                if old is not None:
                    del entries[connection_id]
                    changed = True
            else:
                entries[connection_id] = (viewer, self._clock() + self.presence_ttl)
                changed = changed or old is None or old[0] != viewer
            if not entries:
                del self._presence[submission_id]
        if changed:
            self.ring_presence(submission_id)

    def _prune(self, entries: dict[str, tuple[Viewer, float]]) -> bool:
        """Drop expired entries (hub lock held). True if any was."""
        now = self._clock()
        expired = [connection_id for connection_id, (_, expires) in entries.items() if expires <= now]
        for connection_id in expired:
            del entries[connection_id]
        return bool(expired)

    # --- payloads from the channel ---------------------------------------------------------------------------

    def apply_payload(self, payload: str) -> bool:
        """Act on a NOTIFY payload (see the module docstring). False, and a log line, if it is malformed."""
        try:
            if payload.startswith(PRESENCE_PREFIX):
                submission, _, body = payload.removeprefix(PRESENCE_PREFIX).partition(":")
                submission_id = int(submission)
                if not body:
                    self.ring_presence(submission_id)
                    return True
                data = json.loads(body)
                if data.get("o") == self.origin:
                    return True  # our own broadcast, applied when it was made
                connection_id = str(data["c"])
                if data.get("clear"):
                    self._apply_presence(submission_id, connection_id, None)
                else:
                    user_id, row_id = data.get("u"), data.get("r")
                    viewer = Viewer(
                        None if user_id is None else int(user_id),
                        str(data["n"])[:MAX_NAME_CHARS],
                        None if row_id is None else int(row_id),
                    )
                    self._apply_presence(submission_id, connection_id, viewer)
                return True
            submission, _, event = payload.partition(":")
            self.ring(int(submission), int(event) if event else None)
            return True
        except (ValueError, KeyError, TypeError, AttributeError):
            logger.warning("live: ignored a malformed payload %r", payload[:200])
            return False


# --- publishing ------------------------------------------------------------------------------------------------


def row_payload(submission_id: int, event_id: int | None) -> str:
    return f"{int(submission_id)}:{'' if event_id is None else int(event_id)}"


def presence_payload(submission_id: int, connection_id: str, viewer: Viewer | None, *, origin: str = "") -> str:
    """`presence:<submission>:<json>`: a viewer set, or cleared when `viewer` is None."""
    data: dict[str, Any] = {"o": origin, "c": connection_id}
    if viewer is None:
        data["clear"] = True
    else:
        data.update(u=viewer.user_id, n=viewer.display_name[:MAX_NAME_CHARS], r=viewer.editing_row_id)
    return f"{PRESENCE_PREFIX}{int(submission_id)}:{json.dumps(data, ensure_ascii=False, separators=(',', ':'))}"


def notify_sql(submission_id: int, event_id: int | None, *, channel: str = CHANNEL) -> tuple[str, dict[str, str]]:
    """SQL and bound parameters (SQLAlchemy `text()` style) that ring the doorbell on PostgreSQL at commit."""
    return "SELECT pg_notify(:channel, :payload)", {"channel": channel, "payload": row_payload(submission_id, event_id)}


def publish(connection: Any, submission_id: int, event_id: int | None, *, channel: str = CHANNEL) -> None:
    """PostgreSQL: pg_notify in the transaction of `connection` (a SQLAlchemy Connection or Session)."""
    sql, params = notify_sql(submission_id, event_id, channel=channel)
    connection.execute(text(sql), params)


_PENDING = "commentdesk.live.pending"


def ring_after_commit(
    session: Any, hub: Hub, submission_id: int, event_id: int | None, *, channel: str = CHANNEL
) -> None:
    """Ring the doorbell when `session` commits: pg_notify in the transaction on PostgreSQL, a hook elsewhere."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        publish(connection, submission_id, event_id, channel=channel)
        return
    pending: dict[tuple[Hub, int], int | None] | None = session.info.get(_PENDING)
    if pending is None:
        pending = session.info[_PENDING] = {}
        event.listen(session, "after_commit", _ring_pending)
        event.listen(session, "after_rollback", _forget_pending)
    key = (hub, submission_id)
    if key in pending:
        known = pending[key]
        event_id = None if known is None or event_id is None else max(known, event_id)
    pending[key] = event_id


def _ring_pending(session: Any) -> None:
    pending = session.info.get(_PENDING)
    if not pending:
        return
    rings = list(pending.items())
    pending.clear()
    for (hub, submission_id), event_id in rings:
        hub.ring(submission_id, event_id)


def _forget_pending(session: Any) -> None:
    pending = session.info.get(_PENDING)
    if pending:
        pending.clear()


# --- the LISTEN connection -------------------------------------------------------------------------------------


def libpq_conninfo(url: str) -> str:
    """A SQLAlchemy URL (`postgresql+psycopg://u:p@h:5432/db?options=-csearch_path%3Dx`) as a libpq conninfo.

    A string without "://" is taken to be a conninfo already. Adds a connect timeout, TCP keepalives (so a
    silently dropped connection is noticed) and an application name unless the URL sets them.
    """
    from psycopg.conninfo import make_conninfo

    if "://" not in url:
        return url
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ValueError(f"not a PostgreSQL URL: {parsed.drivername}")
    params: dict[str, Any] = {}
    for key, value in (
        ("host", parsed.host),
        ("port", parsed.port),
        ("user", parsed.username),
        ("password", parsed.password),
        ("dbname", parsed.database),
    ):
        if value is not None:
            params[key] = value
    for key, value in parsed.query.items():
        params[key] = ",".join(value) if isinstance(value, tuple) else value
    for key, value in (
        ("connect_timeout", 5),
        ("keepalives", 1),
        ("keepalives_idle", 30),
        ("keepalives_interval", 10),
        ("keepalives_count", 3),
        ("application_name", "commentdesk-live"),
    ):
        params.setdefault(key, value)
    return make_conninfo(**params)


class PostgresListener:
    """This worker's LISTEN connection: forwards doorbells to the hub; reconnects with backoff; never raises.

    While running it is also the hub's presence broadcaster, over a second, lazily opened connection (a
    connection waiting in `notifies()` cannot send).
    """

    def __init__(
        self,
        channel: str = CHANNEL,
        *,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        health_check_seconds: float = 60.0,
        outbox_size: int = 1000,
    ) -> None:
        if not _CHANNEL_NAME.fullmatch(channel):
            raise ValueError(f"channel must be a lower-case identifier: {channel!r}")
        self.channel = channel
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.health_check_seconds = health_check_seconds
        self.outbox_size = outbox_size
        self.backend_pid: int | None = None  # of the LISTEN connection, while listening
        self.connects = 0
        self._hub: Hub | None = None
        self._conninfo = ""
        self._listening: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._outbox: asyncio.Queue[str] | None = None
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def listening(self) -> bool:
        return self._listening is not None and self._listening.is_set()

    async def wait_listening(self, timeout: float) -> bool:
        """True once LISTEN is in place (for tests and health checks); False after `timeout` seconds."""
        if self._listening is None:
            return False
        try:
            await asyncio.wait_for(self._listening.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def start(self, hub: Hub, url: str) -> None:
        """Start in the background and return at once: a database that is down delays live updates, not the app."""
        if self._tasks:
            raise RuntimeError("the listener is already running")
        self._hub = hub
        self._conninfo = libpq_conninfo(url)
        self._loop = asyncio.get_running_loop()
        self._listening = asyncio.Event()
        self._outbox = asyncio.Queue(self.outbox_size)
        self._tasks = [
            asyncio.create_task(self._listen_forever(), name=f"live-listen-{self.channel}"),
            asyncio.create_task(self._send_forever(), name=f"live-send-{self.channel}"),
        ]
        hub.set_presence_broadcaster(self._broadcast)

    async def stop(self) -> None:
        if self._hub is not None and self._hub._broadcast == self._broadcast:
            self._hub.set_presence_broadcaster(None)
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._listening is not None:
            self._listening.clear()

    async def _listen_forever(self) -> None:
        import psycopg
        from psycopg import sql

        assert self._hub is not None and self._listening is not None
        backoff = self.min_backoff
        while True:
            conn: psycopg.AsyncConnection[Any] | None = None
            try:
                conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                self.backend_pid = conn.info.backend_pid
                self.connects += 1
                self._listening.set()
                if self.connects > 1:
                    logger.info("live: listening on %s again", self.channel)
                backoff = self.min_backoff
                self._hub.ring_all()  # whatever committed while nobody here was listening
                while True:
                    async for notify in conn.notifies(timeout=self.health_check_seconds):
                        self._hub.apply_payload(notify.payload)
                    await conn.execute("SELECT 1")  # notices a dead connection that keepalives missed
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("live: LISTEN connection lost or refused (%s); retrying in %.1f s", exc, backoff)
            finally:
                self._listening.clear()
                self.backend_pid = None
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close()
            await asyncio.sleep(backoff * (0.75 + random.random() / 2))
            backoff = min(backoff * 2, self.max_backoff)

    def _broadcast(self, payload: str) -> None:  # any thread
        loop = self._loop
        if loop is None or not self._tasks:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(self._enqueue, payload)

    def _enqueue(self, payload: str) -> None:
        assert self._outbox is not None
        try:
            self._outbox.put_nowait(payload)
        except asyncio.QueueFull:
            logger.warning("live: presence outbox full; dropped a presence update")

    async def _send_forever(self) -> None:
        import psycopg

        assert self._outbox is not None
        conn: psycopg.AsyncConnection[Any] | None = None
        try:
            while True:
                payload = await self._outbox.get()
                try:
                    if conn is None or conn.closed:
                        conn = await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True)
                    await conn.execute("SELECT pg_notify(%s, %s)", (self.channel, payload))
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # presence is best effort: the next heartbeat repairs it
                    logger.warning("live: could not broadcast presence (%s)", exc)
                    if conn is not None:
                        with contextlib.suppress(Exception):
                            await conn.close()
                    conn = None
        finally:
            if conn is not None:
                with contextlib.suppress(Exception):
                    await conn.close()


# --- Server-Sent Events ----------------------------------------------------------------------------------------


def parse_last_event_id(value: str | None) -> int | None:
    """The `Last-Event-ID` header as an id, or None if absent or not a non-negative integer."""
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


def format_sse(event_id: int | None, event_name: str, data: str) -> str:
    if "\n" in event_name or "\r" in event_name:
        raise ValueError("an SSE event name cannot contain a line break")
    lines = [] if event_id is None else [f"id: {event_id}"]
    lines.append(f"event: {event_name}")
    lines.extend(f"data: {line}" for line in _SSE_LINE_BREAK.split(data))
    return "\n".join(lines) + "\n\n"


async def _fetch(fetch_since: FetchSince, after: int) -> list[tuple[int, str, str]]:
    if inspect.iscoroutinefunction(fetch_since):
        return list(await fetch_since(after))
    return list(await anyio.to_thread.run_sync(fetch_since, after))  # type: ignore[arg-type]


async def _disconnected(is_disconnected: Callable[[], Awaitable[bool] | bool]) -> bool:
    result = is_disconnected()
    if inspect.isawaitable(result):
        result = await result
    return bool(result)


async def event_stream(
    fetch_since: FetchSince,
    subscription: Subscription,
    last_event_id: int,
    is_disconnected: Callable[[], Awaitable[bool] | bool],
    *,
    keepalive_seconds: float = 15.0,
    retry_ms: int = 2000,
    disconnect_check_seconds: float = 1.0,
    batch_limit: int | None = None,
) -> AsyncIterator[str]:
    """SSE text for one browser: events after `last_event_id`, then more as doorbells ring, until it disconnects.

    `fetch_since(last_id)` (sync, run in a worker thread; or async, awaited in the loop) returns `(id, event_name,
    data)` for the submission's events with id > last_id in id order; if it applies `LIMIT batch_limit`, pass
    `batch_limit` and a full batch is followed by another fetch at once. A `presence` event (no id) is sent at the
    start and whenever the viewers change. Every `keepalive_seconds` a comment line keeps proxies from closing the
    connection and the database is checked even without a doorbell (in case one was lost). `is_disconnected` (sync
    or async, e.g. `request.is_disconnected`) is polled every `disconnect_check_seconds`. Closes `subscription` at
    the end.
    """
    last = last_event_id
    failures = 0
    presence_sent: str | None = None
    check_rows = check_presence = True
    next_keepalive = time.monotonic() + keepalive_seconds
    try:
        yield f"retry: {int(retry_ms)}\n\n"
        while True:
            while check_rows:
                after = last
                try:
                    batch = await _fetch(fetch_since, after)
                except Exception:  # the database is busy or away for a moment: keep the stream, try again
                    failures += 1
                    logger.warning("live stream: reading events failed (%d in a row)", failures, exc_info=True)
                    yield ": waiting for the database\n\n"
                    await anyio.sleep(min(MAX_RETRY_SECONDS, 0.25 * 2 ** failures))
                    if await _disconnected(is_disconnected):
                        return
                    continue
                failures = 0
                for event_id, event_name, data in batch:
                    if event_id > last:
                        yield format_sse(event_id, event_name, data)
                        last = event_id
                check_rows = batch_limit is not None and len(batch) >= batch_limit and last > after
            if check_presence:
                check_presence = False
                snapshot = subscription.hub.presence_json(
                    subscription.submission_id, exclude_connection=subscription.connection_id
                )
                if snapshot != presence_sent:
                    yield format_sse(None, "presence", snapshot)
                    presence_sent = snapshot
            if await _disconnected(is_disconnected):
                return
            now = time.monotonic()
            if now >= next_keepalive:
                yield ": keep-alive\n\n"
                next_keepalive = now + keepalive_seconds
                check_rows = check_presence = True  # presence entries also expire without a doorbell
                continue
            if await subscription.wait(min(disconnect_check_seconds, next_keepalive - now)):
                bell = subscription.take()
                check_rows = bell.rows and (bell.latest_event_id is None or bell.latest_event_id > last)
                check_presence = bell.presence
    finally:
        subscription.close()
