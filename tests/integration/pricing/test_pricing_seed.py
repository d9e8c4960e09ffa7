"""The demo pricing seed: deterministic series with their shocks, agreements whose formulas add up."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from models import AgreementTerm, IndexValue, MarketIndex, PriceAgreement, PriceSuggestion, SupplierQuote
from models.db import get_engine
from services.seed.pricing import MONTHS, seed_pricing
from services.seed.reference import OEM_SLUG
from tests.factories import make_org, make_part

pytestmark = pytest.mark.usefixtures("sqlite_url")
NOW = datetime(2026, 12, 2, tzinfo=UTC)


def _world(session: Session) -> None:
    make_org(session, "oem", slug=OEM_SLUG)
    makers = [
        make_org(session, "supplier"),
        make_org(session, "supplier"),
        make_org(session, "supplier", currency="EUR"),
    ]
    for n, category in enumerate(("WHN", "BAT", "BRD")):
        make_part(session, makers[n % 2], price="120.00", sku=f"{category}-{n:06d}")
    session.commit()


def _series(session: Session) -> dict[str, list[Decimal]]:
    rows = session.exec(
        select(MarketIndex.code, IndexValue.value)
        .join(IndexValue, IndexValue.index_id == MarketIndex.id)
        .order_by(MarketIndex.code, IndexValue.period)
    ).all()
    series: dict[str, list[Decimal]] = {}
    for code, value in rows:
        series.setdefault(code, []).append(Decimal(value))
    return series


def test_the_pricing_seed_is_deterministic_and_its_formulas_add_up():
    with Session(get_engine(), expire_on_commit=False) as session:
        _world(session)
        counts = seed_pricing(session, rng_seed=2026, now=NOW)
        assert seed_pricing(session, rng_seed=2026, now=NOW) == {"already_seeded": True}
        series = _series(session)
        assert set(series) == {"HRC", "AL", "CU", "NR", "LI2CO3", "PP", "FX-EURCNY"}
        assert all(len(values) == MONTHS for values in series.values())
        lithium = series["LI2CO3"]
        assert lithium[-1] < lithium[0] * Decimal("0.5")  # the collapse is in every run
        assert counts["agreements"] == 3 and counts["suggestions"] >= 1
        for agreement in session.exec(select(PriceAgreement)):
            weights = session.exec(
                select(AgreementTerm.weight).where(AgreementTerm.agreement_id == agreement.id)
            ).all()
            assert Decimal(agreement.fixed_share) + sum(Decimal(w) for w in weights) == 1
        quoted = {row.part_id for row in session.exec(select(SupplierQuote))}
        assert len(quoted) == 3
        assert session.exec(select(PriceSuggestion)).first().explanation["text"]["zh"]
        # The same walk again from the same seed (a second database would hold the same numbers).
        for table in (PriceSuggestion, SupplierQuote, AgreementTerm, PriceAgreement, IndexValue, MarketIndex):
            for row in session.exec(select(table)):
                session.delete(row)
            session.commit()
        seed_pricing(session, rng_seed=2026, now=NOW)
        assert _series(session) == series
