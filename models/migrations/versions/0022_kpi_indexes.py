"""KPIs at a year of millions of orders: orders by placement time (the facts' rebuild and refresh of a
range of days, the drill-down, the stock-out tile)

Revision ID: 0022_kpi_indexes
Revises: 0021_localized_names
Create Date: 2026-12-03 12:00:00
"""

from alembic import op


revision = '0022_kpi_indexes'
down_revision = '0021_localized_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_sales_order_created_at', 'sales_order', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_sales_order_created_at', table_name='sales_order')
