"""Co-editing benchmark: 50 simulated editors on one 300-row submission, 2 uvicorn workers on PostgreSQL.

Method. Creates a fresh schema on PostgreSQL (127.0.0.1:5432/test unless --database-url), migrates it, builds
the 300-row submission of bench/table.py (~120-word quotes, two underlines, 60-word comment and recommendation,
two tags per row), adds the editors and a signed-in session for each, then starts
`uvicorn --factory app.main:create_app --workers 2` as a subprocess. Every editor opens the table's event
stream (GET /submissions/{id}/live?after=<latest event>, as the page does) and, once all streams are open,
acts on average every 2 s (exponential think time) for 5 s of warm-up (not counted: each worker renders the
table once and fills its connection pool, as a server that has been up a while has) and then 30 s measured:
- 80% reads: a row's fragment (GET /rows/{id}/fragment; 90% of reads) or a table reload (GET /submissions/{id},
  ~2 MB; 10%);
- 20% saves: POST /rows/{id}/text of a comment or recommendation of a random row, based on the version this
  editor last saw of it (409 is counted as a conflict, not an error).
Like live.js, each editor applies the row events of its stream in order; an event carries the changed row's
HTML (rendered once per worker and shared by its streams, app/live_feed.py), and only an event without it makes
the editor fetch the row's fragment (--no-fetch leaves that out).
A separate probe asks GET /healthz every 100 ms under the same load: the ceiling a trivial endpoint reaches.

Figures: p50/p99 of a save (send -> response); of the fan-out, for each acknowledged save and each *other*
editor, from sending the save to that editor's stream delivering the event with the row id and the version
the save answered (`X-Row-Version`), and the same from the save's answer (what the live path adds; negative
when others hear of it before the saver's answer arrives); of the fan-out until that editor has also shown the
row (what a person sees); of row reads, table reloads and /healthz; and the ratio save p99 / healthz p99
measured in the same run.
Events carry {row_id, action, version, after_row_id, html}: the changed row, never the table.
Errors: any answer other than 200/204/409, a stream that ends early, a save's event some editor never gets.

The load generator (asyncio and httpx; the editors spread over --load-processes processes, 2 by default, because
one process receiving 50 streams' events was itself slow enough to delay the answers it timed) runs on the same
2-core machine as the two workers and PostgreSQL, so every figure includes its share of the CPU; its event
loop lag is printed so that part can be seen. Times are time.perf_counter() (CLOCK_MONOTONIC), one clock for
all processes. Targets: save p99 < 100 ms, fan-out p99 < 100 ms, 0 errors; exits 1 if one is missed.
Run: .venv/bin/python bench/coedit.py [--editors 50] [--seconds 30] [--warmup 5] [--workers 2]
     [--load-processes 2] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, text  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from app.db import make_engine  # noqa: E402
from app.security import SESSION_COOKIE, csrf_token_for  # noqa: E402
from bench.table import build, words  # noqa: E402
from comments import accounts  # noqa: E402
from comments.models import CommentRow, Role, RowEvent, Submission, Team  # noqa: E402
from tests.app.live_servers import NO_DELAY_PROTOCOL, SseParser, worker_processes  # noqa: E402
from tests.conftest import migrate  # noqa: E402
from tests.factories import make_member  # noqa: E402

DEFAULT_URL = os.environ.get("COMMENTDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGET_SAVE_P99_MS = 100
TARGET_FANOUT_P99_MS = 100
SAVE_SHARE = 0.2
RELOAD_SHARE_OF_READS = 0.1
PROBE_EVERY = 0.1
GRACE_SECONDS = 3.0  # after the load stops: time for the last saves' events to arrive
SECRET_KEY = secrets.token_urlsafe(32)
KEEPALIVE = httpx.Limits(keepalive_expiry=3)
CONFLICT_VERSION = re.compile(r'data-conflict data-version="(\d+)"')


# --- the database ----------------------------------------------------------------------------------------------


def create_schema(base_url: str) -> tuple[str, str]:
    schema = f"cd_bench_{secrets.token_hex(6)}"
    admin = make_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"


def drop_schema(base_url: str, schema: str) -> None:
    assert re.fullmatch(r"cd_bench_[0-9a-f]+", schema)
    admin = make_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@dataclass
class Table:
    submission_id: int
    versions: dict[int, int]  # row id -> version at the start
    latest_event_id: int
    tokens: list[str]


def build_table(url: str, *, rows: int, editors: int) -> Table:
    engine = make_engine(url)
    try:
        submission_id, _ = build(engine, rows)
        with Session(engine) as session:
            submission = session.get(Submission, submission_id)
            assert submission is not None
            team = session.get(Team, submission.team_id)
            assert team is not None
            users = [make_member(session, team, role=Role.editor, email=f"editor{i}@bench.example.org",
                                 name=f"Editor {i}") for i in range(editors)]
            tokens = [accounts.start_session(session, user=user, team_id=team.id) for user in users]
            session.commit()
            versions = dict(session.exec(select(CommentRow.id, CommentRow.version)
                                         .where(CommentRow.submission_id == submission_id)).all())
            latest = session.exec(select(func.max(RowEvent.id))
                                  .where(RowEvent.submission_id == submission_id)).one()
        return Table(submission_id, {int(k): v for k, v in versions.items()}, int(latest or 0), tokens)
    finally:
        engine.dispose()


# --- the load --------------------------------------------------------------------------------------------------


@dataclass
class Results:
    save_ms: list[float] = field(default_factory=list)
    read_ms: list[float] = field(default_factory=list)
    reload_ms: list[float] = field(default_factory=list)
    fetch_ms: list[float] = field(default_factory=list)  # live.js fetching a changed row
    healthz_ms: list[float] = field(default_factory=list)
    loop_lag_ms: list[float] = field(default_factory=list)
    conflicts: int = 0
    measuring: bool = False  # off during the warm-up: what starts then is not counted (errors always are)
    errors: Counter[str] = field(default_factory=Counter)
    # (row id, version) of each acknowledged save -> (editor, sent at, answered at)
    saves: dict[tuple[int, int], tuple[int, float, float]] = field(default_factory=dict)
    received: dict[tuple[int, int], dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    fetched: dict[tuple[int, int], dict[int, float]] = field(default_factory=lambda: defaultdict(dict))
    cpu_seconds: float = 0.0  # the load generator's own

    def portable(self) -> Results:
        """A copy that pickles (no defaultdict factories), to send from a load process to the parent."""
        return Results(self.save_ms, self.read_ms, self.reload_ms, self.fetch_ms, self.healthz_ms, self.loop_lag_ms,
                       self.conflicts, self.measuring, Counter(self.errors), dict(self.saves), dict(self.received),
                       dict(self.fetched), self.cpu_seconds)

    def add(self, other: Results) -> None:
        """Merge another process's results (times are time.perf_counter(): CLOCK_MONOTONIC, one clock for all)."""
        for name in ("save_ms", "read_ms", "reload_ms", "fetch_ms", "healthz_ms", "loop_lag_ms"):
            getattr(self, name).extend(getattr(other, name))
        self.conflicts += other.conflicts
        self.errors.update(other.errors)
        self.saves.update(other.saves)
        for mine, theirs in ((self.received, other.received), (self.fetched, other.fetched)):
            for change, arrivals in theirs.items():
                mine[change].update(arrivals)
        self.cpu_seconds += other.cpu_seconds


class Editor:
    def __init__(self, number: int, token: str, table: Table, base_url: str, results: Results, *,
                 fetch_rows: bool, think: float, seed: int) -> None:
        self.number = number
        self.table = table
        self.results = results
        self.fetch_rows = fetch_rows
        self.think = think
        self.rng = random.Random(f"{seed}:{number}")
        self.shown = dict(table.versions)  # the version of each row this editor's page shows
        self.row_ids = list(table.versions)
        cookies = {SESSION_COOKIE: token}
        # Idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them under a request (a
        # browser retries such a request; httpx does not).
        self.client = httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=30, limits=KEEPALIVE)
        self.stream_client = httpx.AsyncClient(base_url=base_url, cookies=cookies,
                                               timeout=httpx.Timeout(30, read=None))
        self.change_headers = {"X-CSRF-Token": csrf_token_for(SECRET_KEY, token), "HX-Request": "true"}
        self.opened = asyncio.Event()
        self.events: asyncio.Queue[dict] = asyncio.Queue()
        self.saves = 0

    async def close(self) -> None:
        await self.client.aclose()
        await self.stream_client.aclose()

    async def stream(self, stopping: asyncio.Event) -> None:
        parser = SseParser()
        url = f"/submissions/{self.table.submission_id}/live?after={self.table.latest_event_id}"
        try:
            async with self.stream_client.stream("GET", url, headers={"Accept": "text/event-stream"}) as response:
                if response.status_code != 200:
                    self.results.errors[f"stream answered {response.status_code}"] += 1
                    return
                async for line in response.aiter_lines():
                    event = parser.feed(line)
                    if event is None:
                        continue
                    if event.event == "presence":
                        self.opened.set()
                    elif event.event == "row":
                        data = json.loads(event.data)
                        self.results.received[(data["row_id"], data["version"])][self.number] = event.received_at
                        self.events.put_nowait(data)
            if not stopping.is_set():
                self.results.errors["a stream ended early"] += 1
        except httpx.HTTPError as exc:
            if not stopping.is_set():
                self.results.errors[f"stream: {type(exc).__name__}"] += 1

    async def apply_events(self) -> None:
        """live.js: row events one at a time, in order; a newer version of a row is fetched and shown."""
        waiting: dict[int, list[int]] = defaultdict(list)  # row id -> versions a later event will show
        while True:
            data = await self.events.get()
            row_id, version = data["row_id"], data["version"]
            if version is None:
                continue
            if self.shown.get(row_id, 0) >= version:  # shown already (our own save, or a newer read)
                self.results.fetched[(row_id, version)][self.number] = time.perf_counter()
                continue
            if data.get("superseded"):  # a later event of the batch carries the row
                waiting[row_id].append(version)
                continue
            if data.get("html"):  # the event carries the row: shown without another request, as live.js does
                found = re.search(r'data-version="(\d+)"', data["html"])
                self.shown[row_id] = max(int(found.group(1)) if found else version, version)
            elif self.fetch_rows:
                response = await self.get(data["html_url"], self.results.fetch_ms, headers={"HX-Request": "true"})
                if response is None:
                    continue
                self.shown[row_id] = max(int(response.headers.get("X-Row-Version", version)), version)
            else:
                self.shown[row_id] = version
                continue
            shown_at = time.perf_counter()
            for shown_version in (*waiting.pop(row_id, ()), version):
                self.results.fetched[(row_id, shown_version)][self.number] = shown_at

    async def get(self, url: str, into: list[float], **kwargs) -> httpx.Response | None:
        measured = self.results.measuring
        started = time.perf_counter()
        try:
            response = await self.client.get(url, **kwargs)
        except httpx.HTTPError as exc:
            self.results.errors[f"GET: {type(exc).__name__}"] += 1
            return None
        if measured:
            into.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            self.results.errors[f"GET answered {response.status_code}"] += 1
            return None
        return response

    async def act(self, until: float) -> None:
        while True:
            await asyncio.sleep(self.rng.expovariate(1 / self.think))
            if time.perf_counter() >= until:
                return
            row_id = self.rng.choice(self.row_ids)
            if self.rng.random() < SAVE_SHARE:
                await self.save(row_id)
            elif self.rng.random() < RELOAD_SHARE_OF_READS:
                await self.get(f"/submissions/{self.table.submission_id}", self.results.reload_ms)
            else:
                response = await self.get(f"/rows/{row_id}/fragment", self.results.read_ms,
                                          headers={"HX-Request": "true"})
                if response is not None:
                    self.shown[row_id] = max(self.shown[row_id], int(response.headers["X-Row-Version"]))

    async def save(self, row_id: int) -> None:
        self.saves += 1
        field_name = self.rng.choice(("comment", "recommendation"))
        value = f"{words(self.rng, 60)} (editor {self.number}, save {self.saves})"
        measured = self.results.measuring
        sent = time.perf_counter()
        try:
            response = await self.client.post(f"/rows/{row_id}/text", headers=self.change_headers, data={
                "field": field_name, "value": value, "version": str(self.shown[row_id])})
        except httpx.HTTPError as exc:
            self.results.errors[f"save: {type(exc).__name__}"] += 1
            return
        answered = time.perf_counter()
        if measured:
            self.results.save_ms.append((answered - sent) * 1000)
        if response.status_code == 204:
            version = int(response.headers["X-Row-Version"])
            if measured:
                self.results.saves[(row_id, version)] = (self.number, sent, answered)
            self.shown[row_id] = max(self.shown[row_id], version)
        elif response.status_code == 409:
            self.results.conflicts += measured
            offered = CONFLICT_VERSION.search(response.text)
            if offered:
                self.shown[row_id] = max(self.shown[row_id], int(offered.group(1)))
        else:
            self.results.errors[f"save answered {response.status_code}"] += 1


async def probe_healthz(base_url: str, results: Results, until: float) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=KEEPALIVE) as client:
        while time.perf_counter() < until:
            measured = results.measuring
            started = time.perf_counter()
            try:
                response = await client.get("/healthz")
                if measured:
                    results.healthz_ms.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    results.errors[f"healthz answered {response.status_code}"] += 1
            except httpx.HTTPError as exc:
                results.errors[f"healthz: {type(exc).__name__}"] += 1
            await asyncio.sleep(max(0.0, PROBE_EVERY - (time.perf_counter() - started)))


async def probe_loop_lag(results: Results, until: float) -> None:
    while time.perf_counter() < until:
        started = time.perf_counter()
        await asyncio.sleep(0.05)
        if results.measuring:
            results.loop_lag_ms.append((time.perf_counter() - started - 0.05) * 1000)


async def run_load(base_url: str, table: Table, args: argparse.Namespace, *, part: int, parts: int,
                   all_streams_open: Barrier) -> Results:
    """The editors numbered part, part + parts, ... (and the /healthz probe in part 0), in this process."""
    results = Results()
    editors = [Editor(n, token, table, base_url, results, fetch_rows=args.fetch, think=args.think, seed=args.seed)
               for n, token in enumerate(table.tokens) if n % parts == part]
    stopping = asyncio.Event()
    streams = [asyncio.create_task(e.stream(stopping)) for e in editors]
    appliers = [asyncio.create_task(e.apply_events()) for e in editors]
    try:
        await asyncio.wait_for(asyncio.gather(*(e.opened.wait() for e in editors)), 60)
        await asyncio.get_running_loop().run_in_executor(None, all_streams_open.wait, 60)  # every process's
        await asyncio.sleep(1)  # the presence broadcasts of 50 new viewers settle
        until = time.perf_counter() + args.warmup + args.seconds

        async def measure_after_warmup() -> None:
            await asyncio.sleep(args.warmup)
            results.measuring = True

        probes = [probe_healthz(base_url, results, until)] if part == 0 else []
        await asyncio.gather(*(e.act(until) for e in editors), *probes, probe_loop_lag(results, until),
                             measure_after_warmup())
        await asyncio.sleep(GRACE_SECONDS)
    finally:
        stopping.set()
        for task in (*streams, *appliers):
            task.cancel()
        await asyncio.gather(*streams, *appliers, return_exceptions=True)
        await asyncio.gather(*(e.close() for e in editors))
    return results


def load_process(base_url: str, table: Table, args: argparse.Namespace, part: int, parts: int,
                 all_streams_open: Barrier, out: Queue) -> None:
    started = time.process_time()
    try:
        results = asyncio.run(run_load(base_url, table, args, part=part, parts=parts,
                                       all_streams_open=all_streams_open))
    except BaseException as exc:  # the parent reports it: a load process must not fail silently
        results = Results()
        results.errors[f"load process {part}: {type(exc).__name__}: {exc}"] += 1
        all_streams_open.abort()
    results.cpu_seconds = time.process_time() - started
    out.put(results.portable())


def generate_load(base_url: str, table: Table, args: argparse.Namespace) -> Results:
    """The editors spread over --load-processes processes, so that one busy event loop on the client side does
    not hold back the answers it measures; their results merged."""
    context = multiprocessing.get_context("fork")  # the children inherit the table and the arguments
    parts = max(1, min(args.load_processes, args.editors))
    all_streams_open = context.Barrier(parts)
    out: Queue = context.Queue()
    processes = [context.Process(target=load_process, args=(base_url, table, args, part, parts, all_streams_open,
                                                            out)) for part in range(parts)]
    for process in processes:
        process.start()
    results = Results()
    for _ in processes:
        results.add(out.get(timeout=args.warmup + args.seconds + 180))
    for process in processes:
        process.join(timeout=30)
    return results


# --- figures ---------------------------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes so far (from /proc, Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat(5)
    return total / ticks


def percentiles(values: list[float]) -> tuple[float, float]:
    if len(values) < 2:
        return (values[0], values[0]) if values else (float("nan"), float("nan"))
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[98]


Arrivals = dict[tuple[int, int], dict[int, float]]


def fan_out(results: Results, editors: int, arrivals: Arrivals, *,
            from_answer: bool = False) -> tuple[list[float], int]:
    """Milliseconds from sending each acknowledged save (or, `from_answer`, from its answer) to each other editor's
    arrival; and how many never came."""
    latencies, missed = [], 0
    for change, (saver, sent, answered) in results.saves.items():
        start = answered if from_answer else sent
        for editor in range(editors):
            if editor == saver:
                continue
            at = arrivals.get(change, {}).get(editor)
            if at is None:
                missed += 1
            else:
                latencies.append((at - start) * 1000)
    return latencies, missed


def line(name: str, values: list[float], unit: str = "requests") -> str:
    p50, p99 = percentiles(values)
    return f"{name:<34} p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   ({len(values)} {unit})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30, help="measured seconds, after the warm-up")
    parser.add_argument("--warmup", type=float, default=5,
                        help="seconds of the same load first, not counted: each worker's caches and pool fill up")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--load-processes", type=int, default=2,
                        help="client processes the editors are spread over (default 2)")
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between an editor's actions")
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a PostgreSQL URL; a schema is made and dropped")
    parser.add_argument("--no-fetch", dest="fetch", action="store_false",
                        help="do not fetch a changed row's fragment after its event (live.js does)")
    parser.add_argument("--plain-http", dest="tcp_nodelay", action="store_false",
                        help="serve with uvicorn's own HTTP protocol (loses TCP_NODELAY with --workers N); "
                             "default: the protocol `commentdesk serve` uses")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.database_url.startswith(("postgresql", "postgres")):
        parser.error("--database-url must be a PostgreSQL URL: several workers share live updates through it")
    logging.disable(logging.INFO)

    started = time.perf_counter()
    schema, url = create_schema(args.database_url)
    try:
        migrate(url)
        table = build_table(url, rows=args.rows, editors=args.editors)
        built = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp, worker_processes(
            url, data_dir=Path(tmp), secret_key=SECRET_KEY, workers=args.workers,
            http=NO_DELAY_PROTOCOL if args.tcp_nodelay else None,
        ) as server:
            load_before, cpu_before = os.getloadavg()[0], cpu_seconds(server.worker_pids())
            results = generate_load(server.url, table, args)
            load_after, cpu_used = os.getloadavg()[0], cpu_seconds(server.worker_pids()) - cpu_before
            own_used = results.cpu_seconds
            server_log = server.log()
    finally:
        drop_schema(args.database_url, schema)

    events, missed_events = fan_out(results, args.editors, results.received)
    after_answer, _ = fan_out(results, args.editors, results.received, from_answer=True)
    seen, missed_rows = fan_out(results, args.editors, results.fetched) if args.fetch else ([], 0)
    errors = sum(results.errors.values()) + missed_events
    save_p99 = percentiles(results.save_ms)[1]
    event_p99 = percentiles(events)[1]
    healthz_p99 = percentiles(results.healthz_ms)[1]
    saves = len(results.saves) + results.conflicts
    print(f"co-editing: {args.editors} editors, one {args.rows}-row table, {args.workers} uvicorn workers on "
          f"PostgreSQL, {args.seconds:.0f} s measured after {args.warmup:.0f} s of warm-up, think time exp. mean "
          f"{args.think:.1f} s (set-up {built:.1f} s)")
    print(f"  the load generator runs on the same machine ({os.cpu_count()} cores) as the workers and PostgreSQL; "
          f"load average {load_before:.1f} before, {load_after:.1f} after (other work on the machine counts too)")
    loaded = args.warmup + args.seconds + GRACE_SECONDS
    print(f"  the workers used {cpu_used:.1f} CPU-seconds in {loaded:.0f} s of load "
          f"({cpu_used / loaded * 100:.0f}% of one core); the load generator itself "
          f"{own_used:.1f} CPU-seconds ({own_used / loaded * 100:.0f}%)")
    print(f"actions: {len(results.read_ms)} row reads, {len(results.reload_ms)} table reloads, {saves} saves "
          f"({results.conflicts} conflicts), {len(results.fetch_ms)} live row fetches, "
          f"{len(results.healthz_ms)} /healthz probes")
    print(line("save (POST /rows/{id}/text)", results.save_ms))
    print(line("fan-out: save -> others' event", events, "deliveries"))
    print(line("  of which after the save's answer", after_answer, "deliveries"))
    if args.fetch:
        print(line("fan-out: save -> others' row shown", seen, "deliveries"))
        print(line("live row fetch (GET fragment)", results.fetch_ms))
    print(line("row read (GET fragment)", results.read_ms))
    print(line("table reload (GET table page)", results.reload_ms))
    print(line("/healthz under the same load", results.healthz_ms))
    print(line("load generator event-loop lag", results.loop_lag_ms, "samples"))
    print(f"ratio save p99 / healthz p99: {save_p99 / healthz_p99:.2f}x   "
          f"fan-out p99 / healthz p99: {event_p99 / healthz_p99:.2f}x")
    print(f"errors: {errors} ({dict(results.errors) or 'none'}; events never delivered: {missed_events}"
          + (f"; rows never fetched: {missed_rows}" if args.fetch else "") + ")")
    if "Traceback" in server_log:
        print("server log has tracebacks:\n" + server_log[-3000:])
        errors += 1
    print(f"targets: save p99 < {TARGET_SAVE_P99_MS} ms, fan-out p99 < {TARGET_FANOUT_P99_MS} ms, 0 errors")
    ok = save_p99 < TARGET_SAVE_P99_MS and event_p99 < TARGET_FANOUT_P99_MS and errors == 0
    print("OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
