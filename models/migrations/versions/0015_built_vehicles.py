"""built vehicles: the cars standing at a store in one configuration, and the day an order was promised

Revision ID: 0015_built_vehicles
Revises: 0014_configurator
Create Date: 2026-12-02 04:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015_built_vehicles'
down_revision = '0014_configurator'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'built_vehicle',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column(
            'location_id', sa.Integer(), sa.ForeignKey('location.id', ondelete='CASCADE'), nullable=False
        ),
        sa.Column('trim_id', sa.Integer(), sa.ForeignKey('trim.id', ondelete='CASCADE'), nullable=False),
        sa.Column('vin', sa.String(17), nullable=False),
        sa.Column('colour_key', sa.String(40), nullable=False),
        sa.Column('packs', sa.String(400), nullable=False),
        sa.Column(
            'reserved_order_id',
            sa.Integer(),
            sa.ForeignKey('sales_order.id', ondelete='SET NULL'),
            nullable=True,
        ),
        sa.UniqueConstraint('vin', name='uq_built_vehicle_vin'),
        sa.UniqueConstraint('reserved_order_id', name='uq_built_vehicle_reserved_order_id'),
    )
    op.create_index('ix_built_vehicle_trim_id', 'built_vehicle', ['trim_id'])
    op.create_index(
        'ix_built_vehicle_match', 'built_vehicle', ['location_id', 'trim_id', 'colour_key', 'packs']
    )
    with op.batch_alter_table('order_configuration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ready_by', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('order_configuration', schema=None) as batch_op:
        batch_op.drop_column('ready_by')
    op.drop_index('ix_built_vehicle_match', table_name='built_vehicle')
    op.drop_index('ix_built_vehicle_trim_id', table_name='built_vehicle')
    op.drop_table('built_vehicle')
