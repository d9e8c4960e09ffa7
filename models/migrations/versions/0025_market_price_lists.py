"""pricing: market price lists (markets and their countries, list prices with pending changes, dealer
tiers, promotions)

Revision ID: 0025_market_price_lists
Revises: 0024_replenishment_proposals
Create Date: 2026-12-06 21:50:00
"""

from alembic import op
import sqlalchemy as sa
import models.types


revision = '0025_market_price_lists'
down_revision = '0024_replenishment_proposals'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('market',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('markup_rules', sa.JSON(), nullable=False),
    sa.Column('auto_band_pct', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('four_eyes_pct', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('auto_band_pct >= 0 AND auto_band_pct <= four_eyes_pct', name='ck_market_bands'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('dealer_tier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('market_id', sa.Integer(), nullable=False),
    sa.Column('min_quantity', sa.Integer(), nullable=False),
    sa.Column('discount_pct', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.CheckConstraint('discount_pct > 0 AND discount_pct < 100', name='ck_dealer_tier_discount'),
    sa.CheckConstraint('min_quantity >= 1', name='ck_dealer_tier_quantity'),
    sa.ForeignKeyConstraint(['market_id'], ['market.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('market_id', 'min_quantity', name='uq_dealer_tier_quantity')
    )
    op.create_index('ix_dealer_tier_market_id', 'dealer_tier', ['market_id'])

    op.create_table('market_country',
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('market_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['market_id'], ['market.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('country')
    )
    op.create_index('ix_market_country_market_id', 'market_country', ['market_id'])

    op.create_table('market_price',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('market_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('trim_id', sa.Integer(), nullable=True),
    sa.Column('list_price', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('cost', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('manual', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('previous_price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('change_pct', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('required_approvals', sa.Integer(), nullable=False),
    sa.Column('approvals', sa.JSON(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('active', 'pending', 'superseded', 'rejected')", name='ck_market_price_status'),
    sa.CheckConstraint('(part_id IS NULL) <> (trim_id IS NULL)', name='ck_market_price_one_item'),
    sa.CheckConstraint('list_price > 0', name='ck_market_price_positive'),
    sa.CheckConstraint('previous_price IS NULL OR previous_price > 0', name='ck_market_price_previous'),
    sa.CheckConstraint('required_approvals >= 0 AND required_approvals <= 2', name='ck_market_price_approvals'),
    sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['market_id'], ['market.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['part_id'], ['part.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trim_id'], ['trim.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_market_price_market_status', 'market_price', ['market_id', 'status'])
    op.create_index('ix_market_price_part_id', 'market_price', ['part_id'])
    op.create_index('ix_market_price_trim_id', 'market_price', ['trim_id'])
    op.create_index('uq_market_price_active_part_id', 'market_price', ['market_id', 'part_id'], unique=True, postgresql_where=sa.text("status = 'active' AND part_id IS NOT NULL"), sqlite_where=sa.text("status = 'active' AND part_id IS NOT NULL"))
    op.create_index('uq_market_price_active_trim_id', 'market_price', ['market_id', 'trim_id'], unique=True, postgresql_where=sa.text("status = 'active' AND trim_id IS NOT NULL"), sqlite_where=sa.text("status = 'active' AND trim_id IS NOT NULL"))
    op.create_index('uq_market_price_pending_part_id', 'market_price', ['market_id', 'part_id'], unique=True, postgresql_where=sa.text("status = 'pending' AND part_id IS NOT NULL"), sqlite_where=sa.text("status = 'pending' AND part_id IS NOT NULL"))
    op.create_index('uq_market_price_pending_trim_id', 'market_price', ['market_id', 'trim_id'], unique=True, postgresql_where=sa.text("status = 'pending' AND trim_id IS NOT NULL"), sqlite_where=sa.text("status = 'pending' AND trim_id IS NOT NULL"))

    op.create_table('promotion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('market_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('trim_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('percent', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('price', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(part_id IS NULL) <> (trim_id IS NULL)', name='ck_promotion_one_item'),
    sa.CheckConstraint('(percent IS NULL) <> (price IS NULL)', name='ck_promotion_percent_or_price'),
    sa.CheckConstraint('percent IS NULL OR (percent > 0 AND percent < 100)', name='ck_promotion_percent'),
    sa.CheckConstraint('price IS NULL OR price > 0', name='ck_promotion_price'),
    sa.CheckConstraint('valid_to >= valid_from', name='ck_promotion_dates'),
    sa.ForeignKeyConstraint(['market_id'], ['market.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['part_id'], ['part.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trim_id'], ['trim.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_promotion_market_part', 'promotion', ['market_id', 'part_id'])
    op.create_index('ix_promotion_market_trim', 'promotion', ['market_id', 'trim_id'])


def downgrade() -> None:
    op.drop_index('ix_promotion_market_trim', table_name='promotion')
    op.drop_index('ix_promotion_market_part', table_name='promotion')

    op.drop_table('promotion')
    op.drop_index('uq_market_price_pending_trim_id', table_name='market_price')
    op.drop_index('uq_market_price_pending_part_id', table_name='market_price')
    op.drop_index('uq_market_price_active_trim_id', table_name='market_price')
    op.drop_index('uq_market_price_active_part_id', table_name='market_price')
    op.drop_index('ix_market_price_trim_id', table_name='market_price')
    op.drop_index('ix_market_price_part_id', table_name='market_price')
    op.drop_index('ix_market_price_market_status', table_name='market_price')

    op.drop_table('market_price')
    op.drop_index('ix_market_country_market_id', table_name='market_country')

    op.drop_table('market_country')
    op.drop_index('ix_dealer_tier_market_id', table_name='dealer_tier')

    op.drop_table('dealer_tier')
    op.drop_table('market')
