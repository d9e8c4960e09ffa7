"""orders: order_attention, the orders a sweep could not settle (failure count, last error, parked)

Revision ID: 0007_order_attention
Revises: 0006_login_throttle
Create Date: 2026-11-26 10:00:00
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

import models.types


revision = '0007_order_attention'
down_revision = '0006_login_throttle'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_attention',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('first_failed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_failed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('parked_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('failures >= 1', name='ck_order_attention_failures'),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id')
    )
    with op.batch_alter_table('order_attention', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_attention_parked_at'), ['parked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('order_attention', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_attention_parked_at'))
    op.drop_table('order_attention')
