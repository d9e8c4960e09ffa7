"""A small pricing world for tests: the carmaker with two managers, the part's supplier (with a user),
a second supplier, another carmaker, copper and steel indices with monthly values, a warehouse, and an
agreement on one part: P0 100.00 CNY at 2026-01-15, a = 0.40, copper 0.35 (3-month average, lagged
one month) and steel 0.25 (the month itself).

Reviewed on 2026-05-14 the formula gives 100 x (0.40 + 0.35 x 8866.67/8200 + 0.25 x 520/500) =
103.85 (+3.85 %): above the default four-eyes threshold (3 %), so two managers must approve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel import Session

from models import IndexValue, MarketIndex, Organisation, User
from models.db import get_engine
from services.identity.auth import Principal, principal_for
from services.pricing import agreements
from tests.factories import make_location, make_org, make_part, make_user

REVIEW_DAY = date(2026, 5, 14)
REVIEW_AT = datetime(2026, 5, 14, 2, 0, tzinfo=UTC)
COPPER = {
    date(2025, 10, 1): "8000",
    date(2025, 11, 1): "8200",
    date(2025, 12, 1): "8400",
    date(2026, 1, 1): "8600",
    date(2026, 2, 1): "8800",
    date(2026, 3, 1): "8900",
    date(2026, 4, 1): "8900",
}
STEEL = {date(2026, 1, 1): "500", date(2026, 5, 1): "520"}


@dataclass
class PricingWorld:
    manager: Principal
    second_manager: Principal
    supplier_user: Principal
    other_supplier_user: Principal
    other_oem_manager: Principal
    supplier_id: int
    other_supplier_id: int
    part_id: int
    warehouse_id: int
    agreement_id: int


def _principal(session: Session, user: User) -> Principal:
    return principal_for(user, session.get(Organisation, user.organisation_id))


def add_values(session: Session, index: MarketIndex, values: dict[date, str]) -> None:
    published = datetime(2026, 1, 1, tzinfo=UTC)
    for period, value in values.items():
        session.add(
            IndexValue(
                index_id=index.id,
                granularity="monthly",
                period=period,
                value=Decimal(value),
                published_at=published,
            )
        )


def build_world(*, agreement: dict | None = None, copper: dict | None = None) -> PricingWorld:
    """The world above (the agreement's fields overridable), committed."""
    with Session(get_engine(), expire_on_commit=False) as session:
        oem = make_org(session, "oem")
        other_oem = make_org(session, "oem")
        supplier = make_org(session, "supplier", name="Jiangsu Copper Works")
        other_supplier = make_org(session, "supplier", name="Ningbo Cables")
        manager = make_user(session, "manager", oem, time_zone="UTC")
        second = make_user(session, "manager", oem, time_zone="UTC")
        supplier_user = make_user(session, "supplier", supplier)
        other_supplier_user = make_user(session, "supplier", other_supplier)
        other_oem_manager = make_user(session, "manager", other_oem)
        warehouse = make_location(session, oem, kind="warehouse")
        part = make_part(session, supplier, price="100.00", name="Wiring harness")
        cu = MarketIndex(code="CU", name="Copper", unit="t", currency="USD", source="LME")
        hrc = MarketIndex(code="HRC", name="Steel HRC", unit="t", currency="USD", source="CRU")
        session.add_all([cu, hrc])
        session.flush()
        add_values(session, cu, copper or COPPER)
        add_values(session, hrc, STEEL)
        session.commit()
        principals = {
            name: _principal(session, user)
            for name, user in {
                "manager": manager,
                "second": second,
                "supplier": supplier_user,
                "other_supplier": other_supplier_user,
                "other_oem": other_oem_manager,
            }.items()
        }
        made = agreements.create_agreement(
            session,
            principals["manager"],
            {
                "part_id": part.id,
                "supplier_id": supplier.id,
                "base_price": "100.00",
                "base_date": "2026-01-15",
                "currency": "CNY",
                "fixed_share": "0.40",
                "terms": [
                    {"index": "CU", "weight": "0.35", "window_months": 3, "lag_months": 1},
                    {"index": "HRC", "weight": "0.25", "window_months": 1, "lag_months": 0},
                ],
                "max_change_pct": "5",
                "auto_band_pct": "1",
                "four_eyes_pct": "3",
                **(agreement or {}),
            },
        )
        return PricingWorld(
            manager=principals["manager"],
            second_manager=principals["second"],
            supplier_user=principals["supplier"],
            other_supplier_user=principals["other_supplier"],
            other_oem_manager=principals["other_oem"],
            supplier_id=supplier.id,
            other_supplier_id=other_supplier.id,
            part_id=part.id,
            warehouse_id=warehouse.id,
            agreement_id=made["id"],
        )
