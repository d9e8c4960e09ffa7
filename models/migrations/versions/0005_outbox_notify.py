"""outbox: on PostgreSQL, each committed "order.placed" message is announced to the workers (NOTIFY)

Revision ID: 0005_outbox_notify
Revises: 0004_outbox_backlog_index
Create Date: 2026-11-25 15:55:00
"""

from alembic import op


revision = '0005_outbox_notify'
down_revision = '0004_outbox_backlog_index'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("""
        CREATE FUNCTION portal_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('portal_outbox', NEW.id || ' ' || (NEW.payload ->> 'order_id'));
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER outbox_message_notify AFTER INSERT ON outbox_message
        FOR EACH ROW WHEN (NEW.topic = 'order.placed') EXECUTE FUNCTION portal_outbox_notify()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_message_notify ON outbox_message")
    op.execute("DROP FUNCTION IF EXISTS portal_outbox_notify()")
