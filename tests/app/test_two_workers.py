"""Live updates across worker processes: two uvicorn workers on PostgreSQL, streams held by both, every change
delivered to every stream within a second (each worker LISTENs for the others' NOTIFY).

Only on PostgreSQL (DATABASE_URL): SQLite is one process, and tests/app/test_lost_edits.py covers its stream.
Which worker holds a stream is read from /proc (the server side of each connection), not from the app.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.app.live_servers import StreamReader, seed_table, signed_in_headers, worker_processes
from tests.conftest import DatabaseFactory

pytestmark = pytest.mark.slow

SECRET_KEY = "two-workers-test"
WORKERS = 2
MIN_STREAMS = 6
MIN_STREAMS_PER_WORKER = 2
MAX_STREAMS = 40  # the kernel hands connections to whichever worker accepts first: open more until both hold some
SAVES = 8
DEADLINE_SECONDS = 1.0


def _changes(reader: StreamReader) -> dict[tuple[int, int], float]:
    """(row id, version) -> when the stream received it."""
    found = {}
    for event in reader.row_events():
        data = json.loads(event.data)
        found[(data["row_id"], data["version"])] = event.received_at
    return found


def test_every_stream_on_either_worker_gets_every_change_within_a_second(
    databases: DatabaseFactory, tmp_path: Path,
) -> None:
    if not databases.is_postgres:
        pytest.skip("several workers share changes through PostgreSQL LISTEN/NOTIFY: set DATABASE_URL to PostgreSQL")
    database_url = databases.new_url()
    table = seed_table(database_url, editors=2, rows=3)
    readers: list[StreamReader] = []
    with worker_processes(database_url, data_dir=tmp_path / "data", secret_key=SECRET_KEY, workers=WORKERS) as server:
        try:
            held_by: dict[StreamReader, int | None] = {}
            while len(readers) < MAX_STREAMS:
                reader = StreamReader(server.url, table.submission_id, table.tokens[len(readers) % 2])
                reader.start()
                reader.wait_open()
                readers.append(reader)
                assert reader.client_port is not None
                held_by[reader] = server.worker_of(reader.client_port)
                per_worker = Counter(held_by.values())
                if len(readers) >= MIN_STREAMS and len(per_worker) >= WORKERS and None not in per_worker and min(
                        per_worker.values()) >= MIN_STREAMS_PER_WORKER:
                    break
            per_worker = Counter(held_by.values())
            assert None not in per_worker, f"a stream's worker was not found in /proc: {per_worker}"
            assert len(per_worker) == WORKERS, f"{len(readers)} streams, all held by one worker: {per_worker}"

            latencies: list[float] = []
            with httpx.Client(base_url=server.url, timeout=10,
                              headers=signed_in_headers(SECRET_KEY, table.tokens[0])) as editor:

                def save(number: int) -> tuple[tuple[int, int], float]:
                    row_id = table.row_ids[number % len(table.row_ids)]
                    version = int(editor.get(f"/rows/{row_id}/fragment").headers["X-Row-Version"])
                    sent = time.perf_counter()
                    response = editor.post(f"/rows/{row_id}/text", data={
                        "field": ("comment", "recommendation")[number % 2], "value": f"change {number}",
                        "version": str(version)})
                    assert response.status_code == 204, (response.status_code, response.text[:300])
                    return (row_id, int(response.headers["X-Row-Version"])), sent

                # A first change, untimed: a worker's LISTEN connects in the background after start-up (and
                # catches up when it does), so this one may wait for that.
                warm_up, _ = save(0)
                for reader in readers:
                    assert reader.wait_for(lambda _e, r=reader: warm_up in _changes(r), 10), "warm-up not delivered"

                for number in range(1, SAVES + 1):
                    change, sent = save(number)
                    for reader in readers:
                        delivered = reader.wait_for(lambda _e, r=reader, c=change: c in _changes(r), DEADLINE_SECONDS)
                        assert delivered, (f"change {change} did not reach the stream on worker {held_by[reader]} "
                                           f"within {DEADLINE_SECONDS} s")
                        latencies.append(_changes(reader)[change] - sent)
                    time.sleep(0.05)

            event_ids = [[e.id for e in reader.row_events()] for reader in readers]
            assert all(ids == event_ids[0] for ids in event_ids), "the streams did not all carry the same events"
            assert max(latencies) < DEADLINE_SECONDS
        finally:
            for reader in readers:
                reader.stop()
    assert all(reader.error is None for reader in readers), [reader.error for reader in readers if reader.error]
    latencies.sort()
    print(f"\ntwo workers: {len(readers)} streams ({', '.join(f'pid {pid}: {n}' for pid, n in per_worker.items())}), "
          f"{SAVES} saves x {len(readers)} streams delivered, median {latencies[len(latencies) // 2] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms (limit {DEADLINE_SECONDS * 1000:.0f} ms)")
