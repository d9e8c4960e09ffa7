"""Where stock lies: OEM warehouses, dealer stores, supplier plants."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel


class LocationKind(StrEnum):
    WAREHOUSE = "warehouse"
    STORE = "store"
    PLANT = "plant"


class Location(SQLModel, table=True):
    __tablename__ = "location"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    organisation_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=20)
    name: str = Field(max_length=200)
    name_zh: str | None = Field(default=None, max_length=200, description="Chinese name (None: none)")
    address: str = Field(max_length=300)
    city: str = Field(max_length=100)
    country: str = Field(max_length=2)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    time_zone: str = Field(max_length=64)
    opening_hours: str = Field(
        default="", max_length=400, description='JSON: {"mon": ["09:00", "18:00"], ...}'
    )


class StockLevel(SQLModel, table=True):
    """Units at a location: `on_hand` physically there, `reserved` promised to orders."""

    __tablename__ = "stock_level"
    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="ck_stock_on_hand"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="ck_stock_reserved"),
        CheckConstraint("(part_id IS NULL) <> (trim_id IS NULL)", name="ck_stock_one_item"),
        UniqueConstraint("location_id", "part_id", name="uq_stock_location_part"),
        UniqueConstraint("location_id", "trim_id", name="uq_stock_location_trim"),
    )

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(
        sa_column=Column(Integer, ForeignKey("location.id", ondelete="CASCADE"), nullable=False)
    )
    part_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("part.id", ondelete="CASCADE"), index=True),
    )
    trim_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("trim.id", ondelete="CASCADE"), index=True),
    )
    on_hand: int = 0
    reserved: int = 0
