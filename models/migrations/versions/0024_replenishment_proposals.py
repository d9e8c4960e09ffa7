"""planning: replenishment proposals (purchase and transfer lines with their reasons) and parts'
ordering rules (MOQ, pack size, lead time)

Revision ID: 0024_replenishment_proposals
Revises: 0023_planning
Create Date: 2026-12-03 17:10:00
"""

from alembic import op
import sqlalchemy as sa

import models.types


revision = '0024_replenishment_proposals'
down_revision = '0023_planning'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'part_replenishment',
        sa.Column('part_id', sa.Integer(), nullable=False),
        sa.Column('moq', sa.Integer(), nullable=False),
        sa.Column('pack_size', sa.Integer(), nullable=False),
        sa.Column('lead_time_days', sa.Integer(), nullable=False),
        sa.CheckConstraint(
            'moq >= 1 AND pack_size >= 1 AND lead_time_days >= 0', name='ck_part_replenishment'
        ),
        sa.ForeignKeyConstraint(['part_id'], ['part.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('part_id'),
    )
    op.create_table(
        'replenishment_proposal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('service_level', sa.Float(), nullable=False),
        sa.Column('created_by_user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('approved_by_user_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('purchase_order_ids', sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'discarded')", name='ck_replenishment_proposal_status'
        ),
        sa.ForeignKeyConstraint(['run_id'], ['forecast_run.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['created_by_user_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['approved_by_user_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'replenishment_proposal_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('part_id', sa.Integer(), nullable=False),
        sa.Column('supplier_id', sa.Integer(), nullable=True),
        sa.Column('from_location_id', sa.Integer(), nullable=True),
        sa.Column('to_location_id', sa.Integer(), nullable=False),
        sa.Column('suggested_quantity', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('need_by', sa.Date(), nullable=False),
        sa.Column('reason', sa.JSON(), nullable=False),
        sa.CheckConstraint("kind IN ('purchase', 'transfer')", name='ck_replenishment_line_kind'),
        sa.CheckConstraint(
            'suggested_quantity >= 0 AND quantity >= 0', name='ck_replenishment_line_quantity'
        ),
        sa.CheckConstraint(
            "(kind = 'purchase' AND supplier_id IS NOT NULL) OR "
            "(kind = 'transfer' AND from_location_id IS NOT NULL)",
            name='ck_replenishment_line_source',
        ),
        sa.ForeignKeyConstraint(['proposal_id'], ['replenishment_proposal.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['part_id'], ['part.id'], ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['supplier_id'], ['organisation.id'], ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['from_location_id'], ['location.id'], ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['to_location_id'], ['location.id'], ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_replenishment_proposal_line_proposal_id', 'replenishment_proposal_line', ['proposal_id']
    )


def downgrade() -> None:
    op.drop_index('ix_replenishment_proposal_line_proposal_id', table_name='replenishment_proposal_line')
    op.drop_table('replenishment_proposal_line')
    op.drop_table('replenishment_proposal')
    op.drop_table('part_replenishment')
