"""i18n: a Chinese name beside the English one (part, vehicle model, trim, organisation, location)

Revision ID: 0021_localized_names
Revises: 0019_cart_lines
Create Date: 2026-12-03 08:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0021_localized_names'
down_revision = '0019_cart_lines'
branch_labels = None
depends_on = None

# (table, length of its name column)
NAMED = (
    ('part', 200),
    ('vehicle_model', 120),
    ('trim', 120),
    ('organisation', 200),
    ('location', 200),
)


def upgrade() -> None:
    for table, length in NAMED:
        op.add_column(table, sa.Column('name_zh', sa.String(length=length), nullable=True))


def downgrade() -> None:
    for table, _length in reversed(NAMED):
        op.drop_column(table, 'name_zh')
