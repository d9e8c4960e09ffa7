"""The KPI API on PostgreSQL: the hand-checked month's tiles, their rows paged and exported as CSV and
XLSX (the file opens and holds the same rows), targets that colour the tile, FX import all-or-nothing,
and every refusal naming its field."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import Session, func, select

from models import FxRate
from models.db import get_engine
from portal.api import api
from services.analytics import facts
from services.identity.auth import Principal, login
from tests.analytics_world import EXPECTED, KpiWorld, build_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.postgres

MARCH = {"period": "month", "day": "2026-03-10"}


@pytest.fixture
def client(pg_url: str) -> TestClient:
    return TestClient(api)


@pytest.fixture
def world(pg_url: str) -> KpiWorld:
    with Session(get_engine(), expire_on_commit=False) as session:
        built = build_world(session)
        facts.rebuild(session)
        session.commit()
    return built


def bearer(principal: Principal) -> dict[str, str]:
    with Session(get_engine()) as session:
        token, _ = login(session, email=principal.email, password=PASSWORD)
        session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_managers_tiles_are_the_hand_computed_month_and_a_target_colours_them(client, world):
    headers = bearer(world.manager)
    answer = client.get("/api/v1/kpis/tiles", params=MARCH, headers=headers)
    assert answer.status_code == 200
    tiles = {tile["key"]: tile for tile in answer.json()["tiles"]}
    assert {key: tile["value"] for key, tile in tiles.items()} == EXPECTED
    assert answer.json()["filter"] == {"period": "month", "day": "2026-03-01"}

    put = client.put("/api/v1/kpis/targets/fill_rate", json={"target": 95}, params=MARCH, headers=headers)
    assert put.status_code == 200, put.text
    again = {
        t["key"]: t for t in client.get("/api/v1/kpis/tiles", params=MARCH, headers=headers).json()["tiles"]
    }
    assert (again["fill_rate"]["target"], again["fill_rate"]["on_target"]) == ("95.0000", False)
    bad = client.put("/api/v1/kpis/targets/fill_rate", json={"target": "lots"}, params=MARCH, headers=headers)
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "target")


def test_rows_are_paged_and_the_xlsx_and_csv_exports_hold_the_same_rows(client, world):
    headers = bearer(world.manager)
    first = client.get("/api/v1/kpis/rows/lines", params=MARCH | {"page_size": 2}, headers=headers).json()
    assert (first["total"], len(first["rows"])) == (6, 2)  # o1 has two lines; o4, o5, o8, o9 one each
    everything = client.get(
        "/api/v1/kpis/rows/lines", params=MARCH | {"page_size": 200}, headers=headers
    ).json()
    xlsx = client.get("/api/v1/kpis/export/lines.xlsx", params=MARCH, headers=headers)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == everything["columns"]
    assert [row[0] for row in values[1:]] == [row["order_number"] for row in everything["rows"]]
    total_column = everything["columns"].index("value_reporting")
    assert sum(Decimal(str(row[total_column])) for row in values[1:]) == sum(
        Decimal(row["value_reporting"]) for row in everything["rows"]
    )
    text = client.get("/api/v1/kpis/export/lines.csv", params=MARCH, headers=headers).content.decode(
        "utf-8-sig"
    )
    assert len(list(csv.reader(io.StringIO(text)))) == 7


def test_a_dealer_gets_its_own_stores_and_a_supplier_is_refused(client, world):
    dealer = bearer(world.dealer_b_user)
    tiles = {
        t["key"]: t for t in client.get("/api/v1/kpis/tiles", params=MARCH, headers=dealer).json()["tiles"]
    }
    assert tiles["gmv"]["value"] == "1043.31"
    text = client.get("/api/v1/kpis/export/orders.csv", params=MARCH, headers=dealer).content.decode(
        "utf-8-sig"
    )
    dealers = {row["dealer_organisation_id"] for row in csv.DictReader(io.StringIO(text))}
    assert dealers == {str(world.dealer_b.id)}
    other = client.get("/api/v1/kpis/tiles", params=MARCH | {"dealer": world.dealer_a.id}, headers=dealer)
    assert (other.status_code, other.json()["error"]["field"]) == (403, "dealer")
    supplier = client.get("/api/v1/kpis/tiles", params=MARCH, headers=bearer(world.supplier_user))
    assert supplier.status_code == 403
    assert client.put("/api/v1/kpis/targets/gmv", json={"target": 1}, headers=dealer).status_code == 403


def test_a_bad_filter_is_refused_naming_the_parameter(client, world):
    headers = bearer(world.manager)
    answer = client.get("/api/v1/kpis/tiles", params={"period": "fortnight"}, headers=headers)
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "period")
    reversed_range = client.get(
        "/api/v1/kpis/rows/orders",
        params={"period": "custom", "from": "2026-03-10", "to": "2026-03-01"},
        headers=headers,
    )
    assert (reversed_range.status_code, reversed_range.json()["error"]["field"]) == (422, "to")
    unknown = client.get("/api/v1/kpis/rows/invoices", params=MARCH, headers=headers)
    assert (unknown.status_code, unknown.json()["error"]["field"]) == (422, "kind")


def test_an_fx_file_with_a_bad_row_names_it_and_stores_nothing(client, world):
    headers = bearer(world.manager)
    with Session(get_engine()) as session:
        before = session.exec(select(func.count()).select_from(FxRate)).one()
    bad = "day,currency,rate\n2026-03-04,EUR,7.95\n2026-03-05,USD,-1\n"
    answer = client.post("/api/v1/kpis/fx-rates", json={"csv": bad}, headers=headers)
    assert (answer.status_code, answer.json()["error"]["field"]) == (422, "rows[3].rate")
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(FxRate)).one() == before
    good = client.post("/api/v1/kpis/fx-rates", json={"csv": bad.replace("-1", "7.21")}, headers=headers)
    assert good.json() == {
        "imported": 2,
        "currencies": ["EUR", "USD"],
        "first_day": "2026-03-04",
        "last_day": "2026-03-05",
    }
