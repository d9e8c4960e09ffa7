"""logistics: shipment legs and events, dead letters, carrier poll state; tracking columns on shipment

Revision ID: 0009_logistics
Revises: 0008_showroom
Create Date: 2026-12-01 19:05:05.027387
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0009_logistics'
down_revision = '0008_showroom'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('carrier_poll_state',
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('next_poll_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('last_success_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('carrier')
    )
    op.create_table('dead_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('received_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('replayed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replay_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dead_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dead_letter_received_at'), ['received_at'], unique=False)

    op.create_table('shipment_leg',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('tracking_number', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('destination', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('lane', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('planned_hours', sa.Float(), nullable=False),
    sa.Column('departed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('arrived_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("mode IN ('truck', 'rail', 'sea')", name='ck_shipment_leg_mode'),
    sa.CheckConstraint('planned_hours > 0', name='ck_shipment_leg_planned'),
    sa.CheckConstraint('sequence >= 1', name='ck_shipment_leg_sequence'),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('shipment_id', 'sequence', name='uq_shipment_leg_sequence')
    )
    with op.batch_alter_table('shipment_leg', schema=None) as batch_op:
        batch_op.create_index('ix_shipment_leg_lane_arrived', ['lane', 'arrived_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_leg_shipment_id'), ['shipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_leg_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('shipment_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('leg_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('exception_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('raw_code', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('raw_text', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('occurred_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('locality', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.CheckConstraint("(exception_reason IS NULL OR exception_reason IN ('damage', 'customs_hold', 'delay', 'address_problem'))", name='ck_shipment_event_reason'),
    sa.CheckConstraint("source IN ('carrier_poll', 'webhook', 'oem', 'dealer')", name='ck_shipment_event_source'),
    sa.CheckConstraint("status IN ('pending', 'info_received', 'in_transit', 'at_hub', 'out_for_delivery', 'delivery_failed', 'exception', 'delivered', 'handed_over', 'returned', 'unknown')", name='ck_shipment_event_status'),
    sa.CheckConstraint('latitude IS NULL OR (latitude BETWEEN -90 AND 90)', name='ck_shipment_event_lat'),
    sa.CheckConstraint('longitude IS NULL OR (longitude BETWEEN -180 AND 180)', name='ck_shipment_event_lon'),
    sa.ForeignKeyConstraint(['leg_id'], ['shipment_leg.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key', name='uq_shipment_event_dedupe')
    )
    with op.batch_alter_table('shipment_event', schema=None) as batch_op:
        batch_op.create_index('ix_shipment_event_timeline', ['shipment_id', 'occurred_at'], unique=False)

    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_number', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('carrier', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column('tracking_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default='pending'))
        batch_op.add_column(sa.Column('exception_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('vin', sqlmodel.sql.sqltypes.AutoString(length=17), nullable=True))
        batch_op.add_column(sa.Column('delivery_postcode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('last_event_at', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('eta', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('eta_earliest', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('eta_latest', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('promised_at', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('promise_at_risk', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_shipment_tracking_status', ['tracking_status', 'carrier'], unique=False)
        batch_op.create_unique_constraint('uq_shipment_vin', ['vin'])
        batch_op.create_unique_constraint('uq_shipment_tracking_number', ['tracking_number'])
        batch_op.create_check_constraint(
            'ck_shipment_eta_range', 'eta_earliest IS NULL OR eta_latest IS NULL OR eta_earliest <= eta_latest')




def downgrade() -> None:
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_constraint('ck_shipment_eta_range', type_='check')
        batch_op.drop_constraint('uq_shipment_tracking_number', type_='unique')
        batch_op.drop_constraint('uq_shipment_vin', type_='unique')
        batch_op.drop_index('ix_shipment_tracking_status')
        batch_op.drop_column('promise_at_risk')
        batch_op.drop_column('promised_at')
        batch_op.drop_column('eta_latest')
        batch_op.drop_column('eta_earliest')
        batch_op.drop_column('eta')
        batch_op.drop_column('last_event_at')
        batch_op.drop_column('delivery_postcode')
        batch_op.drop_column('vin')
        batch_op.drop_column('exception_reason')
        batch_op.drop_column('tracking_status')
        batch_op.drop_column('carrier')
        batch_op.drop_column('tracking_number')

    with op.batch_alter_table('shipment_event', schema=None) as batch_op:
        batch_op.drop_index('ix_shipment_event_timeline')

    op.drop_table('shipment_event')
    with op.batch_alter_table('shipment_leg', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_leg_tracking_number'))
        batch_op.drop_index(batch_op.f('ix_shipment_leg_shipment_id'))
        batch_op.drop_index('ix_shipment_leg_lane_arrived')

    op.drop_table('shipment_leg')
    with op.batch_alter_table('dead_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dead_letter_received_at'))

    op.drop_table('dead_letter')
    op.drop_table('carrier_poll_state')

