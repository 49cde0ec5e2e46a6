"""submission paper size (A4 or Letter)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 03:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_size', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False,
                                      server_default='A4'))


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('paper_size')
