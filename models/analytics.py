"""Analytics: daily FX rates, the daily fact tables the KPI tiles read, targets and the refresh marker.

Facts are derived data: `services/analytics/facts.py` writes them (a full rebuild, or an incremental
refresh of given days) from the order tables, and nothing else does. A fact row's `day` is the
calendar day of the order's placement in the reporting time zone (`Settings.reporting_time_zone`).
Money in a fact is summed per order in the order's currency (`value`) and, converted order by order
at the rate of the order's day and rounded to cents, in the reporting currency (`value_reporting`),
so a figure equals the sum of its drill-down rows to the cent.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

# Reporting-currency units per one unit of a currency: 8 decimals carry KRW's ~0.0053 CNY exactly.
RATE = Numeric(18, 8, asdecimal=True)
# Reporting-currency sums of a year of a network's orders outgrow MONEY's 14 digits.
REPORTING_MONEY = Numeric(20, 2, asdecimal=True)


class Channel(StrEnum):
    """Where an order came from."""

    DEALER_ORDER = "dealer_order"  # a dealer buying from the carmaker
    CUSTOMER_STORE = "customer_store"  # a customer's vehicle order that came from a test drive (O2O)
    CUSTOMER_ONLINE = "customer_online"  # a customer's vehicle order placed online without a drive


class ItemKind(StrEnum):
    VEHICLE = "vehicle"
    PART = "part"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _fk(target: str, ondelete: str = "CASCADE", *, nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable)


class FxRate(SQLModel, table=True):
    """How many reporting-currency units one unit of `currency` was worth on `day`.

    The reporting currency itself needs no row (its rate is 1). A day without a row uses the
    latest earlier one (services/analytics/fx.py says which rates a figure used)."""

    __tablename__ = "fx_rate"
    __table_args__ = (
        UniqueConstraint("day", "currency", name="uq_fx_rate_day_currency"),
        CheckConstraint("rate > 0", name="ck_fx_rate_positive"),
        Index("ix_fx_rate_currency_day", "currency", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date
    currency: str = Field(max_length=3)
    rate: Decimal = Field(sa_type=RATE)
    source: str = Field(max_length=40, description="seed, csv, api")
    imported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    imported_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )


class OrderFactDaily(SQLModel, table=True):
    """Orders of one day, dealer, store, channel and currency.

    `orders`/`value` count the orders that stand (not cancelled, no refund); `cancelled_orders`/
    `cancelled_value_reporting` the ones cancelled or refunded, apart. `paid_*` and `delivered_*`
    sum the standing orders' order-to-paid and paid-to-delivered minutes (orders with that step).
    """

    __tablename__ = "order_fact_daily"
    __table_args__ = (
        UniqueConstraint(
            "day", "dealer_organisation_id", "store_location_id", "channel", "currency", name="uq_order_fact"
        ),
        CheckConstraint(_in("channel", Channel), name="ck_order_fact_channel"),
        CheckConstraint("orders >= 0 AND cancelled_orders >= 0", name="ck_order_fact_counts"),
        Index("ix_order_fact_dealer_day", "dealer_organisation_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    dealer_organisation_id: int = Field(sa_column=_fk("organisation.id"))
    store_location_id: int = Field(sa_column=_fk("location.id"))
    channel: str = Field(max_length=20)
    currency: str = Field(max_length=3)
    orders: int = 0
    value: Decimal = Field(default=Decimal("0"), sa_type=REPORTING_MONEY)
    value_reporting: Decimal = Field(default=Decimal("0"), sa_type=REPORTING_MONEY)
    cancelled_orders: int = 0
    cancelled_value_reporting: Decimal = Field(default=Decimal("0"), sa_type=REPORTING_MONEY)
    paid_orders: int = 0
    paid_minutes: int = 0
    delivered_orders: int = 0
    delivered_minutes: int = 0
    units: int = 0  # the standing orders' units (their lines' quantities), as the line facts sum them
    units_allocated: int = 0


class LineFactDaily(SQLModel, table=True):
    """Order lines of one day, dealer, store, channel, item kind, category and currency.

    `category` is the vehicle model's code or the part's category. `orders` counts the distinct
    standing orders with a line in the row (so one category's figure is exact); `units_allocated`
    the units of those that were allocated from stock (fill rate's numerator)."""

    __tablename__ = "line_fact_daily"
    __table_args__ = (
        UniqueConstraint(
            "day",
            "dealer_organisation_id",
            "store_location_id",
            "channel",
            "item_kind",
            "category",
            "supplier_organisation_id",
            "currency",
            name="uq_line_fact",
        ),
        CheckConstraint(_in("channel", Channel), name="ck_line_fact_channel"),
        CheckConstraint(_in("item_kind", ItemKind), name="ck_line_fact_item_kind"),
        CheckConstraint("units >= 0 AND units_allocated >= 0", name="ck_line_fact_units"),
        Index("ix_line_fact_dealer_day", "dealer_organisation_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    dealer_organisation_id: int = Field(sa_column=_fk("organisation.id"))
    store_location_id: int = Field(sa_column=_fk("location.id"))
    channel: str = Field(max_length=20)
    item_kind: str = Field(max_length=10)
    category: str = Field(max_length=80)
    supplier_organisation_id: int | None = Field(
        default=None,
        sa_column=_fk("organisation.id", nullable=True),
        description="the part's supplier; None for vehicles (the carmaker's own)",
    )
    currency: str = Field(max_length=3)
    orders: int = 0
    units: int = 0
    units_allocated: int = 0
    value: Decimal = Field(default=Decimal("0"), sa_type=REPORTING_MONEY)
    value_reporting: Decimal = Field(default=Decimal("0"), sa_type=REPORTING_MONEY)


class StockDemandDaily(SQLModel, table=True):
    """The stock rows ordered from on one day, per dealer: any order placed (waiting, paid,
    allocated, cancelled: the demand was there), `orders` the distinct orders with a line on the
    row. What the stock-out tile reads ("item-locations with demand in the period")."""

    __tablename__ = "stock_demand_daily"
    __table_args__ = (
        UniqueConstraint("day", "stock_level_id", "dealer_organisation_id", name="uq_stock_demand"),
        Index("ix_stock_demand_stock_day", "stock_level_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date
    stock_level_id: int = Field(sa_column=_fk("stock_level.id"))
    dealer_organisation_id: int = Field(sa_column=_fk("organisation.id"))
    orders: int = 0


class SavingsFactDaily(SQLModel, table=True):
    """The savings backtest (services/pricing/savings.py) of one day's purchase-order lines, per
    buyer, part category and supplier, in the reporting currency: what was paid and what the price
    agreements would have made it, each line rounded to cents before it is summed (so a period's
    sum is the backtest's figure to the cent). The nightly facts rebuild writes it; the KPI savings
    tile and its rows read it, never the backtest itself."""

    __tablename__ = "savings_fact_daily"
    __table_args__ = (
        UniqueConstraint(
            "day", "buyer_organisation_id", "category", "supplier_organisation_id", name="uq_savings_fact"
        ),
        CheckConstraint("lines > 0 AND quantity >= 0", name="ck_savings_fact_counts"),
        Index("ix_savings_fact_buyer_day", "buyer_organisation_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    day: date
    buyer_organisation_id: int = Field(sa_column=_fk("organisation.id"))
    category: str = Field(max_length=80)
    supplier_organisation_id: int = Field(sa_column=_fk("organisation.id"))
    lines: int
    quantity: int
    paid: Decimal = Field(sa_type=REPORTING_MONEY)
    with_agreements: Decimal = Field(sa_type=REPORTING_MONEY)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class KpiTarget(SQLModel, table=True):
    """A manager's target for one tile under one filter scope (`scope` is the filter's canonical
    query string without the period, "" for the whole network)."""

    __tablename__ = "kpi_target"
    __table_args__ = (UniqueConstraint("tile", "scope", name="uq_kpi_target_tile_scope"),)

    id: int | None = Field(default=None, primary_key=True)
    tile: str = Field(max_length=40)
    scope: str = Field(default="", max_length=400)
    target: Decimal = Field(sa_type=Numeric(20, 4))
    higher_is_better: bool = True
    set_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )
    set_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FactsRefresh(SQLModel, table=True):
    """The facts' single version marker: bumped by every rebuild or refresh, so cached tile values
    keyed by an older version are never read again; `refreshed_at` is what tiles show."""

    __tablename__ = "facts_refresh"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    full_rebuild_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    running_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
