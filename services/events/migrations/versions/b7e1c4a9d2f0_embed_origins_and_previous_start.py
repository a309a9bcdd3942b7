"""organizers.embed_origins (who may frame the sign-up) and events.previous_starts_at (rescheduled)

Revision ID: b7e1c4a9d2f0
Revises: b7c3e1a94d20
Create Date: 2026-12-03 09:15:00

"""
from alembic import op
import sqlalchemy as sa
import shared.db


revision = 'b7e1c4a9d2f0'
down_revision = 'b7c3e1a94d20'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('organizers', sa.Column('embed_origins', sa.JSON(), nullable=True))
    op.add_column('events', sa.Column('previous_starts_at', shared.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('events') as batch:
        batch.drop_column('previous_starts_at')
    with op.batch_alter_table('organizers') as batch:
        batch.drop_column('embed_origins')
