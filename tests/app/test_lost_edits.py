"""No acknowledged save is ever lost: 5 simulated editors, 1,000 interleaved edit sequences, a real server.

Each editor signs in through the form and works in a thread of its own. A sequence (seeded random) picks one of
four rows and a field, reads the row's version from its fragment as live.js does, maybe thinks for a moment, and
saves a value no one else ever writes, based on that version. On 409 it does what the conflict box offers: "Keep
mine" (save again on the version the box carries), re-read the row and save again, or give up (the text stays
in the browser). Afterwards every save the server acknowledged must be the field's final value or an `after` in
the row's history, under exactly the version the server announced; no request may answer 5xx. An observer's
event stream must have carried every change once, in order. Runs on SQLite, and on PostgreSQL with DATABASE_URL.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import httpx
import pytest
from bs4 import BeautifulSoup
from sqlmodel import Session, col, select

from app.db import make_engine
from app.settings import Settings
from comments.models import CommentRow, RowEvent
from tests.app.live_servers import SeededTable, StreamReader, seed_table, sign_in_through_form, threaded_server
from tests.conftest import DatabaseFactory

pytestmark = pytest.mark.slow

SEED = int(os.environ.get("COMMENTDESK_LOST_EDITS_SEED", "1729"))
EDITORS = 5
SEQUENCES = 1_000
ROWS = 4  # few rows, so that editors collide
FIELDS = ("comment", "recommendation")
MAX_ATTEMPTS = 5
CONFLICT_VERSION = re.compile(r'data-conflict data-version="(\d+)"')


@dataclass(frozen=True)
class Ack:
    editor: int
    sequence: int
    row_id: int
    field: str
    value: str
    base_version: int
    version: int  # X-Row-Version of the 204


@dataclass(frozen=True)
class Conflict:
    row_id: int
    field: str
    base_version: int
    offered_version: int  # data-version of the conflict box


@dataclass
class Journal:
    """What the editors saw, appended from their threads (list.append is atomic)."""

    acks: list[Ack] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    choices: Counter[str] = field(default_factory=Counter)
    bad_answers: list[str] = field(default_factory=list)  # 5xx or anything unexpected
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count_request(self) -> None:
        with self.lock:
            self.requests += 1


class Sequences:
    """Hands out sequence numbers 0..n-1 to whichever editor asks next: the editors interleave freely."""

    def __init__(self, n: int) -> None:
        self._numbers = iter(range(n))
        self._lock = threading.Lock()

    def next(self) -> int | None:
        with self._lock:
            return next(self._numbers, None)


def editor(number: int, base_url: str, email: str, table: SeededTable, sequences: Sequences, journal: Journal) -> None:
    rng = random.Random(f"{SEED}:{number}")
    with httpx.Client(base_url=base_url, timeout=30) as client:
        csrf = sign_in_through_form(client, email)
        headers = {"X-CSRF-Token": csrf, "HX-Request": "true"}

        def read_version(row_id: int) -> int | None:
            journal.count_request()
            response = client.get(f"/rows/{row_id}/fragment", headers={"HX-Request": "true"})
            if response.status_code != 200:
                journal.bad_answers.append(f"GET fragment {row_id}: {response.status_code} {response.text[:200]}")
                return None
            return int(response.headers["X-Row-Version"])

        while (sequence := sequences.next()) is not None:
            row_id = rng.choice(table.row_ids)
            field_name = rng.choice(FIELDS)
            value = f"editor {number} sequence {sequence:04d} {field_name}"
            version = read_version(row_id)
            if version is None:
                continue
            if rng.random() < 0.5:  # typing takes a moment: others may save in between
                time.sleep(rng.uniform(0, 0.004))
            for attempt in range(MAX_ATTEMPTS):
                journal.count_request()
                response = client.post(f"/rows/{row_id}/text", headers=headers,
                                       data={"field": field_name, "value": value, "version": str(version)})
                if response.status_code == 204:
                    journal.acks.append(Ack(number, sequence, row_id, field_name, value, version,
                                            int(response.headers["X-Row-Version"])))
                    journal.choices["saved first time" if attempt == 0 else "saved on retry"] += 1
                    break
                if response.status_code != 409:
                    journal.bad_answers.append(f"POST text {row_id}: {response.status_code} {response.text[:200]}")
                    break
                offered = CONFLICT_VERSION.search(response.text)
                if offered is None:
                    journal.bad_answers.append(f"409 without a conflict box: {response.text[:200]}")
                    break
                journal.conflicts.append(Conflict(row_id, field_name, version, int(offered.group(1))))
                choice = rng.random()
                if choice < 0.2 or attempt == MAX_ATTEMPTS - 1:
                    journal.choices["gave up"] += 1  # "Keep theirs", or left it in the browser
                    break
                if choice < 0.7:
                    journal.choices["kept mine"] += 1  # the conflict box's version: overwrite theirs on purpose
                    version = int(offered.group(1))
                else:
                    journal.choices["re-read and retried"] += 1
                    version = read_version(row_id) or version


def history_page_versions(html: str) -> dict[int, str]:
    """The History page as a reader sees it: version -> the text after that change (the diff without <del>)."""
    found = {}
    for entry in BeautifulSoup(html, "html.parser").select("ol.history li.panel"):
        version = re.search(r"\(version (\d+)\)", entry.get_text())
        diff = entry.select_one("p.diff")
        if version and diff:
            for removed in diff.find_all("del"):
                removed.decompose()
            found[int(version.group(1))] = diff.get_text()
    return found


@dataclass(frozen=True)
class Run:
    """One simulation and what it left: the editors' journal, the database's rows and history, the pages."""

    journal: Journal
    final: dict[tuple[int, str], str]  # (row id, field) -> value in the database at the end
    events: list[RowEvent]  # the submission's row_event rows, in id order
    pages: dict[int, dict[int, str]]  # row id -> its History page: version -> text after that change
    streamed: list[int]  # the ids of the row events the observer's stream delivered, in arrival order


@pytest.fixture(scope="module")
def run(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Run:
    database_url = databases.new_url()
    data_dir = tmp_path_factory.mktemp("lost-edits")
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="lost-edits-test", gc_freeze=False)
    table = seed_table(database_url, editors=EDITORS, rows=ROWS)
    journal = Journal()
    sequences = Sequences(SEQUENCES)
    started = time.perf_counter()
    with threaded_server(settings) as base_url:
        observer = StreamReader(base_url, table.submission_id, table.tokens[0])
        observer.start()
        observer.wait_open()
        threads = [threading.Thread(target=editor, args=(n, base_url, email, table, sequences, journal))
                   for n, email in enumerate(table.emails)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "an editor is still running after 120 s"
        elapsed = time.perf_counter() - started
        with httpx.Client(base_url=base_url, timeout=30) as client:
            sign_in_through_form(client, table.emails[0])
            pages = {row_id: history_page_versions(client.get(f"/rows/{row_id}/history").text)
                     for row_id in table.row_ids}
        engine = make_engine(database_url)
        try:
            with Session(engine, expire_on_commit=False) as session:
                rows = session.exec(select(CommentRow).where(col(CommentRow.id).in_(table.row_ids))).all()
                final = {(row.id, name): getattr(row, name) for row in rows for name in FIELDS if row.id}
                events = list(session.exec(select(RowEvent).where(RowEvent.submission_id == table.submission_id)
                                           .order_by(col(RowEvent.id))).all())
                session.expunge_all()
        finally:
            engine.dispose()
        last_id = events[-1].id
        observer.wait_for(lambda seen: any(e.id == last_id for e in seen), 5)
        observer.stop()
    streamed = [e.id for e in observer.row_events() if e.id is not None]
    choices = journal.choices
    print(f"\nlost edits ({'PostgreSQL' if databases.is_postgres else 'SQLite'}, seed {SEED}): {EDITORS} editors, "
          f"{SEQUENCES} sequences on {ROWS} rows, {journal.requests} requests in {elapsed:.1f} s: "
          f"{len(journal.acks)} saves acknowledged ({choices['saved on retry']} after a retry), "
          f"{len(journal.conflicts)} conflicts -> {choices['kept mine']} kept mine, {choices['re-read and retried']} "
          f"re-read and retried, {choices['gave up']} gave up; {len(journal.bad_answers)} bad answers; "
          f"{len(streamed)}/{len(events)} events streamed")
    return Run(journal, final, events, pages, streamed)


def test_every_acknowledged_save_is_kept(run: Run) -> None:
    """Final value or in the history, under the version the server announced: 0 lost, 0 server errors."""
    assert run.journal.bad_answers == [], run.journal.bad_answers[:10]
    assert len(run.journal.acks) + run.journal.choices["gave up"] == SEQUENCES
    history = {(e.row_id, e.field, e.after) for e in run.events if e.action == "edited"}
    lost = [a for a in run.journal.acks
            if run.final[(a.row_id, a.field)] != a.value and (a.row_id, a.field, a.value) not in history]
    assert lost == [], f"{len(lost)} acknowledged saves are lost, e.g. {lost[:3]}"
    by_version = {(e.row_id, e.version): (e.field, e.after) for e in run.events if e.action == "edited"}
    misrecorded = [a for a in run.journal.acks if by_version.get((a.row_id, a.version)) != (a.field, a.value)]
    assert misrecorded == [], f"history records these acknowledged versions differently: {misrecorded[:3]}"
    not_shown = [a for a in run.journal.acks if run.pages[a.row_id].get(a.version) != a.value]
    assert not_shown == [], f"the History page does not show these acknowledged saves: {not_shown[:3]}"


def test_acknowledged_versions_are_unique_and_increasing(run: Run) -> None:
    per_row = Counter((a.row_id, a.version) for a in run.journal.acks)
    assert [key for key, n in per_row.items() if n > 1] == []
    assert all(a.version > a.base_version for a in run.journal.acks)
    told: dict[tuple[int, int], list[int]] = defaultdict(list)
    for ack in run.journal.acks:  # each editor appended its own acks in the order it received them
        told[(ack.editor, ack.row_id)].append(ack.version)
    assert all(versions == sorted(versions) for versions in told.values())


def test_the_event_stream_carried_every_change_once_in_order(run: Run) -> None:
    assert run.streamed == [e.id for e in run.events]


def test_a_conflict_means_someone_saved_the_same_field(run: Run) -> None:
    """A 409 needs a save of the same field after the version the edit was based on, and no later than the
    version the conflict box offers. A change to the other field does not conflict (README, comments.submissions)."""
    field_versions: dict[tuple[int, str], list[int]] = defaultdict(list)
    for event in run.events:
        if event.action == "edited" and event.field is not None:
            field_versions[(event.row_id, event.field)].append(event.version)
    unjustified = [c for c in run.journal.conflicts if not any(
        c.base_version < v <= c.offered_version for v in field_versions[(c.row_id, c.field)])]
    assert unjustified == [], (f"{len(unjustified)} of {len(run.journal.conflicts)} conflicts without a save "
                               f"of that field, e.g. {unjustified[:3]}")
