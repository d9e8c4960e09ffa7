"""Seed the configurator: colours for every trim and 4 option packs per trim, with a rule per model
(the tow bar needs the model's most powerful trim; the sport and comfort packs exclude each other;
the head-up display needs the tech pack). Idempotent: trims that have colours already are skipped."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import insert, select
from sqlmodel import Session

from models import OptionPack, Trim, TrimColour

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
