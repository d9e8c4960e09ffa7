"""i18n: a Chinese name beside the English one (part, vehicle model, trim, organisation, location);
incident titles the system wrote kept as a key and its arguments (translated at display time)

Revision ID: 0021_localized_names
Revises: 0020_notifications
Create Date: 2026-12-03 08:45:00
"""

import re

from alembic import op
import sqlalchemy as sa


revision = '0021_localized_names'
down_revision = '0020_notifications'
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


RECEIPT_TITLE = re.compile(r'^(?P<sku>.+): (?P<count>\d+) rejected at receipt$')
COMPLAINT_TITLE = re.compile(r'^(?P<sku>.+): field complaint, lot (?P<lot>.+)$')


def upgrade() -> None:
    for table, length in NAMED:
        op.add_column(table, sa.Column('name_zh', sa.String(length=length), nullable=True))
    op.add_column('quality_incident', sa.Column('title_key', sa.String(length=80), nullable=True))
    op.add_column(
        'quality_incident', sa.Column('title_params', sa.JSON(), nullable=False, server_default='{}')
    )
    # The titles the system wrote as English sentences become their key and arguments.
    incident = sa.table(
        'quality_incident',
        sa.column('id', sa.Integer),
        sa.column('title', sa.String),
        sa.column('title_key', sa.String),
        sa.column('title_params', sa.JSON),
    )
    connection = op.get_bind()
    for incident_id, title in connection.execute(sa.select(incident.c.id, incident.c.title)).all():
        if match := RECEIPT_TITLE.match(title or ''):
            key, params = 'incident.title.receipt_reject', {'sku': match['sku'], 'count': int(match['count'])}
        elif match := COMPLAINT_TITLE.match(title or ''):
            key, params = 'incident.title.field_complaint', {'sku': match['sku'], 'lot': match['lot']}
        else:
            continue
        connection.execute(
            incident.update()
            .where(incident.c.id == incident_id)
            .values(title='', title_key=key, title_params=params)
        )


def downgrade() -> None:
    incident = sa.table(
        'quality_incident',
        sa.column('id', sa.Integer),
        sa.column('title', sa.String),
        sa.column('title_key', sa.String),
        sa.column('title_params', sa.JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(incident.c.id, incident.c.title_key, incident.c.title_params).where(
            incident.c.title_key.is_not(None)
        )
    ).all()
    for incident_id, key, params in rows:
        if key == 'incident.title.receipt_reject':
            title = f"{params['sku']}: {params['count']} rejected at receipt"
        else:
            title = f"{params.get('sku', '')}: field complaint, lot {params.get('lot', '')}"
        connection.execute(incident.update().where(incident.c.id == incident_id).values(title=title[:200]))
    op.drop_column('quality_incident', 'title_params')
    op.drop_column('quality_incident', 'title_key')
    for table, _length in reversed(NAMED):
        op.drop_column(table, 'name_zh')
