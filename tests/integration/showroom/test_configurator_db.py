"""The configurator's tables through the migration on both databases: options load, a quote
prices from them, and the database refuses a negative price and a duplicate pack code."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models import OptionPack, Trim, TrimColour, VehicleModel
from models.db import get_engine
from services.platform.errors import NotFound, ValidationFailed
from services.showroom.configurator import load_options, quote


def _trim(session: Session) -> int:
    model = VehicleModel(code="tai", name="Taishan", body="suv", image="cars/tai.png")
    session.add(model)
    session.flush()
    trim = Trim(
        code="taishan-20td",
        model_id=model.id,
        name="Taishan 2.0 TD 4x4",
        powertrain="ice",
        power_kw=165,
        price=Decimal("245000.00"),
        currency="CNY",
        image="cars/tai.png",
    )
    session.add(trim)
    session.flush()
    session.add_all(
        [
            TrimColour(
                trim_id=trim.id, key="obsidian", label="Obsidian", hex="#111318", price=Decimal("4500")
            ),
            TrimColour(
                trim_id=trim.id, key="white", label="White", hex="#f4f4f0", price=Decimal("0"), position=-1
            ),
            OptionPack(
                trim_id=trim.id, code="tow", name="Tow bar", price=Decimal("6800"), requires_trims=["x"]
            ),
            OptionPack(trim_id=trim.id, code="winter", name="Winter pack", price=Decimal("3200.50")),
        ]
    )
    session.commit()
    return trim.id


def test_options_load_in_order_and_price(any_db_url: str):
    with Session(get_engine()) as session:
        trim_id = _trim(session)
        options = load_options(session, trim_id)
    assert [c.key for c in options.colours] == ["white", "obsidian"]
    assert [p.code for p in options.packs] == ["tow", "winter"]
    assert options.packs[0].requires_trims == ("x",)
    q = quote(options, "obsidian", ["winter"])
    assert (q.total, q.currency) == (Decimal("252700.50"), "CNY")
    with pytest.raises(ValidationFailed) as failed:
        quote(options, "obsidian", ["tow"])
    assert failed.value.params["pack"] == "Tow bar"


def test_unknown_trim_is_not_found(any_db_url: str):
    with Session(get_engine()) as session, pytest.raises(NotFound) as missing:
        load_options(session, 999_999)
    assert missing.value.field == "trim_id"


def test_the_database_refuses_bad_rows(any_db_url: str):
    with Session(get_engine()) as session:
        trim_id = _trim(session)
        session.add(OptionPack(trim_id=trim_id, code="tow", name="Again", price=Decimal("1")))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        session.add(TrimColour(trim_id=trim_id, key="neg", label="Neg", hex="#000000", price=Decimal("-1")))
        with pytest.raises(IntegrityError):
            session.commit()
