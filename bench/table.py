"""Table-page benchmark: server time to render the comment table of a 300-row submission.

Builds a migrated SQLite database in a temporary folder with a 300-article draft and a 300-row submission (each
row: ~120-word provision text with two underlines, ~60-word comment and recommendation, two concern tags), then
times the server's part of each request (from the ASGI call to the last body byte, measured by a wrapper
around the app, so the test client's own work is left out), in process:
- the table page   GET /submissions/{id}
- a baseline       GET /bench/rows.json: the same rows, spans and tags loaded by the same query and returned as
                   bare JSON (what any page must at least do), on a route added to the same app for this run.
Prints the median and p90 of each over 30 requests and the ratio page / JSON. Target: page median < 50 ms.
Rendered rows are cached by (row id, version, tag names) (app/row_cache.py); the page is also timed with that
cache emptied before every request, which is what the first view after a restart costs.
Exits 1 when the target is missed.
Run: .venv/bin/python bench/table.py [--rows N]
"""

from __future__ import annotations

import argparse
import logging
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.responses import JSONResponse  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app.deps import CurrentActor, SessionDep  # noqa: E402
from app.main import create_app  # noqa: E402
from app.security import SESSION_COOKIE  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.draftgen import WORDS, draft_paragraphs  # noqa: E402
from comments import accounts, queries, services, submissions  # noqa: E402
from comments.importing.readers import read_pasted  # noqa: E402
from comments.importing.splitter import split_document  # noqa: E402
from comments.models import Provision, ProvisionKind  # noqa: E402

TARGET_MS = 50
REPEAT = 30


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def build(engine, rows: int) -> tuple[int, str]:
    """The submission's id and a signed-in session token for its team's admin."""
    rng = random.Random(3)
    with Session(engine) as session:
        user = accounts.create_user(session, email="bench@example.org", display_name="Bench", password="bench bench")
        team = accounts.create_team(session, name="Bench team", admin=user)
        result = split_document(read_pasted("\n\n".join(draft_paragraphs(max(rows, 10)))))
        draft = services.store_draft(session, team_id=team.id, user_id=user.id, result=result, title="Bench draft",
                                     source_filename=None, source_sha256=None, source_kind="text")
        submission = submissions.create_submission(
            session, draft=draft, user_id=user.id, settings=submissions.SubmissionSettings(title="Bench comments"))
        articles = [p for p in queries.provisions_of(session, draft=draft) if p.kind == ProvisionKind.article]
        tags = queries.team_tags(session, team_id=team.id)
        for i in range(rows):
            article: Provision = articles[i % len(articles)]
            row = submissions.add_row(session, submission=submission, provision_id=article.id, user_id=user.id)
            row.quoted_text = " ".join(row.quoted_text.split()[:120])  # ~120 words, as in a real memo
            text = row.quoted_text
            submissions.underline(session, row=row, start=0, end=text.index(" ", 10))
            middle = text.index(" ", len(text) // 2) + 1
            submissions.underline(session, row=row, start=middle, end=text.index(" ", middle + 15))
            submissions.update_row_text(session, row=row, field="comment", value=words(rng, 60))
            submissions.update_row_text(session, row=row, field="recommendation", value=words(rng, 60))
            submissions.set_row_tags(session, row=row, team_id=team.id, tag_ids=[tags[i % 9].id, tags[(i + 4) % 9].id])
        token = accounts.start_session(session, user=user, team_id=team.id)
        session.commit()
        assert submission.id is not None
        return submission.id, token


def add_json_baseline(app) -> None:
    @app.get("/bench/rows.json")
    def rows_json(submission_id: int, session: SessionDep, actor: CurrentActor) -> JSONResponse:
        submission = queries.get_submission(session, team_id=actor.team_id, submission_id=submission_id)
        return JSONResponse([
            {
                "id": e.row.id, "label": e.row.label, "heading": e.row.heading, "text": e.row.quoted_text,
                "comment": e.row.comment, "recommendation": e.row.recommendation, "kind": e.row.kind.value,
                "spans": [[s.start, s.end] for s in e.spans], "tags": e.tag_ids,
            }
            for e in queries.table_rows(session, submission=submission)
        ])


class ServerTimer:
    """ASGI wrapper: how long the app takes from being called to sending the last byte of the body."""

    def __init__(self, app) -> None:
        self.app = app
        self.last_ms = 0.0

    async def __call__(self, scope, receive, send) -> None:
        start = time.perf_counter()

        async def timed_send(message) -> None:
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.last_ms = (time.perf_counter() - start) * 1000

        await self.app(scope, receive, timed_send)


def timed(client: TestClient, timer: ServerTimer, url: str, before=lambda: None) -> list[float]:
    client.get(url)  # warm up: template compilation, first connection
    times = []
    for _ in range(REPEAT):
        before()
        response = client.get(url)
        assert response.status_code == 200, response.text[:300]
        times.append(timer.last_ms)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # no per-request log lines in the figures
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=f"sqlite:///{tmp}/bench.db", secret_key="bench")
        from tests.conftest import migrate

        migrate(settings.resolved_database_url())
        app = create_app(settings)
        add_json_baseline(app)
        submission_id, token = build(app.state.engine, args.rows)
        timer = ServerTimer(app)
        with TestClient(timer, cookies={SESSION_COOKIE: token}) as client:  # type: ignore[arg-type]
            page = timed(client, timer, f"/submissions/{submission_id}")
            page_bytes = len(client.get(f"/submissions/{submission_id}").content)
            baseline = timed(client, timer, f"/bench/rows.json?submission_id={submission_id}")
            cold = timed(client, timer, f"/submissions/{submission_id}", before=app.state.render_cache.clear)
        app.state.engine.dispose()

    def summary(times: list[float]) -> str:
        p90 = statistics.quantiles(times, n=10)[-1]
        return f"median {statistics.median(times):6.1f} ms   p90 {p90:6.1f} ms"

    ratio = statistics.median(page) / statistics.median(baseline)
    print(f"table page, {args.rows} rows ({page_bytes / 1024:.0f} KiB): {summary(page)}")
    print(f"bare JSON baseline, same rows:        {summary(baseline)}")
    print(f"table page, every row rendered anew:  {summary(cold)}")
    print("  (the first view after a restart; a change re-renders only its own row)")
    print(f"ratio page / JSON: {ratio:.2f}x   target: page median < {TARGET_MS} ms")
    ok = statistics.median(page) < TARGET_MS or args.rows != 300
    print("OK" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
