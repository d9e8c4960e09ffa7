"""The demo's market price lists: one market per currency the carmaker sells in, the demo world's
dealer countries in each, markup rules, two dealer tiers per market, one running and one expired
promotion (on parts), then the lists built by the repricing run itself (services/pricing/market_lists.py) from
the parts' and trims' costs at the day's FX rates, so the seed is priced exactly as a real run
prices. Needs the FX rates (seeded before it: services/seed/seeder.py `_seed_analytics`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert
from sqlmodel import Session, select

from models import DealerTier, Market, MarketCountry, Part, Promotion
from services.pricing.market_lists import reprice_markets

# (code, name, Chinese name, currency, countries, markup rules: percent over cost)
MARKETS: tuple[tuple[str, str, str, str, tuple[str, ...], dict[str, str]], ...] = (
    ("CN", "China", "中国", "CNY", ("CN",), {"part": "35", "trim": "0", "part:Tyres": "25"}),
    ("JP", "Japan", "日本", "JPY", ("JP",), {"part": "45", "trim": "12"}),
    (
        "EU",
        "Eurozone",
        "欧元区",
        "EUR",
        ("DE", "FR", "IT", "ES", "NL", "BE", "AT", "IE", "PT", "FI"),
        {"part": "50", "trim": "10"},
    ),
    ("NO", "Norway", "挪威", "NOK", ("NO",), {"part": "55", "trim": "8"}),
    (
        "INTL",
        "International (USD)",
        "国际（美元）",
        "USD",
        ("US", "GB", "AE", "AU", "TH", "BR", "MX", "SG"),
        {"part": "45", "trim": "10"},
    ),
)
TIERS = ((10, Decimal("3")), (50, Decimal("6")))


def seed_market_prices(session: Session, *, today: date) -> dict:
    """Write the markets, tiers and promotions, then build every list; commits. Returns counts.
    Changes nothing (returns {"already_seeded": True}) when a market exists."""
    if session.exec(select(Market.id)).first():
        return {"already_seeded": True}
    markets = []
    for code, name, name_zh, currency, countries, rules in MARKETS:
        market = Market(code=code, name=name, name_zh=name_zh, currency=currency, markup_rules=rules)
        session.add(market)
        session.flush()
        markets.append(market)
        session.execute(
            insert(MarketCountry.__table__), [{"country": c, "market_id": market.id} for c in countries]
        )
        session.execute(
            insert(DealerTier.__table__),
            [{"market_id": market.id, "min_quantity": q, "discount_pct": pct} for q, pct in TIERS],
        )
    # The running offer is on a part, not a car: the configurator quotes a car at its base price
    # (the CN list price at markup 0), which a car promotion would contradict.
    parts = session.exec(select(Part.id).order_by(Part.id).limit(2)).all()
    promotions = 0
    for market in markets:
        for part_id, name, percent, start, end in (
            (
                (parts[-1], "Winter service weeks", "10", -10, 20),
                (parts[0], "Autumn brake check", "15", -90, -30),
            )
            if parts
            else ()
        ):
            session.add(
                Promotion(
                    market_id=market.id,
                    part_id=part_id,
                    name=name,
                    percent=Decimal(percent),
                    valid_from=today + timedelta(days=start),
                    valid_to=today + timedelta(days=end),
                )
            )
            promotions += 1
    session.commit()
    built = reprice_markets(session, on_date=today)
    return {"markets": len(markets), "promotions": promotions, **built}
