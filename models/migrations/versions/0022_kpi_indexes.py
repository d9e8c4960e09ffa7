"""KPIs at a year of millions of orders: orders by placement time (the facts' rebuild and refresh of a
range of days, the drill-down); the stock rows ordered from per day (the stock-out tile); units on the
order facts

Revision ID: 0022_kpi_indexes
Revises: 0021_localized_names
Create Date: 2026-12-03 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0022_kpi_indexes'
down_revision = '0021_localized_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_sales_order_created_at', 'sales_order', ['created_at'])
    op.create_table(
        'stock_demand_daily',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column(
            'stock_level_id', sa.Integer(), sa.ForeignKey('stock_level.id', ondelete='CASCADE'), nullable=False
        ),
        sa.Column(
            'dealer_organisation_id',
            sa.Integer(),
            sa.ForeignKey('organisation.id', ondelete='CASCADE'),
            nullable=False,
        ),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.UniqueConstraint('day', 'stock_level_id', 'dealer_organisation_id', name='uq_stock_demand'),
    )
    op.create_index('ix_stock_demand_stock_day', 'stock_demand_daily', ['stock_level_id', 'day'])
    # units on the order facts: fill rate, turnover and cover without reading the line facts
    op.add_column('order_fact_daily', sa.Column('units', sa.Integer(), nullable=False, server_default='0'))
    op.add_column(
        'order_fact_daily', sa.Column('units_allocated', sa.Integer(), nullable=False, server_default='0')
    )


def downgrade() -> None:
    op.drop_column('order_fact_daily', 'units_allocated')
    op.drop_column('order_fact_daily', 'units')
    op.drop_table('stock_demand_daily')
    op.drop_index('ix_sales_order_created_at', table_name='sales_order')
