"""analytics: daily FX rates, the daily order and line facts, KPI targets and the facts' refresh marker

Revision ID: 0018_analytics
Revises: 0017_pricing
Create Date: 2026-12-02 15:00:00
"""

from alembic import op
import sqlalchemy as sa

import models.types


revision = '0018_analytics'
down_revision = '0017_pricing'
branch_labels = None
depends_on = None

_CHANNELS = "channel IN ('dealer_order', 'customer_store', 'customer_online')"


def upgrade() -> None:
    op.create_table(
        'fx_rate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('rate', sa.Numeric(precision=18, scale=8), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('imported_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('imported_by_user_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('rate > 0', name='ck_fx_rate_positive'),
        sa.ForeignKeyConstraint(['imported_by_user_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day', 'currency', name='uq_fx_rate_day_currency'),
    )
    op.create_index('ix_fx_rate_currency_day', 'fx_rate', ['currency', 'day'], unique=False)

    op.create_table(
        'order_fact_daily',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('dealer_organisation_id', sa.Integer(), nullable=False),
        sa.Column('store_location_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('value', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column('value_reporting', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column('cancelled_orders', sa.Integer(), nullable=False),
        sa.Column('cancelled_value_reporting', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column('paid_orders', sa.Integer(), nullable=False),
        sa.Column('paid_minutes', sa.Integer(), nullable=False),
        sa.Column('delivered_orders', sa.Integer(), nullable=False),
        sa.Column('delivered_minutes', sa.Integer(), nullable=False),
        sa.CheckConstraint(_CHANNELS, name='ck_order_fact_channel'),
        sa.CheckConstraint('orders >= 0 AND cancelled_orders >= 0', name='ck_order_fact_counts'),
        sa.ForeignKeyConstraint(['dealer_organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['store_location_id'], ['location.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'day', 'dealer_organisation_id', 'store_location_id', 'channel', 'currency', name='uq_order_fact'
        ),
    )
    op.create_index('ix_order_fact_daily_day', 'order_fact_daily', ['day'], unique=False)
    op.create_index(
        'ix_order_fact_dealer_day', 'order_fact_daily', ['dealer_organisation_id', 'day'], unique=False
    )

    op.create_table(
        'line_fact_daily',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('dealer_organisation_id', sa.Integer(), nullable=False),
        sa.Column('store_location_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('item_kind', sa.String(length=10), nullable=False),
        sa.Column('category', sa.String(length=80), nullable=False),
        sa.Column('supplier_organisation_id', sa.Integer(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('orders', sa.Integer(), nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.Column('units_allocated', sa.Integer(), nullable=False),
        sa.Column('value', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column('value_reporting', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.CheckConstraint(_CHANNELS, name='ck_line_fact_channel'),
        sa.CheckConstraint("item_kind IN ('vehicle', 'part')", name='ck_line_fact_item_kind'),
        sa.CheckConstraint('units >= 0 AND units_allocated >= 0', name='ck_line_fact_units'),
        sa.ForeignKeyConstraint(['dealer_organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['store_location_id'], ['location.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['supplier_organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'day',
            'dealer_organisation_id',
            'store_location_id',
            'channel',
            'item_kind',
            'category',
            'supplier_organisation_id',
            'currency',
            name='uq_line_fact',
        ),
    )
    op.create_index('ix_line_fact_daily_day', 'line_fact_daily', ['day'], unique=False)
    op.create_index(
        'ix_line_fact_dealer_day', 'line_fact_daily', ['dealer_organisation_id', 'day'], unique=False
    )

    op.create_table(
        'kpi_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('tile', sa.String(length=40), nullable=False),
        sa.Column('scope', sa.String(length=400), nullable=False),
        sa.Column('target', sa.Numeric(precision=20, scale=4), nullable=False),
        sa.Column('higher_is_better', sa.Boolean(), nullable=False),
        sa.Column('set_by_user_id', sa.Integer(), nullable=True),
        sa.Column('set_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['set_by_user_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('tile', 'scope', name='uq_kpi_target_tile_scope'),
    )

    op.create_table(
        'facts_refresh',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('refreshed_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('full_rebuild_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('running_since', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('facts_refresh')
    op.drop_table('kpi_target')
    op.drop_index('ix_line_fact_dealer_day', table_name='line_fact_daily')
    op.drop_index('ix_line_fact_daily_day', table_name='line_fact_daily')
    op.drop_table('line_fact_daily')
    op.drop_index('ix_order_fact_dealer_day', table_name='order_fact_daily')
    op.drop_index('ix_order_fact_daily_day', table_name='order_fact_daily')
    op.drop_table('order_fact_daily')
    op.drop_index('ix_fx_rate_currency_day', table_name='fx_rate')
    op.drop_table('fx_rate')
