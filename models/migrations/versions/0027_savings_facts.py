"""analytics: the savings backtest's daily facts (what the KPI savings tile and its rows read)

Revision ID: 0027_savings_facts
Revises: 0026_planning_simulation
Create Date: 2026-12-06 22:10:00
"""

from alembic import op
import sqlalchemy as sa

import models.types


revision = '0027_savings_facts'
down_revision = '0026_planning_simulation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'savings_fact_daily',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column(
            'buyer_organisation_id',
            sa.Integer(),
            sa.ForeignKey('organisation.id', ondelete='CASCADE'),
            nullable=False,
        ),
        sa.Column('category', sa.String(length=80), nullable=False),
        sa.Column(
            'supplier_organisation_id',
            sa.Integer(),
            sa.ForeignKey('organisation.id', ondelete='CASCADE'),
            nullable=False,
        ),
        sa.Column('lines', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('paid', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column('with_agreements', sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column('computed_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            'day', 'buyer_organisation_id', 'category', 'supplier_organisation_id', name='uq_savings_fact'
        ),
        sa.CheckConstraint('lines > 0 AND quantity >= 0', name='ck_savings_fact_counts'),
    )
    op.create_index('ix_savings_fact_buyer_day', 'savings_fact_daily', ['buyer_organisation_id', 'day'])


def downgrade() -> None:
    op.drop_table('savings_fact_daily')
