"""showroom: trim_view_count, trim page views per store, trim and day (no personal data)

Revision ID: 0011_funnel
Revises: 0010_drive_orders
Create Date: 2026-12-01 23:25:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_funnel'
# Chained after 0010_drive_orders (already on main) so there is one head; the integrator renumbers.
down_revision = '0010_drive_orders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'trim_view_count',
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('trim_id', sa.Integer(), sa.ForeignKey('trim.id', ondelete='CASCADE'), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('views', sa.Integer(), nullable=False, server_default='0'),
        sa.PrimaryKeyConstraint('location_id', 'trim_id', 'day'),
    )


def downgrade() -> None:
    op.drop_table('trim_view_count')
