"""Every change to a row is recorded; stale saves of the same field conflict instead of overwriting; history
can be restored; SQLite write transactions take the write lock at BEGIN."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.db import WRITE_INTENT
from comments import queries, submissions
from comments.errors import EditConflict
from comments.models import CommentRow, RowEvent, User
from tests.factories import make_draft, make_submission, make_team, provision


@pytest.fixture
def setup(session: Session):
    team = make_team(session, "History association")
    user = User(email="ana@example.org", display_name="Ana")
    session.add(user)
    session.flush()
    draft = make_draft(session, team_id=team.id)
    submission = make_submission(session, draft)
    row = submissions.add_row(session, submission=submission, provision_id=provision(session, draft, "Article 4").id,
                              user_id=user.id)
    return team, user, submission, row


def events(session: Session, row: CommentRow) -> list[tuple[str, str | None]]:
    found = session.exec(select(RowEvent).where(RowEvent.row_id == row.id).order_by(RowEvent.id)).all()
    return [(e.action, e.field) for e in found]


def test_every_change_is_recorded_with_who_before_and_after(session: Session, setup) -> None:
    team, user, _submission, row = setup
    submissions.update_row_text(session, row=row, field="comment", value="First.", by=user.id)
    submissions.update_row_text(session, row=row, field="comment", value="Second.", by=user.id)
    submissions.underline_words(session, row=row, words="overseas", by=user.id)
    tag = queries.team_tags(session, team_id=team.id)[2]
    submissions.set_row_tags(session, row=row, team_id=team.id, tag_ids=[tag.id], by=user.id)
    submissions.set_row_kind(session, row=row, kind="question", by=user.id)
    submissions.delete_row(session, row=row, by=user.id)
    submissions.restore_row(session, row=row, by=user.id)
    assert events(session, row) == [
        ("added", None), ("edited", "comment"), ("edited", "comment"), ("edited", "spans"), ("edited", "tags"),
        ("edited", "kind"), ("deleted", None), ("restored", None)]
    history = queries.row_history(session, row=row)
    assert history[0].event.action == "restored" and history[0].who == "Ana"
    second = next(h.event for h in history if h.event.field == "comment")
    assert (second.before, second.after) == ("First.", "Second.")
    spans = next(h.event for h in history if h.event.field == "spans")
    assert spans.before == [] and spans.after[0][2] == "overseas"
    assert [h.event.version for h in history] == sorted((h.event.version for h in history), reverse=True)
    assert history[0].event.version == row.version


def test_a_stale_save_of_the_same_field_conflicts_and_writes_nothing(session: Session, setup) -> None:
    _team, user, _submission, row = setup
    start = row.version
    submissions.update_row_text(session, row=row, field="comment", value="Theirs.", by=user.id, base_version=start)
    with pytest.raises(EditConflict) as caught:
        submissions.update_row_text(session, row=row, field="comment", value="Mine.", by=user.id, base_version=start)
    conflict = caught.value
    assert (conflict.theirs, conflict.yours, conflict.version, conflict.by) == ("Theirs.", "Mine.", row.version, "Ana")
    assert row.comment == "Theirs."
    # keeping mine = saving on top of their version
    submissions.update_row_text(session, row=row, field="comment", value="Mine.", base_version=conflict.version)
    assert row.comment == "Mine."


def test_a_stale_save_of_another_field_does_not_conflict(session: Session, setup) -> None:
    _team, _user, _submission, row = setup
    start = row.version
    submissions.update_row_text(session, row=row, field="comment", value="A comment.", base_version=start)
    submissions.update_row_text(session, row=row, field="recommendation", value="A fix.", base_version=start)
    assert (row.comment, row.recommendation) == ("A comment.", "A fix.")


def _race(session: Session, row: CommentRow, field: str, value: str) -> None:
    """Another person's save, committed between this session's read and its write (the ORM does not see it)."""
    session.connection().exec_driver_sql(
        f"UPDATE comment_row SET version = version + 1, {field} = '{value}' WHERE id = {row.id}")
    session.connection().exec_driver_sql(
        "INSERT INTO row_event (submission_id, row_id, at, action, field, version) "
        f"SELECT submission_id, id, CURRENT_TIMESTAMP, 'edited', '{field}', version FROM comment_row "
        f"WHERE id = {row.id}")


def test_the_update_compares_the_version_in_sql(session: Session, setup, engine: Engine) -> None:
    """A save of the same field that raced ours (committed between our read and our write) is caught by the
    WHERE clause: 409 with their text, nothing of ours written."""
    _team, _user, _submission, row = setup
    session.commit()
    stale = row.version
    _race(session, row, "comment", "Raced.")
    assert row.version == stale  # the ORM object still believes the old version
    with pytest.raises(EditConflict) as caught:
        submissions.update_row_text(session, row=row, field="comment", value="Mine.", base_version=stale)
    assert caught.value.theirs == "Raced."


def test_a_race_with_a_save_of_the_other_field_is_retried_not_refused(session: Session, setup) -> None:
    """The same race on the other field is no conflict: the save is retried on the new version, both kept."""
    _team, _user, _submission, row = setup
    session.commit()
    stale = row.version
    _race(session, row, "recommendation", "Theirs.")
    submissions.update_row_text(session, row=row, field="comment", value="Mine.", base_version=stale)
    assert (row.comment, row.recommendation, row.version) == ("Mine.", "Theirs.", stale + 2)


def test_restore_from_history_is_a_new_change(session: Session, setup) -> None:
    team, user, _submission, row = setup
    submissions.update_row_text(session, row=row, field="comment", value="Good text.", by=user.id)
    submissions.update_row_text(session, row=row, field="comment", value="Worse text.", by=user.id)
    first = next(h.event for h in reversed(queries.row_history(session, row=row)) if h.event.field == "comment")
    submissions.restore_from_history(session, row=row, event=first, team_id=team.id, by=user.id)
    assert row.comment == "Good text."
    assert queries.row_history(session, row=row)[0].event.after == "Good text."
    submissions.underline_words(session, row=row, words="overseas", by=user.id)
    spans_event = queries.row_history(session, row=row)[0].event
    submissions.remove_underline(session, row=row, span_id=submissions.spans_of(session, row=row)[0].id)
    submissions.restore_from_history(session, row=row, event=spans_event, team_id=team.id, by=user.id)
    assert [s.exact for s in submissions.spans_of(session, row=row)] == ["overseas"]


def test_sqlite_write_transactions_begin_immediate(databases, tmp_path) -> None:
    """Two read-then-write transactions at once: with BEGIN IMMEDIATE the second waits instead of failing
    with "database is locked"."""
    if databases.is_postgres:
        pytest.skip("BEGIN IMMEDIATE is SQLite's; PostgreSQL has row locks")
    from app.db import make_engine

    engine = make_engine(databases.new_url()).execution_options(**{WRITE_INTENT: True})
    with Session(engine) as s:
        team = make_team(s, "Lock team")
        s.commit()
        team_id = team.id
    errors: list[Exception] = []

    def read_then_write(name: str) -> None:
        try:
            with Session(engine) as s:
                s.exec(select(User)).all()  # read first
                time.sleep(0.2)  # the other transaction reads meanwhile
                s.add(User(email=f"{name}@example.org", display_name=name))
                s.commit()
        except Exception as exc:  # the failure under test is "database is locked"
            errors.append(exc)

    threads = [threading.Thread(target=read_then_write, args=(f"user{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    engine.dispose()
    assert errors == [] and team_id is not None
