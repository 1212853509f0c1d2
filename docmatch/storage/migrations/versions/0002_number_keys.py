"""Keyed document numbers, so duplicate checks look earlier documents up by index.

Revision ID: 0002
Revises: 0001
Created: 2026-12-04 23:50:11

Before this revision each match read every earlier extraction to find duplicates,
which grows with the database. The new `number_key` column holds the number as
`code_key` folds it; rows written before are filled in here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from docmatch.matchers.normalize import code_key

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('number_key', sa.String(length=128), nullable=True))
        batch_op.create_index('ix_extractions_doc_type_issue_date', ['doc_type', 'issue_date'], unique=False)
        batch_op.create_index('ix_extractions_doc_type_number_key', ['doc_type', 'number_key'], unique=False)

    extractions = sa.table('extractions', sa.column('id', sa.Integer), sa.column('number', sa.String), sa.column('number_key', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(extractions.c.id, extractions.c.number).where(extractions.c.number.is_not(None))).all()
    for row_id, number in rows:
        connection.execute(extractions.update().where(extractions.c.id == row_id).values(number_key=code_key(number)[:128]))


def downgrade() -> None:
    with op.batch_alter_table('extractions', schema=None) as batch_op:
        batch_op.drop_index('ix_extractions_doc_type_number_key')
        batch_op.drop_index('ix_extractions_doc_type_issue_date')
        batch_op.drop_column('number_key')
