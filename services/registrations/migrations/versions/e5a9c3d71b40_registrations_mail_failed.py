"""registrations.mail_failed_at / mail_error: a mail to the registrant failed for good

Revision ID: e5a9c3d71b40
Revises: 4c2d8e5f1a37
Create Date: 2026-12-03 09:55:00

"""
from alembic import op
import sqlalchemy as sa

import shared.db


revision = 'e5a9c3d71b40'
down_revision = '4c2d8e5f1a37'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_failed_at', shared.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mail_error', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('mail_error')
        batch_op.drop_column('mail_failed_at')
