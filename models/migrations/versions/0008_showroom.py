"""showroom: store settings, demo cars, salespeople, holds and test drives; on PostgreSQL exclusion
constraints (btree_gist) keep any two active drives, and any two holds, of one car or one salesperson
from overlapping; on SQLite the unique test_drive_slot rows do

Revision ID: 0008_showroom
Revises: 0007_order_attention
Create Date: 2026-12-01 19:05:35.622293
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = "0008_showroom"
down_revision = "0007_order_attention"
branch_labels = None
depends_on = None


# The guarantee against double booking (models/showroom.py): ranges are half-open, so a drive may
# start the moment the previous one's buffer ends.
_EXCLUSIONS = (
    ("test_drive", "ex_test_drive_car", "car_id", "WHERE (status IN ('booked', 'checked_in'))"),
    (
        "test_drive",
        "ex_test_drive_salesperson",
        "salesperson_id",
        "WHERE (status IN ('booked', 'checked_in'))",
    ),
    ("test_drive_hold", "ex_test_drive_hold_car", "car_id", ""),
    ("test_drive_hold", "ex_test_drive_hold_salesperson", "salesperson_id", ""),
)


def _add_exclusions() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, column, where in _EXCLUSIONS:
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) {where}"
        )


def upgrade() -> None:
    op.create_table(
        "demo_car",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("trim_id", sa.Integer(), nullable=False),
        sa.Column("vin", sqlmodel.sql.sqltypes.AutoString(length=17), nullable=False),
        sa.Column("plate", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("plate_valid_until", sa.Date(), nullable=False),
        sa.Column("insurance_valid_until", sa.Date(), nullable=False),
        sa.Column("odometer_km", sa.Integer(), nullable=False),
        sa.Column("energy_percent", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("energy_percent BETWEEN 0 AND 100", name="ck_demo_car_energy"),
        sa.CheckConstraint("odometer_km >= 0", name="ck_demo_car_odometer"),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["trim_id"], ["trim.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vin"),
    )
    with op.batch_alter_table("demo_car", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demo_car_location_id"), ["location_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demo_car_trim_id"), ["trim_id"], unique=False)

    op.create_table(
        "salesperson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("working_hours", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("salesperson", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_salesperson_location_id"), ["location_id"], unique=False)

    op.create_table(
        "showroom_store",
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("slot_minutes", sa.Integer(), nullable=False),
        sa.Column("drive_minutes", sa.Integer(), nullable=False),
        sa.Column("drive_minutes_by_trim", sa.JSON(), nullable=False),
        sa.Column("buffer_minutes", sa.Integer(), nullable=False),
        sa.Column("min_energy_percent", sa.Integer(), nullable=False),
        sa.Column("cutoff_hours", sa.Integer(), nullable=False),
        sa.Column("closures", sa.JSON(), nullable=False),
        sa.CheckConstraint("cutoff_hours >= 0", name="ck_showroom_store_cutoff"),
        sa.CheckConstraint("drive_minutes > 0 AND buffer_minutes >= 0", name="ck_showroom_store_minutes"),
        sa.CheckConstraint("min_energy_percent BETWEEN 0 AND 100", name="ck_showroom_store_energy"),
        sa.CheckConstraint("slot_minutes IN (5, 10, 15, 20, 30, 60)", name="ck_showroom_store_slot"),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("location_id"),
    )
    op.create_table(
        "test_drive",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("trim_id", sa.Integer(), nullable=False),
        sa.Column("car_id", sa.Integer(), nullable=False),
        sa.Column("salesperson_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("drive_ends_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("walk_in", sa.Boolean(), nullable=False),
        sa.Column("visitor_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("visitor_phone", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("visitor_email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("licence_number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("licence_expires_on", sa.Date(), nullable=False),
        sa.Column("idempotency_key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("request_fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("licence_seen", sa.Boolean(), nullable=False),
        sa.Column("checked_in_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("odometer_out_km", sa.Integer(), nullable=True),
        sa.Column("energy_out_percent", sa.Integer(), nullable=True),
        sa.Column("checked_out_at", models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("odometer_in_km", sa.Integer(), nullable=True),
        sa.Column("energy_in_percent", sa.Integer(), nullable=True),
        sa.Column("notes", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('booked', 'checked_in', 'completed', 'no_show', 'cancelled')",
            name="ck_test_drive_status",
        ),
        sa.CheckConstraint(
            "starts_at < drive_ends_at AND drive_ends_at <= ends_at", name="ck_test_drive_times"
        ),
        sa.CheckConstraint("version >= 1", name="ck_test_drive_version"),
        sa.ForeignKeyConstraint(["car_id"], ["demo_car.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["salesperson_id"], ["salesperson.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["trim_id"], ["trim.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("idempotency_key", name="uq_test_drive_idempotency_key"),
    )
    with op.batch_alter_table("test_drive", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_drive_car_id"), ["car_id"], unique=False)
        batch_op.create_index("ix_test_drive_location_starts", ["location_id", "starts_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_drive_salesperson_id"), ["salesperson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_drive_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_drive_trim_id"), ["trim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_drive_visitor_email"), ["visitor_email"], unique=False)

    op.create_table(
        "test_drive_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("trim_id", sa.Integer(), nullable=False),
        sa.Column("car_id", sa.Integer(), nullable=False),
        sa.Column("salesperson_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("visitor_token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["car_id"], ["demo_car.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["location_id"], ["location.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["salesperson_id"], ["salesperson.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["trim_id"], ["trim.id"], ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("test_drive_hold", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_drive_hold_car_id"), ["car_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_drive_hold_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_drive_hold_location_id"), ["location_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_test_drive_hold_salesperson_id"), ["salesperson_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_test_drive_hold_visitor_token_hash"), ["visitor_token_hash"], unique=False
        )

    op.create_table(
        "test_drive_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("resource_id", sa.Integer(), nullable=False),
        sa.Column("slot_start", models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("test_drive_id", sa.Integer(), nullable=True),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("resource IN ('car', 'salesperson')", name="ck_test_drive_slot_resource"),
        sa.CheckConstraint("(test_drive_id IS NULL) <> (hold_id IS NULL)", name="ck_test_drive_slot_owner"),
        sa.ForeignKeyConstraint(["hold_id"], ["test_drive_hold.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["test_drive_id"], ["test_drive.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resource", "resource_id", "slot_start", name="uq_test_drive_slot"),
    )
    with op.batch_alter_table("test_drive_slot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_drive_slot_hold_id"), ["hold_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_drive_slot_test_drive_id"), ["test_drive_id"], unique=False)

    _add_exclusions()


def downgrade() -> None:
    with op.batch_alter_table("test_drive_slot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_drive_slot_test_drive_id"))
        batch_op.drop_index(batch_op.f("ix_test_drive_slot_hold_id"))

    op.drop_table("test_drive_slot")
    with op.batch_alter_table("test_drive_hold", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_drive_hold_visitor_token_hash"))
        batch_op.drop_index(batch_op.f("ix_test_drive_hold_salesperson_id"))
        batch_op.drop_index(batch_op.f("ix_test_drive_hold_location_id"))
        batch_op.drop_index(batch_op.f("ix_test_drive_hold_expires_at"))
        batch_op.drop_index(batch_op.f("ix_test_drive_hold_car_id"))

    op.drop_table("test_drive_hold")
    with op.batch_alter_table("test_drive", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_drive_visitor_email"))
        batch_op.drop_index(batch_op.f("ix_test_drive_trim_id"))
        batch_op.drop_index(batch_op.f("ix_test_drive_status"))
        batch_op.drop_index(batch_op.f("ix_test_drive_salesperson_id"))
        batch_op.drop_index("ix_test_drive_location_starts")
        batch_op.drop_index(batch_op.f("ix_test_drive_car_id"))

    op.drop_table("test_drive")
    op.drop_table("showroom_store")
    with op.batch_alter_table("salesperson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_salesperson_location_id"))

    op.drop_table("salesperson")
    with op.batch_alter_table("demo_car", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demo_car_trim_id"))
        batch_op.drop_index(batch_op.f("ix_demo_car_location_id"))

    op.drop_table("demo_car")
