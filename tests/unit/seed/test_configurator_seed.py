"""The configurator's demo data: every trim has colours and 4-5 packs whose rules work; once."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlmodel import Session, select

from models import BuiltVehicle, Location, LocationKind, StockLevel, Trim
from models.db import engine_for
from models.migrate import upgrade
from services.logistics.vin import is_valid
from services.platform.errors import ValidationFailed
from services.seed import seed
from services.seed.configurator import seed_built_vehicles, seed_configurator
from services.showroom.configurator import load_options, quote


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('configurator') / 'portal.db'}"
    upgrade(url)
    seed(
        engine_for(url),
        "demo",
        supply_history=False,
        logistics_history=False,
        showroom=False,
        pricing=False,
        sales_history=False,
        planning=False,
    )
    return url


def test_every_trim_is_configurable_with_a_rule_per_model_once(seeded: str):
    with Session(engine_for(seeded)) as session:
        counts = seed_configurator(session)
        trims = session.execute(select(Trim).order_by(Trim.id)).scalars().all()
        assert counts["colours"] == 5 * len(trims)
        restricted_models = set()
        for trim in trims:
            options = load_options(session, trim.id)
            assert len(options.colours) == 5 and 4 <= len(options.packs) <= 5
            tow = next(p for p in options.packs if p.code == "tow_bar")
            if trim.code in tow.requires_trims:
                quote(options, "jade_green", ["tow_bar", "winter"])
            else:
                restricted_models.add(trim.model_id)
                with pytest.raises(ValidationFailed) as failed:
                    quote(options, "jade_green", ["tow_bar"])
                assert failed.value.code == "configurator.rule.requires_trim"
            with pytest.raises(ValidationFailed):
                quote(options, "pearl_white", ["sport", "comfort"])
            assert quote(options, "ruby_red", ["sport"]).total > options.base_price
        models_with_many_trims = {
            t.model_id for t in trims if sum(o.model_id == t.model_id for o in trims) > 1
        }
        assert models_with_many_trims <= restricted_models
        assert seed_configurator(session) == {"colours": 0, "packs": 0}


def test_every_store_has_built_cars_the_rules_allow_and_never_more_than_its_free_stock(seeded: str):
    with Session(engine_for(seeded)) as session:
        seed_configurator(session)  # (done already when the test above ran)
        assert seed_built_vehicles(session)["built_vehicles"] > 0
        cars = session.execute(select(BuiltVehicle)).scalars().all()
        stores = set(
            session.execute(select(Location.id).where(Location.kind == LocationKind.STORE)).scalars()
        )
        assert {car.location_id for car in cars} == stores
        assert len({car.vin for car in cars}) == len(cars) and all(is_valid(car.vin) for car in cars)
        free = {
            (s.location_id, s.trim_id): s.on_hand - s.reserved
            for s in session.execute(select(StockLevel).where(StockLevel.trim_id.is_not(None))).scalars()
        }
        per_stock = Counter((car.location_id, car.trim_id) for car in cars)
        assert all(count <= free[key] for key, count in per_stock.items())
        for car in cars[:40]:
            packs = [code for code in car.packs.split(",") if code]
            assert packs == sorted(packs)
            quote(load_options(session, car.trim_id), car.colour_key, packs)
        assert seed_built_vehicles(session) == {"built_vehicles": 0}
