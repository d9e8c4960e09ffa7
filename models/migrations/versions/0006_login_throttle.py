"""rate_limit_entry: the moving-window rate limits (login throttling) in embedded mode

Revision ID: 0006_login_throttle
Revises: 0005_outbox_notify
Create Date: 2026-11-26 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0006_login_throttle'
down_revision = '0005_outbox_notify'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'rate_limit_entry',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('at', sa.Float(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rate_limit_entry_key_at', 'rate_limit_entry', ['key', 'at'])
    op.create_index('ix_rate_limit_entry_expires_at', 'rate_limit_entry', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_rate_limit_entry_expires_at', table_name='rate_limit_entry')
    op.drop_index('ix_rate_limit_entry_key_at', table_name='rate_limit_entry')
    op.drop_table('rate_limit_entry')
