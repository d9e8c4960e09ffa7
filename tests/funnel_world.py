"""A small dealer network for the managers' funnel: the showroom world's Munich store (Europe/Berlin),
a Shanghai store of another dealer (Asia/Shanghai, ahead of UTC), and a quiet store with no activity,
with views, drives in every status and an order placed from one drive, around the week of 2026-03-16."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session

from models import Location, Organisation, SalesOrder, User
from models.showroom import DemoCar, Salesperson, TestDrive
from services.identity.auth import Principal, principal_for
from services.showroom import funnel
from tests.factories import make_org, make_trim, make_user, make_vehicle_model
from tests.showroom_world import ShowroomWorld, make_world

# Today for these tests: a Friday; the last 4 weeks are 2026-02-23 .. 2026-03-22.
TODAY = date(2026, 3, 20)
_keys = itertools.count(1)


@dataclass
class Network:
    munich: ShowroomWorld
    shanghai_id: int
    quiet_id: int
    other_trim_id: int
    other_trim_code: str
    manager: Principal
    manager_email: str


def _store(session: Session, org: Organisation, code: str, name: str, zone: str) -> Location:
    store = Location(
        code=code,
        organisation_id=org.id,
        kind="store",
        name=name,
        address="1 Test Road",
        city=name.split()[0],
        country="CN",
        latitude=31.2,
        longitude=121.5,
        time_zone=zone,
    )
    session.add(store)
    session.flush()
    return store


def drive(session: Session, location_id: int, trim_id: int, starts_at: datetime, status: str) -> TestDrive:
    """A drive at `location_id` (its first car and salesperson), written as is: the funnel counts rows."""
    car = session.query(DemoCar).filter(DemoCar.location_id == location_id).first()
    person = session.query(Salesperson).filter(Salesperson.location_id == location_id).first()
    row = TestDrive(
        location_id=location_id,
        trim_id=trim_id,
        car_id=car.id,
        salesperson_id=person.id,
        starts_at=starts_at,
        drive_ends_at=starts_at + timedelta(hours=1),
        ends_at=starts_at + timedelta(minutes=90),
        status=status,
        visitor_name="Visitor",
        visitor_phone="+86 21 1234567",
        visitor_email=f"visitor{next(_keys)}@example.com",
        licence_number="L1",
        licence_expires_on=date(2035, 1, 1),
    )
    session.add(row)
    session.flush()
    return row


def order_from(session: Session, test_drive: TestDrive, buyer: User) -> None:
    """A customer vehicle order placed from `test_drive` (what the funnel counts as an order)."""
    n = next(_keys)
    session.add(
        SalesOrder(
            number=f"SO-F{n:05d}",
            kind="customer_vehicle",
            buyer_organisation_id=buyer.organisation_id,
            buyer_user_id=buyer.id,
            buyer_location_id=test_drive.location_id,
            seller_organisation_id=buyer.organisation_id,
            source_location_id=test_drive.location_id,
            status="paid",
            currency="CNY",
            total=Decimal("300000.00"),
            deposit=Decimal("5000.00"),
            test_drive_id=test_drive.id,
            idempotency_key=f"funnel-{n}",
            request_fingerprint="f" * 64,
            hold_expires_at=test_drive.starts_at + timedelta(hours=2),
        )
    )
    session.flush()


def make_network(session: Session) -> Network:
    munich = make_world(session, zone="Europe/Berlin")
    shanghai_org = make_org(session, "dealer", name="Shanghai Motors")
    quiet_org = make_org(session, "dealer", name="Quiet Cars")
    oem = make_org(session, "oem", name="Carmaker")
    shanghai = _store(session, shanghai_org, "ST-SH", "Shanghai Pudong", "Asia/Shanghai")
    quiet = _store(session, quiet_org, "ST-QUIET", "Quiet Hangzhou", "Asia/Shanghai")
    other = make_trim(session, make_vehicle_model(session), code="TR-OTHER", name="Other Trim")
    session.add_all(
        [
            DemoCar(
                location_id=shanghai.id,
                trim_id=munich.trim_id,
                vin="LQYTESTSH00000001",
                plate="沪A 1",
                plate_valid_until=date(2099, 1, 1),
                insurance_valid_until=date(2099, 1, 1),
                odometer_km=10,
                energy_percent=90,
            ),
            Salesperson(location_id=shanghai.id, full_name="Li Seller", working_hours={}),
        ]
    )
    session.flush()
    manager_user = make_user(session, "manager", oem)
    buyer = make_user(session, "customer", make_org(session, "consumer"))

    # Munich: views over two weeks for both trims, drives in every status, one order.
    for day, views in ((date(2026, 3, 9), 4), (date(2026, 3, 16), 10), (date(2026, 3, 19), 6)):
        for _ in range(views):
            funnel.record_trim_view(
                session, munich.trim_id, munich.store_id, now=datetime.combine(day, datetime.min.time(), UTC)
            )
    funnel.record_trim_view(session, other.id, munich.store_id, now=datetime(2026, 3, 17, 9, tzinfo=UTC))
    completed = drive(
        session, munich.store_id, munich.trim_id, datetime(2026, 3, 16, 9, tzinfo=UTC), "completed"
    )
    drive(session, munich.store_id, munich.trim_id, datetime(2026, 3, 17, 9, tzinfo=UTC), "checked_in")
    drive(session, munich.store_id, munich.trim_id, datetime(2026, 3, 18, 9, tzinfo=UTC), "no_show")
    drive(session, munich.store_id, other.id, datetime(2026, 3, 19, 9, tzinfo=UTC), "cancelled")
    drive(
        session, munich.store_id, munich.trim_id, datetime(2026, 1, 5, 9, tzinfo=UTC), "completed"
    )  # long ago
    order_from(session, completed, buyer)

    # Shanghai: Monday 2026-03-23 07:30 local is still Sunday 23:30 UTC: next week, outside 4 weeks.
    drive(session, shanghai.id, munich.trim_id, datetime(2026, 3, 22, 23, 30, tzinfo=UTC), "booked")
    # Sunday 2026-02-22 23:30 UTC is Monday 02-23 in Shanghai: the first day of the 4 weeks.
    early = drive(
        session, shanghai.id, munich.trim_id, datetime(2026, 2, 22, 23, 30, tzinfo=UTC), "completed"
    )
    order_from(session, early, buyer)
    for _ in range(3):
        funnel.record_trim_view(
            session, munich.trim_id, shanghai.id, now=datetime(2026, 2, 22, 23, 0, tzinfo=UTC)
        )
    funnel.record_trim_view(session, munich.trim_id, None, now=datetime(2026, 3, 18, tzinfo=UTC))  # no dealer
    session.commit()
    return Network(
        munich=munich,
        shanghai_id=shanghai.id,
        quiet_id=quiet.id,
        other_trim_id=other.id,
        other_trim_code=other.code,
        manager=principal_for(manager_user, oem),
        manager_email=manager_user.email,
    )
