"""Write the planned demo world to the database, once, in one transaction."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import Location, Organisation, Part, StockLevel, Trim, User, VehicleModel
from models.types import utcnow
from services.identity.passwords import hash_password
from services.platform import outbox
from services.seed.bulk import BulkWriter
from services.seed.plan import (
    SCALES,
    Fakers,
    Streams,
    plan_dealers,
    plan_parts,
    plan_suppliers,
    plan_users,
    stock_rows,
)
from services.seed.reference import (
    BRAND,
    CNY_PER_UNIT,
    CONSUMER_SLUG,
    DEMO_PASSWORD,
    OEM_SLUG,
    VEHICLE_MODELS,
    WAREHOUSES,
    Site,
)
from services.seed.reference_zh import (
    CITIES_ZH,
    CONSUMER_NAME_ZH,
    OEM_NAME_ZH,
    SITE_NAMES_ZH,
    TRIM_NAMES_ZH,
    VEHICLE_MODEL_NAMES_ZH,
)

ORGANISATION = Organisation.__table__
LOCATION = Location.__table__
PART = Part.__table__
STOCK = StockLevel.__table__
TRIM = Trim.__table__
USER = User.__table__
VEHICLE_MODEL = VehicleModel.__table__

OEM = {
    "slug": OEM_SLUG,
    "name": f"{BRAND} Automobile Co., Ltd.",
    "name_zh": OEM_NAME_ZH,
    "kind": "oem",
    "country": "CN",
    "currency": "CNY",
    "time_zone": "Asia/Shanghai",
}
ORG_COLUMNS = ("slug", "name", "name_zh", "kind", "country", "currency", "time_zone", "created_at")
LOCATION_COLUMNS = (
    "code",
    "organisation_id",
    "kind",
    "name",
    "name_zh",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "time_zone",
    "opening_hours",
)
PART_COLUMNS = ("sku", "name", "category", "unit", "list_price", "currency", "name_zh", "supplier_id")
STOCK_COLUMNS = ("location_id", "part_id", "trim_id", "on_hand", "reserved")
USER_COLUMNS = (
    "email",
    "email_normalized",
    "full_name",
    "password_hash",
    "role",
    "organisation_id",
    "is_active",
    "failed_login_count",
    "locked_until",
    "last_login_at",
    "language",
    "time_zone",
    "created_at",
)
PLANT_HOURS = json.dumps(
    {
        "mon": ["06:00", "22:00"],
        "tue": ["06:00", "22:00"],
        "wed": ["06:00", "22:00"],
        "thu": ["06:00", "22:00"],
        "fri": ["06:00", "22:00"],
        "sat": ["06:00", "14:00"],
        "sun": [],
    }
)


def seed(
    target: Session | Engine,
    scale: str = "demo",
    progress: Callable[[str], None] | None = None,
    *,
    supply_history: bool = True,
    logistics_history: bool = True,
    showroom: bool = True,
    pricing: bool = True,
    sales_history: bool = True,
    planning: bool = True,
    market_prices: bool = True,
) -> dict:
    """Fill an empty portal with the deterministic demo world of `scale` ("demo" or "large").

    Runs once: when the OEM organisation (slug "oem") exists it changes nothing and returns
    {"already_seeded": True}. Otherwise everything is written in one transaction, committed at
    the end (with a Session: the session's transaction, which is committed, or rolled back with
    everything in it on any error) and the counts of what was made are returned. The same seed
    and scale always give the same rows; only created_at and the password hash differ per run.
    A `stock.changed` outbox message in the same transaction lets a worker refresh the summary.
    At demo scale (unless `supply_history` is False) a second transaction then adds twelve months
    of purchase-order history (`services.seed.supply`, RNG seed 2026, "now" pinned to the start
    of the current UTC day so a day's runs agree) and computes the scorecards, so the supplier
    workspace shows scores at once; its counts come back under "supply_history". Then (unless
    `logistics_history` is False) the demo's past and in-flight shipments with their carrier events
    (`services.seed.logistics`), under "logistics_history". Then (at every scale, unless `showroom`
    is False) every dealer store's showroom: settings, demo cars, salespeople and three months of
    test drives (`services.seed.showroom`), under "showroom". Then (at demo scale, unless `pricing` is
    False) the market indices, quotes and price agreements (`services.seed.pricing`), under "pricing".
    Then (unless `sales_history` is False) twelve months of sales orders with their payments,
    refunds and deliveries (`services.seed.sales_history`: 8,000 at demo scale, 3,000,000 at large),
    under "sales_history". At demo scale (unless `planning` is False), after the rest, one stored
    forecast run of the first warehouse's parts (`services.seed.planning`), under "planning".
    Then (every scale) thirteen months of demo FX rates and the KPI facts of the orders so far
    (`services.analytics`), under "analytics". Then (at demo scale, unless `market_prices` is False)
    the market price lists built from costs at those rates (`services.seed.market_prices`), under
    "market_prices".
    Raises ValueError for an unknown scale.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    session = target if isinstance(target, Session) else Session(target, expire_on_commit=False)
    try:
        connection = session.connection()
        if connection.execute(select(ORGANISATION.c.id).where(ORGANISATION.c.slug == OEM_SLUG)).first():
            return {"already_seeded": True}
        try:
            connection.execute(insert(ORGANISATION), [{**OEM, "created_at": utcnow()}])
        except IntegrityError:  # another process seeded between our check and our insert
            session.rollback()
            return {"already_seeded": True}
        counts = _write_world(session, scale, progress or (lambda _line: None))
        outbox.enqueue(session, outbox.STOCK_CHANGED, {"reason": "seed"})
        session.commit()
        if scale == "demo" and supply_history:
            counts["supply_history"] = _seed_supply_history(session)
        if scale == "demo" and logistics_history:
            from services.seed.logistics import seed_logistics_history  # (import order: see above)

            day_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
            counts["logistics_history"] = seed_logistics_history(session, rng_seed=2026, now=day_start)
        if showroom:
            from services.seed.showroom import seed_showroom  # (import order: see above)

            day_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
            counts["showroom"] = seed_showroom(session, rng_seed=2026, now=day_start)
            from services.seed.configurator import (  # (import order: see above)
                seed_built_vehicles,
                seed_configurator,
            )

            counts["configurator"] = seed_configurator(session)
            counts["configurator"] |= seed_built_vehicles(session)
        if scale == "demo" and pricing:
            from services.seed.pricing import seed_pricing  # (import order: see above)

            day_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
            counts["pricing"] = seed_pricing(session, rng_seed=2026, now=day_start)
        if sales_history:
            from services.seed.sales_history import (  # (import order: see above)
                DEMO_ORDERS,
                LARGE_ORDERS,
                seed_sales_history,
            )

            day_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
            counts["sales_history"] = seed_sales_history(
                session,
                rng_seed=2026,
                now=day_start,
                orders=DEMO_ORDERS if scale == "demo" else LARGE_ORDERS,
                progress=progress,
            )
        counts["analytics"] = _seed_analytics(session)
        if scale == "demo" and market_prices:
            from services.seed.market_prices import seed_market_prices  # (import order: see above)

            counts["market_prices"] = seed_market_prices(session, today=utcnow().date())
        if scale == "demo":
            from services.seed.notifications import seed_notifications  # (import order: see above)

            counts["notifications"] = seed_notifications(session)
        if scale == "demo" and planning:
            from services.seed.planning import seed_forecast_run  # (import order: see above)

            counts["planning"] = seed_forecast_run(session)
        return counts
    except BaseException:
        session.rollback()
        raise
    finally:
        if session is not target:
            session.close()


def _seed_analytics(session: Session) -> dict:
    """FX rates into the reporting currency for the last thirteen months (the demo currencies,
    working days), then the KPI facts built from the orders so far, in a transaction of their own."""
    from services.analytics import facts, fx  # (import order: see above)

    today = utcnow().date()
    rates = fx.seed_demo_rates(session, CNY_PER_UNIT, today - timedelta(days=400), today)
    rebuilt = facts.rebuild(session)
    session.commit()
    return {"fx_rates": rates, "order_facts": rebuilt["order_rows"]}


def _seed_supply_history(session: Session) -> dict:
    """The demo's year of purchase orders, then a scorecard recompute stamped with the real time."""
    # Imported here: services.seed.supply imports services.seed.bulk, whose package imports us.
    from services.seed.supply import seed_supply_history
    from services.supply.scorecards import recompute_scorecards

    day_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    history = seed_supply_history(session, rng_seed=2026, now=day_start, recompute=False)
    history["scorecards"] = recompute_scorecards(session)["rows"]
    return history


def _write_world(session: Session, scale: str, progress: Callable[[str], None]) -> dict:
    size = SCALES[scale]
    writer = BulkWriter(session.connection())
    streams, fakers = Streams(), Fakers()
    now = utcnow()
    started = time.perf_counter()

    def step(message: str) -> None:
        progress(f"{time.perf_counter() - started:7.1f}s  {message}")

    suppliers = plan_suppliers(streams, fakers, size.suppliers)
    dealers = plan_dealers(streams, fakers)
    organisations = [
        (CONSUMER_SLUG, "Retail customers", CONSUMER_NAME_ZH, "consumer", "CN", "CNY", "Asia/Shanghai", now)
    ]
    organisations += [
        (s.slug, s.name, s.name_zh, "supplier", s.country.code, s.country.currency, s.city.time_zone, now)
        for s in suppliers
    ]
    organisations += [
        (
            d.slug,
            d.name,
            d.name_zh,
            "dealer",
            d.reference.store.country,
            d.reference.currency,
            d.reference.store.time_zone,
            now,
        )
        for d in dealers
    ]
    writer.insert(ORGANISATION, ORG_COLUMNS, organisations)
    org_ids = writer.ids(ORGANISATION, "slug")
    step(f"{len(organisations) + 1} organisations")

    writer.insert(
        VEHICLE_MODEL,
        ("code", "name", "name_zh", "body", "description", "image"),
        [
            (m.code, m.name, VEHICLE_MODEL_NAMES_ZH[m.code], m.body, m.description, f"vehicles/{m.code}.svg")
            for m in VEHICLE_MODELS
        ],
    )
    model_ids = writer.ids(VEHICLE_MODEL, "code")
    trims = [
        (
            t.code,
            model_ids[m.code],
            t.name,
            TRIM_NAMES_ZH[t.code],
            t.powertrain,
            t.range_km,
            t.consumption,
            t.power_kw,
            t.price_cny,
            "CNY",
            f"vehicles/{m.code}.svg",
        )
        for m in VEHICLE_MODELS
        for t in m.trims
    ]
    writer.insert(
        TRIM,
        (
            "code",
            "model_id",
            "name",
            "name_zh",
            "powertrain",
            "range_km",
            "consumption_l_per_100km",
            "power_kw",
            "price",
            "currency",
            "image",
        ),
        trims,
    )
    trim_id_by_code = writer.ids(TRIM, "code")
    trim_ids = [trim_id_by_code[row[0]] for row in trims]

    def site(kind: str, organisation_slug: str, place: Site) -> tuple:
        return (
            place.code,
            org_ids[organisation_slug],
            kind,
            place.name,
            SITE_NAMES_ZH[place.code],
            place.address,
            place.city,
            place.country,
            place.latitude,
            place.longitude,
            place.time_zone,
            json.dumps(place.opening_hours),
        )

    locations = [site("warehouse", OEM_SLUG, w) for w in WAREHOUSES]
    locations += [site("store", d.slug, d.reference.store) for d in dealers]
    locations += [
        (
            f"PL-{n:05d}",
            org_ids[s.slug],
            "plant",
            f"{s.short_name} {s.city.name} Plant",
            f"{s.short_name_zh}{CITIES_ZH[s.city.name]}工厂",
            s.address,
            s.city.name,
            s.country.code,
            s.latitude,
            s.longitude,
            s.city.time_zone,
            PLANT_HOURS,
        )
        for n, s in enumerate(suppliers, start=1)
    ]
    writer.insert(LOCATION, LOCATION_COLUMNS, locations)
    location_ids = writer.ids(LOCATION, "code")
    step(f"{len(locations)} locations")

    parts = plan_parts(streams, suppliers, size.parts)
    step(f"{len(parts.rows)} parts planned")
    supplier_ids = [org_ids[s.slug] for s in suppliers]
    writer.insert(
        PART,
        PART_COLUMNS,
        ((*row, supplier_ids[owner]) for row, owner in zip(parts.rows, parts.owner, strict=True)),
    )
    sku_ids = writer.ids(PART, "sku")
    part_ids = [sku_ids[row[0]] for row in parts.rows]
    del sku_ids
    step(f"{len(part_ids)} parts written")

    stock = writer.insert(
        STOCK,
        STOCK_COLUMNS,
        stock_rows(
            streams,
            parts,
            part_ids,
            warehouse_ids=[location_ids[w.code] for w in WAREHOUSES],
            store_ids=[location_ids[d.reference.store.code] for d in dealers],
            trim_ids=trim_ids,
            plant_ids=[location_ids[row[0]] for row in locations[len(WAREHOUSES) + len(dealers) :]],
        ),
    )
    step(f"{stock} stock levels written")

    password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow on purpose: hash once, share it
    users = plan_users(streams, fakers, suppliers, dealers)
    writer.insert(
        USER,
        USER_COLUMNS,
        [
            (
                u.email,
                u.email.lower(),
                u.full_name,
                password_hash,
                u.role,
                org_ids[u.organisation_slug],
                True,
                0,
                None,
                None,
                u.language,
                u.time_zone,
                now,
            )
            for u in users
        ],
    )
    step(f"{len(users)} users")
    writer.analyze((ORGANISATION, LOCATION, PART, STOCK, TRIM, USER, VEHICLE_MODEL))

    return {
        "already_seeded": False,
        "scale": scale,
        "organisations": len(organisations) + 1,
        "suppliers": len(suppliers),
        "dealers": len(dealers),
        "vehicle_models": len(VEHICLE_MODELS),
        "trims": len(trims),
        "parts": len(part_ids),
        "locations": len(locations),
        "warehouses": len(WAREHOUSES),
        "stores": len(dealers),
        "plants": len(suppliers),
        "stock_levels": stock,
        "users": len(users),
    }
