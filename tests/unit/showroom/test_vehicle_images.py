"""The showroom's pictures in each paint: the committed files are what the generator makes from the
drawings (so a changed drawing or paint cannot leave stale pictures behind), every model has one per
seed paint, the body takes the paint while the lights and the shadow keep theirs, and a trim's page
data names a picture that exists for each of its colours."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.seed.configurator import COLOURS
from services.seed.reference import VEHICLE_MODELS
from services.showroom import trim_offers, vehicle_images
from tests.configurator_world import configured_world


def test_the_committed_pictures_are_what_the_generator_makes():
    made = vehicle_images.variants()
    drawings = sorted(vehicle_images.VEHICLES.glob("*.svg"))
    assert len(made) == len(drawings) * len(COLOURS)
    for path, text in made.items():
        assert path.exists(), f"{path} is missing: run python -m services.showroom.vehicle_images"
        assert path.read_text() == text, f"{path} is stale: run python -m services.showroom.vehicle_images"


def test_the_body_takes_the_paint_and_the_lights_and_shadow_keep_theirs():
    drawing = (vehicle_images.VEHICLES / "pebble.svg").read_text()
    green = vehicle_images.paint(drawing, "pebble", "#2f6b57")
    assert "#d9503f" not in green  # the red body paint is gone
    assert "#2f6b57" in green  # the middle of the body gradient is the paint itself
    assert green.count("#0b1320") == drawing.count("#0b1320")  # the ground shadow is untouched
    assert "#b71c1c" in green  # the tail light stays red
    # Every id is the picture's own, and every reference points at one of them.
    ids = set(re.findall(r'id="([^"]+)"', green))
    assert all(i.startswith("pebble-2f6b57-") for i in ids)
    assert set(re.findall(r'(?:url\(#|href="#)([^)"]+)', green)) <= ids


def test_a_drawing_without_a_paint_gradient_is_refused():
    with pytest.raises(ValueError, match="no <linearGradient"):
        vehicle_images.paint("<svg></svg>", "pebble", "#000000")


def test_every_seeded_model_has_a_drawing_so_every_seeded_paint_has_a_picture():
    codes = {model.code for model in VEHICLE_MODELS}
    assert codes <= {path.stem for path in vehicle_images.VEHICLES.glob("*.svg")}


def test_a_trims_page_data_lists_its_colours_in_order_with_their_pictures(sqlite_url):
    with Session(get_engine()) as session:
        world = configured_world(session)
        detail = trim_offers.trim_detail(session, world.trim.id)
    code = detail["model_code"]
    assert detail["colours"] == [
        {"key": "white", "hex": "#f4f4f0", "image": f"/vehicles/{code}/white.svg"},
        {"key": "black", "hex": "#111318", "image": f"/vehicles/{code}/black.svg"},
    ]
