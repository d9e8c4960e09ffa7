"""mail: test_drive.language (the visitor's, for their e-mails) and the sent-mail ledger test_drive_mail

Revision ID: 0013_test_drive_mail
Revises: 0012_shipment_lists
Create Date: 2026-12-01 22:45:00
"""

from alembic import op
import sqlalchemy as sa

import models.types


revision = '0013_test_drive_mail'
down_revision = '0012_shipment_lists'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('test_drive', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=False, server_default='en'))
    op.create_table(
        'test_drive_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('test_drive_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('error', sa.String(length=1000), nullable=False),
        sa.Column('claimed_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('booked', 'rescheduled', 'cancelled', 'reminder')", name='ck_test_drive_mail_kind'
        ),
        sa.CheckConstraint(
            "status IN ('sending', 'sent', 'failed', 'superseded')", name='ck_test_drive_mail_status'
        ),
        sa.ForeignKeyConstraint(['test_drive_id'], ['test_drive.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('test_drive_id', 'kind', 'version', name='uq_test_drive_mail'),
    )
    op.create_index('ix_test_drive_mail_test_drive_id', 'test_drive_mail', ['test_drive_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_test_drive_mail_test_drive_id', table_name='test_drive_mail')
    op.drop_table('test_drive_mail')
    with op.batch_alter_table('test_drive', schema=None) as batch_op:
        batch_op.drop_column('language')
