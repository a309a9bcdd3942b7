"""who acted on a registration (checked_in_by, decided_by, cancelled_by) and organizer mailings

Revision ID: 4c2d8e5f1a37
Revises: 69f6e6612a4d
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa
import shared.db


revision = '4c2d8e5f1a37'
down_revision = '69f6e6612a4d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_in_by', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by', sa.JSON(), nullable=True))
    op.create_table('mailings',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=12), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('sent_by', sa.JSON(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'idempotency_key', name='uq_mailings_event_key')
    )
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mailings_event_id'), ['event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mailings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mailings_event_id'))
    op.drop_table('mailings')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('cancelled_by')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('checked_in_by')
