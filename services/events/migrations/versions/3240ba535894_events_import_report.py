"""events: import_report (what an import read from an announcement, kept with the draft)

Revision ID: 3240ba535894
Revises: b7e1c4a9d2f0
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '3240ba535894'
down_revision = 'b7e1c4a9d2f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_report', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('import_report')
