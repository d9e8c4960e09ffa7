"""The public look-up by tracking number and the order's last name, as the alternative to the
postcode, on SQLite and PostgreSQL: accents and case do not matter, the family name is read both
ways (given name first or family name first), a wrong name answers exactly like an unknown number,
and exactly one of postcode and last name is asked for."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models import SalesOrder, User
from models.db import get_engine
from services.logistics import page_view, views
from services.platform.errors import NotFound, ValidationFailed
from tests.logistics_world import build_world


@pytest.fixture
def world(any_db_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        for name, full_name in (("customer_1", "Zoë Ångström-Müller"), ("dealer_a", "Song Xiulan")):
            order = session.get(SalesOrder, world.shipments[name].order_id)
            buyer = session.get(User, order.buyer_user_id)
            buyer.full_name = full_name
            session.add(buyer)
        session.commit()
        return world


@pytest.fixture
def session(world):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


def _miss(session, number: str, **given) -> NotFound:
    with pytest.raises(NotFound) as miss:
        views.public_tracking(session, number, **given)
    return miss.value


def test_normalising_strips_accents_case_and_joiners():
    assert views.normalise_name("  Ångström-MÜLLER ") == "angstrom muller"
    assert views.normalise_name("O’Brien") == "o brien"
    assert views.normalise_name("STRAßE") == "strasse"
    assert views.last_name_candidates("Zoë Ångström-Müller", 2) == ("angstrom muller", "zoe angstrom")
    assert views.last_name_candidates("Song Xiulan", 1) == ("xiulan", "song")
    assert views.last_name_candidates("Madonna", 1) == ("", "")  # a single name is no last name


def test_the_last_name_finds_the_shipment_whatever_the_accents_and_case(session, world):
    tracked = world.shipments["customer_1"]
    for written in ("Ångström-Müller", "angstrom muller", "ANGSTROM-MULLER", "Angström Müller"):
        found = views.public_tracking(session, tracked.tracking_number, last_name=written)
        assert found.summary.tracking_number == tracked.tracking_number
    page = page_view.public_page(session, tracked.tracking_number, last_name="angström-müller")
    assert page["tracking_number"] == tracked.tracking_number and "vin" not in page
    # Family name first (the Chinese order): the first word is the family name.
    chinese = world.shipments["dealer_a"]
    assert views.public_tracking(session, chinese.tracking_number, last_name="song").summary.id == chinese.id


def test_a_wrong_name_answers_like_an_unknown_number(session, world):
    tracked = world.shipments["customer_1"]
    unknown = _miss(session, "AP999999999999", last_name="Ångström-Müller")
    for wrong in ("Mueller", "Angstrom", "Zoe Angstrom Muller", "Smith", "ngstrom muller", "\x00" * 24):
        miss = _miss(session, tracked.tracking_number, last_name=wrong)
        assert (miss.code, miss.field, miss.params) == (unknown.code, unknown.field, unknown.params)
    assert unknown.code == views.TRACKING_MISS
    # Another order's name does not open this one.
    _miss(session, tracked.tracking_number, last_name="Song")
    # The postcode still works, and a wrong one answers the same.
    assert views.public_tracking(session, tracked.tracking_number, tracked.postcode).summary.id == tracked.id
    assert _miss(session, tracked.tracking_number, postcode="999999").code == unknown.code


def test_exactly_one_of_postcode_and_last_name(session, world):
    tracked = world.shipments["customer_1"]
    for given in ({}, {"postcode": tracked.postcode, "last_name": "Ångström-Müller"}):
        with pytest.raises(ValidationFailed) as bad:
            views.public_tracking(session, tracked.tracking_number, **given)
        assert (bad.value.code, bad.value.field) == ("tracking.postcode_or_last_name", "postcode")
    for name in (" - ", "x" * 101):
        with pytest.raises(ValidationFailed) as bad:
            views.public_tracking(session, tracked.tracking_number, last_name=name)
        assert (bad.value.code, bad.value.field) == ("tracking.last_name_invalid", "last_name")
