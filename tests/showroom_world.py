"""A small showroom world for tests: one store in Munich (Europe/Berlin), one trim, demo cars and
salespeople, with the test-drive settings a test asks for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from models import Location, Organisation, Role, Trim, User, VehicleModel
from models.showroom import DemoCar, Salesperson, ShowroomStore
from services.identity.auth import Principal, principal_for
from tests.factories import list_in_market

WEEK = {day: ["09:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")} | {
    "sat": ["10:00", "16:00"],
    "sun": [],
}


@dataclass
class ShowroomWorld:
    store_id: int
    trim_code: str
    trim_id: int
    car_ids: list[int]
    salesperson_ids: list[int]
    dealer: Principal


def make_world(
    session: Session,
    *,
    cars: int = 1,
    salespeople: int = 1,
    hours: dict | None = None,
    zone: str = "Europe/Berlin",
    slot_minutes: int = 30,
    drive_minutes: int = 60,
    buffer_minutes: int = 30,
    closures: list | None = None,
    cutoff_hours: int = 2,
    energy: int = 90,
    valid_until: date = date(2099, 1, 1),
) -> ShowroomWorld:
    org = Organisation(
        slug="dealer-test", name="Autohaus Test", kind="dealer", country="DE", currency="EUR", time_zone=zone
    )
    model = VehicleModel(code="AURA", name="Aura", body="sedan", image="vehicles/AURA.svg")
    session.add_all([org, model])
    session.flush()
    trim = Trim(
        code="TR-AURA-LR",
        model_id=model.id,
        name="Aura Long Range",
        powertrain="bev",
        range_km=600,
        power_kw=250,
        price=Decimal("300000.00"),
        currency="CNY",
        image="vehicles/AURA.svg",
    )
    store = Location(
        code="ST-TEST",
        organisation_id=org.id,
        kind="store",
        name="Test Store München",
        address="Landsberger Straße 290",
        city="Munich",
        country="DE",
        latitude=48.142,
        longitude=11.502,
        time_zone=zone,
        opening_hours=json.dumps(hours or WEEK),
    )
    session.add_all([trim, store])
    session.flush()
    list_in_market(session, trim, country="DE")
    session.add(
        ShowroomStore(
            location_id=store.id,
            slot_minutes=slot_minutes,
            drive_minutes=drive_minutes,
            buffer_minutes=buffer_minutes,
            closures=closures or [],
            cutoff_hours=cutoff_hours,
            min_energy_percent=40,
        )
    )
    demo_cars = [
        DemoCar(
            location_id=store.id,
            trim_id=trim.id,
            vin=f"LQYTEST0000000{n:03d}",
            plate=f"M-Q {n}",
            plate_valid_until=valid_until,
            insurance_valid_until=valid_until,
            odometer_km=1000,
            energy_percent=energy,
        )
        for n in range(cars)
    ]
    people = [
        Salesperson(location_id=store.id, full_name=f"Seller {n}", working_hours=hours or WEEK)
        for n in range(salespeople)
    ]
    user = User(
        email="dealer@test.test",
        email_normalized="dealer@test.test",
        full_name="Dana Dealer",
        password_hash="x",
        role=Role.DEALER,
        organisation_id=org.id,
    )
    session.add_all([*demo_cars, *people, user])
    session.commit()
    return ShowroomWorld(
        store.id,
        trim.code,
        trim.id,
        [car.id for car in demo_cars],
        [person.id for person in people],
        principal_for(user, org),
    )


def visitor(n: int = 0, licence_expires_on: str = "2035-01-01") -> dict:
    return {
        "visitor_name": f"Visitor {n}",
        "phone": "+49 89 1234567",
        "email": f"visitor{n}@example.com",
        "licence_number": f"B072RRE2I{n:02d}",
        "licence_expires_on": licence_expires_on,
    }


def add_store(session: Session, world: ShowroomWorld) -> int:
    """Another store of the same dealer, in Hamburg (same zone), with a car and a salesperson."""
    munich = session.get(Location, world.store_id)
    store = Location(
        code="ST-TEST-HH",
        organisation_id=munich.organisation_id,
        kind="store",
        name="Test Store Hamburg",
        address="Spaldingstraße 1",
        city="Hamburg",
        country="DE",
        latitude=53.55,
        longitude=10.02,
        time_zone="Europe/Berlin",
        opening_hours=json.dumps(WEEK),
    )
    session.add(store)
    session.flush()
    session.add_all(
        [
            ShowroomStore(location_id=store.id, slot_minutes=30, drive_minutes=60, buffer_minutes=30),
            DemoCar(
                location_id=store.id,
                trim_id=world.trim_id,
                vin="LQYTESTHH00000001",
                plate="HH-Q 1",
                plate_valid_until=date(2099, 1, 1),
                insurance_valid_until=date(2099, 1, 1),
                odometer_km=500,
                energy_percent=90,
            ),
            Salesperson(location_id=store.id, full_name="Hanna Seller", working_hours=WEEK),
        ]
    )
    session.commit()
    return store.id
