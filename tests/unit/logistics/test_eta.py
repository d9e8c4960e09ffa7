"""The ETA: lanes with history give their median and 10th-90th percentile; a lane without has
its plan; a promise after the range's end is not at risk, one before it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.logistics.eta import LaneStats, LegPlan, estimate, lane_stats

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_lane_statistics_are_the_median_and_the_deciles():
    stats = lane_stats([10, 11, 12, 13, 14, 15, 16, 17, 18, 100])
    assert stats.median == 14.5 and stats.observations == 10
    assert 10 <= stats.low < 12 and 18 <= stats.high <= 100
    assert lane_stats([10, 11]) is None  # too few to learn from


def test_a_leg_under_way_counts_from_its_departure_and_the_next_from_the_plan():
    legs = [LegPlan("A>B", 24, NOW - timedelta(hours=10), None), LegPlan("B>C", 48, None, None)]
    result = estimate(
        legs,
        {"A>B": LaneStats(20, 16, 30, 50), "B>C": None},
        now=NOW,
        start=NOW - timedelta(days=1),
        promised_at=NOW + timedelta(days=10),
        delivered_at=None,
    )
    assert result.eta == NOW + timedelta(hours=10 + 48)
    assert result.earliest == NOW + timedelta(hours=6 + 48 * 0.9)
    assert result.latest == NOW + timedelta(hours=20 + 48 * 1.5)
    assert not result.promise_at_risk


def test_a_promise_inside_the_range_is_at_risk_and_a_late_leg_ends_no_earlier_than_now():
    legs = [LegPlan("A>B", 24, NOW - timedelta(hours=40), None)]
    result = estimate(
        legs,
        {"A>B": LaneStats(20, 16, 30, 50)},
        now=NOW,
        start=NOW - timedelta(days=2),
        promised_at=NOW + timedelta(hours=1),
        delivered_at=None,
    )
    assert result.eta == NOW and result.latest == NOW  # overdue: "any moment now", never in the past
    late = estimate(
        [LegPlan("A>B", 24, NOW, None)],
        {"A>B": LaneStats(20, 16, 30, 50)},
        now=NOW,
        start=NOW,
        promised_at=NOW + timedelta(hours=25),
        delivered_at=None,
    )
    assert late.promise_at_risk  # 30 h at worst, 25 promised


def test_a_delivered_shipment_has_its_delivery_time_and_is_late_only_after_the_promise():
    delivered = NOW - timedelta(hours=2)
    on_time = estimate([], {}, now=NOW, start=NOW, promised_at=NOW, delivered_at=delivered)
    assert on_time.eta == delivered and not on_time.promise_at_risk
    late = estimate(
        [], {}, now=NOW, start=NOW, promised_at=delivered - timedelta(hours=1), delivered_at=delivered
    )
    assert late.promise_at_risk
