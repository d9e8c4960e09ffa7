"""configurator: trim colours, option packs with rules, the configuration an order keeps

Revision ID: 0014_configurator
Revises: 0013_test_drive_mail
Create Date: 2026-12-01 23:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014_configurator'
down_revision = '0013_test_drive_mail'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2, asdecimal=True)


def upgrade() -> None:
    op.create_table(
        'trim_colour',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('trim_id', sa.Integer(), sa.ForeignKey('trim.id', ondelete='CASCADE'), nullable=False),
        sa.Column('key', sa.String(40), nullable=False),
        sa.Column('label', sa.String(80), nullable=False),
        sa.Column('hex', sa.String(7), nullable=False),
        sa.Column('price', MONEY, nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.UniqueConstraint('trim_id', 'key', name='uq_trim_colour_key'),
        sa.CheckConstraint('price >= 0', name='ck_trim_colour_price'),
    )
    op.create_index('ix_trim_colour_trim_id', 'trim_colour', ['trim_id'])
    op.create_table(
        'option_pack',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('trim_id', sa.Integer(), sa.ForeignKey('trim.id', ondelete='CASCADE'), nullable=False),
        sa.Column('code', sa.String(40), nullable=False),
        sa.Column('name', sa.String(120), nullable=False),
        sa.Column('price', MONEY, nullable=False),
        sa.Column('requires_trims', sa.JSON(), nullable=False),
        sa.Column('requires_packs', sa.JSON(), nullable=False),
        sa.Column('excludes_packs', sa.JSON(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.UniqueConstraint('trim_id', 'code', name='uq_option_pack_code'),
        sa.CheckConstraint('price >= 0', name='ck_option_pack_price'),
    )
    op.create_index('ix_option_pack_trim_id', 'option_pack', ['trim_id'])
    op.create_table(
        'order_configuration',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column(
            'order_id', sa.Integer(), sa.ForeignKey('sales_order.id', ondelete='CASCADE'), nullable=False
        ),
        sa.Column('line_no', sa.Integer(), nullable=False),
        sa.Column('colour_key', sa.String(40), nullable=False),
        sa.Column('colour_label', sa.String(80), nullable=False),
        sa.Column('colour_hex', sa.String(7), nullable=False),
        sa.Column('colour_price', MONEY, nullable=False),
        sa.Column('packs', sa.JSON(), nullable=False),
        sa.Column('from_plant', sa.Boolean(), nullable=False),
        sa.UniqueConstraint('order_id', 'line_no', name='uq_order_configuration_line'),
    )


def downgrade() -> None:
    op.drop_table('order_configuration')
    op.drop_index('ix_option_pack_trim_id', table_name='option_pack')
    op.drop_table('option_pack')
    op.drop_index('ix_trim_colour_trim_id', table_name='trim_colour')
    op.drop_table('trim_colour')
