"""planning: a discarded proposal's who and when; a transfer line carried out (shipped at, by whom)

Revision ID: 0026_planning_simulation
Revises: 0025_market_price_lists
Create Date: 2026-12-06 22:00:00
"""

from alembic import op
import sqlalchemy as sa

import models.types


revision = '0026_planning_simulation'
down_revision = '0025_market_price_lists'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('replenishment_proposal', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'discarded_by_user_id',
                sa.Integer(),
                sa.ForeignKey(
                    'user_account.id', ondelete='SET NULL', name='fk_replenishment_proposal_discarded_by'
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column('discarded_at', models.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('replenishment_proposal_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipped_at', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column(
                'shipped_by_user_id',
                sa.Integer(),
                sa.ForeignKey(
                    'user_account.id', ondelete='SET NULL', name='fk_replenishment_line_shipped_by'
                ),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('replenishment_proposal_line', schema=None) as batch_op:
        batch_op.drop_column('shipped_by_user_id')
        batch_op.drop_column('shipped_at')
    with op.batch_alter_table('replenishment_proposal', schema=None) as batch_op:
        batch_op.drop_column('discarded_at')
        batch_op.drop_column('discarded_by_user_id')
