"""The managers' funnel per dealer store: one grouped query that gives the same figures as the
per-store funnel, local days in each store's own zone, every store listed, rates without a base."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.identity.access import PermissionDenied
from services.showroom import funnel
from tests.funnel_world import TODAY, make_network

FIGURES = ("views", "bookings", "show_ups", "orders")


def _figures(row) -> tuple[int, ...]:
    return tuple(getattr(row, name) for name in FIGURES)


def test_the_last_weeks_are_whole_local_weeks_ending_this_sunday():
    assert funnel.period_of(4, TODAY) == (date(2026, 2, 23), date(2026, 3, 22))
    assert funnel.period_of(1, date(2026, 3, 16)) == (date(2026, 3, 16), date(2026, 3, 22))


@pytest.mark.parametrize(
    ("weeks", "other_trim"), [(None, False), (4, False), (12, False), (4, True), (1, False)]
)
def test_per_dealer_figures_match_the_per_store_funnel_on_the_same_data(sqlite_url, weeks, other_trim):
    with Session(get_engine()) as session:
        network = make_network(session)
        start, end = funnel.period_of(weeks, TODAY) if weeks else (None, None)
        trim_id = network.other_trim_id if other_trim else None
        dealers = funnel.dealer_funnel(session, network.manager, trim_id=trim_id, start=start, end=end)
        per_store = funnel.dealer_totals(
            funnel.funnel_rows(session, network.manager, trim_id=trim_id, start=start, end=end)
        )
    expected = {row.location_id: _figures(row) for row in per_store}
    assert expected, "the network has activity in every period tested"
    by_store = {row.location_id: _figures(row) for row in dealers}
    # Every store is listed; those without activity in the period with zeros.
    assert set(by_store) == {network.munich.store_id, network.shanghai_id, network.quiet_id}
    assert by_store == {store: expected.get(store, (0, 0, 0, 0)) for store in by_store}


def test_known_figures_and_rates_for_the_last_four_weeks(sqlite_url):
    with Session(get_engine()) as session:
        network = make_network(session)
        start, end = funnel.period_of(4, TODAY)
        dealers = {
            row.location_id: row
            for row in funnel.dealer_funnel(session, network.manager, start=start, end=end)
        }
    munich, shanghai, quiet = (
        dealers[i] for i in (network.munich.store_id, network.shanghai_id, network.quiet_id)
    )
    # Munich: 21 views (20 + 1 of the other trim), 4 bookings (the January drive is outside), 2 showed
    # up, 1 order; the store and dealer names come along.
    assert _figures(munich) == (21, 4, 2, 1)
    assert (munich.store_name, munich.dealer_name) == ("Test Store München", "Autohaus Test")
    assert munich.booking_rate == round(4 / 21, 4) and munich.show_up_rate == 0.5 and munich.order_rate == 0.5
    # Shanghai: its Monday 02-23 (Sunday in UTC) is in, its Monday 03-23 (Sunday in UTC) is not.
    assert _figures(shanghai) == (3, 1, 1, 1)
    # The quiet store: zeros, and no rate at all where the base is zero (not 0, not an error).
    assert _figures(quiet) == (0, 0, 0, 0)
    assert (quiet.booking_rate, quiet.show_up_rate, quiet.order_rate) == (None, None, None)
    total = funnel.network_total(list(dealers.values()))
    assert _figures(total) == (24, 5, 3, 2) and total.show_up_rate == 0.6


def test_a_dealer_sees_only_its_own_stores_and_a_customer_is_refused(sqlite_url):
    with Session(get_engine()) as session:
        network = make_network(session)
        mine = funnel.dealer_funnel(session, network.munich.dealer)
        assert [row.location_id for row in mine] == [network.munich.store_id]
        with pytest.raises(PermissionDenied):
            funnel.dealer_funnel(session, dataclasses.replace(network.manager, role="customer"))


def test_rates_without_a_base_are_shown_as_a_dash_and_sort_last(sqlite_url):
    from state.showroom.manager_funnel import display_row, sort_dealers  # noqa: PLC0415

    with Session(get_engine()) as session:
        network = make_network(session)
        start, end = funnel.period_of(4, TODAY)
        dealers = [d.as_dict() for d in funnel.dealer_funnel(session, network.manager, start=start, end=end)]
    quiet = next(d for d in dealers if d["location_id"] == network.quiet_id)
    shown = display_row(quiet, "zh", str, selected=False)
    assert (shown["booking_rate"], shown["show_up_rate"], shown["order_rate"]) == ("—", "—", "—")
    munich = display_row(dealers[0] if dealers[0]["views"] == 21 else dealers[1], "en", str, selected=True)
    assert (munich["booking_rate"], munich["show_up_rate"], munich["selected"]) == ("19.0%", "50.0%", True)
    for descending in (True, False):
        ordered = sort_dealers(dealers, "show_up_rate", descending)
        assert ordered[-1]["location_id"] == network.quiet_id  # no rate: last either way
    by_views = [d["views"] for d in sort_dealers(dealers, "views", True)]
    assert by_views == sorted(by_views, reverse=True)
    assert [d["dealer_name"] for d in sort_dealers(dealers, "dealer_name", False)] == [
        "Autohaus Test",
        "Quiet Cars",
        "Shanghai Motors",
    ]
