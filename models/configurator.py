"""The configurator: each trim's colours, each model's option packs with their rules, and the
configuration a vehicle order keeps (what was chosen and what it cost then)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import MONEY


class TrimColour(SQLModel, table=True):
    __tablename__ = "trim_colour"
    __table_args__ = (
        UniqueConstraint("trim_id", "key", name="uq_trim_colour_key"),
        CheckConstraint("price >= 0", name="ck_trim_colour_price"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trim_id: int = Field(
        sa_column=Column(Integer, ForeignKey("trim.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    key: str = Field(max_length=40, description="i18n key suffix, e.g. 'pearl_white'")
    label: str = Field(max_length=80, description="English name")
    hex: str = Field(max_length=7, description="#rrggbb")
    price: Decimal = Field(sa_type=MONEY, description="in the trim's currency")
    position: int = 0


class OptionPack(SQLModel, table=True):
    """A pack offered on a trim. Rules: `requires_trims` (trim codes; empty = any), `requires_packs`
    and `excludes_packs` (pack codes of the same trim)."""

    __tablename__ = "option_pack"
    __table_args__ = (
        UniqueConstraint("trim_id", "code", name="uq_option_pack_code"),
        CheckConstraint("price >= 0", name="ck_option_pack_price"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trim_id: int = Field(
        sa_column=Column(Integer, ForeignKey("trim.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    code: str = Field(max_length=40)
    name: str = Field(max_length=120)
    price: Decimal = Field(sa_type=MONEY, description="in the trim's currency")
    requires_trims: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    requires_packs: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    excludes_packs: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int = 0


class OrderConfiguration(SQLModel, table=True):
    """The configuration of one vehicle order line, with the prices at the time of ordering."""

    __tablename__ = "order_configuration"
    __table_args__ = (UniqueConstraint("order_id", "line_no", name="uq_order_configuration_line"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(
        sa_column=Column(Integer, ForeignKey("sales_order.id", ondelete="CASCADE"), nullable=False)
    )
    line_no: int = 1
    colour_key: str = Field(max_length=40)
    colour_label: str = Field(max_length=80)
    colour_hex: str = Field(max_length=7)
    colour_price: Decimal = Field(sa_type=MONEY)
    packs: list = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description='[{"code", "name", "price"}] as ordered',
    )
    from_plant: bool = Field(default=False, description="no built car at the store: built at the plant")
    ready_by: date | None = Field(default=None, description="the day the car was promised ready at the store")


class BuiltVehicle(SQLModel, table=True):
    """A car already built and standing at a dealer store, in one configuration (colour and packs).

    `packs` is the configuration's signature: its pack codes sorted and joined by commas ("" for
    none), so an order matches a car by equality. `reserved_order_id` is the order the car is kept
    for; unique, so one car is never promised to two orders.
    """

    __tablename__ = "built_vehicle"
    __table_args__ = (Index("ix_built_vehicle_match", "location_id", "trim_id", "colour_key", "packs"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(
        sa_column=Column(Integer, ForeignKey("location.id", ondelete="CASCADE"), nullable=False)
    )
    trim_id: int = Field(
        sa_column=Column(Integer, ForeignKey("trim.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    vin: str = Field(max_length=17, unique=True)
    colour_key: str = Field(max_length=40)
    packs: str = Field(default="", max_length=400, description="sorted pack codes, comma-separated")
    reserved_order_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("sales_order.id", ondelete="SET NULL"), nullable=True, unique=True
        ),
    )
