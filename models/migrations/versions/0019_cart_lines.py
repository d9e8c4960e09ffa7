"""ordering: the dealer's cart on the server (cart_line), so it survives logout, tabs and devices

Revision ID: 0019_cart_lines
Revises: 0018_analytics
Create Date: 2026-12-02 15:20:00
"""

from alembic import op
import sqlalchemy as sa

import models.types


revision = '0019_cart_lines'
down_revision = '0018_analytics'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cart_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('item_kind', sa.String(length=10), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.String(length=12), nullable=False),
        sa.Column('added_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("item_kind IN ('part', 'trim')", name='ck_cart_line_kind'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'item_kind', 'item_id', name='uq_cart_line_item'),
    )
    op.create_index('ix_cart_line_user_id', 'cart_line', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_cart_line_user_id', table_name='cart_line')
    op.drop_table('cart_line')
