"""The demo's procurement pricing: raw-material and FX indices with three years of monthly values,
competing quotes from two or three suppliers per agreed part, and index-linked agreements on a few
demo parts, re-priced once so the managers' queue has suggestions to decide.

Deterministic: the values come from a seeded random walk (`random.Random(rng_seed)`) with the same
shocks every run (a lithium-carbonate collapse, a copper spike, a rubber squeeze, an aluminium energy
shock, a steel slump), relative to the month of `now`. The series are synthetic, plausible in level
and volatility; no package here ships real public commodity series that work offline.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Session, select

from models import (
    AgreementStatus,
    AgreementTerm,
    IndexValue,
    MarketIndex,
    Organisation,
    OrganisationKind,
    Part,
    PriceAgreement,
    SupplierQuote,
)
from services.pricing import approvals, suggestions
from services.pricing.formula import add_months, round_money
from services.seed.reference import OEM_SLUG

MONTHS = 36


@dataclass(frozen=True)
class Series:
    code: str
    name: str
    unit: str
    currency: str
    source: str
    start: float
    drift: float  # monthly log drift
    volatility: float  # monthly log standard deviation
    shocks: tuple[tuple[int, float], ...] = ()  # (months before now, multiplicative move that month)
    places: int = 2


MATERIALS = (
    Series(
        "HRC",
        "Steel hot-rolled coil",
        "t",
        "USD",
        "CRU HRC (synthetic demo series)",
        720,
        -0.002,
        0.045,
        ((20, 0.86), (19, 0.94)),
    ),
    Series(
        "AL",
        "Aluminium",
        "t",
        "USD",
        "LME aluminium (synthetic demo series)",
        2350,
        0.002,
        0.04,
        ((14, 1.11),),
    ),
    Series(
        "CU",
        "Copper",
        "t",
        "USD",
        "LME copper (synthetic demo series)",
        8300,
        0.004,
        0.04,
        ((5, 1.09), (4, 1.05)),
    ),
    Series(
        "NR",
        "Natural rubber",
        "kg",
        "USD",
        "SGX TSR20 (synthetic demo series), US cents",
        150,
        0.003,
        0.05,
        ((9, 1.18),),
    ),
    Series(
        "LI2CO3",
        "Lithium carbonate",
        "t",
        "CNY",
        "SMM battery grade (synthetic demo series)",
        480000,
        -0.01,
        0.07,
        tuple((month, 0.88) for month in range(30, 18, -1)),
    ),
    Series("PP", "Polypropylene", "t", "CNY", "Dalian PP (synthetic demo series)", 7900, -0.001, 0.03),
)
# CNY per unit of the supplier's currency, the level the FX walk starts from.
FX_START = {"EUR": 7.7, "USD": 7.1, "JPY": 0.049, "KRW": 0.0054, "GBP": 9.0, "SEK": 0.67, "INR": 0.086}

# The agreed demo parts: by category code, the formula's fixed share and (index, weight) terms.
FORMULAS = {
    "WHN": ("0.45", (("CU", "0.55"),)),
    "BAT": ("0.40", (("LI2CO3", "0.50"), ("AL", "0.10"))),
    "BRD": ("0.55", (("HRC", "0.45"),)),
    "RAD": ("0.40", (("AL", "0.50"), ("CU", "0.10"))),
    "SHA": ("0.60", (("HRC", "0.40"),)),
    "WIP": ("0.50", (("NR", "0.40"), ("PP", "0.10"))),
    "TLP": ("0.55", (("PP", "0.45"),)),
    "STF": ("0.50", (("HRC", "0.50"),)),
}


def _walk(series: Series, rng: random.Random, first_month: date) -> list[tuple[date, Decimal]]:
    level = math.log(series.start)
    shocks = dict(series.shocks)
    values = []
    for offset in range(MONTHS):
        months_before_now = MONTHS - offset
        level += rng.gauss(series.drift, series.volatility)
        if months_before_now in shocks:
            level += math.log(shocks[months_before_now])
        quantum = Decimal(1).scaleb(-series.places)
        values.append((add_months(first_month, offset), Decimal(str(math.exp(level))).quantize(quantum)))
    return values


def seed_pricing(session: Session, *, rng_seed: int = 2026, now: datetime) -> dict:
    """Write the indices, values, quotes and agreements and re-price once; commits. Returns counts.
    Changes nothing (returns {"already_seeded": True}) when the copper index exists."""
    if session.exec(select(MarketIndex.id).where(MarketIndex.code == "CU")).first():
        return {"already_seeded": True}
    rng = random.Random(rng_seed)
    first_month = add_months(now.date(), -MONTHS)  # the last value is last month's
    supplier_rows = list(
        session.exec(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.SUPPLIER)
            .order_by(Organisation.id)
        )
    )
    currencies = sorted({org.currency for org in supplier_rows} - {"CNY"})
    series = list(MATERIALS) + [
        Series(
            f"FX-{code}CNY",
            f"{code}/CNY",
            "rate",
            "CNY",
            "central bank reference (synthetic demo series)",
            FX_START.get(code, 1.0),
            0.0,
            0.012,
            places=6,
        )
        for code in currencies
    ]
    index_ids: dict[str, int] = {}
    values = 0
    published = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for item in series:
        index = MarketIndex(
            code=item.code, name=item.name, unit=item.unit, currency=item.currency, source=item.source
        )
        session.add(index)
        session.flush()
        index_ids[item.code] = index.id
        for period, value in _walk(item, rng, first_month):
            session.add(
                IndexValue(
                    index_id=index.id,
                    granularity="monthly",
                    period=period,
                    value=value,
                    published_at=published,
                    imported_at=published,
                )
            )
            values += 1
    oem = session.exec(select(Organisation).where(Organisation.slug == OEM_SLUG)).one()
    base_date = add_months(now.date(), -12).replace(day=15)
    agreements = quotes = 0
    for category, (fixed_share, terms) in FORMULAS.items():
        part = session.exec(
            select(Part).where(Part.sku.startswith(f"{category}-")).order_by(Part.sku)
        ).first()
        if part is None:
            continue
        agreement = PriceAgreement(
            part_id=part.id, supplier_id=part.supplier_id, buyer_organisation_id=oem.id,
            currency=part.currency, base_price=part.list_price, base_date=base_date,
            fixed_share=Decimal(fixed_share),
            floor_price=round_money(part.list_price * Decimal("0.85"), part.currency),
            ceiling_price=round_money(part.list_price * Decimal("1.20"), part.currency),
            max_change_pct=Decimal("5"), review_period_days=30, auto_band_pct=Decimal("1"),
            four_eyes_pct=Decimal("3"), current_price=part.list_price, status=AgreementStatus.ACTIVE,
        )  # fmt: skip
        session.add(agreement)
        session.flush()
        for position, (code, weight) in enumerate(terms):
            session.add(
                AgreementTerm(
                    agreement_id=agreement.id, index_id=index_ids[code], position=position,
                    weight=Decimal(weight), window_months=3, lag_months=1,
                )
            )  # fmt: skip
        agreements += 1
        competitors = [
            org for org in supplier_rows if org.id != part.supplier_id and org.currency == part.currency
        ]
        for supplier in [None, *rng.sample(competitors, k=min(len(competitors), rng.choice((1, 2))))]:
            factor = Decimal("1") if supplier is None else Decimal(str(round(rng.uniform(0.95, 1.08), 3)))
            session.add(
                SupplierQuote(
                    part_id=part.id, supplier_id=part.supplier_id if supplier is None else supplier.id,
                    price=round_money(part.list_price * factor, part.currency), currency=part.currency,
                    lead_time_days=rng.randint(7, 45), min_quantity=rng.choice((1, 10, 50, 100)),
                    valid_from=add_months(now.date(), -6), valid_to=add_months(now.date(), 6),
                )
            )  # fmt: skip
            quotes += 1
    session.commit()
    repriced = suggestions.reprice_agreements(session, on_date=now.date(), now=now)
    applied = approvals.apply_due(session, today=now.date(), now=now)
    return {
        "indices": len(series),
        "index_values": values,
        "agreements": agreements,
        "quotes": quotes,
        "suggestions": repriced["suggested"],
        "applied": applied,
    }
