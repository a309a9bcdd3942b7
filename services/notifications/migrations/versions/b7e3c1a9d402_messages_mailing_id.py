"""messages.mailing_id: the organizer mailing a mail belongs to (its delivery log)

Revision ID: b7e3c1a9d402
Revises: 59c09a2bc2fb
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7e3c1a9d402'
down_revision = '59c09a2bc2fb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailing_id', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_mailing_id'), ['mailing_id'], unique=False)


def downgrade():
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_mailing_id'))
        batch_op.drop_column('mailing_id')
