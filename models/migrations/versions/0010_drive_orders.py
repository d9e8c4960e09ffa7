"""orders: sales_order.test_drive_id, the test drive a vehicle order came from (one order per drive)

Revision ID: 0010_drive_orders
Revises: 0009_logistics
Create Date: 2026-12-01 22:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010_drive_orders'
down_revision = '0009_logistics'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('test_drive_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_sales_order_test_drive_id', ['test_drive_id'])
        batch_op.create_foreign_key(
            'fk_sales_order_test_drive_id', 'test_drive', ['test_drive_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_constraint('fk_sales_order_test_drive_id', type_='foreignkey')
        batch_op.drop_constraint('uq_sales_order_test_drive_id', type_='unique')
        batch_op.drop_column('test_drive_id')
