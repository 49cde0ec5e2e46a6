"""Round trip: a stored comment table exported to Word and imported back gives the same rows, texts and spans."""

from __future__ import annotations

import io

import docx
import pytest
from sqlmodel import Session

from comments import queries, submissions
from comments.errors import InvalidInput
from comments.export.assemble import export_document
from comments.export.docx_renderer import render_docx
from comments.export.presenter import WORDINGS
from comments.importing.comment_table import CommentTable, read_comment_table
from comments.models import RowKind
from tests.factories import make_draft, make_submission, make_team, provision

ZH_DRAFT = """网络产品安全管理办法（征求意见稿）

第一条 【目的】为了保障网络产品安全，制定本办法。

第二条 【适用范围】在中华人民共和国境内使用网络产品，适用本办法。

第三条 网络运营者应当采购安全可信的网络产品，并在境内存储重要数据。
"""


def snapshot(session: Session, submission) -> list[tuple]:
    return [
        (e.row.label, e.row.heading, e.row.quoted_text, [(s.start, s.end, s.exact) for s in e.spans],
         e.row.comment, e.row.recommendation)
        for e in queries.table_rows(session, submission=submission)
    ]


@pytest.mark.parametrize(("text", "language"), [(None, "en"), (ZH_DRAFT, "en"), (ZH_DRAFT, "zh")],
                         ids=["english", "chinese", "chinese-filed-in-chinese"])
def test_export_then_import_gives_back_the_same_rows(session: Session, text: str | None, language: str) -> None:
    team = make_team(session, "Round trip association")
    draft = make_draft(session, team_id=team.id, **({"text": text} if text else {}))
    original = make_submission(session, draft, title="Comments on the draft", organisation="Example Association")
    original.language = language
    labels = ["Article 2", "Article 3", "Article 4"] if text is None else ["第二条", "第三条"]
    for n, label in enumerate(labels):
        row = submissions.add_row(session, submission=original, provision_id=provision(session, draft, label).id,
                                  user_id=None, kind=RowKind.comment)
        words = row.quoted_text.split()
        submissions.underline(session, row=row, start=0, end=len(words[0]))
        if text is None:
            submissions.underline_words(session, row=row, words=" ".join(words[-3:]))
        else:
            submissions.underline_words(session, row=row, words=row.quoted_text[-6:-1])
        submissions.update_row_text(session, row=row, field="comment",
                                    value=f"Concern {n}: “secure and trusted”.\n\nSecond paragraph {n}.")
        submissions.update_row_text(session, row=row, field="recommendation", value=f"Delete {label}’s clause.")
    general = submissions.add_row(session, submission=original, provision_id=None, user_id=None)
    submissions.update_row_text(session, row=general, field="comment", value="We welcome the consultation.")
    exported = render_docx(export_document(session, submission=original)).data
    header = [cell.text for cell in docx.Document(io.BytesIO(exported)).tables[0].rows[0].cells]
    assert header == list(WORDINGS[language].headers)

    table = read_comment_table(exported)
    assert table.title == "Comments on the draft"
    imported = submissions.import_comment_table(
        session, team_id=team.id, user_id=None, table=table,
        source=submissions.SourceInfo(filename="comments.docx", sha256="0" * 64),
    )
    assert snapshot(session, imported) == snapshot(session, original)
    assert queries.table_rows(session, submission=imported)[0].row.provision_id is None  # the general comment
    assert any("\n(1) keep logs" in row[2] for row in snapshot(session, imported)) == (text is None)
    # the imported rows are ordinary rows of an ordinary draft
    new_draft = queries.get_draft(session, team_id=team.id, draft_id=imported.draft_id)
    assert [p.label for p in queries.provisions_of(session, draft=new_draft)] == labels
    assert {p.kind.value for p in queries.provisions_of(session, draft=new_draft)} == {"article"}


def test_an_empty_table_is_refused(session: Session) -> None:
    team = make_team(session)
    with pytest.raises(InvalidInput, match="no rows"):
        submissions.import_comment_table(session, team_id=team.id, user_id=None,
                                         table=CommentTable(title="x", paragraphs_before=(), rows=(), warnings=()),
                                         source=submissions.SourceInfo(filename=None, sha256=None))
