"""logistics lists: shipment_acknowledgement (the exceptions queue's "who is on it") and the indexes
the manager's shipment list and the exceptions queue read by

Revision ID: 0012_shipment_lists
Revises: 0011_funnel
Create Date: 2026-12-01 22:50:00
"""

from alembic import op
import sqlalchemy as sa

from models.types import UTCDateTime


revision = '0012_shipment_lists'
down_revision = '0011_funnel'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'shipment_acknowledgement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=False),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_shipment_acknowledgement_shipment', 'shipment_acknowledgement', ['shipment_id', 'created_at']
    )
    op.create_index('ix_shipment_to_location', 'shipment', ['to_location_id', 'id'])
    op.create_index('ix_shipment_carrier_id', 'shipment', ['carrier', 'id'])
    op.create_index('ix_shipment_open_promise', 'shipment', ['promised_at'])
    op.create_index('ix_dead_letter_open', 'dead_letter', ['replayed_at', 'received_at'])


def downgrade() -> None:
    op.drop_index('ix_dead_letter_open', table_name='dead_letter')
    op.drop_index('ix_shipment_open_promise', table_name='shipment')
    op.drop_index('ix_shipment_carrier_id', table_name='shipment')
    op.drop_index('ix_shipment_to_location', table_name='shipment')
    op.drop_index('ix_shipment_acknowledgement_shipment', table_name='shipment_acknowledgement')
    op.drop_table('shipment_acknowledgement')
