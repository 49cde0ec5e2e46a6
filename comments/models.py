"""Tables. The naming convention comes first so every constraint has a stable name in migrations.

The whole model, and which issue builds each part:
- Team, User, Membership(role)                        accounts and team isolation
- UserSession, SignInAttempt, Invitation, AuditEvent  sign-in, rate limits, one-time links, the team's audit log
- Draft -> Provision (tree through parent_id)         import (built here)
- ImportPreview                                       a split waiting for "Confirm" (built here)
- Submission -> CommentRow -> RowSpan, ConcernTag     the comment table and its Word export (built here)
- RowEvent                                            every change to a row: history, bin, live feed
- RowNote                                             the internal discussion on a row (never exported)
- Position -> PositionSource, PositionTag             the positions library: past arguments to reuse
- WatchPhrase                                         phrases that flag a provision for a concern tag
Every team-owned object carries team_id or reaches a team through its parent; queries filter on it.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def _timestamp() -> Any:
    return Field(default_factory=utcnow, sa_type=sa.DateTime(timezone=True), nullable=False)


def _enum(enum_cls: type[enum.Enum], name: str) -> sa.Enum:
    # VARCHAR + CHECK on both SQLite and PostgreSQL: adding a value later is a plain migration.
    return sa.Enum(
        enum_cls, name=name, native_enum=False, create_constraint=True, length=20,
        values_callable=lambda members: [m.value for m in members],
    )


class Role(enum.StrEnum):
    viewer = "viewer"
    editor = "editor"
    lead = "lead"
    admin = "admin"


class RowKind(enum.StrEnum):
    comment = "comment"
    question = "question"  # "We seek further information on ..."


class RowStatus(enum.StrEnum):
    draft = "draft"
    in_review = "in_review"
    approved = "approved"  # by a lead
    withdrawn = "withdrawn"


class ProvisionKind(enum.StrEnum):
    preamble = "preamble"
    chapter = "chapter"
    section = "section"
    article = "article"
    paragraph = "paragraph"
    item = "item"
    trailing = "trailing"


class Team(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    created_at: datetime = _timestamp()


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True)
    display_name: str = Field(max_length=200)
    password_hash: str | None = Field(default=None, max_length=500)  # set by the accounts issue
    is_active: bool = True
    created_at: datetime = _timestamp()


class Membership(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("team_id", "user_id", name="uq_membership_team_user"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: Role = Field(sa_type=_enum(Role, "role"))
    created_at: datetime = _timestamp()


class Draft(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=500)
    jurisdiction: str | None = Field(default=None, max_length=100)
    issuing_body: str | None = Field(default=None, max_length=300)
    language: str | None = Field(default=None, max_length=10)
    publication_date: date | None = None
    comment_deadline: date | None = None
    source_filename: str | None = Field(default=None, max_length=255)
    source_sha256: str | None = Field(default=None, max_length=64)
    source_kind: str | None = Field(default=None, max_length=10)
    supersedes_id: int | None = Field(default=None, foreign_key="draft.id", ondelete="SET NULL")
    import_warnings: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()


class Provision(SQLModel, table=True):
    """One unit of a draft. `text` is the provision's own text; an article's items follow it as children."""

    __table_args__ = (sa.UniqueConstraint("draft_id", "position", name="uq_provision_draft_position"),)

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(foreign_key="draft.id", index=True, ondelete="CASCADE")
    position: int  # document order, 0-based
    kind: ProvisionKind = Field(sa_type=_enum(ProvisionKind, "provision_kind"))
    number: str | None = Field(default=None, max_length=40)
    label: str | None = Field(default=None, max_length=200)
    heading: str | None = Field(default=None, max_length=500)
    text: str = Field(default="", sa_type=sa.Text)
    parent_id: int | None = Field(default=None, foreign_key="provision.id", ondelete="CASCADE")


class ImportPreview(SQLModel, table=True):
    """A split shown to the user and edited before "Confirm". It is not a draft: nothing is stored as one."""

    __tablename__ = "import_preview"

    id: str = Field(primary_key=True, max_length=32)  # unguessable token, also the URL
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    source_filename: str | None = Field(default=None, max_length=255)
    source_sha256: str | None = Field(default=None, max_length=64)
    source_kind: str = Field(max_length=10)
    payload: dict[str, Any] = Field(sa_type=sa.JSON)  # the SplitResult, see comments/importing/serialize.py
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class Submission(SQLModel, table=True):
    """One team's comment table on one draft, and how its Word file looks."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    draft_id: int = Field(foreign_key="draft.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=500)
    organisation: str | None = Field(default=None, max_length=300)
    addressee: str | None = Field(default=None, max_length=500)
    submission_date: date | None = None
    opening_text: str = Field(default="", sa_type=sa.Text)  # paragraphs separated by blank lines
    landscape: bool = False
    paper_size: str = Field(default="A4", max_length=10, sa_column_kwargs={"server_default": "A4"})  # or "Letter"
    language: str = Field(default="en", max_length=5, sa_column_kwargs={"server_default": "en"})  # filed in: en, zh
    font_name: str = Field(default="Times New Roman", max_length=100)
    font_size_pt: float = 11
    finalised_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))  # rows -> library
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class CommentRow(SQLModel, table=True):
    """One comment. `quoted_text` is the provision text as it stood when the row was made; spans point into it.

    A row without a provision addresses the draft as a whole. Deleted rows keep their data (undo, the bin)."""

    __tablename__ = "comment_row"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    provision_id: int | None = Field(default=None, foreign_key="provision.id", index=True, ondelete="SET NULL")
    label: str | None = Field(default=None, max_length=200)
    heading: str | None = Field(default=None, max_length=500)
    quoted_text: str = Field(default="", sa_type=sa.Text)
    kind: RowKind = Field(default=RowKind.comment, sa_type=_enum(RowKind, "row_kind"))
    status: RowStatus = Field(default=RowStatus.draft, sa_type=_enum(RowStatus, "row_status"))
    assigned_to_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    comment: str = Field(default="", sa_type=sa.Text)
    recommendation: str = Field(default="", sa_type=sa.Text)
    sort_order: int = 0
    version: int = 1
    deleted_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    position_id: int | None = Field(default=None, foreign_key="position.id", ondelete="SET NULL")  # reused from
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class PositionStatus(enum.StrEnum):
    active = "active"
    retired = "retired"  # kept for the record, never suggested
    merged = "merged"  # folded into another position (merged_into_id)


class RowSpan(SQLModel, table=True):
    """An underline, stored as a W3C Web Annotation TextQuote (exact, prefix, suffix) plus a TextPosition."""

    __tablename__ = "row_span"
    __table_args__ = (
        sa.CheckConstraint("start >= 0 AND start < \"end\"", name="span_range"),
    )

    id: int | None = Field(default=None, primary_key=True)
    row_id: int = Field(foreign_key="comment_row.id", index=True, ondelete="CASCADE")
    start: int
    end: int
    exact: str = Field(sa_type=sa.Text)
    prefix: str = Field(default="", max_length=32)
    suffix: str = Field(default="", max_length=32)


class ConcernTag(SQLModel, table=True):
    __tablename__ = "concern_tag"
    __table_args__ = (sa.UniqueConstraint("team_id", "name", name="uq_concern_tag_team_name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    sort_order: int = 0


class RowTag(SQLModel, table=True):
    __tablename__ = "row_tag"

    row_id: int = Field(foreign_key="comment_row.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="concern_tag.id", primary_key=True, index=True, ondelete="CASCADE")


class RowEvent(SQLModel, table=True):
    """One change to a row: who, when, what, before and after. The ids increase: the live feed resumes from one.

    `before`/`after` hold the field's value: text for comment and recommendation, [[start, end, exact], ...]
    for underlines, tag names for tags, the kind, the sort order, or null (a row added or deleted)."""

    __tablename__ = "row_event"

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True, ondelete="CASCADE")
    row_id: int = Field(foreign_key="comment_row.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = _timestamp()
    action: str = Field(max_length=20)  # added, edited, deleted, restored, moved
    field: str | None = Field(default=None, max_length=20)
    before: Any = Field(default=None, sa_type=sa.JSON, nullable=True)
    after: Any = Field(default=None, sa_type=sa.JSON, nullable=True)
    version: int  # the row's version after this change


class RowNote(SQLModel, table=True):
    """A note in a row's internal discussion. Team-internal: no export reads this table."""

    __tablename__ = "row_note"

    id: int | None = Field(default=None, primary_key=True)
    row_id: int = Field(foreign_key="comment_row.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = _timestamp()
    text: str = Field(sa_type=sa.Text)


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    team_id: int | None = Field(default=None, foreign_key="team.id", ondelete="SET NULL")  # the team worked in
    created_at: datetime = _timestamp()
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))


class SignInAttempt(SQLModel, table=True):
    """Rate limiting that all workers share: recent attempts per account (e-mail) and per address."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_at", "email", "at"),
        sa.Index("ix_sign_in_attempt_address_at", "address", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    address: str = Field(max_length=64)
    at: datetime = _timestamp()
    succeeded: bool = False


class InvitationKind(enum.StrEnum):
    join = "join"  # join a team with a role
    reset = "reset"  # set a new password


class Invitation(SQLModel, table=True):
    """A one-time link: to join a team, or to set a new password. Only the token's SHA-256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    kind: InvitationKind = Field(sa_type=_enum(InvitationKind, "invitation_kind"))
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    role: Role | None = Field(default=None, sa_type=_enum(Role, "invitation_role"))
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="CASCADE")  # whose password
    note: str = Field(default="", max_length=200)  # whom it is for, as the admin wrote it
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    used_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class AuditEvent(SQLModel, table=True):
    """A team action worth answering for: imports, exports, membership and role changes, links made."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    at: datetime = _timestamp()
    action: str = Field(max_length=40)
    summary: str = Field(default="", max_length=500)


class Position(SQLModel, table=True):
    """A reusable argument: the comment and recommendation, and the provision text it answered (with the
    underlined words), where suggestions look for resemblance."""

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=300)
    comment: str = Field(default="", sa_type=sa.Text)
    recommendation: str = Field(default="", sa_type=sa.Text)
    provision_label: str | None = Field(default=None, max_length=200)
    provision_heading: str | None = Field(default=None, max_length=500)
    provision_text: str = Field(default="", sa_type=sa.Text)
    spans: list[list[int]] = Field(default_factory=list, sa_type=sa.JSON)  # [[start, end], ...] in provision_text
    status: PositionStatus = Field(default=PositionStatus.active, sa_type=_enum(PositionStatus, "position_status"))
    merged_into_id: int | None = Field(default=None, foreign_key="position.id", ondelete="SET NULL")
    reuse_count: int = 0
    last_reused_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _timestamp()
    updated_at: datetime = _timestamp()


class PositionSource(SQLModel, table=True):
    """Where a position came from: a row of a comment table, or a past Word file. A merged position keeps all."""

    __tablename__ = "position_source"

    id: int | None = Field(default=None, primary_key=True)
    position_id: int = Field(foreign_key="position.id", index=True, ondelete="CASCADE")
    draft_title: str = Field(default="", max_length=500)
    regulation_short_name: str | None = Field(default=None, max_length=200)  # "Cybersecurity Law", if known
    label: str | None = Field(default=None, max_length=200)  # the article it answered there
    submission_title: str = Field(default="", max_length=500)
    filed_on: date | None = None
    filename: str | None = Field(default=None, max_length=255)
    draft_id: int | None = Field(default=None, foreign_key="draft.id", ondelete="SET NULL")
    submission_id: int | None = Field(default=None, foreign_key="submission.id", ondelete="SET NULL")
    row_id: int | None = Field(default=None, foreign_key="comment_row.id", ondelete="SET NULL")


class PositionTag(SQLModel, table=True):
    __tablename__ = "position_tag"

    position_id: int = Field(foreign_key="position.id", primary_key=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="concern_tag.id", primary_key=True, index=True, ondelete="CASCADE")


class WatchPhrase(SQLModel, table=True):
    """A phrase (English, Chinese, ...) that flags a provision for a concern: "secure and trusted", 境内."""

    __tablename__ = "watch_phrase"
    __table_args__ = (sa.UniqueConstraint("tag_id", "phrase", name="uq_watch_phrase_tag_phrase"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    tag_id: int = Field(foreign_key="concern_tag.id", index=True, ondelete="CASCADE")
    phrase: str = Field(max_length=200)
