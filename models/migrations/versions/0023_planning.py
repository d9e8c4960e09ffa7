"""planning: stored forecast runs, their series (chosen model, backtest errors, runner-up, demand class)
and the points a planner's chart draws (history, backtest, forecast with interval)

Revision ID: 0023_planning
Revises: 0022_kpi_indexes
Create Date: 2026-12-03 12:00:00
"""

from alembic import op
import sqlalchemy as sa

import models.types


revision = '0023_planning'
down_revision = '0022_kpi_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'forecast_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('horizon', sa.Integer(), nullable=False),
        sa.Column('frequency', sa.String(length=8), nullable=False),
        sa.Column('candidates', sa.JSON(), nullable=False),
        sa.Column('chunk_size', sa.Integer(), nullable=False),
        sa.Column('series_total', sa.Integer(), nullable=False),
        sa.Column('series_done', sa.Integer(), nullable=False),
        sa.Column('series_failed', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('requested_by_user_id', sa.Integer(), nullable=True),
        sa.Column('requested_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('started_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('progress_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'finished', 'failed')", name='ck_forecast_run_status'
        ),
        sa.CheckConstraint("frequency IN ('month', 'week')", name='ck_forecast_run_frequency'),
        sa.CheckConstraint('horizon >= 1', name='ck_forecast_run_horizon'),
        sa.CheckConstraint(
            'series_done >= 0 AND series_failed >= 0 AND series_done + series_failed <= series_total',
            name='ck_forecast_run_progress',
        ),
        sa.ForeignKeyConstraint(['requested_by_user_id'], ['user_account.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_forecast_run_status', 'forecast_run', ['status'], unique=False)

    op.create_table(
        'forecast_series',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('part_id', sa.Integer(), nullable=False),
        sa.Column('location_id', sa.Integer(), nullable=False),
        sa.Column('chunk', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=8), nullable=False),
        sa.Column('model', sa.String(length=120), nullable=False),
        sa.Column('members', sa.String(length=200), nullable=False),
        sa.Column('mase', sa.Float(), nullable=True),
        sa.Column('rmsse', sa.Float(), nullable=True),
        sa.Column('bias', sa.Float(), nullable=True),
        sa.Column('windows', sa.Integer(), nullable=False),
        sa.Column('runner_up', sa.String(length=120), nullable=False),
        sa.Column('runner_up_mase', sa.Float(), nullable=True),
        sa.Column('runner_up_rmsse', sa.Float(), nullable=True),
        sa.Column('runner_up_bias', sa.Float(), nullable=True),
        sa.Column('demand_class', sa.String(length=16), nullable=False),
        sa.Column('risk_demand', sa.Float(), nullable=False),
        sa.Column('error', sa.String(length=300), nullable=False),
        sa.Column('written_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('pending', 'done', 'failed')", name='ck_forecast_series_status'),
        sa.ForeignKeyConstraint(['run_id'], ['forecast_run.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['part_id'], ['part.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['location_id'], ['location.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('run_id', 'part_id', 'location_id', name='uq_forecast_series_item'),
    )
    op.create_index('ix_forecast_series_run_chunk', 'forecast_series', ['run_id', 'chunk', 'status'])
    op.create_index('ix_forecast_series_part_id', 'forecast_series', ['part_id'])
    op.create_index('ix_forecast_series_location_id', 'forecast_series', ['location_id'])

    op.create_table(
        'forecast_history_point',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('demand', sa.Float(), nullable=False),
        sa.Column('censored', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['series_id'], ['forecast_series.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('series_id', 'period', name='uq_forecast_history_point'),
    )
    op.create_table(
        'forecast_backtest_point',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('window', sa.Integer(), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('forecast', sa.Float(), nullable=False),
        sa.Column('actual', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['series_id'], ['forecast_series.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('series_id', 'window', 'period', name='uq_forecast_backtest_point'),
    )
    op.create_table(
        'forecast_point',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('period', sa.Date(), nullable=False),
        sa.Column('yhat', sa.Float(), nullable=False),
        sa.Column('lo', sa.Float(), nullable=False),
        sa.Column('hi', sa.Float(), nullable=False),
        sa.CheckConstraint('lo <= yhat AND yhat <= hi', name='ck_forecast_point_interval'),
        sa.ForeignKeyConstraint(['series_id'], ['forecast_series.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('series_id', 'period', name='uq_forecast_point'),
    )


def downgrade() -> None:
    op.drop_table('forecast_point')
    op.drop_table('forecast_backtest_point')
    op.drop_table('forecast_history_point')
    op.drop_index('ix_forecast_series_location_id', table_name='forecast_series')
    op.drop_index('ix_forecast_series_part_id', table_name='forecast_series')
    op.drop_index('ix_forecast_series_run_chunk', table_name='forecast_series')
    op.drop_table('forecast_series')
    op.drop_index('ix_forecast_run_status', table_name='forecast_run')
    op.drop_table('forecast_run')
