"""Index import, re-pricing, approval and the price purchase orders get, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from models import (
    AuditLog,
    IndexValue,
    Location,
    MarketIndex,
    Organisation,
    OutboxMessage,
    Part,
    PriceAgreement,
    PriceSuggestion,
    PurchaseOrderLine,
    Standing,
    SupplierQuote,
)
from models.db import get_engine
from services.platform.errors import FieldErrors, NotFound, PermissionDenied, ValidationFailed
from services.pricing import agreements, approvals, indices, prices, suggestions
from services.pricing.approvals import SuggestionConflict
from services.pricing.indices import INDEX_VALUES_CHANGED
from tests.factories import make_org, make_part, make_stock
from tests.pricing_world import REVIEW_AT, REVIEW_DAY, build_world

pytestmark = pytest.mark.usefixtures("any_db_url")
IMPORT_AT = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def _session() -> Session:
    return Session(get_engine(), expire_on_commit=False)


def _count(model, *where) -> int:
    with _session() as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def _reprice(on: date = REVIEW_DAY) -> dict:
    with _session() as session:
        return suggestions.reprice_agreements(session, on_date=on, now=REVIEW_AT)


def _open_suggestion(world) -> PriceSuggestion:
    with _session() as session:
        return session.exec(
            select(PriceSuggestion).where(
                PriceSuggestion.agreement_id == world.agreement_id, PriceSuggestion.status == "proposed"
            )
        ).one()


def test_an_index_value_imported_twice_re_prices_once():
    world = build_world()
    csv = b"index,period,value\nCU,2026-05,9100\nHRC,2026-06,530\n"
    with _session() as session:
        first = indices.import_index_csv(session, world.manager, csv, now=IMPORT_AT)
    assert (first["inserted"], first["unchanged"]) == (2, 0)
    assert _count(OutboxMessage, OutboxMessage.topic == INDEX_VALUES_CHANGED) == 1
    assert _reprice(date(2026, 6, 14))["suggested"] == 1

    with _session() as session:
        second = indices.import_index_csv(session, world.manager, csv, now=IMPORT_AT + timedelta(hours=1))
    assert (second["inserted"], second["updated"], second["unchanged"]) == (0, 0, 2)
    assert _count(OutboxMessage, OutboxMessage.topic == INDEX_VALUES_CHANGED) == 1
    assert _reprice(date(2026, 6, 14)) == {"suggested": 0, "unchanged": 1, "skipped": []}
    assert _count(PriceSuggestion) == 1


def test_an_older_value_never_overwrites_a_newer_one_for_the_same_month():
    world = build_world()
    with _session() as session:
        indices.import_index_values(
            session,
            world.manager,
            [{"index": "CU", "period": "2026-05", "value": "9000", "published_at": "2026-06-02T08:00:00Z"}],
            now=IMPORT_AT,
        )
        late_older = indices.import_index_values(
            session,
            world.manager,
            [{"index": "CU", "period": "2026-05", "value": "9100", "published_at": "2026-06-01T08:00:00Z"}],
            now=IMPORT_AT,
        )
        newer = indices.import_index_values(
            session,
            world.manager,
            [
                {
                    "index": "cu",
                    "period": "2026-05-01",
                    "granularity": "monthly",
                    "value": "9050",
                    "published_at": "2026-06-03T08:00:00+00:00",
                }
            ],
            now=IMPORT_AT + timedelta(days=1),
        )
    assert late_older["stale"] == 1 and late_older["updated"] == 0
    assert newer["updated"] == 1
    with _session() as session:
        stored = session.exec(
            select(IndexValue.value)
            .where(IndexValue.period == date(2026, 5, 1), IndexValue.granularity == "monthly")
            .join(MarketIndex, MarketIndex.id == IndexValue.index_id)
            .where(MarketIndex.code == "CU")
        ).one()
    assert Decimal(stored) == Decimal("9050")
    # The stale row sent nothing: one message for the insert, one for the newer correction.
    assert _count(OutboxMessage, OutboxMessage.topic == INDEX_VALUES_CHANGED) == 2


def test_a_bad_csv_changes_nothing_and_names_every_bad_row():
    world = build_world()
    before = _count(IndexValue)
    csv = b"index,period,value\nCU,2026-05,9100\nNICKEL,2026-05,17000\nHRC,2026-05-07,-3\nCU,2026-13,1\n"
    with _session() as session, pytest.raises(ValidationFailed) as refused:
        indices.import_index_csv(session, world.manager, csv, now=IMPORT_AT)
    assert refused.value.code == "pricing.import_invalid"
    assert [(e["row"], e["field"], e["code"]) for e in refused.value.params["errors"]] == [
        (3, "index", "pricing.index_unknown"),
        (4, "value", "pricing.value_not_positive"),
        (5, "period", "pricing.period_invalid"),
    ]
    assert _count(IndexValue) == before
    assert _count(OutboxMessage, OutboxMessage.topic == INDEX_VALUES_CHANGED) == 0


def test_the_suggestion_is_explained_term_by_term_in_english_and_chinese():
    world = build_world(agreement={"ceiling_price": "102.50"})
    assert _reprice()["suggested"] == 1
    suggestion = _open_suggestion(world)
    assert (suggestion.formula_price, suggestion.proposed_price) == (Decimal("103.85"), Decimal("102.50"))
    text = suggestion.explanation["text"]
    assert "Copper +8.1 % × weight 0.35 = +2.8 %" in text["en"]
    assert "corridor caps at 102.50 CNY (+2.5 %)" in text["en"]
    assert "Copper +8.1 % × 权重 0.35 = +2.8 %" in text["zh"]
    assert [term["index"] for term in suggestion.explanation["terms"]] == ["CU", "HRC"]


def test_the_money_at_stake_is_the_change_times_the_quarters_volume():
    world = build_world()
    with _session() as session:
        make_stock(session, session.get(Location, world.warehouse_id), session.get(Part, world.part_id), 3000)
        session.commit()
        prices.issue_purchase_order_at_prices_in_force(
            session,
            world.manager,
            supplier_id=world.supplier_id,
            ship_to_location_id=world.warehouse_id,
            lines=[{"part_id": world.part_id, "quantity": 1200, "requested_date": "2026-06-01"}],
            now=REVIEW_AT - timedelta(days=10),
        )
    _reprice()
    suggestion = _open_suggestion(world)
    assert suggestion.money_next_quarter == Decimal("4620.00")  # (103.85 - 100.00) x 1,200
    text = suggestion.explanation["text"]["en"]
    assert "4620.00 CNY over the next quarter (1200 units)" in text
    # 3,000 on hand at 1,200 a quarter: 227 days of cover, no hurry to accept the increase.
    assert "stock covers 227 days: no urgency to accept an increase" in text


def test_a_cheaper_quote_from_a_poor_supplier_is_flagged_not_chosen(monkeypatch):
    world = build_world()
    with _session() as session:
        session.add(
            SupplierQuote(
                part_id=world.part_id,
                supplier_id=world.other_supplier_id,
                price=Decimal("99.00"),
                currency="CNY",
                valid_from=date(2026, 1, 1),
            )
        )
        session.commit()
    monkeypatch.setattr(
        suggestions.scorecards, "current_standing", lambda session, supplier_id: {"standing": Standing.POOR}
    )
    _reprice()
    suggestion = _open_suggestion(world)
    assert suggestion.proposed_price == Decimal("103.85")
    advice = suggestion.explanation["advice"]
    assert [(a["code"], a["flagged"]) for a in advice] == [("pricing.explain.quote_poor", True)]


def test_a_quote_in_another_currency_is_compared_at_the_review_days_rates(monkeypatch):
    """A rival's EUR quote is converted into the agreement's CNY (through the reporting currency at
    the review day's rates) before it is compared: 12.50 EUR at 7.80 is 97.50 CNY, under the
    proposed 103.85, so the advice names it with both prices; one in a currency without a rate is
    left out, never guessed."""
    from models import FxRate

    world = build_world()
    with _session() as session:
        session.add(FxRate(day=date(2026, 1, 2), currency="EUR", rate=Decimal("7.80"), source="test"))
        for price, currency in (("12.50", "EUR"), ("1.00", "XAU")):
            session.add(
                SupplierQuote(
                    part_id=world.part_id,
                    supplier_id=world.other_supplier_id,
                    price=Decimal(price),
                    currency=currency,
                    valid_from=date(2026, 1, 1),
                )
            )
        session.commit()
    monkeypatch.setattr(
        suggestions.scorecards, "current_standing", lambda session, supplier_id: {"standing": Standing.GOOD}
    )
    _reprice()
    advice = _open_suggestion(world).explanation["advice"]
    assert [(a["code"], a["params"]["price"]) for a in advice] == [
        ("pricing.explain.quote_cheaper", "12.50 EUR (≈ 97.50 CNY)")
    ]


def test_four_eyes_two_different_managers_must_approve():
    world = build_world()
    _reprice()
    suggestion = _open_suggestion(world)
    assert suggestion.required_approvals == 2
    with _session() as session:
        first = approvals.approve(session, world.manager, suggestion.id, now=REVIEW_AT)
    assert first["status"] == "proposed"
    with _session() as session, pytest.raises(SuggestionConflict) as twice:
        approvals.approve(session, world.manager, suggestion.id, now=REVIEW_AT)
    assert twice.value.code == "pricing.already_approved"
    with _session() as session:
        second = approvals.approve(session, world.second_manager, suggestion.id, now=REVIEW_AT)
    assert second["status"] == "applied"
    with _session() as session:
        agreement = session.get(PriceAgreement, world.agreement_id)
        assert agreement.current_price == Decimal("103.85")
        entry = session.exec(select(AuditLog).where(AuditLog.action == "pricing.price_applied")).one()
        assert (entry.before, entry.after["price"]) == ({"price": "100.00"}, "103.85")


def test_a_supplier_cannot_approve_its_own_increase_but_can_counter_it():
    world = build_world()
    _reprice()
    suggestion = _open_suggestion(world)
    with _session() as session, pytest.raises(PermissionDenied) as refused:
        approvals.approve(session, world.supplier_user, suggestion.id, now=REVIEW_AT)
    assert refused.value.code == "pricing.supplier_cannot_approve"
    with _session() as session, pytest.raises(ValidationFailed) as no_reason:
        approvals.supplier_respond(
            session, world.supplier_user, suggestion.id, accept=False, counter_price="105"
        )
    assert no_reason.value.field == "reason"
    with _session() as session:
        countered = approvals.supplier_respond(
            session,
            world.supplier_user,
            suggestion.id,
            accept=False,
            counter_price="102.00",
            reason="copper hedged",
        )
    assert (countered["status"], countered["counter_price"], countered["required_approvals"]) == (
        "countered",
        Decimal("102.00"),
        1,
    )
    with _session() as session:
        approved = approvals.approve(session, world.manager, suggestion.id, now=REVIEW_AT)
    assert (approved["status"], approved["agreed_price"]) == ("applied", Decimal("102.00"))


def test_no_one_touches_another_organisations_agreement():
    world = build_world()
    _reprice()
    suggestion = _open_suggestion(world)
    with _session() as session, pytest.raises(NotFound):
        approvals.approve(session, world.other_oem_manager, suggestion.id, now=REVIEW_AT)
    with _session() as session, pytest.raises(NotFound):
        approvals.supplier_respond(session, world.other_supplier_user, suggestion.id, accept=True)
    with _session() as session, pytest.raises(NotFound):
        agreements.get_agreement(session, world.other_supplier_user, world.agreement_id)
    with _session() as session:
        assert suggestions.list_suggestions(session, world.other_oem_manager) == []
        assert [s["id"] for s in suggestions.list_suggestions(session, world.supplier_user)] == [
            suggestion.id
        ]
    assert _open_suggestion(world).approvals == []


def test_a_change_inside_the_automatic_band_applies_on_its_effective_date():
    world = build_world(agreement={"auto_band_pct": "5", "four_eyes_pct": "5"})
    _reprice()
    with _session() as session:
        suggestion = session.exec(select(PriceSuggestion)).one()
        assert (suggestion.status, suggestion.required_approvals) == ("approved", 0)
        assert approvals.apply_due(session, today=REVIEW_DAY - timedelta(days=1)) == 0
        assert approvals.apply_due(session, today=REVIEW_DAY) == 1
        assert approvals.apply_due(session, today=REVIEW_DAY) == 0
        assert session.get(PriceAgreement, world.agreement_id).current_price == Decimal("103.85")


def test_a_purchase_order_keeps_its_price_and_a_later_one_gets_the_approved_price():
    world = build_world(agreement={"four_eyes_pct": "5"})
    warehouse_id = world.warehouse_id

    def issue(at: datetime) -> dict:
        with _session() as session:
            return prices.issue_purchase_order_at_prices_in_force(
                session,
                world.manager,
                supplier_id=world.supplier_id,
                ship_to_location_id=warehouse_id,
                lines=[{"part_id": world.part_id, "quantity": 10, "requested_date": "2026-07-01"}],
                now=at,
            )

    before = issue(REVIEW_AT - timedelta(days=1))
    _reprice()
    with _session() as session:
        approvals.approve(session, world.manager, _open_suggestion(world).id, now=REVIEW_AT)
    after = issue(REVIEW_AT + timedelta(hours=1))
    with _session() as session:
        price_of = {
            line.purchase_order_id: line.unit_price for line in session.exec(select(PurchaseOrderLine))
        }
        assert price_of[before["id"]] == Decimal("100.00")
        assert price_of[after["id"]] == Decimal("103.85")
        assert prices.price_in_force(
            session, world.part_id, world.supplier_id, REVIEW_DAY - timedelta(days=1)
        ) == (Decimal("100.00"))
        # the purchase-order page's batched look-up: the agreed price, a part's own list price from
        # its own supplier, nothing for a part this supplier does not sell
        own = make_part(session, session.get(Organisation, world.supplier_id), price="42.50")
        other = make_part(session, session.get(Organisation, world.other_supplier_id), price="9.99")
        session.commit()
        in_force = prices.prices_in_force(
            session, world.supplier_id, [world.part_id, own.id, other.id], REVIEW_DAY + timedelta(days=1)
        )
        assert in_force == {world.part_id: Decimal("103.85"), own.id: Decimal("42.50")}
    with _session() as session, pytest.raises(ValidationFailed) as off_agreement:
        prices.issue_purchase_order_at_prices_in_force(
            session,
            world.manager,
            supplier_id=world.supplier_id,
            ship_to_location_id=warehouse_id,
            lines=[
                {
                    "part_id": world.part_id,
                    "quantity": 1,
                    "unit_price": "99.00",
                    "requested_date": "2026-07-01",
                }
            ],
            now=REVIEW_AT + timedelta(hours=2),
        )
    assert (off_agreement.value.code, off_agreement.value.field) == (
        "pricing.price_not_in_force",
        "lines[0].unit_price",
    )


def test_an_agreement_that_does_not_add_up_is_refused_with_the_fields_named():
    world = build_world()
    with _session() as session:
        supplier = make_org(session, "supplier")
        session.commit()
        with pytest.raises(FieldErrors) as refused:
            agreements.create_agreement(
                session,
                world.manager,
                {
                    "part_id": world.part_id,
                    "supplier_id": supplier.id,
                    "base_price": "0",
                    "base_date": "2026-01-15",
                    "fixed_share": "0.5",
                    "terms": [{"index": "CU", "weight": "0.3"}, {"index": "AL", "weight": "-0.2"}],
                    "floor_price": "120",
                    "ceiling_price": "110",
                },
            )
    fields = {error.field: error.code for error in refused.value.errors}
    assert fields == {
        "base_price": "price.not_positive",
        "terms[1].index": "pricing.index_unknown",
        "terms[1].weight": "pricing.weight_negative",
        "ceiling_price": "pricing.corridor_inverted",
    }
    assert _count(PriceAgreement) == 1


def test_an_agreement_whose_window_lacks_a_month_is_skipped_with_the_month_named():
    build_world(copper={date(2025, 10, 1): "8000", date(2025, 11, 1): "8200", date(2025, 12, 1): "8400"})
    assert _reprice()["skipped"][0] | {"agreement_id": 0} == {
        "agreement_id": 0,
        "code": "pricing.index_value_missing",
        "index": "CU",
        "month": "2026-02",
    }
    assert _count(PriceSuggestion) == 0


def test_the_agreement_page_lists_every_approved_suppliers_quote_with_its_standing(monkeypatch):
    """Sourcing on the agreement's page: each valid quote with the supplier's standing, cheapest
    first in the agreement's currency (a EUR quote at the day's rate), the cheapest flagged when its
    supplier stands Poor; the supplier itself never sees its rivals' quotes."""
    from models import FxRate
    from services.pricing import history

    world = build_world()
    with _session() as session:
        session.add(FxRate(day=date(2026, 1, 2), currency="EUR", rate=Decimal("7.80"), source="test"))
        for supplier_id, price, currency in (
            (world.supplier_id, "100.00", "CNY"),
            (world.other_supplier_id, "12.50", "EUR"),
        ):
            session.add(
                SupplierQuote(
                    part_id=world.part_id,
                    supplier_id=supplier_id,
                    price=Decimal(price),
                    currency=currency,
                    lead_time_days=21,
                    min_quantity=50,
                    valid_from=date(2026, 1, 1),
                )
            )
        session.commit()
    standings = {world.supplier_id: Standing.GOOD, world.other_supplier_id: Standing.POOR}
    monkeypatch.setattr(
        history.scorecards,
        "current_standing",
        lambda session, supplier_id: {"standing": standings[supplier_id]},
    )
    with _session() as session:
        rows = history.agreement_history(session, world.manager, world.agreement_id, today=REVIEW_DAY)[
            "sourcing"
        ]
        seen_by_supplier = history.agreement_history(
            session, world.supplier_user, world.agreement_id, today=REVIEW_DAY
        )["sourcing"]
    assert [
        (row["supplier_id"], row["price_in_agreement_currency"], row["standing"], row["flagged"], row["ours"])
        for row in rows
    ] == [
        (world.other_supplier_id, Decimal("97.50"), Standing.POOR, True, False),
        (world.supplier_id, Decimal("100.00"), Standing.GOOD, False, True),
    ]
    assert seen_by_supplier == []
