"""A configurable trim for the configured-order tests: the ordering world (tests/ordering_world.py)
with colours, packs with rules, and built cars standing at the store."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session

from models import BuiltVehicle, OptionPack, TrimColour
from services.logistics.vin import build_vin
from tests.ordering_world import World, build_world

_serials = iter(range(1, 999_999))


def add_options(session: Session, world: World) -> None:
    """White (free) and black (+4,500) paint; a winter pack, a tech pack and a head-up display that
    needs the tech pack, and a tow bar only for another trim."""
    trim_id = world.trim.id
    session.add_all(
        [
            TrimColour(trim_id=trim_id, key="white", label="White", hex="#f4f4f0", price=Decimal("0")),
            TrimColour(
                trim_id=trim_id, key="black", label="Black", hex="#111318", price=Decimal("4500"), position=1
            ),
            OptionPack(trim_id=trim_id, code="winter", name="Winter pack", price=Decimal("3200.50")),
            OptionPack(trim_id=trim_id, code="tech", name="Tech pack", price=Decimal("6000"), position=1),
            OptionPack(
                trim_id=trim_id,
                code="hud",
                name="Head-up display",
                price=Decimal("2000"),
                requires_packs=["tech"],
                position=2,
            ),
            OptionPack(
                trim_id=trim_id,
                code="tow_bar",
                name="Tow bar",
                price=Decimal("5000"),
                requires_trims=["TR-4X4"],
                position=3,
            ),
        ]
    )
    session.commit()


def add_built(session: Session, world: World, colour: str, packs: str, location_id: int | None = None) -> int:
    """A car built in that configuration standing at the store (or `location_id`); its id."""
    car = BuiltVehicle(
        location_id=location_id or world.store.id,
        trim_id=world.trim.id,
        vin=build_vin(trim_code=world.trim.code, model_year=2026, plant="Y", serial=next(_serials)),
        colour_key=colour,
        packs=packs,
    )
    session.add(car)
    session.commit()
    return car.id


def configured_world(session: Session, *, vehicles_in_store: int = 2) -> World:
    world = build_world(session, vehicles_in_store=vehicles_in_store)
    add_options(session, world)
    return world
