"""Live updates wired into the app: every row_event a request writes rings the doorbell when it commits.

The domain records each change as a RowEvent (comments/submissions.py) and knows nothing of doorbells; a session
hook here notices the new events at flush, takes a per-submission lock on PostgreSQL before their ids are drawn
(so ids become visible in order and a stream never skips one), and rings the hub through app.live (pg_notify in
the transaction on PostgreSQL, an after-commit hook on SQLite).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, event, text
from sqlmodel import Session, col, select

from app.live import Hub, ring_after_commit
from comments.models import CommentRow, RowEvent

_EVENTS = "commentdesk.live.new_events"
_LIVE_ACTIONS = {"added": "added", "deleted": "deleted", "restored": "restored", "moved": "moved"}


def publish_row_events(session: Session, hub: Hub) -> None:
    """Make `session` ring `hub` for every RowEvent it flushes, once the transaction commits."""
    event.listen(session, "before_flush", _lock_submissions)
    event.listen(session, "after_flush", lambda s, _ctx: _ring(s, hub))


def _lock_submissions(session: Session, _context: Any, _instances: Any) -> None:
    new = [obj for obj in session.new if isinstance(obj, RowEvent)]
    session.info[_EVENTS] = new
    connection = session.connection()
    if new and connection.dialect.name == "postgresql":
        for submission_id in sorted({e.submission_id for e in new}):
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": submission_id})


def _ring(session: Session, hub: Hub) -> None:
    for row_event in session.info.pop(_EVENTS, []):
        ring_after_commit(session, hub, row_event.submission_id, row_event.id)


# Built once: every live update runs it. It loads each event's row too, into the session, so that rendering
# the changed rows (session.get) costs no further round trip.
_EVENTS_AFTER = (
    select(RowEvent.id, RowEvent.row_id, RowEvent.action, RowEvent.version, CommentRow)
    .outerjoin(CommentRow, col(CommentRow.id) == RowEvent.row_id)
    .where(RowEvent.submission_id == bindparam("submission_id"), col(RowEvent.id) > bindparam("after"))
    .order_by(col(RowEvent.id)).limit(bindparam("limit"))
)


def events_since(
    session: Session, *, submission_id: int, after: int, limit: int = 500,
) -> list[tuple[int, str, dict[str, Any]]]:
    """The stream's events after `after`: (id, "row", data for app/static/live.js), oldest first."""
    found = session.execute(_EVENTS_AFTER, {"submission_id": submission_id, "after": after, "limit": limit}).all()
    out = []
    for event_id, row_id, action, version, _row in found:
        live_action = _LIVE_ACTIONS.get(action, "updated")
        data: dict[str, Any] = {"row_id": row_id, "action": live_action, "version": version,
                                "html_url": f"/rows/{row_id}/fragment", "after_row_id": None}
        if live_action in ("added", "moved", "restored"):
            data["after_row_id"] = _row_before(session, row_id)
        assert event_id is not None
        out.append((event_id, "row", data))
    return out


def _row_before(session: Session, row_id: int) -> int | None:
    row = session.get(CommentRow, row_id)
    if row is None:
        return None
    return session.exec(
        select(CommentRow.id).where(
            CommentRow.submission_id == row.submission_id, col(CommentRow.deleted_at).is_(None),
            col(CommentRow.sort_order) < row.sort_order)
        .order_by(col(CommentRow.sort_order).desc()).limit(1)
    ).first()


def latest_event_id(session: Session, *, submission_id: int) -> int:
    from sqlalchemy import func

    found = session.exec(select(func.max(RowEvent.id)).where(RowEvent.submission_id == submission_id)).one()
    return int(found or 0)
