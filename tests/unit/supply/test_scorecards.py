"""Scorecards: the formulas on a month worked out by hand, weights and bands, explanations,
dashboards, ranking and scoping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models import OutboxMessage, SupplierScorecard
from services.i18n import translate
from services.platform.errors import FieldErrors, NotFound, PermissionDenied, ValidationFailed
from services.supply import purchasing, scorecards
from state.supply.scorecards.views import criterion_cards
from tests.factories import make_part
from tests.supply_world import (
    NOW,
    TODAY,
    acknowledge_all,
    hand_checked_month,
    issue,
    receive,
    ship,
)

AS_OF = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)


def _english(key: str, **params) -> str:
    return translate(key, "en", **params)


@pytest.fixture
def parts_per_supplier() -> int:
    return 4


def _card(session, supplier_id, period="2026-03", kind="month") -> SupplierScorecard:
    return session.exec(
        select(SupplierScorecard)
        .where(
            SupplierScorecard.supplier_id == supplier_id,
            SupplierScorecard.period_kind == kind,
            SupplierScorecard.period == period,
        )
        .execution_options(populate_existing=True)
    ).one()


def _recompute(session, **kwargs):
    return scorecards.recompute_scorecards(session, "2026-01", "2026-04", as_of=AS_OF, **kwargs)


def test_the_hand_checked_month_scores_as_worked_out(session, world):
    hand_checked_month(session, world)
    _recompute(session)
    card = _card(session, world.first.organisation.id)
    # On time: lines 1-3 complete on 9 March, line 4 on 12 March, all promised for 10 March: 3 of 4.
    assert (card.lines_due, card.lines_on_time, card.on_time_pct, card.score_on_time) == (
        4,
        3,
        Decimal("75.00"),
        Decimal("75.0"),
    )
    # Fill rate: 399 + 299 + 200 + 100 = 998 accepted of 1,000 ordered.
    assert (card.quantity_ordered, card.quantity_accepted, card.fill_rate_pct, card.score_fill_rate) == (
        1000,
        998,
        Decimal("99.80"),
        Decimal("99.8"),
    )
    # Quality: 2 rejected of 1,000 received = 2,000 ppm; 100 - 2,000 * 100 / 5,000 = 60.
    assert (card.quantity_received, card.quantity_rejected, card.rejected_ppm, card.score_quality) == (
        1000,
        2,
        Decimal("2000.0"),
        Decimal("60.0"),
    )
    # Response: (1.5 h + 6.5 h) / 2 = 4 h; 100 * (48 - 4) / (48 - 0.5) = 92.63.
    assert (card.incidents_opened, card.response_hours, card.score_response) == (
        2,
        Decimal("4.00"),
        Decimal("92.6"),
    )
    # Cost: 1,000 units at 10.50 against a list price of 10.00 = 1.05; 100 * (1.15 - 1.05) / 0.20 = 50.
    assert (card.spend, card.list_value, card.cost_index, card.score_cost) == (
        Decimal("10500.00"),
        Decimal("10000.00"),
        Decimal("1.0500"),
        Decimal("50.0"),
    )
    # Total: (75 * 30 + 99.8 * 20 + 60 * 25 + 92.6 * 10 + 50 * 15) / 100 = 74.22.
    assert (card.score, card.standing) == (Decimal("74.2"), "good")
    rolling = _card(session, world.first.organisation.id, "2026-04", "rolling12")
    assert (rolling.score, rolling.lines_due) == (Decimal("74.2"), 4)


def test_recomputing_is_idempotent_and_scoped_to_the_suppliers_asked(session, world):
    hand_checked_month(session, world)
    issue(session, world, [10], side=world.second, now=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    first = _recompute(session)
    again = _recompute(session)
    # Each supplier: March, and the rolling twelve months ending March and April.
    assert first["rows"] == again["rows"] == 6
    second_card = _card(session, world.second.organisation.id)
    later = AS_OF + timedelta(hours=1)
    scorecards.recompute_scorecards(session, "2026-01", "2026-04", [world.first.organisation.id], as_of=later)
    assert _card(session, world.first.organisation.id).computed_at == later
    assert _card(session, world.second.organisation.id).computed_at == second_card.computed_at


def test_a_criterion_without_data_drops_out_of_the_total(session, world):
    # An order issued in March, due in April and not delivered by 10 April: only cost can be judged.
    purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=world.second.organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=[
            {
                "part_id": world.second.parts[0].id,
                "quantity": 10,
                "unit_price": "10.00",
                "requested_date": "2026-04-30",
            }
        ],
        now=datetime(2026, 3, 20, tzinfo=UTC),
    )
    _recompute(session)
    card = _card(session, world.second.organisation.id)
    assert (card.score_on_time, card.score_fill_rate, card.score_quality, card.score_response) == (
        None,
        None,
        None,
        None,
    )
    assert card.cost_index == Decimal("1.0000") and card.score_cost == Decimal("75.0")
    assert (card.score, card.standing) == (Decimal("75.0"), "good")


def test_an_unanswered_incident_counts_the_hours_it_has_waited(session, world):
    order = acknowledge_all(session, world, issue(session, world, [10]))
    receive(session, world, ship(session, world, order, [10]), [9], [1], received_at=NOW)
    scorecards.recompute_scorecards(session, "2026-03", "2026-03", as_of=NOW + timedelta(hours=24))
    assert _card(session, world.first.organisation.id).response_hours == Decimal("24.00")


def test_weights_must_be_whole_and_add_up_to_100(session, world):
    hand_checked_month(session, world)
    for weights, field, code in (
        (
            {"on_time": 50, "fill_rate": 20, "quality": 25, "response": 10, "cost": 15},
            "weights",
            "scorecard.weights_sum",
        ),
        (
            {"on_time": 30, "fill_rate": 20, "quality": 25, "response": 25},
            "weights",
            "scorecard.weights_criteria",
        ),
        (
            {"on_time": "29.5", "fill_rate": "20.5", "quality": 25, "response": 10, "cost": 15},
            "weights.on_time",
            "scorecard.weight_not_whole",
        ),
        (
            {"on_time": -10, "fill_rate": 40, "quality": 40, "response": 15, "cost": 15},
            "weights.on_time",
            "scorecard.weight_range",
        ),
        (
            {"on_time": "abc", "fill_rate": 40, "quality": 40, "response": 10, "cost": 10},
            "weights.on_time",
            "scorecard.weight_not_a_number",
        ),
    ):
        with pytest.raises(ValidationFailed) as raised:
            scorecards.update_scorecard_settings(session, world.manager, weights=weights)
        assert (raised.value.field, raised.value.code) == (field, code)
    assert scorecards.get_scorecard_settings(session)["weights"]["on_time"] == 30
    with pytest.raises(PermissionDenied):
        scorecards.update_scorecard_settings(session, world.first.principal, weights=None)

    settings = scorecards.update_scorecard_settings(
        session,
        world.manager,
        weights={"on_time": 50, "fill_rate": 0, "quality": 50, "response": 0, "cost": 0},
    )
    assert settings["weights"]["quality"] == 50
    stale = select(OutboxMessage).where(OutboxMessage.topic == scorecards.SCORECARD_STALE)
    assert session.exec(stale).first() is not None
    _recompute(session)
    # (75 * 50 + 60 * 50) / 100 = 67.5: below Good (70), so Watch.
    card = _card(session, world.first.organisation.id)
    assert (card.score, card.standing) == (Decimal("67.5"), "watch")


def test_every_bad_weight_is_named_at_once_in_words_about_a_weight(session, world):
    with pytest.raises(FieldErrors) as raised:
        scorecards.update_scorecard_settings(
            session,
            world.manager,
            weights={"on_time": "abc", "fill_rate": -5, "quality": "7.5", "response": 10, "cost": 10},
        )
    assert [(error.field, error.code) for error in raised.value.errors] == [
        ("weights.on_time", "scorecard.weight_not_a_number"),
        ("weights.fill_rate", "scorecard.weight_range"),
        ("weights.quality", "scorecard.weight_not_whole"),
    ]
    for error in raised.value.errors:
        for language in ("en", "zh"):
            text = translate(error.code, language, **error.params)
            assert "{" not in text
        english = translate(error.code, "en", **error.params).lower()
        assert "weight" in english and "quantity" not in english


def test_standing_bands_are_configurable(session, world):
    settings = scorecards.get_scorecard_settings(session)
    for score, standing in (
        (85, "excellent"),
        (Decimal("84.9"), "good"),
        (70, "good"),
        (Decimal("69.9"), "watch"),
        (50, "watch"),
        (Decimal("49.9"), "poor"),
        (None, None),
    ):
        assert scorecards.standing_for(score, settings) == standing
    with pytest.raises(ValidationFailed) as raised:
        scorecards.update_scorecard_settings(
            session, world.manager, bands={"excellent": 80, "good": 90, "watch": 50}
        )
    assert raised.value.field == "bands.good"
    hand_checked_month(session, world)
    scorecards.update_scorecard_settings(
        session, world.manager, bands={"excellent": 74, "good": 60, "watch": 40}
    )
    _recompute(session)
    assert _card(session, world.first.organisation.id).standing == "excellent"  # 74.2 >= 74


def test_a_supplier_that_turns_poor_gets_orders_with_a_warning(session, world):
    hand_checked_month(session, world)
    scorecards.update_scorecard_settings(
        session, world.manager, bands={"excellent": 95, "good": 90, "watch": 80}
    )
    _recompute(session)
    order = issue(session, world, [10], now=AS_OF, requested=AS_OF.date() + timedelta(days=5))
    assert [warning["code"] for warning in order["warnings"]] == ["purchase.supplier_poor"]


def test_explanations_list_what_moved_each_criterion(session, world):
    made = hand_checked_month(session, world)
    _recompute(session)
    supplier_id = world.first.organisation.id
    on_time = scorecards.explain_criterion(session, world.manager, supplier_id, "2026-03", "on_time")
    assert on_time["score"] == Decimal("75.0") and on_time["weight"] == 30
    assert on_time["figures"] == {"lines_due": 4, "lines_on_time": 3, "on_time_pct": Decimal("75.00")}
    late = on_time["items"][0]
    assert (late["line_no"], late["on_time"], late["days_late"]) == (4, False, 2)
    assert [item["on_time"] for item in on_time["items"]] == [False, True, True, True]

    quality = scorecards.explain_criterion(session, world.first.principal, supplier_id, "2026-03", "quality")
    assert quality["items_total"] == 2
    assert {item["incident_id"] for item in quality["items"]} == set(made["incidents"])
    assert {item["reject_reason"] for item in quality["items"]} == {"burr on flange", "wrong label"}

    response = scorecards.explain_criterion(session, world.manager, supplier_id, "2026-03", "response")
    assert [item["response_hours"] for item in response["items"]] == [Decimal("6.50"), Decimal("1.50")]

    cost = scorecards.explain_criterion(session, world.manager, supplier_id, "2026-03", "cost")
    assert [item["excess"] for item in cost["items"]] == [
        Decimal("200.00"),
        Decimal("150.00"),
        Decimal("100.00"),
        Decimal("50.00"),
    ]
    assert cost["items"][0]["price_index"] == Decimal("1.0500")

    rolling = scorecards.explain_criterion(
        session, world.manager, supplier_id, "2026-04", "fill_rate", period_kind="rolling12"
    )
    assert rolling["items_total"] == 4 and rolling["figures"]["fill_rate_pct"] == Decimal("99.80")
    with pytest.raises(ValidationFailed):
        scorecards.explain_criterion(session, world.manager, supplier_id, "2026-03", "speed")
    with pytest.raises(ValidationFailed):
        scorecards.explain_criterion(session, world.manager, supplier_id, "March", "cost")


def test_the_supplier_dashboard_counts_what_waits_for_the_supplier(session, world):
    issue(session, world, [10])  # awaiting an answer
    due_soon = acknowledge_all(
        session, world, issue(session, world, [20]), promised=TODAY + timedelta(days=5)
    )
    late = acknowledge_all(session, world, issue(session, world, [30]), promised=TODAY)
    receive(session, world, ship(session, world, late, [30]), [10], [2])  # 18 still to come, one incident
    board = scorecards.supplier_dashboard(session, world.first.principal, today=TODAY + timedelta(days=2))
    assert board["open_orders"] == 3 and board["awaiting_answer"] == 1
    assert board["orders_by_status"] == {
        "issued": 1,
        "acknowledged": 1,
        "partly_shipped": 0,
        "shipped": 0,
        "partly_received": 1,
    }
    # The unanswered line is due in 14 days, the acknowledged one in 3; the partly received one
    # was due 2 days ago.
    assert board["due_this_week"] == 1 and board["due_lines"][0]["purchase_order_id"] == due_soon["id"]
    assert board["late"] == 1 and board["late_lines"][0]["days_late"] == 2
    assert board["late_lines"][0]["open_quantity"] == 18
    assert board["incidents_awaiting"] == 1
    assert board["score"] is None and board["standing"] is None and board["computed_at"] is None
    other = scorecards.supplier_dashboard(session, world.second.principal, today=TODAY)
    assert (other["open_orders"], other["late"], other["incidents_awaiting"]) == (0, 0, 0)


def test_the_dashboard_shows_the_current_score_and_a_12_month_trend(session, world):
    hand_checked_month(session, world)
    _recompute(session)
    board = scorecards.supplier_dashboard(session, world.first.principal, today=AS_OF.date())
    assert (board["score"], board["standing"], board["period"]) == (Decimal("74.2"), "good", "2026-04")
    assert board["trend_months"][0] == "2025-05" and board["trend_months"][-1] == "2026-04"
    assert [row["period"] for row in board["trend"]] == ["2026-03"]
    assert board["computed_at"] == AS_OF
    manager_view = scorecards.supplier_dashboard(
        session, world.manager, world.first.organisation.id, today=AS_OF.date()
    )
    assert manager_view["score"] == board["score"]
    with pytest.raises(ValidationFailed):
        scorecards.supplier_dashboard(session, world.manager)


def test_a_second_supplier_cannot_see_the_firsts_score(session, world):
    hand_checked_month(session, world)
    _recompute(session)
    first_id, other = world.first.organisation.id, world.second.principal
    for read in (
        lambda: scorecards.supplier_scorecard(session, other, first_id),
        lambda: scorecards.explain_criterion(session, other, first_id, "2026-03", "on_time"),
        lambda: scorecards.supplier_dashboard(session, other, first_id),
        lambda: purchasing.supplier_standing(session, other, first_id),
    ):
        with pytest.raises(NotFound):
            read()
    with pytest.raises(PermissionDenied):
        scorecards.manager_ranking(session, other)
    assert scorecards.supplier_scorecard(session, other, world.second.organisation.id)["current"] is None


def test_managers_see_suppliers_ranked_with_filters_and_the_scatter(session, world):
    hand_checked_month(session, world)
    # The second supplier: one order, delivered on time and complete, at list price.
    order = acknowledge_all(
        session, world, issue(session, world, [10], side=world.second, price="10.00"), side=world.second
    )
    receive(
        session,
        world,
        ship(session, world, order, [10], side=world.second),
        [10],
        received_at=NOW + timedelta(days=3),
    )
    world.second.parts[0].category = "Wiring harnesses"
    session.add(world.second.parts[0])
    session.commit()
    _recompute(session)
    ranking = scorecards.manager_ranking(session, world.manager)
    assert ranking["period"] == "2026-04" and ranking["total"] == 2
    assert [row["supplier_id"] for row in ranking["rows"]] == [
        world.second.organisation.id,
        world.first.organisation.id,
    ]
    assert [row["rank"] for row in ranking["rows"]] == [1, 2]
    assert ranking["rows"][0]["standing"] == "excellent"
    pairs = {
        point["supplier_id"]: (point["on_time_pct"], point["rejected_ppm"]) for point in ranking["scatter"]
    }
    assert pairs[world.first.organisation.id] == (Decimal("75.00"), Decimal("2000.0"))
    good = scorecards.manager_ranking(session, world.manager, standing="good")
    assert [row["supplier_id"] for row in good["rows"]] == [world.first.organisation.id]
    wiring = scorecards.manager_ranking(session, world.manager, category="Wiring harnesses")
    assert [row["supplier_id"] for row in wiring["rows"]] == [world.second.organisation.id]
    with pytest.raises(ValidationFailed):
        scorecards.manager_ranking(session, world.manager, standing="superb")


# --- the weights rule, the current month, the live reload ----------------------------------------


def test_the_settings_form_asks_the_services_weights_rule():
    assert scorecards.weights_add_up(
        {"on_time": "30", "fill_rate": "20", "quality": "25", "response": "10", "cost": "15"}
    )
    assert not scorecards.weights_add_up(
        {"on_time": "31", "fill_rate": "20", "quality": "25", "response": "10", "cost": "15"}
    )
    assert not scorecards.weights_add_up(
        {"on_time": "abc", "fill_rate": "20", "quality": "25", "response": "10", "cost": "45"}
    )
    # What the form shows while a weight is still wrong: the sum of the valid ones.
    assert (
        scorecards.weights_sum(
            {"on_time": "abc", "fill_rate": "20", "quality": " 25 ", "response": "10", "cost": "15"}
        )
        == 70
    )


def test_a_weight_that_is_not_a_number_is_refused_in_words_about_a_weight(session, world):
    from services.i18n import translate

    weights = {"on_time": "abc", "fill_rate": 40, "quality": 40, "response": 10, "cost": 10}
    with pytest.raises(ValidationFailed) as raised:
        scorecards.update_scorecard_settings(session, world.manager, weights=weights)
    message = translate(raised.value.code, "en", **raised.value.params)
    assert raised.value.field == "weights.on_time"
    assert "weight" in message and "quantity" not in message and '"abc"' in message


def test_a_late_evening_utc_receipt_counts_for_the_next_month_of_a_utc8_warehouse(session, world):
    assert world.warehouse.time_zone == "Asia/Shanghai"
    order = acknowledge_all(session, world, issue(session, world, [10]))
    # 23:30 UTC on 31 March is 07:30 on 1 April in Shanghai: the receipt is April's.
    late_evening = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    receipt = receive(session, world, ship(session, world, order, [10]), [8], [2], received_at=late_evening)
    assert receipt["received_on"].isoformat() == "2026-04-01"

    result = scorecards.recompute_scorecards(session, as_of=late_evening)

    assert result["period_to"] == "2026-04"
    april = _card(session, world.first.organisation.id, period="2026-04")
    assert (april.quantity_received, april.quantity_rejected) == (10, 2)
    card = scorecards.supplier_scorecard(session, world.first.principal, world.first.organisation.id)
    assert card["current"]["period"] == "2026-04"


def test_a_recompute_leaves_a_scorecards_changed_notice_for_the_open_pages(session, world):
    _recompute(session, supplier_ids=[world.first.organisation.id])
    notices = session.exec(
        select(OutboxMessage).where(OutboxMessage.topic == scorecards.SCORECARDS_CHANGED)
    ).all()
    assert [notice.payload["supplier_ids"] for notice in notices] == [[world.first.organisation.id]]
    assert notices[0].payload["topic"] == scorecards.SCORECARDS_CHANGED


def test_the_cost_criterion_sums_one_currency_and_the_card_shows_it(session, world):
    hand_checked_month(session, world)
    # A part the first supplier also prices in euros, ordered in March in euros at twice its list
    # price: a sum in another currency, left out of the CNY spend rather than added to it.
    euro_part = make_part(session, world.first.organisation, price="10.00", currency="EUR")
    session.commit()
    purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=world.first.organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=[
            {"part_id": euro_part.id, "quantity": 100, "unit_price": "20.00", "requested_date": "2026-04-30"}
        ],
        currency="EUR",
        now=datetime(2026, 3, 20, tzinfo=UTC),
    )
    _recompute(session)
    card = _card(session, world.first.organisation.id)
    assert (card.spend, card.list_value, card.cost_index) == (
        Decimal("10500.00"),
        Decimal("10000.00"),
        Decimal("1.0500"),
    )
    shown = scorecards.supplier_scorecard(
        session, world.manager, world.first.organisation.id, period="2026-03"
    )
    assert shown["currency"] == shown["current"]["currency"] == "CNY"
    cost = next(
        c
        for c in criterion_cards(shown["trend"][-1], shown["weights"], _english, "en")
        if c["name"] == "cost"
    )
    assert cost["figures"] == "paid CN¥10,500.00 against list value CN¥10,000.00 (index 1.05)"
    explained = scorecards.explain_criterion(
        session, world.manager, world.first.organisation.id, "2026-03", "cost"
    )
    assert {item["currency"] for item in explained["items"]} == {"CNY"}
    assert explained["figures"]["currency"] == "CNY"
