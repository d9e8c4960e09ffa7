"""Seed the configurator: colours for every trim and 4 option packs per trim, with a rule per model
(the tow bar needs the model's most powerful trim; the sport and comfort packs exclude each other;
the head-up display needs the tech pack). Idempotent: trims that have colours already are skipped.

Then the built cars standing at each dealer store (`seed_built_vehicles`): for every trim the store
has free stock of, up to three cars in plausible configurations (every one passes the configurator's
rules). Idempotent too: a store that has built cars already is left alone."""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlmodel import Session

from models import BuiltVehicle, Location, LocationKind, OptionPack, StockLevel, Trim, TrimColour
from services.logistics.vin import build_vin
from services.platform.errors import ValidationFailed
from services.showroom.configurator import load_options, quote, signature

BUILT_PLANT = "Z"  # the seeded store cars' VIN plant letter (demo cars "S"; orders' VINs start at "A")
BUILT_MODEL_YEAR = 2026
MAX_BUILT_PER_TRIM = 3
# Configurations a store keeps standing, most common first (colour, packs); a rule-breaking one
# for a trim is skipped.
BUILT_CONFIGURATIONS = (
    ("pearl_white", ()),
    ("obsidian_black", ("winter",)),
    ("glacier_silver", ("comfort", "winter")),
    ("pearl_white", ("sport",)),
    ("jade_green", ("tow_bar", "winter")),
)

COLOURS = (
    ("pearl_white", "Pearl White", "#f2f1ec", "0"),
    ("obsidian_black", "Obsidian Black", "#16181d", "0.012"),
    ("glacier_silver", "Glacier Silver", "#b9bec4", "0.012"),
    ("jade_green", "Jade Green", "#2f6b57", "0.018"),
    ("ruby_red", "Ruby Red", "#9b1c2c", "0.018"),
)
# code, name, share of the trim price, rule
PACKS = (
    ("tow_bar", "Tow bar", "0.02", "top_trim"),
    ("winter", "Winter pack", "0.012", None),
    ("sport", "Sport pack", "0.035", "excludes_comfort"),
    ("comfort", "Comfort pack", "0.028", None),
    ("tech", "Tech pack", "0.03", None),
    ("hud", "Head-up display", "0.01", "requires_tech"),
)


def _price(trim_price: Decimal, share: str) -> Decimal:
    return (Decimal(trim_price) * Decimal(share)).quantize(Decimal("100"))


def seed_configurator(session: Session) -> dict:
    """Colours and packs for every trim without colours; commits. Returns the counts written."""
    done = set(session.execute(select(TrimColour.trim_id).distinct()).scalars())
    trims = [t for t in session.execute(select(Trim).order_by(Trim.id)).scalars() if t.id not in done]
    if not trims:
        return {"colours": 0, "packs": 0}
    by_model = defaultdict(list)
    for trim in session.execute(select(Trim).order_by(Trim.id)).scalars():
        by_model[trim.model_id].append(trim)
    top = {m: max(ts, key=lambda t: (t.power_kw, t.id)).code for m, ts in by_model.items()}
    colours, packs = [], []
    for trim in trims:
        for position, (key, label, hex_, share) in enumerate(COLOURS):
            colours.append(
                {
                    "trim_id": trim.id,
                    "key": key,
                    "label": label,
                    "hex": hex_,
                    "price": _price(trim.price, share),
                    "position": position,
                }
            )
        for position, (code, name, share, rule) in enumerate(PACKS[: 4 + trim.id % 2]):
            packs.append(
                {
                    "trim_id": trim.id,
                    "code": code,
                    "name": name,
                    "price": _price(trim.price, share),
                    "requires_trims": [top[trim.model_id]] if rule == "top_trim" else [],
                    "requires_packs": ["tech"] if rule == "requires_tech" else [],
                    "excludes_packs": ["comfort"] if rule == "excludes_comfort" else [],
                    "position": position,
                }
            )
    session.execute(insert(TrimColour.__table__), colours)
    session.execute(insert(OptionPack.__table__), packs)
    session.commit()
    return {"colours": len(colours), "packs": len(packs)}


def seed_built_vehicles(session: Session, *, rng_seed: int = 2026) -> dict:
    """Built cars for every dealer store without any: per trim with free stock at the store, up to
    `MAX_BUILT_PER_TRIM` (never more than the free units), each in a configuration the rules allow;
    commits. Deterministic for one `rng_seed`. Returns {"built_vehicles": count written}."""
    done = set(session.execute(select(BuiltVehicle.location_id).distinct()).scalars())
    stores = [
        store_id
        for store_id in session.execute(
            select(Location.id).where(Location.kind == LocationKind.STORE).order_by(Location.id)
        ).scalars()
        if store_id not in done
    ]
    if not stores:
        return {"built_vehicles": 0}
    free = session.execute(
        select(StockLevel.location_id, StockLevel.trim_id, StockLevel.on_hand - StockLevel.reserved)
        .where(StockLevel.trim_id.is_not(None), StockLevel.location_id.in_(stores))
        .order_by(StockLevel.location_id, StockLevel.trim_id)
    ).all()
    options = {}
    rows = []
    rng = random.Random(rng_seed)
    serial = session.execute(select(func.count()).select_from(BuiltVehicle)).scalar_one()
    for location_id, trim_id, available in free:
        if trim_id not in options:
            options[trim_id] = load_options(session, trim_id)
        trim_options = options[trim_id]
        allowed = []
        for colour, packs in BUILT_CONFIGURATIONS:
            try:
                quote(trim_options, colour, list(packs))
            except ValidationFailed:
                continue
            allowed.append((colour, signature(packs)))
        count = min(max(available, 0), rng.randint(0, MAX_BUILT_PER_TRIM)) if allowed else 0
        for n in range(count):
            colour, packs = allowed[0] if n == 0 else rng.choice(allowed)
            rows.append(
                {
                    "location_id": location_id,
                    "trim_id": trim_id,
                    "vin": build_vin(
                        trim_code=trim_options.trim_code,
                        model_year=BUILT_MODEL_YEAR,
                        plant=BUILT_PLANT,
                        serial=serial,
                    ),
                    "colour_key": colour,
                    "packs": packs,
                    "reserved_order_id": None,
                }
            )
            serial += 1
    if rows:
        session.execute(insert(BuiltVehicle.__table__), rows)
    session.commit()
    return {"built_vehicles": len(rows)}
