"""The demo data generator: deterministic, complete, consistent, once, all or nothing."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ElementTree
from collections import Counter
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models import (
    Location,
    Organisation,
    OutboxMessage,
    Part,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    StockLevel,
    SupplierScorecard,
    Trim,
    User,
    VehicleModel,
)
from models.db import engine_for
from models.migrate import upgrade
from models.settings import PROJECT_ROOT
from services.i18n.names import category_label, city_label, localized_name, unit_label
from services.identity.auth import login
from services.ordering.views import load_order_view
from services.platform import outbox
from services.seed import DEMO_PASSWORD, seed
from services.seed.__main__ import main as seed_cli
from services.supply import scorecards
from tests.conftest import configure

DEMO_LOGINS = {
    "admin@demo.test": ("admin", "oem"),
    "manager@demo.test": ("manager", "oem"),
    "supplier@demo.test": ("supplier", "supplier"),
    "dealer@demo.test": ("dealer", "dealer"),
    "customer@demo.test": ("customer", "consumer"),
}


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every seeded row by natural keys (no ids, timestamps or password hashes), sorted."""
    supplier = aliased(Organisation)
    with Session(engine_for(url)) as session:

        def rows(statement) -> list[tuple]:
            return sorted(tuple(row) for row in session.execute(statement).all())

        return {
            "organisations": rows(
                select(
                    Organisation.slug,
                    Organisation.name,
                    Organisation.kind,
                    Organisation.country,
                    Organisation.currency,
                    Organisation.time_zone,
                )
            ),
            "parts": rows(
                select(
                    Part.sku,
                    Part.name,
                    Part.category,
                    Part.unit,
                    Part.list_price,
                    Part.currency,
                    supplier.slug,
                ).join(supplier, supplier.id == Part.supplier_id)
            ),
            "models": rows(
                select(
                    VehicleModel.code,
                    VehicleModel.name,
                    VehicleModel.body,
                    VehicleModel.description,
                    VehicleModel.image,
                )
            ),
            "trims": rows(
                select(
                    Trim.code,
                    VehicleModel.code,
                    Trim.name,
                    Trim.powertrain,
                    Trim.range_km,
                    Trim.consumption_l_per_100km,
                    Trim.power_kw,
                    Trim.price,
                    Trim.currency,
                    Trim.image,
                ).join(VehicleModel, VehicleModel.id == Trim.model_id)
            ),
            "locations": rows(
                select(
                    Location.code,
                    Organisation.slug,
                    Location.kind,
                    Location.name,
                    Location.address,
                    Location.city,
                    Location.country,
                    Location.latitude,
                    Location.longitude,
                    Location.time_zone,
                    Location.opening_hours,
                ).join(Organisation, Organisation.id == Location.organisation_id)
            ),
            "stock": rows(
                select(
                    Location.code,
                    func.coalesce(Part.sku, ""),
                    func.coalesce(Trim.code, ""),
                    StockLevel.on_hand,
                    StockLevel.reserved,
                )
                .join(Location, Location.id == StockLevel.location_id)
                .outerjoin(Part, Part.id == StockLevel.part_id)
                .outerjoin(Trim, Trim.id == StockLevel.trim_id)
            ),
            "users": rows(
                select(
                    User.email,
                    User.email_normalized,
                    User.full_name,
                    User.role,
                    Organisation.slug,
                    User.language,
                    func.coalesce(User.time_zone, ""),
                    User.is_active,
                ).join(Organisation, Organisation.id == User.organisation_id)
            ),
            "purchase_order_lines": rows(
                select(
                    Organisation.slug,
                    PurchaseOrder.issued_at,
                    PurchaseOrderLine.line_no,
                    Part.sku,
                    PurchaseOrder.status,
                    PurchaseOrderLine.status,
                    PurchaseOrderLine.quantity,
                    PurchaseOrderLine.unit_price,
                    PurchaseOrderLine.shipped_quantity,
                    PurchaseOrderLine.accepted_quantity,
                    PurchaseOrderLine.rejected_quantity,
                )
                .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
                .join(Organisation, Organisation.id == PurchaseOrder.supplier_id)
                .join(Part, Part.id == PurchaseOrderLine.part_id)
            ),
        }


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """One migrated SQLite file seeded at demo scale, shared read-only by this module's tests."""
    path = tmp_path_factory.mktemp("seeded") / "portal.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    counts = seed(engine_for(url), "demo")
    engine_for(url).dispose()  # closes the file so it can be copied whole
    return path, counts


@pytest.fixture
def seeded_url(seeded_template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A private copy of the demo-seeded database, configured as DATABASE_URL."""
    path = tmp_path / "seeded.db"
    shutil.copy(seeded_template[0], path)
    url = f"sqlite:///{path}"
    configure(monkeypatch, database_url=url)
    return url


def test_the_same_seed_gives_identical_data_on_two_fresh_databases(sqlite_url, tmp_path, capsys):
    assert seed_cli(["--scale", "demo", "--database-url", sqlite_url]) == 0
    assert "seeded demo" in capsys.readouterr().out
    second = f"sqlite:///{tmp_path / 'second.db'}"
    upgrade(second)
    seed(engine_for(second), "demo")

    first_rows, second_rows = snapshot(sqlite_url), snapshot(second)
    assert len(first_rows["parts"]) == 2000 and len(first_rows["stock"]) > 10_000
    assert len(first_rows["purchase_order_lines"]) > 40 * 12
    for table, rows in first_rows.items():
        assert rows == second_rows[table], f"{table} differ between two runs of the same seed"


def test_demo_scale_makes_what_the_spec_promises(seeded_url, seeded_template):
    with Session(engine_for(seeded_url)) as session:
        kinds = Counter(session.exec(select(Organisation.kind)).all())
        locations = Counter(session.exec(select(Location.kind)).all())
        oem = session.exec(select(Organisation).where(Organisation.slug == "oem")).one()
        warehouses = session.exec(select(Location).where(Location.kind == "warehouse")).all()
        parts = session.exec(
            select(
                func.count(), func.count(func.distinct(Part.sku)), func.count(func.distinct(Part.category))
            )
        ).one()
        trims_per_model = session.exec(select(Trim.model_id, func.count()).group_by(Trim.model_id)).all()
        stores = session.exec(select(Location).where(Location.kind == "store")).all()

    assert kinds == {"oem": 1, "supplier": 40, "dealer": 15, "consumer": 1}
    assert (oem.country, oem.currency, oem.time_zone) == ("CN", "CNY", "Asia/Shanghai")
    assert parts[0] == 2000 and parts[1] == 2000 and parts[2] >= 20
    assert len(trims_per_model) == 5 and sum(n for _, n in trims_per_model) == 12
    assert locations == {"warehouse": 3, "store": 15, "plant": 40}
    assert {w.organisation_id for w in warehouses} == {oem.id}
    assert len({s.country for s in stores}) >= 5 and len({s.time_zone for s in stores}) >= 4
    assert sum(1 for s in stores if s.country == "CN") >= 3
    assert seeded_template[1] | {"already_seeded": False} == seeded_template[1]
    assert {k: seeded_template[1][k] for k in ("suppliers", "parts", "trims", "dealers", "warehouses")} == {
        "suppliers": 40,
        "parts": 2000,
        "trims": 12,
        "dealers": 15,
        "warehouses": 3,
    }


def test_demo_scale_comes_with_a_year_of_purchase_orders_and_scores_for_every_supplier(
    seeded_url, seeded_template
):
    history = seeded_template[1]["supply_history"]
    with Session(engine_for(seeded_url)) as session:
        orders = session.exec(select(func.count()).select_from(PurchaseOrder)).one()
        ordering_suppliers = session.exec(select(func.count(func.distinct(PurchaseOrder.supplier_id)))).one()
        latest = session.exec(select(func.max(SupplierScorecard.period))).one()
        scored = session.exec(
            select(SupplierScorecard.supplier_id, SupplierScorecard.score, SupplierScorecard.standing).where(
                SupplierScorecard.period_kind == "rolling12", SupplierScorecard.period == latest
            )
        ).all()

    assert history["already_seeded"] is False
    assert history["purchase_order"] == orders > 40 * 12
    assert history["scorecards"] == 40 * 12 * 2  # 12 months, monthly and rolling-12 rows
    assert ordering_suppliers == 40
    assert len(scored) == 40 and all(score is not None for _, score, _ in scored)
    assert len({standing for _, _, standing in scored}) >= 3, "the standings spread out"


@pytest.mark.parametrize("email", sorted(DEMO_LOGINS))
def test_each_demo_login_logs_in_with_the_demo_password(seeded_url, email):
    role, organisation_kind = DEMO_LOGINS[email]
    with Session(engine_for(seeded_url)) as session:
        token, principal = login(session, email=email, password=DEMO_PASSWORD)
        stores = session.exec(
            select(Location.city).where(
                Location.organisation_id == principal.organisation_id, Location.kind == "store"
            )
        ).all()
    assert token
    assert principal.role == role and principal.organisation_kind == organisation_kind
    assert principal.language == "en"
    if role == "dealer":
        assert stores == ["Shanghai"]


def test_seeding_again_says_already_seeded_and_changes_nothing(seeded_url, capsys):
    before = snapshot(seeded_url)
    assert seed_cli(["--database-url", seeded_url]) == 0
    assert "already seeded" in capsys.readouterr().out
    assert seed(engine_for(seeded_url), "demo") == {"already_seeded": True}
    assert snapshot(seeded_url) == before
    with Session(engine_for(seeded_url)) as session:
        # The first seeding's notices (the summary to refresh, the scorecards it computed), once each.
        topics = session.exec(select(OutboxMessage.topic).order_by(OutboxMessage.topic)).all()
        assert len(topics) == len(set(topics)) == 3  # stock, scorecards, the KPI facts


def test_every_stock_level_respects_its_bounds_and_every_location_is_stocked(seeded_url):
    with Session(engine_for(seeded_url)) as session:
        levels = session.exec(select(StockLevel.on_hand, StockLevel.reserved)).all()
        per_location = session.exec(
            select(
                Location.kind,
                Location.organisation_id,
                func.count(StockLevel.part_id),
                func.count(StockLevel.trim_id),
                func.max(StockLevel.on_hand),
            )
            .join(StockLevel, StockLevel.location_id == Location.id)
            .group_by(Location.id)
        ).all()
        made_by = dict(session.exec(select(Part.supplier_id, func.count()).group_by(Part.supplier_id)).all())
        misplaced_at_plants = session.exec(
            select(func.count())
            .select_from(StockLevel)
            .join(Location, Location.id == StockLevel.location_id)
            .join(Part, Part.id == StockLevel.part_id)
            .where(Location.kind == "plant", Part.supplier_id != Location.organisation_id)
        ).one()
        low_at_warehouses = session.exec(
            select(func.count())
            .select_from(StockLevel)
            .join(Location, Location.id == StockLevel.location_id)
            .where(Location.kind == "warehouse", StockLevel.on_hand - StockLevel.reserved <= 10)
        ).one()

    assert all(0 <= reserved <= on_hand for on_hand, reserved in levels)
    assert len(per_location) == 3 + 15 + 40, "every location holds stock"
    for kind, organisation_id, parts, trims, most in per_location:
        if kind == "warehouse":
            assert (parts, trims) == (2000, 12) and most <= 500
        elif kind == "store":
            assert (parts, trims) == (150, 12)
        else:
            assert (parts, trims) == (made_by[organisation_id], 0)
    assert misplaced_at_plants == 0
    assert 0 < low_at_warehouses < 600, "a few warehouse items are low, not most"


def test_suppliers_price_their_parts_in_their_own_currency(seeded_url):
    with Session(engine_for(seeded_url)) as session:
        suppliers = session.exec(select(Organisation).where(Organisation.kind == "supplier")).all()
        parts = session.exec(
            select(Part.currency, Part.list_price, Organisation.currency, Organisation.country).join(
                Organisation, Organisation.id == Part.supplier_id
            )
        ).all()
        categories = session.exec(
            select(Part.supplier_id, func.count(func.distinct(Part.category))).group_by(Part.supplier_id)
        ).all()

    assert all(part_currency == supplier_currency for part_currency, _, supplier_currency, _ in parts)
    assert all(
        isinstance(price, Decimal) and price > 0 and price == price.quantize(Decimal("0.01"))
        for _, price, _, _ in parts
    )
    expected_currency = {
        "CN": "CNY",
        "DE": "EUR",
        "FR": "EUR",
        "IT": "EUR",
        "JP": "JPY",
        "US": "USD",
        "KR": "KRW",
        "MX": "MXN",
        "CZ": "CZK",
        "PL": "PLN",
        "IN": "INR",
    }
    assert all(expected_currency[s.country] == s.currency for s in suppliers)
    assert len({s.country for s in suppliers}) >= 6
    assert all(ZoneInfo(s.time_zone) for s in suppliers)
    assert len(categories) == 40 and all(2 <= n <= 4 for _, n in categories)


def test_the_vehicle_catalogue_is_consistent_and_every_model_has_its_picture(seeded_url):
    with Session(engine_for(seeded_url)) as session:
        models = session.exec(select(VehicleModel)).all()
        trims = session.exec(select(Trim)).all()

    assert {m.body for m in models} == {"sedan", "suv", "hatchback", "mpv", "pickup"}
    assert len({t.powertrain for t in trims}) == 4
    for trim in trims:
        assert trim.currency == "CNY" and trim.price > 0 and trim.power_kw > 0
        assert (trim.range_km is not None) == (trim.powertrain in ("bev", "phev"))
        assert (trim.consumption_l_per_100km is not None) == (trim.powertrain in ("ice", "hev", "phev"))
    for model in models:
        assert model.description and model.image == f"vehicles/{model.code}.svg"
        picture = ElementTree.parse(PROJECT_ROOT / "assets" / model.image).getroot()
        assert picture.tag == "{http://www.w3.org/2000/svg}svg"
        assert picture.get("viewBox") == "0 0 800 400"
        assert len(list(picture.iter("{http://www.w3.org/2000/svg}circle"))) >= 2, "wheels"


def test_locations_have_real_places_zones_and_opening_hours(seeded_url):
    with Session(engine_for(seeded_url)) as session:
        locations = session.exec(select(Location)).all()

    for location in locations:
        assert ZoneInfo(location.time_zone)
        hours = json.loads(location.opening_hours)
        assert list(hours) == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        assert all(
            len(span) in (0, 2) and all(len(t) == 5 and t[2] == ":" for t in span) for span in hours.values()
        )
        if location.kind == "warehouse":
            assert location.country == "CN" and 18 < location.latitude < 54 and 73 < location.longitude < 135
        if location.kind == "store":
            assert hours["sat"] and hours["sun"], f"{location.name} opens at weekends"
    cities = {loc.city for loc in locations if loc.kind == "warehouse"}
    assert len(cities) == 3


def test_users_cover_every_role_and_company_and_share_one_password_hash(seeded_url):
    with Session(engine_for(seeded_url)) as session:
        users = session.exec(select(User)).all()
        companies = session.exec(
            select(Organisation.id).where(Organisation.kind.in_(("supplier", "dealer")))
        ).all()

    assert {u.email for u in users} >= set(DEMO_LOGINS)
    assert all(u.email_normalized == u.email.lower() and u.is_active for u in users)
    assert len({u.email_normalized for u in users}) == len(users)
    assert {u.organisation_id for u in users} >= set(companies), "every supplier and dealer has a user"
    roles = Counter(u.role for u in users)
    assert roles["manager"] >= 3 and roles["customer"] >= 3 and roles["supplier"] == 40
    assert roles["dealer"] == 15
    assert {u.language for u in users} == {"en", "zh"}
    assert len({u.password_hash for u in users}) == 1, "hashed once, shared by every demo user"


def test_seeding_enqueues_one_stock_changed_message_and_one_scorecards_and_facts_notice(seeded_url):
    with Session(engine_for(seeded_url)) as session:
        messages = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.topic, m.dispatched_at) for m in messages] == [
        (outbox.STOCK_CHANGED, None),
        (scorecards.SCORECARDS_CHANGED, None),
        ("analytics.facts_changed", None),
    ]
    assert messages[0].payload == {"reason": "seed"}


def test_a_seed_that_fails_leaves_nothing_behind(sqlite_url, monkeypatch):
    def broken_enqueue(*_args, **_kwargs):
        raise RuntimeError("broker table unavailable")

    monkeypatch.setattr("services.seed.seeder.outbox.enqueue", broken_enqueue)
    with pytest.raises(RuntimeError):
        seed(engine_for(sqlite_url), "demo")

    with Session(engine_for(sqlite_url)) as session:
        for table in (Organisation, Part, Location, StockLevel, User, Trim, VehicleModel):
            assert session.exec(select(func.count()).select_from(table)).one() == 0, table.__tablename__
    monkeypatch.undo()
    with Session(engine_for(sqlite_url)) as session:  # a caller's session: seed commits it
        assert seed(session, "demo")["parts"] == 2000
    with Session(engine_for(sqlite_url)) as session:
        assert session.exec(select(func.count()).select_from(Part)).one() == 2000


def test_an_unknown_scale_is_refused(sqlite_url, capsys):
    with pytest.raises(ValueError, match="unknown scale"):
        seed(engine_for(sqlite_url), "huge")
    with pytest.raises(SystemExit) as exit_info:
        seed_cli(["--scale", "huge", "--database-url", sqlite_url])
    assert exit_info.value.code == 2 and "invalid choice" in capsys.readouterr().err


@pytest.mark.postgres
def test_postgresql_bulk_copy_gives_the_same_data_as_sqlite(pg_url, seeded_template):
    counts = seed(engine_for(pg_url), "demo")
    assert counts["stock_levels"] == seeded_template[1]["stock_levels"]
    reference, copied = snapshot(f"sqlite:///{seeded_template[0]}"), snapshot(pg_url)
    engine_for(f"sqlite:///{seeded_template[0]}").dispose()
    for table, rows in reference.items():
        assert copied[table] == rows, f"{table} differ between PostgreSQL and SQLite"


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_seeded_name_people_read_has_a_chinese_name(seeded_url):
    with Session(engine_for(seeded_url)) as session:
        named = {
            "organisation": session.exec(select(Organisation.name, Organisation.name_zh)).all(),
            "part": session.exec(select(Part.name, Part.name_zh)).all(),
            "vehicle model": session.exec(select(VehicleModel.name, VehicleModel.name_zh)).all(),
            "trim": session.exec(select(Trim.name, Trim.name_zh)).all(),
            "location": session.exec(select(Location.name, Location.name_zh)).all(),
        }
        categories = session.exec(select(Part.category).distinct()).all()
        units = session.exec(select(Part.unit).distinct()).all()

    for table, rows in named.items():
        missing = [name for name, name_zh in rows if not name_zh or not HAN.search(name_zh)]
        assert not missing, f"{table} without a Chinese name: {missing[:5]}"
    assert (
        localized_name("Retail customers", dict(named["organisation"])["Retail customers"], "zh")
        == "零售客户"
    )
    assert dict(named["part"]).get("Front ceramic brake pad set") in (None, "前陶瓷制动片套装")
    for category in categories:
        assert HAN.search(category_label(category, "zh")), f"category {category!r} has no Chinese name"
        assert category_label(category, "en") == category
    assert all(HAN.search(unit_label(unit, "zh")) for unit in units)
    cities = {city for (city,) in session_cities(seeded_url)}
    assert all(HAN.search(city_label(city, "zh")) for city in cities), cities


def session_cities(url: str) -> list[tuple[str]]:
    with Session(engine_for(url)) as session:
        return [(city,) for city in session.exec(select(Location.city).distinct()).all()]


def test_the_demo_inboxes_hold_what_the_seeded_history_would_have_told(seeded_url, seeded_template):
    """Every demo role with notification kinds finds entries in its bell, each linking to an object
    in its own workspace, the newest unread and anything older than a day read."""
    from datetime import timedelta

    from models import Notification
    from models.types import utcnow

    assert seeded_template[1]["notifications"]["entries"] > 0
    with Session(engine_for(seeded_url)) as session:
        for email, prefixes in (
            ("supplier@demo.test", ("/supplier/",)),
            ("manager@demo.test", ("/manager/", "/shipments/")),  # shipments at risk, seen by the ETA
            ("dealer@demo.test", ("/orders/",)),
        ):
            user = session.exec(select(User).where(User.email_normalized == email)).one()
            entries = session.exec(select(Notification).where(Notification.user_id == user.id)).all()
            assert entries, f"{email} has an empty inbox"
            for entry in entries:
                assert entry.link.startswith(prefixes), (email, entry.link)
                old = entry.created_at < utcnow() - timedelta(days=1, minutes=5)
                assert not old or entry.read_at is not None


def test_every_seeded_order_has_its_captured_payment_and_opens(seeded_url):
    # An order without its payment row was counted in the orders list but left off its page, and
    # its own page failed: the demo dealer saw "4 rows" over an empty table.
    with Session(engine_for(seeded_url)) as session:
        orders = session.exec(select(SalesOrder)).all()
        payments = {payment.order_id: payment for payment in session.exec(select(Payment)).all()}
        assert orders and set(payments) == {order.id for order in orders}
        for order in orders[:: max(1, len(orders) // 40)]:
            view = load_order_view(session, order.id)
            payment = payments[order.id]
            assert view.payment_status == payment.status
            assert view.amount_due == (order.deposit if order.deposit is not None else order.total)
            # the payment's state is the order's: money taken for a paid or allocated order, none yet
            # for one waiting, none kept for a cancelled one
            expected = {
                "paid": {"captured"},
                "allocated": {"captured", "refunded"},
                "pending_payment": {"pending"},
                "cancelled": {"declined", "void"},
            }[order.status]
            assert payment.status in expected, (order.number, order.status, payment.status)
            assert (payment.captured_at is not None) == (payment.status in ("captured", "refunded"))


def test_the_demo_year_of_sales_has_its_seasons_growth_and_outcomes(seeded_template, seeded_url):
    """Twelve months of orders: every month has some; February (the Spring Festival) sells less per
    day than October; the second half of the year outsells the first; each delivered order was
    paid first; nothing waiting for payment or cancelled was shipped."""
    from datetime import timedelta

    from models import Payment, SalesOrder, Shipment, ShipmentEvent
    from models.types import utcnow

    history = seeded_template[1]["sales_history"]
    assert history["orders"] > 7_000 and history["cancelled"] > 0 and history["refunds"] > 0
    now = utcnow()
    with Session(engine_for(seeded_url)) as session:
        placed = [
            created.replace(tzinfo=None)
            for created in session.exec(
                select(SalesOrder.created_at).where(SalesOrder.idempotency_key.like("seed-history-%"))
            ).all()
        ]
        months = Counter((moment.year, moment.month) for moment in placed)
        assert len(months) >= 12
        per_day = {month: count / 28 if month[1] == 2 else count / 31 for month, count in months.items()}
        february = next(v for (year, month), v in per_day.items() if month == 2)
        october = next(v for (year, month), v in per_day.items() if month == 10)
        assert february < 0.85 * october
        half = now.replace(tzinfo=None) - timedelta(days=182)
        assert sum(moment >= half for moment in placed) > 1.1 * sum(moment < half for moment in placed)
        shipped = session.exec(
            select(SalesOrder.status, Payment.captured_at, ShipmentEvent.occurred_at)
            .join(Payment, Payment.order_id == SalesOrder.id)
            .join(Shipment, Shipment.order_id == SalesOrder.id)
            .join(ShipmentEvent, ShipmentEvent.shipment_id == Shipment.id)
            .where(SalesOrder.idempotency_key.like("seed-history-%"))
        ).all()
        assert shipped and {status for status, _, _ in shipped} == {"allocated"}
        assert all(paid is not None and delivered > paid for _, paid, delivered in shipped)


def test_the_demo_year_gives_the_attention_panel_its_collapse(seeded_url):
    """The seed's story: one dealer's orders fell to a fraction last week; the manager's dashboard
    for this month flags it first, with that week's orders behind the flag."""
    from services.analytics.filters import parse_filter
    from services.analytics.tiles import dashboard, today_for
    from services.identity.auth import principal_for

    with Session(engine_for(seeded_url)) as session:
        user = session.exec(select(User).where(User.email_normalized == "manager@demo.test")).one()
        manager = principal_for(user, session.get(Organisation, user.organisation_id))
        result = dashboard(session, manager, parse_filter({"period": "month"}, today=today_for(manager)))
    flags = result["attention"]["flags"]
    assert flags, "the demo's collapse is flagged"
    first = flags[0]
    assert first["metric"] in ("orders", "gmv") and first["direction"] == "low" and first["dealer_id"]
    assert Decimal(first["value"]) < Decimal(first["median"]) / 2
    gmv = next(tile for tile in result["tiles"] if tile["key"] == "gmv")
    assert gmv["previous"] is not None and gmv["last_year"] is not None
