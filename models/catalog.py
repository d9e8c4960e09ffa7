"""What is sold and bought: parts from suppliers and the vehicle catalogue."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from models.types import MONEY


class Part(SQLModel, table=True):
    __tablename__ = "part"
    __table_args__ = (CheckConstraint("list_price >= 0", name="ck_part_price"),)

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(max_length=40, unique=True, index=True)
    name: str = Field(max_length=200, index=True)
    name_zh: str | None = Field(default=None, max_length=200, description="Chinese name (None: none)")
    category: str = Field(max_length=80, index=True)
    unit: str = Field(max_length=16, default="pc")
    list_price: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    supplier_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True
        )
    )


class VehicleModel(SQLModel, table=True):
    __tablename__ = "vehicle_model"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    name_zh: str | None = Field(default=None, max_length=120, description="Chinese name (None: none)")
    body: str = Field(max_length=40, description="sedan, suv, hatchback, mpv, pickup")
    description: str = Field(default="", max_length=1000)
    image: str = Field(max_length=200, description="path under assets/")


class Trim(SQLModel, table=True):
    __tablename__ = "trim"
    __table_args__ = (CheckConstraint("price >= 0", name="ck_trim_price"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True, index=True)
    model_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("vehicle_model.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    name: str = Field(max_length=120)
    name_zh: str | None = Field(default=None, max_length=120, description="Chinese name (None: none)")
    powertrain: str = Field(max_length=20, description="bev, phev, hev, ice")
    range_km: int | None = Field(default=None, description="electric range (WLTP)")
    consumption_l_per_100km: Decimal | None = Field(default=None, max_digits=4, decimal_places=1)
    power_kw: int
    price: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    image: str = Field(max_length=200, description="path under assets/")
