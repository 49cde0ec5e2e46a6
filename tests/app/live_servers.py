"""Real servers for the tests and benchmarks that TestClient cannot stand in for: concurrent editors, event
streams held open, several worker processes.

- `threaded_server(settings)`: the app under uvicorn in a thread of this process (one process, as on SQLite).
- `worker_processes(database_url, workers=2, ...)`: `python -m uvicorn --factory app.main:create_app --workers N`
  as a subprocess in its own process group; `.worker_of(client_port)` tells which worker process holds a
  connection (read from /proc, without changing the app).
- `seed_table(database_url, editors=5, rows=4)`: a team, its editors, a draft and a submission with rows.
- `signed_in_headers(secret_key, token)` and `sign_in_through_form(client, email)`: how a browser acts.
- `SseParser`, `parse_sse(lines)` and `StreamReader`: an EventSource in a thread that records when each event arrived.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from sqlmodel import Session

from app.db import make_engine
from app.main import create_app
from app.security import SESSION_COOKIE, csrf_token_for
from app.server import HTTP_PROTOCOL
from app.settings import PROJECT_ROOT, Settings
from comments import accounts, submissions
from comments.models import Role
from tests.factories import TEST_PASSWORD, make_draft, make_member, make_submission, make_team

CSRF_HEADER = re.compile(r'"X-CSRF-Token": "([0-9a-f]+)"')  # <body hx-headers='{"X-CSRF-Token": "..."}'>
CSRF_INPUT = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- servers ---------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def threaded_server(settings: Settings) -> Iterator[str]:
    """The app under uvicorn in a daemon thread; yields its base URL. Stops it (and disposes its engine) after."""
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.engine.dispose()


@dataclass
class ServerProcess:
    """A uvicorn master process (own process group) and its workers."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def worker_pids(self) -> list[int]:
        """The worker processes (with --workers 1 uvicorn serves from the master process itself)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()] or [self.process.pid]
        except OSError:
            return []

    def worker_of(self, client_port: int) -> int | None:
        """The pid of the worker process that holds the server side of the connection from `client_port`."""
        inodes = _server_socket_inodes(self.port)
        inode = inodes.get(client_port)
        if inode is None:
            return None
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for fd in Path(f"/proc/{pid}/fd").iterdir():
                    with contextlib.suppress(OSError):
                        if os.readlink(fd) == f"socket:[{inode}]":
                            return pid
        return None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _server_socket_inodes(server_port: int) -> dict[int, str]:
    """Established IPv4 connections to `server_port` on this host: client port -> inode of the server's socket."""
    found: dict[int, str] = {}
    with contextlib.suppress(OSError), open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            parts = line.split()
            local_port = int(parts[1].rsplit(":", 1)[1], 16)
            remote_port = int(parts[2].rsplit(":", 1)[1], 16)
            if local_port == server_port and parts[3] == "01":  # 01: ESTABLISHED
                found[remote_port] = parts[9]
    return found


NO_DELAY_PROTOCOL = HTTP_PROTOCOL  # the server `commentdesk serve` runs


@contextlib.contextmanager
def worker_processes(
    database_url: str, *, data_dir: Path, secret_key: str, workers: int = 2, startup_seconds: float = 30,
    http: str | None = None,
) -> Iterator[ServerProcess]:
    """`uvicorn --factory app.main:create_app --workers N` on a free port; yields once /healthz answers and
    every worker is up. Killed with its whole process group at the end. `http`: uvicorn's --http option, e.g.
    NO_DELAY_PROTOCOL."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "uvicorn.log"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": secret_key, "DATA_DIR": str(data_dir),
           "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log",
               *(["--http", http] if http else [])]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = ServerProcess(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        _wait_until_up(server, workers, startup_seconds)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_until_up(server: ServerProcess, workers: int, startup_seconds: float) -> None:
    deadline = time.monotonic() + startup_seconds
    with httpx.Client(timeout=2) as client:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with {server.process.returncode}:\n{server.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start in {startup_seconds} s:\n{server.log()[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{server.url}/healthz").status_code == 200 and len(server.worker_pids()) >= workers:
                    return
            time.sleep(0.1)


# --- data ------------------------------------------------------------------------------------------------------


@dataclass
class SeededTable:
    submission_id: int
    row_ids: list[int]
    emails: list[str]
    tokens: list[str]  # a signed-in session (cookie value) per editor, same order as emails
    user_ids: list[int] = field(default_factory=list)


def seed_table(
    database_url: str, *, editors: int = 5, rows: int = 4, team_name: str = "Live association",
) -> SeededTable:
    """A team with `editors` editors (password TEST_PASSWORD), the short draft, and a submission of `rows` rows."""
    engine = make_engine(database_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            team = make_team(session, team_name)
            assert team.id is not None
            users = [make_member(session, team, role=Role.editor, email=f"editor{i}@example.org",
                                 name=f"Editor {i}") for i in range(editors)]
            draft = make_draft(session, team_id=team.id)
            submission = make_submission(session, draft)
            made = [submissions.add_row(session, submission=submission, provision_id=None, user_id=users[0].id)
                    for _ in range(rows)]
            tokens = [accounts.start_session(session, user=user, team_id=team.id) for user in users]
            session.commit()
            assert submission.id is not None
            return SeededTable(submission.id, [r.id for r in made if r.id is not None],
                               [u.email for u in users], tokens, [u.id for u in users if u.id is not None])
    finally:
        engine.dispose()


# --- acting as a browser ---------------------------------------------------------------------------------------


def signed_in_headers(secret_key: str, token: str) -> dict[str, str]:
    """What htmx sends with every change: the session cookie, the CSRF header from <body hx-headers>, HX-Request."""
    return {"Cookie": f"{SESSION_COOKIE}={token}", "X-CSRF-Token": csrf_token_for(secret_key, token),
            "HX-Request": "true"}


def sign_in_through_form(client: httpx.Client, email: str, password: str = TEST_PASSWORD) -> str:
    """Sign in with the real form, as a person would; returns the CSRF token the next page carries."""
    form_page = client.get("/sign-in")
    form_page.raise_for_status()
    match = CSRF_INPUT.search(form_page.text)
    assert match, "the sign-in form carries no CSRF token"
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": match.group(1),
                                             "next": "/drafts"})
    assert response.status_code == 303, f"sign-in answered {response.status_code}: {response.text[:300]}"
    page = client.get("/drafts")
    assert page.status_code == 200, page.status_code
    found = CSRF_HEADER.search(page.text)
    assert found, "the page's <body> carries no hx-headers with the CSRF token"
    return found.group(1)


# --- server-sent events ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SseEvent:
    id: int | None
    event: str
    data: str
    received_at: float  # time.perf_counter() when its blank line arrived


class SseParser:
    """Server-sent events from text lines (without line endings), one line at a time; comments and `retry:`
    are skipped. `feed` returns the event a blank line completes."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self._reset()

    def _reset(self) -> None:
        self._id: int | None = None
        self._name = "message"
        self._data: list[str] = []

    def feed(self, line: str) -> SseEvent | None:
        if not line:
            event = SseEvent(self._id, self._name, "\n".join(self._data), self.clock()) if self._data else None
            self._reset()
            return event
        if line.startswith(":"):
            return None
        key, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if key == "id":
            self._id = int(value) if value.isdigit() else None
        elif key == "event":
            self._name = value
        elif key == "data":
            self._data.append(value)
        return None


def parse_sse(lines: Iterable[str], clock: Callable[[], float] = time.perf_counter) -> Iterator[SseEvent]:
    parser = SseParser(clock)
    for line in lines:
        event = parser.feed(line)
        if event is not None:
            yield event


class StreamReader(threading.Thread):
    """One EventSource: GET /submissions/{id}/live in a thread, recording every event and when it came."""

    def __init__(self, base_url: str, submission_id: int, token: str, *, after: int = 0) -> None:
        super().__init__(daemon=True)
        self.url = f"{base_url}/submissions/{submission_id}/live?after={after}"
        self.token = token
        self.events: list[SseEvent] = []
        self.status: int | None = None
        self.client_port: int | None = None
        self.error: BaseException | None = None
        self._changed = threading.Condition()
        self._socket: socket.socket | None = None
        self._stopping = False

    def run(self) -> None:
        try:
            with httpx.Client(timeout=httpx.Timeout(10, read=None)) as client, client.stream(
                "GET", self.url, headers={"Cookie": f"{SESSION_COOKIE}={self.token}", "Accept": "text/event-stream"}
            ) as response:
                stream = response.extensions["network_stream"]
                self._socket = stream.get_extra_info("socket")
                self.client_port = stream.get_extra_info("client_addr")[1]
                with self._changed:
                    self.status = response.status_code
                    self._changed.notify_all()
                for event in parse_sse(response.iter_lines()):
                    with self._changed:
                        self.events.append(event)
                        self._changed.notify_all()
        except (httpx.HTTPError, OSError) as exc:
            if not self._stopping:
                self.error = exc
        finally:
            with self._changed:
                self._changed.notify_all()

    def wait_open(self, timeout: float = 10) -> None:
        """Until the response headers and the first (presence) event arrived: the subscription is in place."""
        self.wait_for(lambda events: any(e.event == "presence" for e in events), timeout)
        assert self.status == 200, self.status

    def wait_for(self, predicate: Callable[[list[SseEvent]], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.events):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.is_alive():
                    return predicate(self.events)
                self._changed.wait(remaining)
            return True

    def row_events(self) -> list[SseEvent]:
        with self._changed:
            return [e for e in self.events if e.event == "row"]

    def stop(self) -> None:
        self._stopping = True
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self.join(timeout=5)
