"""members, their session tokens and sign-in links; the history of event changes

Revision ID: b7c3e1a94d20
Revises: 6870e7d3d5b4
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa
import shared.db


# revision identifiers, used by Alembic.
revision = 'b7c3e1a94d20'
down_revision = '6870e7d3d5b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organizer_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_members_organizer_id', 'members', ['organizer_id'], unique=False)
    op.create_index('ix_members_email', 'members', ['email'], unique=False)
    op.create_table('member_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_member_sessions_member_id', 'member_sessions', ['member_id'], unique=False)
    op.create_table('sign_in_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', shared.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    op.create_index('ix_sign_in_links_member_id', 'sign_in_links', ['member_id'], unique=False)
    op.create_table('event_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('at', shared.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('member_name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_event_changes_event_id', 'event_changes', ['event_id'], unique=False)


def downgrade():
    op.drop_index('ix_event_changes_event_id', table_name='event_changes')
    op.drop_table('event_changes')
    op.drop_index('ix_sign_in_links_member_id', table_name='sign_in_links')
    op.drop_table('sign_in_links')
    op.drop_index('ix_member_sessions_member_id', table_name='member_sessions')
    op.drop_table('member_sessions')
    op.drop_index('ix_members_email', table_name='members')
    op.drop_index('ix_members_organizer_id', table_name='members')
    op.drop_table('members')
