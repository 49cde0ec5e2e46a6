"""Row status (approval is a lead's), assignee, internal notes that never reach an export."""

from __future__ import annotations

import io

import docx
import pytest
from sqlmodel import Session

from comments import queries, submissions
from comments.errors import Forbidden, InvalidInput
from comments.export.assemble import export_document
from comments.export.csv_renderer import render_csv
from comments.export.docx_renderer import render_docx
from comments.models import Membership, Role, RowStatus, User
from tests.factories import make_draft, make_submission, make_team, provision

CANARY = "INTERNAL-NOTE-CANARY-7f3a"


@pytest.fixture
def setup(session: Session):
    team = make_team(session, "Workflow association")
    lead = User(email="lead@example.org", display_name="Lena Lead")
    session.add(lead)
    session.flush()
    session.add(Membership(team_id=team.id, user_id=lead.id, role=Role.lead))
    draft = make_draft(session, team_id=team.id)
    submission = make_submission(session, draft)
    rows = [submissions.add_row(session, submission=submission, provision_id=provision(session, draft, label).id,
                                user_id=lead.id) for label in ("Article 2", "Article 3", "Article 4")]
    return team, lead, submission, rows


def test_only_a_lead_approves_and_unapproves(session: Session, setup) -> None:
    _team, lead, _submission, rows = setup
    row = rows[0]
    submissions.set_row_status(session, row=row, status="in_review", role=Role.editor, by=None)
    with pytest.raises(Forbidden, match="Only a lead"):
        submissions.set_row_status(session, row=row, status="approved", role=Role.editor, by=None)
    submissions.set_row_status(session, row=row, status="approved", role=Role.lead, by=lead.id)
    assert row.status == RowStatus.approved
    with pytest.raises(Forbidden):
        submissions.set_row_status(session, row=row, status="draft", role=Role.editor, by=None)
    with pytest.raises(InvalidInput):
        submissions.set_row_status(session, row=row, status="published", role=Role.lead, by=None)
    history = queries.row_history(session, row=row)
    assert (history[0].event.field, history[0].event.before, history[0].event.after) == ("status", "in_review",
                                                                                         "approved")


def test_counts_by_status_coverage_and_approved_only_export(session: Session, setup) -> None:
    _team, lead, submission, rows = setup
    submissions.set_row_status(session, row=rows[1], status="approved", role=Role.lead, by=lead.id)
    submissions.set_row_status(session, row=rows[2], status="withdrawn", role=Role.editor, by=lead.id)
    counts = queries.table_counts(session, submission=submission)
    assert counts.by_status == {"draft": 1, "approved": 1, "withdrawn": 1}
    assert (counts.articles_covered, counts.articles) == (3, 5)
    approved = export_document(session, submission=submission, approved_only=True)
    assert [r.provision_label for r in approved.rows] == ["Article 3"]
    # a withdrawn row is a position the team dropped: never filed, approved-only or not
    everything = [r.provision_label for r in export_document(session, submission=submission).rows]
    assert everything == [rows[0].label, rows[1].label] and rows[2].label not in everything


def test_assign_only_to_members(session: Session, setup) -> None:
    team, lead, _submission, rows = setup
    submissions.assign_row(session, row=rows[0], team_id=team.id, user_id=lead.id, by=lead.id)
    assert rows[0].assigned_to_id == lead.id
    stranger = User(email="stranger@example.org", display_name="Stranger")
    session.add(stranger)
    session.flush()
    with pytest.raises(InvalidInput, match="members"):
        submissions.assign_row(session, row=rows[0], team_id=team.id, user_id=stranger.id, by=lead.id)
    assert queries.row_history(session, row=rows[0])[0].event.after == "Lena Lead"


def test_notes_are_kept_in_order_and_never_exported(session: Session, setup) -> None:
    _team, lead, submission, rows = setup
    submissions.add_note(session, row=rows[0], text=f"Check with members first. {CANARY}", by=lead.id)
    submissions.add_note(session, row=rows[0], text="Agreed.", by=None)
    with pytest.raises(InvalidInput):
        submissions.add_note(session, row=rows[0], text="   ", by=None)
    notes = queries.notes_of(session, row=rows[0])
    assert [(n.who, n.note.text[:5]) for n in notes] == [("Lena Lead", "Check"), (None, "Agree")]
    document = export_document(session, submission=submission)
    word = docx.Document(io.BytesIO(render_docx(document).data))
    all_text = "\n".join(c.text for t in word.tables for r in t.rows for c in r.cells)
    all_text += "\n".join(p.text for p in word.paragraphs)
    assert CANARY not in all_text
    assert CANARY.encode() not in render_csv(document).data
