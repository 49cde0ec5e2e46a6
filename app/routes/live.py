"""Live co-editing: the event stream of a comment table, presence, and a row's fragment for live.js."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session
from starlette.responses import Response, StreamingResponse

from app.deps import CsrfProtected, CurrentActor, SessionDep
from app.live import SSE_HEADERS, Hub, event_stream, parse_last_event_id
from app.live_feed import LiveFeed, for_stream
from app.routes.rows import TeamRow, row_fragment
from app.security import csrf_token, session_id_of
from comments import queries
from comments.models import User

router = APIRouter()


@router.get("/submissions/{submission_id}/live")
async def live_stream(
    request: Request, submission_id: int, session: SessionDep, actor: CurrentActor,
    after: Annotated[int, Query(ge=0)] = 0, connection: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """Server-sent events: every change to the table's rows after `after` (or Last-Event-ID), then live."""
    await run_in_threadpool(queries.get_submission, session, team_id=actor.team_id, submission_id=submission_id)
    name = await run_in_threadpool(_display_name, session, actor.user_id)
    session.close()  # a stream lives for hours: it must not hold a pooled connection
    hub: Hub = request.app.state.live_hub
    feed: LiveFeed = request.app.state.live_feed
    last = parse_last_event_id(request.headers.get("last-event-id"))
    start = after if last is None else last
    connection_id = f"{session_id_of(request)[:16]}:{connection[:32]}"

    token = csrf_token(request)

    async def fetch_since(last_id: int) -> list[tuple[int, str, str]]:
        shared = await feed.events(submission_id=submission_id, team_id=actor.team_id, after=last_id)
        return for_stream(shared, csrf_token=token)

    async def body() -> AsyncIterator[str]:
        async with hub.subscribe(submission_id, connection_id=connection_id) as subscription:
            hub.set_presence(submission_id, connection_id, actor.user_id, name)
            try:
                async for chunk in event_stream(fetch_since, subscription, start, request.is_disconnected,
                                                batch_limit=feed.batch):
                    yield chunk
            finally:
                hub.clear_presence(submission_id, connection_id)

    return StreamingResponse(body(), media_type="text/event-stream", headers=SSE_HEADERS)


@router.post("/submissions/{submission_id}/presence", dependencies=[CsrfProtected])
def presence(
    request: Request, submission_id: int, session: SessionDep, actor: CurrentActor,
    row_id: Annotated[str, Form(max_length=20)] = "", connection: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """"I am editing row N" (or nothing): shown to the others on that row."""
    queries.get_submission(session, team_id=actor.team_id, submission_id=submission_id)
    hub: Hub = request.app.state.live_hub
    connection_id = f"{session_id_of(request)[:16]}:{connection[:32]}"
    hub.set_presence(submission_id, connection_id, actor.user_id, _display_name(session, actor.user_id),
                     int(row_id) if row_id.isdigit() else None)
    return Response(status_code=204)


@router.get("/rows/{row_id}/fragment")
def fragment(request: Request, loaded: TeamRow, session: SessionDep) -> Response:
    """One row as the table shows it (live.js fetches it after a change); 410 when it was deleted."""
    if loaded.row.deleted_at is not None:
        return Response(status_code=410)
    return row_fragment(request, session, loaded)


def _display_name(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    return user.display_name if user else "Someone"
