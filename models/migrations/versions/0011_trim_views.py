"""showroom: trim_view, how often each trim's page was opened per store and day

Revision ID: 0011_trim_views
Revises: 0010_drive_orders
Create Date: 2026-12-01 23:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011_trim_views'
down_revision = '0010_drive_orders'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trim_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('trim_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.CheckConstraint('views >= 0', name='ck_trim_view_views'),
    sa.ForeignKeyConstraint(['trim_id'], ['trim.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'trim_id', 'location_id', name='uq_trim_view')
    )
    with op.batch_alter_table('trim_view', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trim_view_trim_id'), ['trim_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('trim_view', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trim_view_trim_id'))
    op.drop_table('trim_view')
