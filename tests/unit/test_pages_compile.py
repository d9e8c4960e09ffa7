"""Every page of the portal builds its component tree, with every message it names present in
both languages; the navigation offers each role only pages that role may enter."""

from __future__ import annotations

import re

import pytest
import reflex as rx

from models import Role
from portal.components.frame import PAGES, SECTIONS
from portal.components.ui import t
from services.identity.access import AREA_ROLES, HOME_BY_ROLE, may_enter
from services.identity.auth import Principal


def test_every_registered_page_builds_its_component() -> None:
    import portal.portal  # noqa: F401  (declares every page)

    routes = [spec.route for spec in PAGES]
    assert len(routes) == len(set(routes)), "a route is declared twice"
    assert set(HOME_BY_ROLE.values()) <= set(routes), "a role's home has no page"
    for spec in PAGES:
        assert isinstance(spec.render(), rx.Component), spec.route


def test_a_page_naming_an_unknown_message_fails_to_build() -> None:
    with pytest.raises(LookupError, match="no.such.message"):
        t("no.such.message")


def _principal(role: str) -> Principal:
    return Principal(
        user_id=1,
        email="x@example.test",
        full_name="X",
        role=role,
        organisation_id=1,
        organisation_name="Org",
        organisation_kind="oem",
        language="en",
        time_zone="UTC",
    )


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_roles_sidebar_links_only_to_pages_it_may_enter(role: str) -> None:
    sections = SECTIONS[role]
    assert sections, role
    for label_key, route, _icon in sections:
        assert may_enter(_principal(role), route), (role, route)
        assert route.strip("/").split("/")[0] in AREA_ROLES
        t(label_key)  # the label exists


# --- The supplier workspace (portal/pages/supply/purchasing.py, quality.py, scorecards.py, inventory_sync.py)
# ---


@pytest.mark.parametrize(("prefix", "role"), [("SUPPLIER_", "supplier"), ("MANAGER_", "manager")])
def test_supplier_workspace_pages_are_registered_and_open_only_to_their_side(prefix: str, role: str) -> None:
    import portal.portal  # noqa: F401  (declares every page)
    from state.shared import routes

    registered = {spec.route for spec in PAGES}
    declared = [
        value for name, value in vars(routes).items() if name.startswith(prefix) and isinstance(value, str)
    ]
    assert len(declared) >= 7, declared
    for route in declared:
        assert route in registered, route
        path = re.sub(r"\[\w+\]", "7", route)  # a dynamic segment, e.g. /manager/suppliers/7
        for other in Role:
            assert may_enter(_principal(other.value), path) == (other.value == role), (other, path)


_EVENTS = {
    "issued": {"lines": 2},
    "line_acknowledged": {"line_no": 1, "promised_date": "2026-03-10"},
    "line_rejected": {"line_no": 2, "reason": "part discontinued"},
    "line_proposed": {"line_no": 1, "quantity": 80, "promised_date": "2026-03-12", "note": "tooling"},
    "proposal_accepted": {"line_no": 1, "quantity": 80, "promised_date": None, "reason": ""},
    "asn_created": {
        "number": "ASN-000045",
        "carrier": "DHL",
        "tracking_number": "JD1",
        "lines": [{"line_no": 1, "quantity": 30, "lot_number": "L-7"}],
    },
    "goods_received": {"number": "GR-000067", "accepted": 27, "rejected": 3},
    "status_changed": {"short_quantity": 10},
}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_order_timeline_entries_read_as_words_in_both_languages(language: str) -> None:
    from services.i18n import translate
    from state.supply.purchase_order import timeline_detail

    def say(key: str, **params: object) -> str:
        return translate(key, language, **params)

    texts = {kind: timeline_detail(kind, details, say, language) for kind, details in _EVENTS.items()}
    assert all("{" not in text for text in texts.values()), texts
    assert "part discontinued" in texts["line_rejected"]
    assert "L-7" in texts["asn_created"] and "ASN-000045" in texts["asn_created"]
    assert "27" in texts["goods_received"] and "3" in texts["goods_received"]
    assert "80" in texts["line_proposed"] and "tooling" in texts["line_proposed"]
    assert timeline_detail("line_acknowledged", {}, say, language)  # missing details never break the page
    assert translate(f"purchase.event.{'asn_created'}", language) != "purchase.event.asn_created"


_ITEMS = {
    "on_time": {
        "purchase_order_id": 5,
        "purchase_order_number": "PO-000005",
        "line_no": 1,
        "sku": "A-1",
        "due_date": "2026-03-10",
        "received_complete_on": "2026-03-12",
        "on_time": False,
        "days_late": 2,
        "quantity": 100,
        "accepted_quantity": 100,
        "shortfall": 0,
    },
    "quality": {
        "purchase_order_id": 5,
        "purchase_order_number": "PO-000005",
        "receipt_number": "GR-000009",
        "received_on": "2026-03-09",
        "sku": "A-1",
        "lot_number": "L-1",
        "accepted_quantity": 399,
        "rejected_quantity": 1,
        "reject_reason": "burr",
        "incident_id": 4,
    },
    "response": {
        "incident_id": 4,
        "number": "QI-000004",
        "sku": "A-1",
        "lot_number": "L-1",
        "opened_at": "Mar 9",
        "acknowledged_at": "",
        "response_hours": "1.50",
        "still_waiting": True,
        "status": "open",
    },
    "cost": {
        "purchase_order_id": 5,
        "purchase_order_number": "PO-000005",
        "line_no": 1,
        "issued_at": "Mar 1",
        "sku": "A-1",
        "quantity": 100,
        "unit_price": "10.50",
        "list_price": "10.00",
        "currency": "CNY",
        "price_index": "1.0500",
        "excess": "50.00",
    },
}


@pytest.mark.parametrize("criterion", ["on_time", "fill_rate", "quality", "response", "cost"])
@pytest.mark.parametrize("role", ["supplier", "manager"])
def test_each_criterion_explanation_has_a_cell_per_column_linking_to_the_viewers_own_pages(
    criterion: str, role: str
) -> None:
    from services.i18n import KEYS, translate
    from state.supply.scorecards import explanation_table

    item = (
        {**_ITEMS["on_time"], "accepted_quantity": 80, "shortfall": 20}
        if criterion == "fill_rate"
        else _ITEMS[criterion]
    )
    say = lambda key, **params: translate(key, "en", **params)  # noqa: E731
    columns, rows = explanation_table(criterion, [item], role, say, "en")
    assert all(column in KEYS for column in columns)
    (row,) = rows
    assert len(row["cells"]) == len(columns) == len(row["links"])
    assert row["links"][0].startswith(f"/{role}/")
    assert row["bad"] is True  # late, rejected, still waiting, paid above list: each marked
    if criterion == "quality":
        assert row["links"][-1] == f"/{role}/incidents/4" and row["cells"][-1] == "QI-000004"


def test_plain_keeps_state_data_serialisable() -> None:
    import json
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from state.supply.view import plain

    value = plain(
        {
            "a": Decimal("1.50"),
            "b": [date(2026, 3, 1), datetime(2026, 3, 1, 2, tzinfo=UTC)],
            "c": None,
            1: (True, 3),
        }
    )
    assert json.loads(json.dumps(value)) == {
        "a": "1.50",
        "b": ["2026-03-01", "2026-03-01T02:00:00+00:00"],
        "c": None,
        "1": [True, 3],
    }
