"""outbox: a partial index on the undispatched rows, per topic in id order

Revision ID: 0004_outbox_backlog_index
Revises: 0003_supply
Create Date: 2026-11-25 14:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004_outbox_backlog_index'
down_revision = '0003_supply'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_undispatched', ['topic', 'id'], unique=False,
                              postgresql_where=sa.text('dispatched_at IS NULL'),
                              sqlite_where=sa.text('dispatched_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_undispatched',
                            postgresql_where=sa.text('dispatched_at IS NULL'),
                            sqlite_where=sa.text('dispatched_at IS NULL'))
