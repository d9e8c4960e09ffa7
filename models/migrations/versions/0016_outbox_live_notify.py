"""outbox: on PostgreSQL, each committed live-page notice is announced to the workers (NOTIFY), so
the worker relays it at once instead of on beat's next relay (up to `outbox_relay_seconds` later)

Revision ID: 0016_outbox_live_notify
Revises: 0015_built_vehicles
Create Date: 2026-12-02 05:00:00
"""

from alembic import op


revision = '0016_outbox_live_notify'
down_revision = '0015_built_vehicles'
branch_labels = None
depends_on = None

# The topics whose relay updates open pages (workers/tasks ROUTES: live.publish), as of this
# revision; a later live topic needs a migration that widens this condition.
_WHEN = (
    "NEW.topic IN ('shipment.changed', 'shipment.eta_changed', 'scorecards.changed') "
    "OR NEW.topic LIKE 'test\\_drive.%'"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The payload is the topic alone: PostgreSQL folds identical notices of one transaction into
    # one, and the listener relays every waiting message of the topic anyway.
    op.execute("""
        CREATE FUNCTION portal_outbox_live_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('portal_outbox_live', NEW.topic);
            RETURN NULL;
        END $$
    """)
    op.execute(
        "CREATE TRIGGER outbox_message_live_notify AFTER INSERT ON outbox_message "
        f"FOR EACH ROW WHEN ({_WHEN}) EXECUTE FUNCTION portal_outbox_live_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_message_live_notify ON outbox_message")
    op.execute("DROP FUNCTION IF EXISTS portal_outbox_live_notify()")
